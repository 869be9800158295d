package graph

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"rootsgraph/apitest"
)

// TestGraphQL walks every edge of the schema in both directions, every lookup and every top-level
// list over the bundled data set, and compares each answer with its golden file. Lists are asked
// for a few items only, so that a golden file stays short enough to read.
func TestGraphQL(t *testing.T) {
	cases := []struct {
		name      string
		query     string
		variables map[string]any
		golden    string
	}{
		// Alliance.members and its reverse, Organization.alliances.
		{
			name: "Alliance/MembersByName",
			query: `{ alliance(slug: "climate-justice-alliance") { id name acronym
			  members(first: 5) { totalCount pageInfo { hasNextPage hasPreviousPage }
			    edges { node { id name kind alliances { acronym } } } }
			} }`,
			golden: "alliance-members",
		},
		{
			name: "Organization/AlliancesAreTheReverseOfMembers",
			query: `{ organization(slug: "fireflyrun-youth-frontline-energy-circle-sample") { id name
			  alliances { id name acronym members(first: 0) { totalCount } }
			} }`,
			golden: "organization-alliances",
		},
		{
			name:   "Organization/CoalitionBelongsToNoAlliance",
			query:  `{ organization(id: "organization:it-takes-roots") { id kind alliances { id } } }`,
			golden: "organization-alliances-none",
		},
		// Alliance.states: where its members are.
		{
			name:   "Alliance/StatesOfItsMembers",
			query:  `{ alliance(slug: "indigenous-environmental-network") { acronym states { code name country } } }`,
			golden: "alliance-states",
		},
		// Alliance.events by role.
		{
			name: "Alliance/EventsItOrganized",
			query: `{ alliance(slug: "right-to-the-city-alliance") { acronym
			  events(role: ORGANIZER) { totalCount edges { node { id name startDate } } } } }`,
			golden: "alliance-events-organizer",
		},
		{
			name: "Alliance/EventsItTookPartIn",
			query: `{ alliance(slug: "right-to-the-city-alliance") { acronym
			  events(role: PARTICIPANT, first: 3) { totalCount pageInfo { hasNextPage }
			    edges { node { id name startDate } } } } }`,
			golden: "alliance-events-participant",
		},
		{
			name: "Alliance/EventsOfEitherRoleByStartDate",
			query: `{ alliance(slug: "right-to-the-city-alliance") { acronym
			  events(first: 4) { totalCount pageInfo { hasNextPage }
			    edges { node { id name startDate } } } } }`,
			golden: "alliance-events-all",
		},
		// Organization.state and State.organizations.
		{
			name: "Organization/StateItIsBasedIn",
			query: `{ organization(slug: "elkwater-workers-center-sample") { id city
			  state { id code slug name country type region division fips lat lng } } }`,
			golden: "organization-state",
		},
		{
			name:   "Organization/PartnerWithoutStateHasNullState",
			query:  `{ organization(slug: "center-for-story-based-strategy") { id kind partnerRole city state { code } lat lng } }`,
			golden: "organization-state-none",
		},
		{
			name: "State/OrganizationsBasedThere",
			query: `{ state(code: "CA") { id name
			  organizations(first: 4) { totalCount pageInfo { hasNextPage }
			    edges { node { id name city state { code } } } } } }`,
			golden: "state-organizations",
		},
		// Organization.partners, seen from both sides.
		{
			name: "Organization/PartnersOfTheCoalition",
			query: `{ organization(slug: "it-takes-roots") { id
			  partners { totalCount edges { node { id name kind partnerRole } } } } }`,
			golden: "organization-partners-coalition",
		},
		{
			name: "Organization/PartnersGoBothWays",
			query: `{
			  ruckus: organization(slug: "the-ruckus-society") { id partners { totalCount edges { node { id } } } }
			  magnolia: organization(slug: "magnoliacrossing-climate-collective-sample") { id
			    partners { totalCount edges { node { id name } } } }
			  honeybee: organization(slug: "honeybeecrossing-tenants-union-sample") { id
			    partners { totalCount edges { node { id name } } } }
			  emberbend: organization(slug: "emberbend-youth-just-transition-network-sample") { id
			    partners { totalCount edges { node { id name } } } }
			}`,
			golden: "organization-partners-both-ways",
		},
		// Organization.events by role.
		{
			name: "Organization/EventsItOrganized",
			query: `{ organization(slug: "it-takes-roots") { id
			  events(role: ORGANIZER) { totalCount edges { node { id name startDate endDate } } } } }`,
			golden: "organization-events-organizer",
		},
		{
			name: "Organization/EventsItTookPartIn",
			query: `{ organization(slug: "it-takes-roots") { id
			  events(role: PARTICIPANT, first: 2) { totalCount pageInfo { hasNextPage }
			    edges { node { id name startDate } } } } }`,
			golden: "organization-events-participant",
		},
		{
			name: "Organization/EventsOfEitherRoleByStartDate",
			query: `{ organization(slug: "it-takes-roots") { id
			  events(first: 3) { totalCount pageInfo { hasNextPage }
			    edges { node { id name startDate } } } } }`,
			golden: "organization-events-all",
		},
		{
			name: "Organization/EventsOfEitherRoleAreTheUnion",
			query: `{ organization(slug: "magnoliacrossing-climate-collective-sample") { id
			  organized: events(role: ORGANIZER) { totalCount edges { node { id } } }
			  participated: events(role: PARTICIPANT) { totalCount edges { node { id } } }
			  all: events { totalCount edges { node { id } } } } }`,
			golden: "organization-events-union",
		},
		// Event.organizers and Event.participants: the Actor union, organizations and alliances
		// merged by name.
		{
			name: "Event/OrganizersAreAlliancesAndOrganizations",
			query: `{ event(slug: "peoples-caravan-2016") { id name
			  organizers { totalCount edges { node { __typename
			    ... on Organization { id name kind }
			    ... on Alliance { id name acronym } } } } } }`,
			golden: "event-organizers",
		},
		{
			name: "Event/OrganizersOnlyOrganizations",
			query: `{ event(slug: "may-day-2017") { id
			  organizers(first: 3) { totalCount pageInfo { hasNextPage } edges { node { __typename
			    ... on Organization { id name }
			    ... on Alliance { id acronym } } } } } }`,
			golden: "event-organizers-organizations",
		},
		{
			name: "Event/ParticipantsMergedByName",
			query: `{ event(slug: "cop21-paris-2015") { id
			  participants { totalCount edges { node { __typename
			    ... on Organization { id name }
			    ... on Alliance { id name } } } } } }`,
			golden: "event-participants",
		},
		{
			name: "Event/OrganizersAndParticipantsReverseOfRoles",
			query: `{ event(slug: "peoples-climate-march-2014") { id
			  organizers { totalCount edges { node { __typename ... on Alliance { acronym } ... on Organization { id } } } }
			  participants(first: 5) { totalCount pageInfo { hasNextPage }
			    edges { node { __typename ... on Alliance { acronym } ... on Organization { id name } } } } } }`,
			golden: "event-participants-march-2014",
		},
		// Organization.hubs and Hub.hosts.
		{
			name: "Organization/HubsItHosts",
			query: `{ organization(slug: "fireflyrun-youth-frontline-energy-circle-sample") { id
			  hubs { totalCount edges { node { id name city } } } } }`,
			golden: "organization-hubs",
		},
		{
			name:   "Organization/HostsNoHub",
			query:  `{ organization(slug: "it-takes-roots") { id hubs { totalCount pageInfo { hasNextPage startCursor endCursor } edges { node { id } } } } }`,
			golden: "organization-hubs-none",
		},
		{
			name: "Hub/HostsByName",
			query: `{ hub(slug: "athens-resistance-hub-sample") { id name
			  hosts { totalCount edges { node { id name state { code } hubs { edges { node { id } } } } } } } }`,
			golden: "hub-hosts",
		},
		// State.hubs and Hub.state.
		{
			name: "State/HubsThere",
			query: `{ state(code: "MI") { id name
			  hubs { totalCount edges { node { id name city setting state { code } } } } } }`,
			golden: "state-hubs",
		},
		{
			name:   "Hub/StateItIsIn",
			query:  `{ hub(id: "hub:detroit-resistance-hub-sample") { id city state { id code name type } } }`,
			golden: "hub-state",
		},
		// State.events and Event.state.
		{
			name: "State/EventsHeldThere",
			query: `{ state(code: "NY") { id
			  events { totalCount edges { node { id name startDate endDate city state { code } } } } } }`,
			golden: "state-events",
		},
		{
			name: "State/NoEventsHeldThere",
			query: `{ state(code: "QC") { id name type division fips
			  events { totalCount pageInfo { hasNextPage } edges { node { id } } } } }`,
			golden: "state-events-none",
		},
		{
			name: "Event/StateItWasHeldIn",
			query: `{ event(slug: "peoples-climate-march-2017") { id place city country
			  state { id code name type division fips } } }`,
			golden: "event-state",
		},
		{
			name:   "Event/AbroadHasNullState",
			query:  `{ event(slug: "cop21-paris-2015") { id place city country lat lng state { code } } }`,
			golden: "event-state-none",
		},
		// Event.hubs and Hub.events.
		{
			name: "Event/HubsThatMobilizedForIt",
			query: `{ event(slug: "may-day-2017") { id
			  hubs(first: 3) { totalCount pageInfo { hasNextPage } edges { node { id name } } } } }`,
			golden: "event-hubs",
		},
		{
			name: "Hub/EventsItMobilizedFor",
			query: `{ hub(slug: "gallup-resistance-hub-sample") { id
			  events { totalCount edges { node { id name startDate hubs(first: 100) { totalCount } } } } } }`,
			golden: "hub-events",
		},
		{
			name:   "Hub/NoEvents",
			query:  `{ hub(slug: "albuquerque-resistance-hub-sample") { id events { totalCount edges { node { id } } } } }`,
			golden: "hub-events-none",
		},
		// Lookups by id, slug and code.
		{
			name: "Lookup/EveryWayOfNamingARecord",
			query: `{
			  allianceBySlug: alliance(slug: "grassroots-global-justice-alliance") { id slug acronym }
			  allianceByID: alliance(id: "alliance:grassroots-global-justice-alliance") { id slug }
			  organizationByID: organization(id: "organization:center-for-story-based-strategy") { id slug name }
			  organizationBySlug: organization(slug: "center-for-story-based-strategy") { id }
			  stateByCode: state(code: "NY") { id code slug name }
			  stateBySlug: state(slug: "new-york") { id code }
			  stateByID: state(id: "state:NY") { id code }
			  eventBySlug: event(slug: "may-day-2017") { id slug name }
			  eventByID: event(id: "event:may-day-2017") { id }
			  hubByID: hub(id: "hub:seattle-resistance-hub-sample") { id slug name }
			  hubBySlug: hub(slug: "seattle-resistance-hub-sample") { id }
			}`,
			golden: "lookup-found",
		},
		{
			name: "Lookup/UnknownIsNull",
			query: `{
			  alliance(slug: "no-such-alliance") { id }
			  organization(id: "organization:no-such-organization") { id }
			  organizationWithAnAllianceID: organization(id: "alliance:climate-justice-alliance") { id }
			  organizationWithMalformedID: organization(id: "garbage") { id }
			  stateByCode: state(code: "ZZ") { id }
			  stateBySlug: state(slug: "atlantis") { id }
			  event(slug: "no-such-event") { id }
			  hub(id: "hub:no-such-hub") { id }
			}`,
			golden: "lookup-unknown",
		},
		// node and nodes.
		{
			name: "Node/EveryType",
			query: `{
			  alliance: node(id: "alliance:climate-justice-alliance") { __typename id ... on Alliance { slug acronym } }
			  organization: node(id: "organization:it-takes-roots") { __typename id ... on Organization { slug kind } }
			  state: node(id: "state:NY") { __typename id ... on State { code name } }
			  event: node(id: "event:peoples-climate-march-2014") { __typename id ... on Event { slug startDate } }
			  hub: node(id: "hub:albuquerque-resistance-hub-sample") { __typename id ... on Hub { slug setting } }
			}`,
			golden: "node-every-type",
		},
		{
			name: "Node/UnknownOrMalformedIsNull",
			query: `{
			  unknownSlug: node(id: "organization:no-such-thing") { id }
			  unknownType: node(id: "planet:earth") { id }
			  noPrefix: node(id: "garbage") { id }
			  emptySlug: node(id: "hub:") { id }
			  empty: node(id: "") { id }
			}`,
			golden: "node-unknown",
		},
		{
			name: "Nodes/InOrderWithNullsInPlace",
			query: `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id
			  ... on State { code }
			  ... on Organization { name }
			  ... on Event { startDate }
			} }`,
			variables: map[string]any{"ids": []string{
				"state:NY", "organization:no-such-thing", "event:may-day-2017", "garbage",
				"organization:it-takes-roots", "state:NY", "hub:no-such-hub",
			}},
			golden: "nodes-mixed",
		},
		// Top-level lists.
		{
			name: "Alliances/AllByName",
			query: `{ alliances { totalCount pageInfo { hasNextPage hasPreviousPage }
			  edges { node { id name acronym description sample sources { title url } } } } }`,
			golden: "alliances",
		},
		{
			name: "Organizations/FirstThreeByName",
			query: `{ organizations(first: 3) { totalCount pageInfo { hasNextPage hasPreviousPage }
			  edges { node { id name kind } } } }`,
			golden: "organizations",
		},
		{
			name: "States/FirstThreeByName",
			query: `{ states(first: 3) { totalCount pageInfo { hasNextPage hasPreviousPage }
			  edges { node { id code name type } } } }`,
			golden: "states",
		},
		{
			name: "Events/FirstThreeByStartDate",
			query: `{ events(first: 3) { totalCount pageInfo { hasNextPage hasPreviousPage }
			  edges { node { id name kind startDate endDate } } } }`,
			golden: "events",
		},
		{
			name: "Hubs/FirstThreeByName",
			query: `{ hubs(first: 3) { totalCount pageInfo { hasNextPage hasPreviousPage }
			  edges { node { id name setting } } } }`,
			golden: "hubs",
		},
		{
			name: "Lists/FirstZeroGivesOnlyTheCount",
			query: `{ organizations(first: 0) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { id } } }
			  states(first: 0) { totalCount }
			  events(first: 0) { totalCount }
			  hubs(first: 0) { totalCount }
			  alliances(first: 0) { totalCount } }`,
			golden: "lists-first-zero",
		},
		// Scalar fields, sources, sample, Date and DateTime.
		{
			name: "Organization/EveryScalarField",
			query: `{ organization(slug: "birchgate-tenants-union-sample") { id slug name kind partnerRole description
			  website city lat lng communities issues generations sources { title url } sample createdAt updatedAt } }`,
			golden: "organization-fields",
		},
		{
			name: "Organization/RealPartnerFields",
			query: `{ organization(slug: "movement-for-black-lives") { id name kind partnerRole description website
			  city communities issues generations sources { title url } sample createdAt updatedAt } }`,
			golden: "organization-fields-partner",
		},
		{
			name: "State/EveryScalarField",
			query: `{ state(code: "DC") { id code slug name country type region division fips lat lng
			  sources { title url } sample } }`,
			golden: "state-fields",
		},
		{
			name: "Event/EveryScalarFieldWithDates",
			query: `{ event(slug: "cop22-marrakech-2016") { id slug name kind startDate endDate place city country
			  lat lng description sources { title url } sample } }`,
			golden: "event-fields",
		},
		{
			name: "Hub/EveryScalarFieldOfSampleData",
			query: `{ hub(slug: "bethel-resistance-hub-sample") { id slug name setting city lat lng activities
			  sources { title url } sample } }`,
			golden: "hub-fields",
		},
	}

	s := newTestServer(t, 1)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.t = t
			apitest.CheckGolden(t, c.golden, s.mustQuery(c.query, c.variables))
		})
	}

	t.Run("Paging", func(t *testing.T) { testPaging(t, s) })
}

