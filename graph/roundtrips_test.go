package graph

import (
	"bytes"
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"rootsgraph/store"
	"rootsgraph/store/storetest"
	"rootsgraph/tools/load/queries"
)

// TestCommandCount shows that the number of database commands one request causes does not grow
// with the number of objects it returns, the same on the data set as shipped and on one ten times
// larger. Asking the database (MongoDB, or any store without snapshots): at most one per
// collection and nesting level. Through snapshots (FerretDB, as the server runs by default): two
// finds by _id per collection the request reads whole (the snapshot and the next change mark),
// once per request, and one find for each lookup of a single id made before its collection was
// read whole.
func TestCommandCount(t *testing.T) {
	cases := []struct {
		name     string
		query    string
		want     map[string]int
		why      string
		snapWant map[string]int
		snapWhy  string
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
			snapWant: map[string]int{"find": 8},
			snapWhy:  `alliances, organizations, states and hubs, each read whole once`,
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
			snapWant: map[string]int{"find": 10},
			snapWhy:  `events (the page and its count from one read), states, organizations, alliances, hubs`,
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
			snapWant: map[string]int{"find": 10},
			snapWhy: `one find by _id for each of the alliance, state, event and hub (4); the two
			organization ids read the organizations whole (2); then hubs and alliances each read
			whole (4)`,
		},
		{
			name: "RealMembershipsAndPartsWithSources",
			query: `{ organizations(first: 100, filter: {sample: false}) { edges { node { name
			  memberships { alliance { name memberAlliances { name } } asOf sources { url date } }
			  participations { event { name hubs { totalCount } } role sources { url } }
			} } } }`,
			want: map[string]int{"find": 5},
			why: `organizations (1 page); level 1: memberships and participations are the documents'
			own, so alliances by _id and events by _id; level 2: alliances by allianceIds, hubs by
			eventIds`,
			snapWant: map[string]int{"find": 8},
			snapWhy:  `organizations, alliances, events and hubs, each read whole once`,
		},
		{
			name: "HubsAlliancesAndHosts",
			query: `{ hubs(first: 100) { edges { node { name
			  alliances { name }
			  hosts { edges { node { name alliances { acronym } } } }
			} } } }`,
			want: map[string]int{"find": 3},
			why: `hubs (1 page); level 1: alliances by _id, organizations by _id (the hosts); level 2:
			nothing, a hub's alliances are its hosts', read at level 1`,
			snapWant: map[string]int{"find": 6},
			snapWhy:  `hubs, alliances and organizations, each read whole once`,
		},
		{
			name: "AlliancesHubsHosts",
			query: `{ alliances { edges { node { name
			  hubs(first: 100) { totalCount edges { node { name hosts { edges { node { name } } } } } }
			} } } }`,
			want:     map[string]int{"find": 3},
			why:      `alliances (1 page); level 1: hubs by allianceIds; level 2: organizations by _id (the hosts)`,
			snapWant: map[string]int{"find": 6},
			snapWhy:  `alliances, hubs and organizations, each read whole once`,
		},
	}
	for _, scale := range []int{1, 10} {
		s := newTestServer(t, scale)
		if !s.db.Snapshots() {
			t.Fatalf("the test database does not read snapshots: %s", s.db)
		}
		direct, counter := withoutSnapshots(t, s)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				for _, run := range []struct {
					ts       *testServer
					commands *storetest.Counter
					want     map[string]int
					why      string
				}{{s, s.db.Commands, c.snapWant, c.snapWhy}, {direct, counter, c.want, c.why}} {
					run.ts.t = t
					// Warm the query cache and the snapshots; loaders live per request, so nothing
					// else carries over.
					run.ts.mustQuery(c.query, nil)
					run.commands.Reset()
					run.ts.mustQuery(c.query, nil)
					if got := run.commands.ByName(); !maps.Equal(got, run.want) {
						t.Errorf("scale %dx, snapshots %v: commands %v; want %v (%s)\nsent:\n%s",
							scale, run.ts == s, got, run.want, run.why, strings.Join(run.commands.Commands(), "\n"))
					}
				}
			})
		}
	}
}

// withoutSnapshots returns a server on s's database whose store asks the database for every read
// (as it does on MongoDB), and the counter of its commands.
func withoutSnapshots(t *testing.T, s *testServer) (*testServer, *storetest.Counter) {
	t.Helper()
	counter := &storetest.Counter{}
	st, err := store.Open(t.Context(), store.Config{URI: s.db.URI, Database: s.db.Name, Monitor: counter.Monitor(),
		Exclusive: true, NoSnapshots: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	db := *s.db
	db.Store, db.Commands = st, counter
	return serve(t, &db, st), counter
}

// TestCommandCountWithReferenceData: with the states and alliances kept in memory, as the server
// runs by default, the dashboards' list query (tools/load's "list") costs the database only the
// organizations' page and count once the reference data has been read (asking the database; the
// snapshot's two finds by _id through snapshots), and a rename of an alliance through the server
// shows in the very next answer.
func TestCommandCountWithReferenceData(t *testing.T) {
	for _, snapshots := range []bool{true, false} {
		t.Run(map[bool]string{true: "Snapshots", false: "Database"}[snapshots], func(t *testing.T) {
			want := map[string]int{"find": 1, "aggregate": 1}
			if snapshots {
				want = map[string]int{"find": 2}
			}
			referenceData(t, !snapshots, want)
		})
	}
}

func referenceData(t *testing.T, noSnapshots bool, want map[string]int) {
	db := storetest.Seeded(t, 1)
	counter := &storetest.Counter{}
	s, err := store.Open(t.Context(), store.Config{URI: db.URI, Database: db.Name, Monitor: counter.Monitor(),
		Exclusive: true, ReferenceTTL: time.Minute, NoSnapshots: noSnapshots})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	ts := serve(t, db, s)
	list, _ := queries.Named("list")

	first := ts.mustQuery(list.Text, nil)
	counter.Reset()
	if again := ts.mustQuery(list.Text, nil); !bytes.Equal(again, first) {
		t.Fatalf("the second answer differs from the first")
	}
	if got := counter.ByName(); !maps.Equal(got, want) {
		t.Errorf("commands of the second list request: %v; want %v (the page and its count):\n%s", got, want, strings.Join(counter.Commands(), "\n"))
	}

	// The organizers of an event are read through the alliances' organizedEventIds, from memory.
	const organizers = `{ event(slug: "cop22-marrakech-2016") { organizers { edges { node { ... on Alliance { id } } } } } }`
	const rttc = "alliance:right-to-the-city-alliance"
	if got := ts.mustQuery(organizers, nil); bytes.Contains(got, []byte(rttc)) {
		t.Fatalf("the Right to the City Alliance already organizes COP22: %s", got)
	}
	key, _, err := db.CreateKey(t.Context(), "Curator Carla", store.RoleCurator, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if out := ts.postAs(key, `mutation { addOrganizer(event: "event:cop22-marrakech-2016", actor: "`+rttc+`") { id } }`, nil); len(out.Errors) > 0 {
		t.Fatalf("addOrganizer: %+v", out.Errors)
	}
	if got := ts.mustQuery(organizers, nil); !bytes.Contains(got, []byte(rttc)) {
		t.Errorf("right after an alliance changed through the server, its kept copy is still read: %s", got)
	}
}
