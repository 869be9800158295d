package graph

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"rootsgraph/apierr"
	"rootsgraph/dataset"
	"rootsgraph/model"
	"rootsgraph/store"
)

// The helpers here turn mutation input into records of the data set format, validate them with the
// same rules as the importer (dataset.Validate*), and write them through the store, which claims
// and audits every write.

// fieldErrors collects one BAD_USER_INPUT error per bad field, each naming the field.
type fieldErrors []*gqlerror.Error

func (e *fieldErrors) add(field, format string, args ...any) {
	*e = append(*e, &gqlerror.Error{
		Message:    field + ": " + fmt.Sprintf(format, args...),
		Extensions: map[string]any{"code": apierr.BadUserInput, "field": field},
	})
}

// problems adds the validator's problems, naming fields as the input does.
func (e *fieldErrors) problems(prefix string, ps dataset.ValidationError) {
	for _, p := range ps {
		field := p.Field
		if field == "lat/lng" {
			field = "lat"
		}
		e.add(prefix+"."+field, "%s", p.Reason)
	}
}

// report sends every error but the last to the response and returns the last (nil when there are
// none), so that a resolver returns it as its own.
func (e fieldErrors) report(ctx context.Context) error {
	if len(e) == 0 {
		return nil
	}
	for _, err := range e[:len(e)-1] {
		graphql.AddError(ctx, err)
	}
	return e[len(e)-1]
}

// slugs returns the slugs of ids that must all name records of one type (prefix), reporting the
// others under field.
func (e *fieldErrors) slugs(field, prefix string, ids []string) []string {
	var out []string
	for _, id := range ids {
		p, slug, ok := model.SplitID(id)
		if !ok || p != prefix {
			e.add(field, "%q is not the id of an %s", id, prefix)
			continue
		}
		out = append(out, slug)
	}
	return out
}

// dbRefs answers the validator's questions about other records from the database.
type dbRefs struct {
	states map[string]*dataset.State
	has    map[string]bool // global ids that exist
}

func (d *dbRefs) State(code string) *dataset.State { return d.states[code] }

func (d *dbRefs) Has(file, slug string) bool {
	switch file {
	case dataset.AlliancesFile:
		return d.has[model.AllianceID(slug)]
	case dataset.OrganizationsFile:
		return d.has[model.OrganizationID(slug)]
	case dataset.EventsFile:
		return d.has[model.EventID(slug)]
	case dataset.HubsFile:
		return d.has[model.HubID(slug)]
	}
	return false
}

// refsFor reads what validating a record needs: the state it names and the records it refers to,
// one command per type.
func (r *Resolver) refsFor(ctx context.Context, state string, alliances, orgs, events []string) (*dbRefs, []*model.Organization, error) {
	d := &dbRefs{states: map[string]*dataset.State{}, has: map[string]bool{}}
	if state != "" {
		states, err := r.Store.FindStates(ctx, store.ByID(model.StateID(state)))
		if err != nil {
			return nil, nil, err
		}
		for _, s := range states {
			if s.Code == state { // StateID upper-cases; the code must be written as stored
				rec := dataset.StateRecord(s)
				d.states[s.Code] = &rec
			}
		}
	}
	found := func(ids []string) {
		for _, id := range ids {
			d.has[id] = true
		}
	}
	if len(alliances) > 0 {
		as, err := r.Store.FindAlliances(ctx, store.ByID(ids(model.AllianceID, alliances)...))
		if err != nil {
			return nil, nil, err
		}
		found(idsOf(as))
	}
	var hosts []*model.Organization
	if len(orgs) > 0 {
		os, err := r.Store.FindOrganizations(ctx, store.ByID(ids(model.OrganizationID, orgs)...))
		if err != nil {
			return nil, nil, err
		}
		found(idsOf(os))
		hosts = os
	}
	if len(events) > 0 {
		es, err := r.Store.FindEvents(ctx, store.ByID(ids(model.EventID, events)...))
		if err != nil {
			return nil, nil, err
		}
		found(idsOf(es))
	}
	return d, hosts, nil
}

func ids(id func(string) string, slugs []string) []string {
	out := make([]string, len(slugs))
	for i, s := range slugs {
		out[i] = id(s)
	}
	return out
}

func idsOf[T model.Node](docs []T) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.GetID()
	}
	return out
}

// current reads the record a change starts from, checking the version the client read.
func current[T any, P interface {
	*T
	store.Writable
}](ctx context.Context, find func(context.Context, ...store.Match) ([]P, error), id string, version *int) (P, error) {
	docs, err := find(ctx, store.ByID(id))
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, &gqlerror.Error{Message: fmt.Sprintf("no record has the id %q", id),
			Extensions: map[string]any{"code": apierr.NotFound}}
	}
	if version != nil {
		if v := docs[0].GetVersion(); v != *version {
			return nil, &gqlerror.Error{
				Message: fmt.Sprintf("%s is at version %d, not %d: someone changed it since you read it; read it again and reapply your change",
					id, v, *version),
				Extensions: map[string]any{"code": apierr.Conflict},
			}
		}
	}
	return docs[0], nil
}