// testPaging takes a first page of three, passes its endCursor as after, and shows that the next
// page continues the list: together the two pages are the first six items, in order, without
// overlap.
func testPaging(t *testing.T, s *testServer) {
	const conn = `(first: $first, after: $after) { totalCount
	  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
	  edges { cursor node { id } } }`
	const actorConn = `(first: $first, after: $after) { totalCount
	  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
	  edges { cursor node { ... on Organization { id } ... on Alliance { id } } } }`
	cases := []struct {
		name   string
		query  string
		path   []string
		golden string
	}{
		{"Alliances", `query($first: Int, $after: String) { alliances` + conn + ` }`,
			[]string{"alliances"}, "paging-alliances"},
		{"Organizations", `query($first: Int, $after: String) { organizations` + conn + ` }`,
			[]string{"organizations"}, "paging-organizations"},
		{"States", `query($first: Int, $after: String) { states` + conn + ` }`,
			[]string{"states"}, "paging-states"},
		{"Events", `query($first: Int, $after: String) { events` + conn + ` }`,
			[]string{"events"}, "paging-events"},
		{"Hubs", `query($first: Int, $after: String) { hubs` + conn + ` }`,
			[]string{"hubs"}, "paging-hubs"},
		{"AllianceMembers", `query($first: Int, $after: String) {
		  alliance(slug: "climate-justice-alliance") { members` + conn + ` } }`,
			[]string{"alliance", "members"}, "paging-alliance-members"},
		{"OrganizationEvents", `query($first: Int, $after: String) {
		  organization(slug: "it-takes-roots") { events` + conn + ` } }`,
			[]string{"organization", "events"}, "paging-organization-events"},
		{"EventParticipants", `query($first: Int, $after: String) {
		  event(slug: "cop21-paris-2015") { participants` + actorConn + ` } }`,
			[]string{"event", "participants"}, "paging-event-participants"},
		{"StateOrganizations", `query($first: Int, $after: String) {
		  state(code: "CA") { organizations` + conn + ` } }`,
			[]string{"state", "organizations"}, "paging-state-organizations"},
		{"EventHubs", `query($first: Int, $after: String) {
		  event(slug: "may-day-2017") { hubs` + conn + ` } }`,
			[]string{"event", "hubs"}, "paging-event-hubs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.t = t
			get := func(vars map[string]any) connection {
				t.Helper()
				return connectionAt(t, s.mustQuery(c.query, vars), c.path)
			}
			six := get(map[string]any{"first": 6})
			first := get(map[string]any{"first": 3})
			if first.PageInfo.EndCursor == nil {
				t.Fatalf("first page: endCursor is null; want the cursor of its last item")
			}
			next := get(map[string]any{"first": 3, "after": *first.PageInfo.EndCursor})

			if got := first.ids(); !slices.Equal(got, six.ids()[:min(3, len(six.Edges))]) {
				t.Errorf("first page %v; want the first three of %v", got, six.ids())
			}
			if got, want := slices.Concat(first.ids(), next.ids()), six.ids(); !slices.Equal(got, want) {
				t.Errorf("first page then next page %v; want %v (the first six, in order)", got, want)
			}
			for _, id := range next.ids() {
				if slices.Contains(first.ids(), id) {
					t.Errorf("next page repeats %s from the first page", id)
				}
			}
			if got := *first.PageInfo.EndCursor; got != first.Edges[len(first.Edges)-1].Cursor {
				t.Errorf("first page: endCursor %q; want the last edge's cursor %q", got, first.Edges[len(first.Edges)-1].Cursor)
			}
			if got := first.PageInfo.StartCursor; got == nil || *got != first.Edges[0].Cursor {
				t.Errorf("first page: startCursor %v; want the first edge's cursor %q", got, first.Edges[0].Cursor)
			}
			if first.PageInfo.HasPreviousPage {
				t.Errorf("first page: hasPreviousPage true; want false")
			}
			if got, want := first.PageInfo.HasNextPage, first.TotalCount > 3; got != want {
				t.Errorf("first page: hasNextPage %v; want %v (totalCount %d)", got, want, first.TotalCount)
			}
			if !next.PageInfo.HasPreviousPage {
				t.Errorf("next page: hasPreviousPage false; want true")
			}
			if got, want := next.PageInfo.HasNextPage, next.TotalCount > 6; got != want {
				t.Errorf("next page: hasNextPage %v; want %v (totalCount %d)", got, want, next.TotalCount)
			}
			if next.TotalCount != first.TotalCount {
				t.Errorf("next page: totalCount %d; want %d, as on the first page", next.TotalCount, first.TotalCount)
			}
			apitest.CheckGolden(t, c.golden, map[string]any{
				"totalCount": first.TotalCount,
				"first":      first.summary(),
				"next":       next.summary(),
			})
		})
	}
}

