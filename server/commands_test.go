package main

import (
	"maps"
	"strings"
	"testing"
)

// TestCommandCount shows that the number of database commands one request causes does not grow
// with the number of objects it returns: at most one per collection and nesting level, the same
// on the data set as shipped and on one ten times larger.
func TestCommandCount(t *testing.T) {
	cases := []struct {
		name  string
		query string
		want  map[string]int
		why   string
	}{
		{
			name: "AlliancesMembersStateHubsHostsAlliances",
			query: `{ alliances { edges { node { name
			  members(first: 100) { totalCount edges { node { name
			    state { code hubs { edges { node { name
			      hosts { edges { node { name alliances { acronym } } } }
			    } } } }
			  } } }
			} } } }`,
			want: map[string]int{"find": 4},
			why: `alliances (1 page); organizations by allianceIds (every member of the four, whole);
			states by _id; hubs by stateId. Hosts cost nothing: every host is a member of an alliance,
			loaded whole at the second level; their alliances were read at the first.`,
		},
		{
			name: "EventsOrganizersParticipantsHubsHosts",
			query: `{ events(first: 10) { totalCount edges { node { name
			  state { code }
			  organizers { edges { node {
			    ... on Organization { name partners { edges { node { name } } } }
			    ... on Alliance { acronym members(first: 5) { edges { node { name } } } }
			  } } }
			  participants(first: 100) { totalCount edges { node {
			    ... on Organization { name hubs { edges { node { name
			      hosts { edges { node { name state { code } } } }
			    } } } }
			    ... on Alliance { name }
			  } } }
			  hubs { totalCount }
			} } } }`,
			want: map[string]int{"find": 8, "aggregate": 1},
			why: `level 0: events (1 page) and their count (an aggregate); level 1: states by _id,
			organizations and alliances by organizedEventIds or participatedEventIds (one $or each),
			hubs by eventIds; level 2: organizations by partnerIds or allianceIds (one $or: the
			partners and every alliance member), hubs by hostIds; level 3: nothing, the hosts are
			members read at level 2; level 4: the hosts' states by _id`,
		},
		{
			name: "NodesOfEveryType",
			query: `{ nodes(ids: ["alliance:climate-justice-alliance", "organization:it-takes-roots",
			  "state:NY", "event:peoples-climate-march-2014", "hub:albuquerque-resistance-hub-sample",
			  "organization:no-such-thing"]) {
			  id
			  ... on Organization { partners { edges { node { name } } } }
			  ... on State { hubs { totalCount } }
			  ... on Event { participants { totalCount } }
			} }`,
			want: map[string]int{"find": 8},
			why: `one find per collection for the ids, by equality since each asks for one id (5);
			then hubs by stateId, organizations by partnerIds or participatedEventIds (one $or), and
			alliances by participatedEventIds (3)`,
		},
	}
	for _, scale := range []int{1, 10} {
		s := newTestServer(t, scale)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				s.t = t
				s.mustQuery(c.query, nil) // warm the query cache; loaders live per request, so nothing else carries over
				s.db.Commands.Reset()
				s.mustQuery(c.query, nil)
				if got := s.db.Commands.ByName(); !maps.Equal(got, c.want) {
					t.Errorf("scale %dx: commands %v; want %v (%s)\nsent:\n%s",
						scale, got, c.want, c.why, strings.Join(s.db.Commands.Commands(), "\n"))
				}
			})
		}
	}
}