// write stores a change as part of op and tells listeners. The store stamps the version.
func (r *Resolver) write(ctx context.Context, op *store.Operation, before, after store.Writable) error {
	if err := r.Store.Write(ctx, op, before, after); err != nil {
		return err
	}
	r.written()
	return nil
}

// operation begins the change a mutation makes, as actor.
func (r *Resolver) operation(actor store.Actor, action string) *store.Operation {
	return store.NewOperation(actor, action, r.now())
}

// errUnchanged says that an edge change has nothing to do (the edge is already as asked).
var errUnchanged = errors.New("unchanged")

// maxEdgeRetries bounds how often an edge change rereads a record that changed under it.
const maxEdgeRetries = 10

// edit applies an edge change to the current version of a record and writes it, rereading and
// trying again when another change got there first: edges name no version, so the change is
// applied to whatever is current.
func edit[T any, P interface {
	*T
	store.Writable
}](ctx context.Context, r *Resolver, op *store.Operation, find func(context.Context, ...store.Match) ([]P, error),
	id string, change func(P) error) (P, error) {
	for range maxEdgeRetries {
		cur, err := current[T, P](ctx, find, id, nil)
		if err != nil {
			return nil, err
		}
		next := P(new(T))
		*next = *cur
		err = change(next)
		if errors.Is(err, errUnchanged) {
			return cur, nil
		}
		if err != nil {
			return nil, err
		}
		err = r.write(ctx, op, cur, next)
		if errors.Is(err, store.ErrConflict) {
			// Spread out the writers that collided, so that they do not collide again.
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(1+rand.IntN(20)) * time.Millisecond):
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		return next, nil
	}
	return nil, fmt.Errorf("%s: %s kept changing: %w", op.Action, id, store.ErrConflict)
}

// toggle adds id to list (add) or removes it, sorted; errUnchanged when it is already so.
func toggle(list []string, id string, add bool) ([]string, error) {
	if slices.Contains(list, id) == add {
		return nil, errUnchanged
	}
	if add {
		out := append(slices.Clone(list), id)
		slices.Sort(out)
		return out, nil
	}
	return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return s == id }), nil
}

// mustExist checks that id names a record of one of the given types; BAD_USER_INPUT naming the
// argument otherwise.
func (r *Resolver) mustExist(ctx context.Context, arg, id string, prefixes ...string) error {
	prefix, _, ok := model.SplitID(id)
	if !ok || !slices.Contains(prefixes, prefix) {
		return badField(arg, "%q is not the id of an %s", id, strings.Join(prefixes, " or "))
	}
	var n int
	var err error
	switch prefix {
	case model.AlliancePrefix:
		var as []*model.Alliance
		as, err = r.Store.FindAlliances(ctx, store.ByID(id))
		n = len(as)
	case model.OrganizationPrefix:
		var os []*model.Organization
		os, err = r.Store.FindOrganizations(ctx, store.ByID(id))
		n = len(os)
	case model.EventPrefix:
		var es []*model.Event
		es, err = r.Store.FindEvents(ctx, store.ByID(id))
		n = len(es)
	}
	if err != nil {
		return err
	}
	if n == 0 {
		return badField(arg, "no record has the id %q", id)
	}
	return nil
}

func badField(field, format string, args ...any) error {
	var e fieldErrors
	e.add(field, format, args...)
	return e[0]
}

// Values of omittable input fields.

func set[T any](o graphql.Omittable[T], into *T) {
	if o.IsSet() {
		*into = o.Value()
	}
}

func setString(o graphql.Omittable[*string], into *string) {
	if o.IsSet() {
		*into = model.Deref(o.Value())
	}
}

func setEnum[T ~string](o graphql.Omittable[*T], into *string) {
	if o.IsSet() {
		if v := o.Value(); v != nil {
			*into = string(*v)
		} else {
			*into = ""
		}
	}
}

func setEnums[T ~string](o graphql.Omittable[[]T], into *[]string) {
	if o.IsSet() {
		*into = model.Strings(o.Value())
	}
}

func sourceRecords(in []*model.SourceInput) []dataset.Source {
	out := make([]dataset.Source, len(in))
	for i, s := range in {
		out[i] = dataset.Source{Title: s.Title, URL: model.Deref(s.URL), Date: model.Deref(s.Date)}
	}
	return out
}

func bool0(p *bool) bool { return p != nil && *p }