// connection is a page of any connection, with what paging needs.
type connection struct {
	TotalCount int `json:"totalCount"`
	PageInfo   struct {
		HasNextPage     bool    `json:"hasNextPage"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		StartCursor     *string `json:"startCursor"`
		EndCursor       *string `json:"endCursor"`
	} `json:"pageInfo"`
	Edges []struct {
		Cursor string `json:"cursor"`
		Node   struct {
			ID string `json:"id"`
		} `json:"node"`
	} `json:"edges"`
}

func (c connection) ids() []string {
	out := make([]string, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node.ID
	}
	return out
}

// summary is a page as its golden file shows it: cursors are opaque, so only the ids and flags.
func (c connection) summary() map[string]any {
	return map[string]any{
		"ids":             c.ids(),
		"hasNextPage":     c.PageInfo.HasNextPage,
		"hasPreviousPage": c.PageInfo.HasPreviousPage,
	}
}

// connectionAt decodes the connection found at path in data (a dashboard's page, or a golden
// table's).
func connectionAt(t *testing.T, data json.RawMessage, path []string) connection {
	t.Helper()
	raw := data
	for _, key := range path {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil || m[key] == nil {
			t.Fatalf("no %s in %s", strings.Join(path, "."), apitest.Truncate(data, 500))
		}
		raw = m[key]
	}
	var c connection
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("%s is not a connection: %v", strings.Join(path, "."), err)
	}
	return c
}

// TestGraphQLErrors shows that a request the API cannot answer gets an error with a code a client
// can branch on, and, for bad arguments, a message that says what to change, with the field null.
func TestGraphQLErrors(t *testing.T) {
	s := newTestServer(t, 1)

	var states struct {
		States struct {
			PageInfo struct{ EndCursor string } `json:"pageInfo"`
		} `json:"states"`
	}
	if err := json.Unmarshal(s.mustQuery(`{ states(first: 1) { pageInfo { endCursor } } }`, nil), &states); err != nil {
		t.Fatal(err)
	}
	stateCursor := states.States.PageInfo.EndCursor

	badInput := []struct {
		name      string
		query     string
		variables map[string]any
		field     string   // the field that must be null (or data itself, when it is non-null)
		message   []string // words the message must contain to say what to change
	}{
		{
			name:    "FirstNegative",
			query:   `{ organizations(first: -1) { totalCount } }`,
			field:   "organizations",
			message: []string{"first", "zero or more", "-1"},
		},
		{
			name:    "FirstAboveMaximum",
			query:   `{ organizations(first: 101) { totalCount } }`,
			field:   "organizations",
			message: []string{"first", "at most 100", "after"},
		},
		{
			name:    "NestedFirstAboveMaximum",
			query:   `{ alliance(slug: "climate-justice-alliance") { members(first: 101) { totalCount } } }`,
			field:   "alliance",
			message: []string{"first", "at most 100"},
		},
		{
			name:      "AfterNotACursor",
			query:     `query($after: String) { organizations(after: $after) { totalCount } }`,
			variables: map[string]any{"after": "garbage"},
			field:     "organizations",
			message:   []string{"after", "endCursor"},
		},
		{
			name:      "AfterFromAnotherList",
			query:     `query($after: String) { organizations(first: 3, after: $after) { totalCount } }`,
			variables: map[string]any{"after": stateCursor},
			field:     "organizations",
			message:   []string{"after", "states", "organizations"},
		},
		{
			name:    "AllianceByIDAndSlug",
			query:   `{ alliance(id: "alliance:climate-justice-alliance", slug: "climate-justice-alliance") { id } }`,
			field:   "alliance",
			message: []string{"exactly one", "`id`", "`slug`"},
		},
		{
			name:    "AllianceByNeither",
			query:   `{ alliance { id } }`,
			field:   "alliance",
			message: []string{"exactly one", "`id`", "`slug`"},
		},
		{
			name:    "StateByCodeAndSlug",
			query:   `{ state(code: "NY", slug: "new-york") { id } }`,
			field:   "state",
			message: []string{"exactly one", "`code`"},
		},
	}
	for _, c := range badInput {
		t.Run(c.name, func(t *testing.T) {
			s.t = t
			out := s.post(c.query, c.variables)
			if len(out.Errors) == 0 {
				t.Fatalf("no error; want one with code BAD_USER_INPUT (data %s)", out.Data)
			}
			e := out.Errors[0]
			if got := e.Extensions["code"]; got != "BAD_USER_INPUT" {
				t.Errorf("extensions.code %v; want BAD_USER_INPUT (message %q)", got, e.Message)
			}
			for _, word := range c.message {
				if !strings.Contains(e.Message, word) {
					t.Errorf("message %q; want it to contain %q", e.Message, word)
				}
			}
			if got := fieldOf(t, out.Data, c.field); got != "null" {
				t.Errorf("data.%s %s; want null", c.field, got)
			}
		})
	}

	malformed := []struct {
		name  string
		query string
	}{
		{"SyntaxError", `{ alliances { edges `},
		{"UnknownField", `{ alliances { nope } }`},
		{"UnknownArgument", `{ alliances(limit: 3) { totalCount } }`},
		{"WrongArgumentType", `{ alliances(first: "three") { totalCount } }`},
	}
	for _, c := range malformed {
		t.Run(c.name, func(t *testing.T) {
			s.t = t
			out := s.post(c.query, nil)
			if len(out.Errors) == 0 {
				t.Fatalf("no error; want one with an extensions.code (data %s)", out.Data)
			}
			code, _ := out.Errors[0].Extensions["code"].(string)
			t.Logf("extensions.code %q, message %q", code, out.Errors[0].Message)
			if code == "" {
				t.Errorf("extensions.code empty; want a code (message %q)", out.Errors[0].Message)
			}
		})
	}
}

// fieldOf returns the JSON of data's field, or "null" when data itself is null, as it is when the
// field is non-null and has no value.
func fieldOf(t *testing.T, data json.RawMessage, field string) string {
	t.Helper()
	if len(data) == 0 || string(data) == "null" {
		return "null"
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("data is not an object: %s", data)
	}
	v, ok := m[field]
	if !ok {
		return "(missing)"
	}
	return string(v)
}
