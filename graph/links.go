package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"rootsgraph/loaders"
	"rootsgraph/model"
	"rootsgraph/store"
)

// A link is a field that reaches from one record to others: Organization.partners, Hub.hosts,
// Membership.alliance. Each is declared here once, typed by its parent P, its arguments A and its
// answer R, and both of its readers use that one declaration:
//
//   - its resolver (in <type>.resolvers.go) calls resolve, and nothing else;
//   - the prefetcher calls need for every parent of a level (so that one command per collection
//     fetches what the level's answers need), then resolve, which finds everything in the
//     loaders' cache, to learn the records of the next level.
//
// declare registers a link under its type and field, so the prefetcher's table is this file;
// TestThePrefetcherKnowsEveryEdge fails when a field of the schema that leads to records has no
// link, and TestResolversAreTheirLinks when a resolver is left as gqlgen wrote it or does anything
// but call its link.
type link[P, A, R any] struct {
	// need asks lv for what the answer for p needs from the database; nil: nothing (the answer
	// is in p itself, as a membership's fields are).
	need    func(lv *loaders.Level, p P, a A)
	resolve func(ctx context.Context, p P, a A) (R, error)
}

// noArgs are the arguments of a field that takes none.
type noArgs struct{}

// roleEventArgs are the arguments of an actor's events: the role, then the list's own.
type roleEventArgs struct {
	role *model.EventRole
	eventArgs
}

// prefetchLink is a link as the prefetcher's table holds it, for a parent of any type: args turns
// the field's decoded arguments into the link's own once per field, need and follow take them.
type prefetchLink struct {
	args   func(a args) any
	need   func(lv *loaders.Level, parent, a any)
	follow func(ctx context.Context, parent, a any) (any, error)
	// implied, when set, turns the field into other fields on the records follow returns (the
	// field's answer is one level further down: Alliance.states is its members' state).
	implied func(f graphql.CollectedField) []graphql.CollectedField
}

// links holds every link by GraphQL type and field, as declare registers them.
var links = map[string]map[string]prefetchLink{}

// declare registers the link of typ.field and returns it for the field's resolver.
func declare[P, A, R any](typ, field string, l link[P, A, R]) link[P, A, R] {
	return declareVia(typ, field, l, nil, nil)
}

// declareVia registers a link that the prefetcher follows through follow's records, asking for
// the implied fields on them, instead of through the answer.
func declareVia[P, A, R any](typ, field string, l link[P, A, R], follow func(ctx context.Context, p P, a A) (any, error),
	implied func(graphql.CollectedField) []graphql.CollectedField) link[P, A, R] {
	if _, ok := links[typ][field]; ok {
		panic(fmt.Sprintf("graph: the link %s.%s is declared twice", typ, field))
	}
	argsAs[A](args{}) // a kind of arguments argsAs does not know fails here, at start
	if follow == nil {
		follow = func(ctx context.Context, p P, a A) (any, error) { return l.resolve(ctx, p, a) }
	}
	if links[typ] == nil {
		links[typ] = map[string]prefetchLink{}
	}
	links[typ][field] = prefetchLink{
		args: func(a args) any { return argsAs[A](a) },
		need: func(lv *loaders.Level, parent, a any) {
			if l.need != nil {
				l.need(lv, parent.(P), a.(A))
			}
		},
		follow:  func(ctx context.Context, parent, a any) (any, error) { return follow(ctx, parent.(P), a.(A)) },
		implied: implied,
	}
	return l
}

// argsAs turns the prefetcher's decoded arguments into a link's own, as gqlgen gives them to the
// link's resolver.
func argsAs[A any](a args) A {
	var out any
	switch any(*new(A)).(type) {
	case noArgs:
		out = noArgs{}
	case pageArgs:
		out = a.page()
	case orgArgs:
		out = a.org()
	case hubArgs:
		out = a.hub()
	case eventArgs:
		out = a.event()
	case roleEventArgs:
		out = roleEventArgs{a.Role, a.event()}
	default:
		panic(fmt.Sprintf("graph: no arguments of kind %T for a link", *new(A)))
	}
	return out.(A)
}

