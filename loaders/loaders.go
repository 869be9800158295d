// Package loaders batches the store lookups of one GraphQL request with dataloadgen, and caches
// them for the rest of the request: every key asked for at one level of a query goes to the
// database in one command per collection. Loaders live for one request, so their cache never
// serves another request's data.
//
// Two ways fill a loader. A resolver that asks for a key joins the loader's current batch, which
// dataloadgen sends after a short wait. And a Level, which the GraphQL layer fills from the query
// itself before the resolvers run, asks for a whole level of the query in one command per
// collection and primes the loaders with the answers, so that the resolvers find everything
// cached. The first is how any loader works; the second makes the command count of a query exact,
// whatever the timing of the goroutines that resolve it.
package loaders

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"rootsgraph/model"
	"rootsgraph/store"
)

// DefaultWait is how long a loader waits for more keys before it sends a batch. gqlgen starts the
// resolvers of one list's items side by side within microseconds, so a short wait gathers most
// of a level; dataloadgen's own default of 16 ms would add 16 ms to every level of a deep query.
const DefaultWait = 500 * time.Microsecond

// Loaders holds one request's loaders.
type Loaders struct {
	Alliances     ByID[model.Alliance]
	Organizations ByID[model.Organization]
	States        ByID[model.State]
	Events        ByID[model.Event]
	Hubs          ByID[model.Hub]

	organizationsBy map[store.Ref]*dataloadgen.Loader[string, []*model.Organization]
	alliancesBy     map[store.Ref]*dataloadgen.Loader[string, []*model.Alliance]
	hubsBy          map[store.Ref]*dataloadgen.Loader[string, []*model.Hub]
	eventsBy        map[store.Ref]*dataloadgen.Loader[string, []*model.Event]

	store   *store.Store
	known   *known
	observe Observer
}

// known records which keys the loaders hold already, so that a Level asks only for the rest.
type known struct {
	mu   sync.Mutex
	ids  map[string]bool
	refs map[refKey]bool
}

type refKey struct {
	ref store.Ref
	id  string
}

func (k *known) addIDs(ids ...string) {
	k.mu.Lock()
	for _, id := range ids {
		k.ids[id] = true
	}
	k.mu.Unlock()
}

func (k *known) addRefs(ref store.Ref, ids ...string) {
	k.mu.Lock()
	for _, id := range ids {
		k.refs[refKey{ref, id}] = true
	}
	k.mu.Unlock()
}

// New returns fresh loaders over s that wait up to wait for a batch to fill, and show each batch
// they send to observe (which may be nil).
func New(s *store.Store, wait time.Duration, observe Observer) *Loaders {
	opts := []dataloadgen.Option{dataloadgen.WithWait(wait)}
	k := &known{ids: map[string]bool{}, refs: map[refKey]bool{}}
	l := &Loaders{
		Alliances:     newByID(store.AllianceCollection, s.ReadAlliances, k, observe, opts),
		Organizations: newByID(store.OrganizationCollection, s.FindOrganizations, k, observe, opts),
		States:        newByID(store.StateCollection, s.ReadStates, k, observe, opts),
		Events:        newByID(store.EventCollection, s.FindEvents, k, observe, opts),
		Hubs:          newByID(store.HubCollection, s.FindHubs, k, observe, opts),
		store:         s,
		known:         k,
		observe:       observe,
	}
	// A loader for every reference the store lists (store.References), so that none is missed
	// (TestEveryReferenceHasALoader).
	l.organizationsBy = refLoaders(s.FindOrganizations, l.Organizations, k, observe, opts, store.ReferencesIn(store.OrganizationCollection)...)
	l.alliancesBy = refLoaders(s.ReadAlliances, l.Alliances, k, observe, opts, store.ReferencesIn(store.AllianceCollection)...)
	l.hubsBy = refLoaders(s.FindHubs, l.Hubs, k, observe, opts, store.ReferencesIn(store.HubCollection)...)
	l.eventsBy = refLoaders(s.FindEvents, l.Events, k, observe, opts, store.ReferencesIn(store.EventCollection)...)
	return l
}

// OrganizationsBy returns the organizations whose ref field points at id, in list order.
func (l *Loaders) OrganizationsBy(ctx context.Context, ref store.Ref, id string) ([]*model.Organization, error) {
	return l.organizationsBy[ref].Load(ctx, id)
}

// OrganizationsByThunk asks now for the organizations whose ref field points at id and returns a
// function that waits for them.
func (l *Loaders) OrganizationsByThunk(ctx context.Context, ref store.Ref, id string) func() ([]*model.Organization, error) {
	return l.organizationsBy[ref].LoadThunk(ctx, id)
}

// AlliancesBy returns the alliances whose ref field points at id, in list order.
func (l *Loaders) AlliancesBy(ctx context.Context, ref store.Ref, id string) ([]*model.Alliance, error) {
	return l.alliancesBy[ref].Load(ctx, id)
}

// AlliancesByThunk asks now for the alliances whose ref field points at id and returns a function
// that waits for them.
func (l *Loaders) AlliancesByThunk(ctx context.Context, ref store.Ref, id string) func() ([]*model.Alliance, error) {
	return l.alliancesBy[ref].LoadThunk(ctx, id)
}

