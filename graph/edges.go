package graph

import (
	"context"
	"slices"

	"rootsgraph/graph/model"
	"rootsgraph/loaders"
	"rootsgraph/store"
)

// This file holds what the edge resolvers do: check paging arguments first (so that bad input
// costs no database command), load through the request's loaders, then page in memory. Nested
// lists are loaded whole for all parents of a level in one command, which also gives totalCount
// for free; top-level lists page in the database instead (see pageFromStore).

// organizationsVia pages the organizations whose ref field points at id.
func organizationsVia(ctx context.Context, ref store.Ref, id string, first *int, after *string) (*model.OrganizationConnection, error) {
	args, err := parsePage(organizationsList, first, after)
	if err != nil {
		return nil, err
	}
	all, err := loaders.For(ctx).OrganizationsBy(ctx, ref, id)
	if err != nil {
		return nil, err
	}
	return organizationConnection(pageInMemory(organizationsList, all, organizationKey, args)), nil
}

// hubsVia pages the hubs whose ref field points at id.
func hubsVia(ctx context.Context, ref store.Ref, id string, first *int, after *string) (*model.HubConnection, error) {
	args, err := parsePage(hubsList, first, after)
	if err != nil {
		return nil, err
	}
	all, err := loaders.For(ctx).HubsBy(ctx, ref, id)
	if err != nil {
		return nil, err
	}
	return hubConnection(pageInMemory(hubsList, all, hubKey, args)), nil
}

// organizationsByID pages the organizations with the given ids, by name.
func organizationsByID(ctx context.Context, ids []string, first *int, after *string) (*model.OrganizationConnection, error) {
	args, err := parsePage(organizationsList, first, after)
	if err != nil {
		return nil, err
	}
	all, err := loaders.For(ctx).Organizations.LoadFound(ctx, ids)
	if err != nil {
		return nil, err
	}
	sortBy(all, organizationKey)
	return organizationConnection(pageInMemory(organizationsList, all, organizationKey, args)), nil
}

// eventsByID pages the events with the given ids, by start date. An id listed twice (an
// organization that organized an event and took part in it) counts once.
func eventsByID(ctx context.Context, ids []string, first *int, after *string) (*model.EventConnection, error) {
	args, err := parsePage(eventsList, first, after)
	if err != nil {
		return nil, err
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	all, err := loaders.For(ctx).Events.LoadFound(ctx, ids)
	if err != nil {
		return nil, err
	}
	sortBy(all, eventKey)
	return eventConnection(pageInMemory(eventsList, all, eventKey, args)), nil
}

// eventIDsByRole returns the events a record organized, took part in, or both when role is nil.
func eventIDsByRole(role *model.EventRole, organized, participated []string) []string {
	switch {
	case role == nil:
		return append(slices.Clip(organized), participated...)
	case *role == model.EventRoleOrganizer:
		return organized
	default:
		return participated
	}
}

// actorsVia pages the organizations and alliances that point at an event through orgRef and
// allianceRef, merged by name. Both loaders are asked before either answers, so that the two
// batches of one level go out together.
func actorsVia(ctx context.Context, orgRef, allianceRef store.Ref, eventID string, first *int, after *string) (*model.ActorConnection, error) {
	args, err := parsePage(actorsList, first, after)
	if err != nil {
		return nil, err
	}
	l := loaders.For(ctx)
	orgs := l.OrganizationsByThunk(ctx, orgRef, eventID)
	alliances := l.AlliancesByThunk(ctx, allianceRef, eventID)
	os, err := orgs()
	if err != nil {
		return nil, err
	}
	as, err := alliances()
	if err != nil {
		return nil, err
	}
	all := make([]*model.Actor, 0, len(os)+len(as))
	for _, o := range os {
		a := model.Actor(o)
		all = append(all, &a)
	}
	for _, al := range as {
		a := model.Actor(al)
		all = append(all, &a)
	}
	sortBy(all, actorKey)
	return actorConnection(pageInMemory(actorsList, all, actorKey, args)), nil
}

// stateOf returns the state with the given id, or nil when id is nil or names nothing.
func stateOf(ctx context.Context, id *string) (*model.State, error) {
	if id == nil {
		return nil, nil
	}
	return nilIfNotFound(loaders.For(ctx).States.Load(ctx, *id))
}

func sortBy[T any](items []*T, key func(*T) store.Key) {
	slices.SortFunc(items, func(a, b *T) int {
		ka, kb := key(a), key(b)
		switch {
		case ka.Less(kb):
			return -1
		case kb.Less(ka):
			return 1
		}
		return 0
	})
}

// nilIfNotFound turns a not-found lookup into a null answer, which is how GraphQL says "none".
func nilIfNotFound[T any](v *T, err error) (*T, error) {
	if err != nil && errorIsNotFound(err) {
		return nil, nil
	}
	return v, err
}

// stateIDsOf returns the distinct states the organizations are in.
func stateIDsOf(orgs []*model.Organization) []string {
	seen := map[string]bool{}
	var ids []string
	for _, o := range orgs {
		if o.StateID != nil && !seen[*o.StateID] {
			seen[*o.StateID] = true
			ids = append(ids, *o.StateID)
		}
	}
	return ids
}