// The shapes most links share: a page of the records whose reference points at the parent, or
// of the records whose ids the parent lists.

func organizationsPointingAt[P any](ref store.Ref, id func(P) string) link[P, orgArgs, *model.OrganizationConnection] {
	return link[P, orgArgs, *model.OrganizationConnection]{
		need: func(lv *loaders.Level, p P, _ orgArgs) { lv.ByRef(ref, id(p)) },
		resolve: func(ctx context.Context, p P, a orgArgs) (*model.OrganizationConnection, error) {
			return organizationsVia(ctx, ref, id(p), a)
		},
	}
}

func hubsPointingAt[P any](ref store.Ref, id func(P) string) link[P, hubArgs, *model.HubConnection] {
	return link[P, hubArgs, *model.HubConnection]{
		need: func(lv *loaders.Level, p P, _ hubArgs) { lv.ByRef(ref, id(p)) },
		resolve: func(ctx context.Context, p P, a hubArgs) (*model.HubConnection, error) {
			return hubsVia(ctx, ref, id(p), a)
		},
	}
}

func actorsPointingAt(orgRef, allianceRef store.Ref) link[*model.Event, pageArgs, *model.ActorConnection] {
	return link[*model.Event, pageArgs, *model.ActorConnection]{
		need: func(lv *loaders.Level, e *model.Event, _ pageArgs) {
			lv.ByRef(orgRef, e.ID)
			lv.ByRef(allianceRef, e.ID)
		},
		resolve: func(ctx context.Context, e *model.Event, a pageArgs) (*model.ActorConnection, error) {
			return actorsVia(ctx, orgRef, allianceRef, e.ID, a)
		},
	}
}

func eventsListed[P any](ids func(P, *model.EventRole) []string) link[P, roleEventArgs, *model.EventConnection] {
	return link[P, roleEventArgs, *model.EventConnection]{
		need: func(lv *loaders.Level, p P, a roleEventArgs) { lv.ByID(store.EventCollection, ids(p, a.role)...) },
		resolve: func(ctx context.Context, p P, a roleEventArgs) (*model.EventConnection, error) {
			return eventsByID(ctx, ids(p, a.role), a.eventArgs)
		},
	}
}

// alliancesListed is the alliances whose ids the parent lists, by name (those found: a dangling
// id names none).
func alliancesListed[P any](ids func(P) []string) link[P, noArgs, []*model.Alliance] {
	return link[P, noArgs, []*model.Alliance]{
		need: func(lv *loaders.Level, p P, _ noArgs) { lv.ByID(store.AllianceCollection, ids(p)...) },
		resolve: func(ctx context.Context, p P, _ noArgs) ([]*model.Alliance, error) {
			alliances, err := loaders.For(ctx).Alliances.LoadFound(ctx, ids(p))
			if err != nil {
				return nil, err
			}
			store.SortByKey(alliances, docKey[model.Alliance](byName), byName)
			return alliances, nil
		},
	}
}

// heldBy is a list the record holds itself (a model method that gqlgen binds, no resolver): it
// needs nothing from the database, and the prefetcher follows it to the records it names.
func heldBy[P, R any](list func(P) R) link[P, noArgs, R] {
	return link[P, noArgs, R]{
		resolve: func(_ context.Context, p P, _ noArgs) (R, error) { return list(p), nil },
	}
}

// stateLink is a record's state, when it has one.
func stateLink[P any](id func(P) *string) link[P, noArgs, *model.State] {
	return link[P, noArgs, *model.State]{
		need: func(lv *loaders.Level, p P, _ noArgs) {
			if s := id(p); s != nil {
				lv.ByID(store.StateCollection, *s)
			}
		},
		resolve: func(ctx context.Context, p P, _ noArgs) (*model.State, error) { return stateOf(ctx, id(p)) },
	}
}

