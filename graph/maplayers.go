package graph

import (
	"context"

	"rootsgraph/loaders"
	"rootsgraph/model"
	"rootsgraph/store"
)

// Features are the records a map draws: every one that passes a filter, not a page of them.
type Features[T any] struct {
	Items []*T
	// DistancesKm holds, with a near filter, each item's distance from its centre; else nil.
	DistancesKm []*float64
}

// maxFeatures bounds a map layer; a filter or a box narrows a larger one.
const maxFeatures = 10000

// AllHubs returns every hub that passes the filter, by name or, with near, nearest first. It is
// for map layers (GeoJSON), which want the whole set: one command, validated like the GraphQL
// filter.
func (r *Resolver) AllHubs(ctx context.Context, in *model.HubFilter) (Features[model.Hub], error) {
	f, n, err := hubFilter(in)
	if err != nil {
		return Features[model.Hub]{}, err
	}
	return allOf(ctx, hubsList, nearOrder(byName, true, n), f, n, r.Store.Hubs)
}

// AllOrganizations returns every organization that passes the filter, by name or, with near,
// nearest first.
func (r *Resolver) AllOrganizations(ctx context.Context, in *model.OrganizationFilter) (Features[model.Organization], error) {
	f, n, err := organizationFilter(in)
	if err != nil {
		return Features[model.Organization]{}, err
	}
	return allOf(ctx, organizationsList, nearOrder(byName, true, n), f, n, r.Store.Organizations)
}

func allOf[T any](ctx context.Context, list string, order store.Order, f store.Filter, n *near,
	fetch func(context.Context, store.Page) ([]*T, error)) (Features[T], error) {
	docs, err := fetch(ctx, store.Page{Filter: f, Limit: maxFeatures})
	if err != nil {
		return Features[T]{}, err
	}
	a := listArgs{list: list, first: maxFeatures, order: order, filter: f, near: n}
	p, _ := pageInMemory(docs, keyFor[T](a), matchFor[T](a), a)
	return Features[T]{Items: p.items, DistancesKm: p.distances}, nil
}

// OrganizationNames returns the names of the organizations with the given ids, in one command.
func (r *Resolver) OrganizationNames(ctx context.Context, ids []string) (map[string]string, error) {
	l := loaders.For(ctx)
	lv := l.Level()
	lv.ByID(store.OrganizationCollection, ids...)
	if err := lv.Run(ctx); err != nil {
		return nil, err
	}
	orgs, err := l.Organizations.LoadFound(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(orgs))
	for _, o := range orgs {
		out[o.ID] = o.Name
	}
	return out, nil
}
