package graph

import (
	"context"
	"errors"

	"rootsgraph/loaders"
	"rootsgraph/model"
	"rootsgraph/store"
)

func errorIsNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// nodeThunk asks for the object with a global id and returns a function that waits for it. An id
// of an unknown type or form names nothing: the function returns nil.
func nodeThunk(ctx context.Context, id string) func() (model.Node, error) {
	l := loaders.For(ctx)
	prefix, _, ok := model.SplitID(id)
	if !ok {
		return func() (model.Node, error) { return nil, nil }
	}
	switch prefix {
	case model.AlliancePrefix:
		return asNode(l.Alliances.Thunk(ctx, id))
	case model.OrganizationPrefix:
		return asNode(l.Organizations.Thunk(ctx, id))
	case model.StatePrefix:
		return asNode(l.States.Thunk(ctx, id))
	case model.EventPrefix:
		return asNode(l.Events.Thunk(ctx, id))
	case model.HubPrefix:
		return asNode(l.Hubs.Thunk(ctx, id))
	}
	return func() (model.Node, error) { return nil, nil }
}

func asNode[T any, P interface {
	*T
	model.Node
}](thunk func() (*T, error)) func() (model.Node, error) {
	return func() (model.Node, error) {
		v, err := thunk()
		if errorIsNotFound(err) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return P(v), nil
	}
}

// oneOf checks that exactly one way of naming a record was given, and returns which.
func oneOf(what string, args ...namedArg) (namedArg, error) {
	var given []namedArg
	for _, a := range args {
		if a.value != nil {
			given = append(given, a)
		}
	}
	if len(given) != 1 {
		names := ""
		for i, a := range args {
			if i > 0 {
				names += ", "
			}
			names += "`" + a.name + "`"
		}
		return namedArg{}, badInput("give exactly one of %s to name the %s", names, what)
	}
	return given[0], nil
}

type namedArg struct {
	name  string
	value *string
}

// lookup finds one record by id or slug; it returns nil when none matches.
func lookup[T any](ctx context.Context, what string, byID loaders.ByID[T], bySlug func(context.Context, string) (*T, error), prefix string, id, slug *string) (*T, error) {
	arg, err := oneOf(what, namedArg{"id", id}, namedArg{"slug", slug})
	if err != nil {
		return nil, err
	}
	if arg.name == "slug" {
		return nilIfNotFound(bySlug(ctx, *arg.value))
	}
	if p, _, ok := model.SplitID(*arg.value); !ok || p != prefix {
		return nil, nil
	}
	return nilIfNotFound(byID.Load(ctx, *arg.value))
}

// rootList answers a top-level list: it reads one page from the store, caches the page's records
// for the rest of the request, and prefetches what the query asks for below them.
func rootList[T any](
	ctx context.Context, r *Resolver, a listArgs,
	fetch func(context.Context, store.Page) ([]*T, error), c store.Collection, byID loaders.ByID[T],
) (page[T], model.Total, error) {
	var p page[T]
	var total model.Total
	var err error
	if a.near != nil {
		p, total, err = pageNear(ctx, a, fetch)
	} else {
		p, total, err = pageFromStore(ctx, a, docKey[T](a.order), fetch, r.counter(c))
	}
	if err != nil {
		return page[T]{}, model.Total{}, err
	}
	items := anySlice(p.items)
	for _, it := range items {
		byID.Prime(it.(model.Node).GetID(), it.(*T))
	}
	return p, total, nil
}

// counter returns a function that counts a whole collection, for a top-level totalCount.
func (r *Resolver) counter(c store.Collection) func(context.Context, store.Filter) (int, error) {
	return func(ctx context.Context, f store.Filter) (int, error) { return r.Store.Count(ctx, c, f) }
}

func anySlice[T any](items []*T) []any {
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it
	}
	return out
}