// Alliance.
var (
	allianceMembers = declare("Alliance", "members",
		organizationsPointingAt(store.OrganizationsByAlliance, func(a *model.Alliance) string { return a.ID }))
	allianceStates = declareVia("Alliance", "states", link[*model.Alliance, noArgs, []*model.State]{
		need: func(lv *loaders.Level, a *model.Alliance, _ noArgs) { lv.ByRef(store.OrganizationsByAlliance, a.ID) },
		resolve: func(ctx context.Context, a *model.Alliance, _ noArgs) ([]*model.State, error) {
			l := loaders.For(ctx)
			members, err := l.OrganizationsBy(ctx, store.OrganizationsByAlliance, a.ID)
			if err != nil {
				return nil, err
			}
			states, err := l.States.LoadFound(ctx, stateIDsOf(members))
			if err != nil {
				return nil, err
			}
			store.SortByKey(states, docKey[model.State](byName), byName)
			return states, nil
		},
	}, func(ctx context.Context, a *model.Alliance, _ noArgs) (any, error) {
		// The states are the members' states: the next level is the members, asked for state.
		return loaders.For(ctx).OrganizationsBy(ctx, store.OrganizationsByAlliance, a.ID)
	}, func(f graphql.CollectedField) []graphql.CollectedField {
		return []graphql.CollectedField{{Field: &ast.Field{Name: "state", Alias: f.Alias}, Selections: f.Selections}}
	})
	allianceMemberAlliances = declare("Alliance", "memberAlliances", link[*model.Alliance, noArgs, []*model.Alliance]{
		need: func(lv *loaders.Level, a *model.Alliance, _ noArgs) { lv.ByRef(store.AlliancesByAlliance, a.ID) },
		resolve: func(ctx context.Context, a *model.Alliance, _ noArgs) ([]*model.Alliance, error) {
			return loaders.For(ctx).AlliancesBy(ctx, store.AlliancesByAlliance, a.ID)
		},
	})
	// A hub's alliances are its hosts' (copied onto it), so these are the hubs its members host.
	allianceHubs = declare("Alliance", "hubs",
		hubsPointingAt(store.HubsByAlliance, func(a *model.Alliance) string { return a.ID }))
	allianceEvents = declare("Alliance", "events", eventsListed(func(a *model.Alliance, role *model.EventRole) []string {
		return eventIDsByRole(role, a.OrganizedEventIDs, a.ParticipatedEventIDs)
	}))
	_ = declare("Alliance", "memberships", heldBy((*model.Alliance).Memberships))
	_ = declare("Alliance", "participations", heldBy((*model.Alliance).Participations))
)

// Organization.
var (
	organizationState = declare("Organization", "state",
		stateLink(func(o *model.Organization) *string { return o.StateID }))
	organizationAlliances = declare("Organization", "alliances",
		alliancesListed(func(o *model.Organization) []string { return o.AllianceIDs }))
	organizationPartners = declare("Organization", "partners", link[*model.Organization, orgArgs, *model.OrganizationConnection]{
		need: func(lv *loaders.Level, o *model.Organization, _ orgArgs) {
			lv.ByRef(store.OrganizationsByPartner, o.ID)
			lv.ByID(store.OrganizationCollection, o.PartnerIDs...)
		},
		resolve: partnersOf,
	})
	organizationEvents = declare("Organization", "events", eventsListed(func(o *model.Organization, role *model.EventRole) []string {
		return eventIDsByRole(role, o.OrganizedEventIDs, o.ParticipatedEventIDs)
	}))
	organizationHubs = declare("Organization", "hubs",
		hubsPointingAt(store.HubsByHost, func(o *model.Organization) string { return o.ID }))
	_ = declare("Organization", "memberships", heldBy((*model.Organization).Memberships))
	_ = declare("Organization", "participations", heldBy((*model.Organization).Participations))
)

