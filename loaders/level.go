package loaders

import (
	"context"

	"github.com/vikstrous/dataloadgen"
	"golang.org/x/sync/errgroup"

	"rootsgraph/store"
)

// Level gathers the lookups that one level of a query needs, so that Run can send them as one
// command per collection, side by side, and prime the loaders with the answers. Keys the loaders
// hold already are not asked for again.
type Level struct {
	l    *Loaders
	ids  map[store.Collection]map[string]bool
	refs map[store.Ref]map[string]bool
}

// Level starts gathering the lookups of one level of a query.
func (l *Loaders) Level() *Level {
	return &Level{l: l, ids: map[store.Collection]map[string]bool{}, refs: map[store.Ref]map[string]bool{}}
}

// ByID asks for the documents of collection c with the given ids.
func (v *Level) ByID(c store.Collection, ids ...string) {
	v.l.known.mu.Lock()
	defer v.l.known.mu.Unlock()
	for _, id := range ids {
		if v.l.known.ids[id] {
			continue
		}
		if v.ids[c] == nil {
			v.ids[c] = map[string]bool{}
		}
		v.ids[c][id] = true
	}
}

// ByRef asks for the documents whose ref field points at one of ids.
func (v *Level) ByRef(ref store.Ref, ids ...string) {
	v.l.known.mu.Lock()
	defer v.l.known.mu.Unlock()
	for _, id := range ids {
		if v.l.known.refs[refKey{ref, id}] {
			continue
		}
		if v.refs[ref] == nil {
			v.refs[ref] = map[string]bool{}
		}
		v.refs[ref][id] = true
	}
}

// Empty reports whether the level asks for nothing.
func (v *Level) Empty() bool { return len(v.ids) == 0 && len(v.refs) == 0 }

// Run sends the level's lookups, one command per collection, and primes the loaders: by-id
// loaders with every document read (and with a miss for each id that names nothing), reference
// loaders with each key's documents.
func (v *Level) Run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	l := v.l
	g.Go(func() error {
		return runCollection(ctx, v, store.AllianceCollection, l.store.ReadAlliances, l.Alliances, l.alliancesBy)
	})
	g.Go(func() error {
		return runCollection(ctx, v, store.OrganizationCollection, l.store.FindOrganizations, l.Organizations, l.organizationsBy)
	})
	g.Go(func() error { return runCollection(ctx, v, store.StateCollection, l.store.ReadStates, l.States, nil) })
	g.Go(func() error {
		return runCollection(ctx, v, store.EventCollection, l.store.FindEvents, l.Events, l.eventsBy)
	})
	g.Go(func() error { return runCollection(ctx, v, store.HubCollection, l.store.FindHubs, l.Hubs, l.hubsBy) })
	return g.Wait()
}

func runCollection[T any](
	ctx context.Context, v *Level, c store.Collection,
	find func(context.Context, ...store.Match) ([]*T, error),
	byID ByID[T],
	refLoaders map[store.Ref]*dataloadgen.Loader[string, []*T],
) error {
	var matches []store.Match
	ids := keys(v.ids[c])
	n := len(ids)
	if len(ids) > 0 {
		matches = append(matches, store.ByID(ids...))
	}
	var refs []store.Ref
	for ref, set := range v.refs {
		if ref.Collection() == c && len(set) > 0 {
			refs = append(refs, ref)
			matches = append(matches, ref.On(keys(set)...))
			n += len(set)
		}
	}
	if len(matches) == 0 {
		return nil
	}
	ctx, done := v.l.observe.observe(ctx, Batch{Collection: c, Loader: "level", Keys: n})
	docs, err := find(ctx, matches...)
	done(err)
	if err != nil {
		return err
	}
	for _, d := range docs {
		byID.Prime(idOf(d), d)
	}
	for _, id := range ids {
		byID.Prime(id, nil) // does nothing where a document was primed just above
	}
	for _, ref := range refs {
		refIDs := keys(v.refs[ref])
		for id, list := range groupByRef(docs, ref, refIDs) {
			refLoaders[ref].Prime(id, list)
		}
		v.l.known.addRefs(ref, refIDs...)
	}
	return nil
}

func keys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	return out
}
