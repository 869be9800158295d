package graph

import (
	"context"
	"errors"
	"slices"

	"rootsgraph/loaders"
	"rootsgraph/model"
	"rootsgraph/store"
)

// This file holds what the edge resolvers do: check the arguments first (so that bad input costs
// no database command), load through the request's loaders, then filter, sort and page in
// memory. Nested lists are loaded whole for all parents of a level in one command, which also
// gives totalCount for free; top-level lists page in the database instead (see pageFromStore).

// organizationsVia pages the organizations whose ref field points at id.
func organizationsVia(ctx context.Context, ref store.Ref, id string, args orgArgs) (*model.OrganizationConnection, error) {
	a, err := args.parse()
	if err != nil {
		return nil, err
	}
	all, err := loaders.For(ctx).OrganizationsBy(ctx, ref, id)
	if err != nil {
		return nil, err
	}
	return organizationConnection(pageInMemory(all, keyFor[model.Organization](a), matchFor[model.Organization](a), a)), nil
}

// partnersOf pages the partners of o. A partnership is stored once, on the partner whose id sorts
// first (model.PartnershipOwner), so o's partners are those its document records and those whose
// documents record o; both are asked before either answers, so that they go out in the same batch.
func partnersOf(ctx context.Context, o *model.Organization, args orgArgs) (*model.OrganizationConnection, error) {
	a, err := args.parse()
	if err != nil {
		return nil, err
	}
	l := loaders.For(ctx)
	recording := l.OrganizationsByThunk(ctx, store.OrganizationsByPartner, o.ID)
	owned := make([]func() (*model.Organization, error), len(o.PartnerIDs))
	for i, id := range o.PartnerIDs {
		owned[i] = l.Organizations.Thunk(ctx, id)
	}
	all, err := recording()
	if err != nil {
		return nil, err
	}
	all = slices.Clone(all)
	for _, thunk := range owned {
		p, err := thunk()
		if errors.Is(err, store.ErrNotFound) {
			continue // a dangling reference names no partner
		}
		if err != nil {
			return nil, err
		}
		all = append(all, p)
	}
	return organizationConnection(pageInMemory(all, keyFor[model.Organization](a), matchFor[model.Organization](a), a)), nil
}

// hubsVia pages the hubs whose ref field points at id.
func hubsVia(ctx context.Context, ref store.Ref, id string, args hubArgs) (*model.HubConnection, error) {
	a, err := args.parse()
	if err != nil {
		return nil, err
	}
	all, err := loaders.For(ctx).HubsBy(ctx, ref, id)
	if err != nil {
		return nil, err
	}
	return hubConnection(pageInMemory(all, keyFor[model.Hub](a), matchFor[model.Hub](a), a)), nil
}

// eventsVia pages the events whose ref field points at id.
func eventsVia(ctx context.Context, ref store.Ref, id string, args eventArgs) (*model.EventConnection, error) {
	a, err := args.parse()
	if err != nil {
		return nil, err
	}
	all, err := loaders.For(ctx).EventsBy(ctx, ref, id)
	if err != nil {
		return nil, err
	}
	return eventConnection(pageInMemory(all, keyFor[model.Event](a), matchFor[model.Event](a), a)), nil
}

// organizationsByID pages the organizations with the given ids.
func organizationsByID(ctx context.Context, ids []string, args orgArgs) (*model.OrganizationConnection, error) {
	a, err := args.parse()
	if err != nil {
		return nil, err
	}
	all, err := loaders.For(ctx).Organizations.LoadFound(ctx, ids)
	if err != nil {
		return nil, err
	}
	return organizationConnection(pageInMemory(all, keyFor[model.Organization](a), matchFor[model.Organization](a), a)), nil
}

// eventsByID pages the events with the given ids. An id listed twice (an organization that
// organized an event and took part in it) counts once.
func eventsByID(ctx context.Context, ids []string, args eventArgs) (*model.EventConnection, error) {
	a, err := args.parse()
	if err != nil {
		return nil, err
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	all, err := loaders.For(ctx).Events.LoadFound(ctx, ids)
	if err != nil {
		return nil, err
	}
	return eventConnection(pageInMemory(all, keyFor[model.Event](a), matchFor[model.Event](a), a)), nil
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
func actorsVia(ctx context.Context, orgRef, allianceRef store.Ref, eventID string, p pageArgs) (*model.ActorConnection, error) {
	a, err := parseList(actorsList, store.Order{Field: "nameKey"}, store.Filter{}, p)
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
	return actorConnection(pageInMemory(all, actorKey, func(*model.Actor) bool { return true }, a)), nil
}

// stateOf returns the state with the given id, or nil when id is nil or names nothing.
func stateOf(ctx context.Context, id *string) (*model.State, error) {
	if id == nil {
		return nil, nil
	}
	return nilIfNotFound(loaders.For(ctx).States.Load(ctx, *id))
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