// HubsBy returns the hubs whose ref field points at id, in list order.
func (l *Loaders) HubsBy(ctx context.Context, ref store.Ref, id string) ([]*model.Hub, error) {
	return l.hubsBy[ref].Load(ctx, id)
}

// EventsBy returns the events whose ref field points at id, in list order.
func (l *Loaders) EventsBy(ctx context.Context, ref store.Ref, id string) ([]*model.Event, error) {
	return l.eventsBy[ref].Load(ctx, id)
}

// ByID loads documents of one type by global id.
type ByID[T any] struct {
	loader *dataloadgen.Loader[string, *T]
	known  *known
}

func newByID[T any](c store.Collection, find func(context.Context, ...store.Match) ([]*T, error), k *known, observe Observer, opts []dataloadgen.Option) ByID[T] {
	return ByID[T]{known: k, loader: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string]*T, error) {
		ctx, done := observe.observe(ctx, Batch{Collection: c, Loader: "by_id", Keys: len(ids)})
		docs, err := find(ctx, store.ByID(ids...))
		done(err)
		if err != nil {
			return nil, err
		}
		// The database returns documents in its own order; the map lines them up with the
		// keys, and a key with no document becomes not-found.
		out := make(map[string]*T, len(docs))
		for _, d := range docs {
			out[idOf(d)] = d
		}
		k.addIDs(ids...)
		return out, nil
	}, opts...)}
}

// Load returns the document with the given id, or store.ErrNotFound.
func (b ByID[T]) Load(ctx context.Context, id string) (*T, error) {
	return b.Thunk(ctx, id)()
}

// Thunk asks for the document with the given id now and returns a function that waits for it, so
// that one goroutine can put many keys into the same batch.
func (b ByID[T]) Thunk(ctx context.Context, id string) func() (*T, error) {
	thunk := b.loader.LoadThunk(ctx, id)
	return func() (*T, error) {
		d, err := thunk()
		if errors.Is(err, dataloadgen.ErrNotFound) || (err == nil && d == nil) {
			return nil, store.ErrNotFound
		}
		return d, err
	}
}

// LoadFound returns the documents with the given ids that exist, in the order of ids; an id that
// names nothing (a dangling reference) is left out.
func (b ByID[T]) LoadFound(ctx context.Context, ids []string) ([]*T, error) {
	thunks := make([]func() (*T, error), len(ids))
	for i, id := range ids {
		thunks[i] = b.Thunk(ctx, id)
	}
	out := make([]*T, 0, len(ids))
	for _, thunk := range thunks {
		d, err := thunk()
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// Prime caches a document read by another query, so that asking for it by id later in the same
// request costs no command. A nil d records that no document has the id.
func (b ByID[T]) Prime(id string, d *T) {
	b.loader.Prime(id, d)
	b.known.addIDs(id)
}

// refLoaders returns one loader per reference field. Each loads, for a batch of ids, every
// document pointing at any of them in one command, hands each id the documents that point at it
// (in the order the store returned, which is list order), and primes the by-id loader.
func refLoaders[T any](
	find func(context.Context, ...store.Match) ([]*T, error),
	byID ByID[T],
	k *known,
	observe Observer,
	opts []dataloadgen.Option,
	refs ...store.Ref,
) map[store.Ref]*dataloadgen.Loader[string, []*T] {
	out := make(map[store.Ref]*dataloadgen.Loader[string, []*T], len(refs))
	for _, ref := range refs {
		name := "by_" + ref.Field()
		out[ref] = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string][]*T, error) {
			ctx, done := observe.observe(ctx, Batch{Collection: ref.Collection(), Loader: name, Keys: len(ids)})
			docs, err := find(ctx, ref.On(ids...))
			done(err)
			if err != nil {
				return nil, err
			}
			for _, d := range docs {
				byID.Prime(idOf(d), d)
			}
			k.addRefs(ref, ids...)
			return groupByRef(docs, ref, ids), nil
		}, opts...)
	}
	return out
}

// groupByRef hands each id the documents whose ref field points at it, keeping their order; an id
// that nothing points at gets an empty list, not a miss.
func groupByRef[T any](docs []*T, ref store.Ref, ids []string) map[string][]*T {
	out := make(map[string][]*T, len(ids))
	for _, id := range ids {
		out[id] = []*T{}
	}
	for _, d := range docs {
		for _, target := range refValues(d, ref.Field()) {
			if list, ok := out[target]; ok {
				out[target] = append(list, d)
			}
		}
	}
	return out
}

type ctxKey struct{}

// Middleware gives each request its own loaders over s (see New).
func Middleware(s *store.Store, wait time.Duration, observe Observer, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A read view: the request reads each collection once (mutations leave it; see
		// graph.WritesReadTheDatabase).
		ctx := context.WithValue(store.WithReadView(r.Context()), ctxKey{}, New(s, wait, observe))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// For returns the loaders of the request that ctx belongs to. It panics when the request did not
// pass through Middleware, which is a wiring mistake, not a runtime condition.
func For(ctx context.Context) *Loaders {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	if !ok {
		panic("loaders: request context has no loaders; wrap the handler in loaders.Middleware")
	}
	return l
}