// Membership and Participation: the edges of the roster, each with the record it leads to.
var (
	membershipAlliance = declare("Membership", "alliance", link[*model.Membership, noArgs, *model.Alliance]{
		need: func(lv *loaders.Level, m *model.Membership, _ noArgs) {
			lv.ByID(store.AllianceCollection, m.AllianceID)
		},
		resolve: func(ctx context.Context, m *model.Membership, _ noArgs) (*model.Alliance, error) {
			return loaders.For(ctx).Alliances.Load(ctx, m.AllianceID)
		},
	})
	participationEvent = declare("Participation", "event", link[*model.Participation, noArgs, *model.Event]{
		need: func(lv *loaders.Level, p *model.Participation, _ noArgs) { lv.ByID(store.EventCollection, p.EventID) },
		resolve: func(ctx context.Context, p *model.Participation, _ noArgs) (*model.Event, error) {
			return loaders.For(ctx).Events.Load(ctx, p.EventID)
		},
	})
)

// State.
var (
	stateOrganizations = declare("State", "organizations",
		organizationsPointingAt(store.OrganizationsByState, func(s *model.State) string { return s.ID }))
	stateHubs = declare("State", "hubs",
		hubsPointingAt(store.HubsByState, func(s *model.State) string { return s.ID }))
	stateEvents = declare("State", "events", link[*model.State, eventArgs, *model.EventConnection]{
		need: func(lv *loaders.Level, s *model.State, _ eventArgs) { lv.ByRef(store.EventsByState, s.ID) },
		resolve: func(ctx context.Context, s *model.State, a eventArgs) (*model.EventConnection, error) {
			return eventsVia(ctx, store.EventsByState, s.ID, a)
		},
	})
)

// Event.
var (
	eventState = declare("Event", "state",
		stateLink(func(e *model.Event) *string { return e.StateID }))
	eventOrganizers = declare("Event", "organizers",
		actorsPointingAt(store.OrganizationsByOrganizedEvent, store.AlliancesByOrganizedEvent))
	eventParticipants = declare("Event", "participants",
		actorsPointingAt(store.OrganizationsByParticipatedEvent, store.AlliancesByParticipatedEvent))
	eventHubs = declare("Event", "hubs",
		hubsPointingAt(store.HubsByEvent, func(e *model.Event) string { return e.ID }))
)

// Hub.
var (
	hubState = declare("Hub", "state", link[*model.Hub, noArgs, *model.State]{
		need: func(lv *loaders.Level, h *model.Hub, _ noArgs) { lv.ByID(store.StateCollection, h.StateID) },
		resolve: func(ctx context.Context, h *model.Hub, _ noArgs) (*model.State, error) {
			return loaders.For(ctx).States.Load(ctx, h.StateID)
		},
	})
	hubHosts = declare("Hub", "hosts", link[*model.Hub, orgArgs, *model.OrganizationConnection]{
		need: func(lv *loaders.Level, h *model.Hub, _ orgArgs) { lv.ByID(store.OrganizationCollection, h.HostIDs...) },
		resolve: func(ctx context.Context, h *model.Hub, a orgArgs) (*model.OrganizationConnection, error) {
			return organizationsByID(ctx, h.HostIDs, a)
		},
	})
	// A hub's alliances are its hosts', copied onto it whenever a host changes (model.Hub).
	hubAlliances = declare("Hub", "alliances",
		alliancesListed(func(h *model.Hub) []string { return h.AllianceIDs }))
	hubEvents = declare("Hub", "events", link[*model.Hub, eventArgs, *model.EventConnection]{
		need: func(lv *loaders.Level, h *model.Hub, _ eventArgs) { lv.ByID(store.EventCollection, h.EventIDs...) },
		resolve: func(ctx context.Context, h *model.Hub, a eventArgs) (*model.EventConnection, error) {
			return eventsByID(ctx, h.EventIDs, a)
		},
	})
)
