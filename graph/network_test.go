package graph

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"strings"
	"testing"

	"rootsgraph/apitest"
)

// This file tests the researcher queries network, path and networkMeasures over the hand-made
// network of apitest/network.go, small enough that every answer can be worked out on paper (its
// picture is there).

// newNetworkServer serves the hand-made network with every organization there copies times.
func newNetworkServer(t *testing.T, copies int) *testServer {
	t.Helper()
	db := apitest.SeedNetwork(t, copies)
	return serve(t, db, db.Store)
}

func (s *testServer) network(args string) apitest.NetAnswer {
	return apitest.Network(s.t, s.mustQuery, args)
}

func (s *testServer) measures(args string) apitest.NetMeasures {
	return apitest.Measures(s.t, s.mustQuery, args)
}

// nodeDepths lists nodes as "slug:depth", in answer order.
func nodeDepths(nodes []apitest.NetNode) []string {
	out := []string{}
	for _, n := range nodes {
		if n.Depth == nil {
			out = append(out, apitest.Slug(n.ID)+":null")
		} else {
			out = append(out, fmt.Sprintf("%s:%d", apitest.Slug(n.ID), *n.Depth))
		}
	}
	return out
}

// edgeTriples lists edges as "source target KIND" by slug, in answer order.
func edgeTriples(edges []apitest.NetEdge) []string {
	out := []string{}
	for _, e := range edges {
		out = append(out, apitest.Slug(e.Source)+" "+apitest.Slug(e.Target)+" "+e.Kind)
	}
	return out
}

// wantBadInput runs a query that must fail with BAD_USER_INPUT before any database command.
func wantBadInput(t *testing.T, s *testServer, query string) {
	t.Helper()
	s.t = t
	s.db.Commands.Reset()
	out := s.post(query, nil)
	if len(out.Errors) != 1 || out.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("errors %+v; want one with code BAD_USER_INPUT", out.Errors)
	}
	if n := s.db.Commands.Total(); n != 0 {
		t.Errorf("%d database commands (%q); want none for bad input", n, s.db.Commands.Commands())
	}
}

// TestNetworkNeighbourhood checks network() node by node and edge by edge against the picture at
// the top of the file. Nodes come sorted by id, edges by (source, target, kind).
//
// The edges are those the hops' lookups returned: expanding a hop reads the frontier's records
// and the records that point at the frontier, so an edge between two nodes first reached at the
// last hop is never seen, and is not in the answer (finding it would cost one more hop of
// lookups). Depth2Default misses elm–hazel and Depth3Default misses beta–dogwood for that reason.
func TestNetworkNeighbourhood(t *testing.T) {
	s := newNetworkServer(t, 1)
	cases := []struct {
		name      string
		args      string
		nodes     []string // "slug:depth", sorted by id
		edges     []string // "source target KIND", sorted
		limit     int      // 0: the default
		truncated bool
	}{
		{
			name:  "Depth0",
			args:  `from: ["organization:ash"], depth: 0`,
			nodes: []string{"ash:0"},
		},
		{
			name:  "Depth1Default",
			args:  `from: ["organization:ash"]`,
			nodes: []string{"alpha:1", "ash:0", "birch:1"},
			edges: []string{"alpha ash MEMBER_OF", "ash birch PARTNERS_WITH"},
		},
		{
			// Hop 2 expands alpha and birch: alpha's members (ash, hazel), birch's partner cedar,
			// and elm, who marched with birch. hazel and elm co-participated in the summit, but
			// both are new at the last hop, so elm–hazel is not among the edges.
			name:  "Depth2Default",
			args:  `from: ["organization:ash"], depth: 2`,
			nodes: []string{"alpha:1", "ash:0", "birch:1", "cedar:2", "elm:2", "hazel:2"},
			edges: []string{
				"alpha ash MEMBER_OF", "alpha hazel MEMBER_OF", "ash birch PARTNERS_WITH",
				"birch cedar PARTNERS_WITH", "birch elm CO_PARTICIPATED",
			},
		},
		{
			// Hop 3 expands cedar, elm and hazel, which reaches dogwood, beta and gum. elm–hazel is
			// there now; beta–dogwood is not (both new at the last hop); fir is 4 hops away.
			name:  "Depth3Default",
			args:  `from: ["organization:ash"], depth: 3`,
			nodes: []string{"alpha:1", "beta:3", "ash:0", "birch:1", "cedar:2", "dogwood:3", "elm:2", "gum:3", "hazel:2"},
			edges: []string{
				"alpha ash MEMBER_OF", "alpha hazel MEMBER_OF", "beta elm MEMBER_OF",
				"ash birch PARTNERS_WITH", "birch cedar PARTNERS_WITH", "birch elm CO_PARTICIPATED",
				"cedar dogwood PARTNERS_WITH", "elm gum CO_PARTICIPATED", "elm gum PARTNERS_WITH",
				"elm hazel CO_PARTICIPATED", "gum hazel CO_PARTICIPATED",
			},
		},
		{
			name:  "Depth0MemberPartner",
			args:  `from: ["organization:ash"], depth: 0, via: [MEMBER_OF, PARTNERS_WITH]`,
			nodes: []string{"ash:0"},
		},
		{
			name:  "Depth1MemberPartner",
			args:  `from: ["organization:ash"], depth: 1, via: [MEMBER_OF, PARTNERS_WITH]`,
			nodes: []string{"alpha:1", "ash:0", "birch:1"},
			edges: []string{"alpha ash MEMBER_OF", "ash birch PARTNERS_WITH"},
		},
		{
			name:  "Depth2MemberPartner",
			args:  `from: ["organization:ash"], depth: 2, via: [MEMBER_OF, PARTNERS_WITH]`,
			nodes: []string{"alpha:1", "ash:0", "birch:1", "cedar:2", "hazel:2"},
			edges: []string{"alpha ash MEMBER_OF", "alpha hazel MEMBER_OF", "ash birch PARTNERS_WITH", "birch cedar PARTNERS_WITH"},
		},
		{
			name:  "Depth3MemberPartner",
			args:  `from: ["organization:ash"], depth: 3, via: [MEMBER_OF, PARTNERS_WITH]`,
			nodes: []string{"alpha:1", "ash:0", "birch:1", "cedar:2", "dogwood:3", "hazel:2"},
			edges: []string{
				"alpha ash MEMBER_OF", "alpha hazel MEMBER_OF", "ash birch PARTNERS_WITH",
				"birch cedar PARTNERS_WITH", "cedar dogwood PARTNERS_WITH",
			},
		},
		{
			// gum lists elm and elm lists gum: one edge.
			name:  "PartnersOnly",
			args:  `from: ["organization:elm"], depth: 2, via: [PARTNERS_WITH]`,
			nodes: []string{"elm:0", "fir:2", "gum:1"},
			edges: []string{"elm gum PARTNERS_WITH", "fir gum PARTNERS_WITH"},
		},
		{
			// Around the cycle beta–elm–gum–fir–beta: gum is reached from elm and from fir at hop
			// 2 and appears once; the walk then runs down the chain to ash.
			name:  "CycleDoesNotRepeatNodes",
			args:  `from: ["alliance:beta"], depth: 4, via: [MEMBER_OF, PARTNERS_WITH]`,
			nodes: []string{"beta:0", "ash:4", "birch:3", "cedar:2", "dogwood:1", "elm:1", "fir:1", "gum:2"},
			edges: []string{
				"beta dogwood MEMBER_OF", "beta elm MEMBER_OF", "beta fir MEMBER_OF",
				"ash birch PARTNERS_WITH", "birch cedar PARTNERS_WITH", "cedar dogwood PARTNERS_WITH",
				"elm gum PARTNERS_WITH", "fir gum PARTNERS_WITH",
			},
		},
		{
			// larch is found through kapok's partnerIds, which names it; maple has no edge.
			name:  "DisconnectedSeeds",
			args:  `from: ["organization:maple", "organization:larch", "organization:larch"], depth: 3`,
			nodes: []string{"kapok:1", "larch:0", "maple:0"},
			edges: []string{"kapok larch PARTNERS_WITH"},
		},
		{
			name:  "IncludeEvents",
			args:  `from: ["organization:cedar"], include: [ORGANIZATION, ALLIANCE, EVENT]`,
			nodes: []string{"march:1", "birch:1", "cedar:0", "dogwood:1"},
			edges: []string{"march cedar ORGANIZED", "birch cedar PARTNERS_WITH", "cedar dogwood PARTNERS_WITH"},
		},
		{
			// From an event: its organizers and participants, found through the records that
			// point at it (alpha organized the march; it took part in the summit only).
			name:  "FromEvent",
			args:  `from: ["event:march"], include: [ORGANIZATION, ALLIANCE, EVENT]`,
			nodes: []string{"alpha:1", "march:0", "birch:1", "cedar:1", "elm:1"},
			edges: []string{"alpha march ORGANIZED", "march birch PARTICIPATED_IN", "march cedar ORGANIZED", "march elm PARTICIPATED_IN"},
		},
		{
			name:  "ViaOrganized",
			args:  `from: ["organization:cedar"], depth: 2, via: [ORGANIZED]`,
			nodes: []string{"alpha:2", "march:1", "cedar:0"},
			edges: []string{"alpha march ORGANIZED", "march cedar ORGANIZED"},
		},
		{
			name:  "ViaParticipated",
			args:  `from: ["organization:elm"], depth: 2, via: [PARTICIPATED_IN]`,
			nodes: []string{"alpha:2", "march:1", "summit:1", "birch:2", "elm:0", "gum:2", "hazel:2"},
			edges: []string{
				"alpha summit PARTICIPATED_IN", "march birch PARTICIPATED_IN", "march elm PARTICIPATED_IN",
				"summit elm PARTICIPATED_IN", "summit gum PARTICIPATED_IN", "summit hazel PARTICIPATED_IN",
			},
		},
		{
			name:  "ViaHosts",
			args:  `from: ["organization:dogwood"], depth: 2, via: [HOSTS]`,
			nodes: []string{"riverside:1", "dogwood:0", "fir:2"},
			edges: []string{"riverside dogwood HOSTS", "riverside fir HOSTS"},
		},
		{
			// Hop 1 reaches dogwood, elm and fir; room for two: the smallest ids.
			name:      "LimitCutsAHop",
			args:      `from: ["alliance:beta"], depth: 2, via: [MEMBER_OF, PARTNERS_WITH]`,
			limit:     3,
			nodes:     []string{"beta:0", "dogwood:1", "elm:1"},
			edges:     []string{"beta dogwood MEMBER_OF", "beta elm MEMBER_OF"},
			truncated: true,
		},
		{
			name:  "LimitReachedOnTheLastHop",
			args:  `from: ["alliance:beta"], depth: 1, via: [MEMBER_OF, PARTNERS_WITH]`,
			limit: 4,
			nodes: []string{"beta:0", "dogwood:1", "elm:1", "fir:1"},
			edges: []string{"beta dogwood MEMBER_OF", "beta elm MEMBER_OF", "beta fir MEMBER_OF"},
		},
		{
			// Full after hop 1; hop 2 is still expanded, finds cedar and gum, and keeps neither.
			name:      "LimitFullBeforeAHop",
			args:      `from: ["alliance:beta"], depth: 2, via: [MEMBER_OF, PARTNERS_WITH]`,
			limit:     4,
			nodes:     []string{"beta:0", "dogwood:1", "elm:1", "fir:1"},
			edges:     []string{"beta dogwood MEMBER_OF", "beta elm MEMBER_OF", "beta fir MEMBER_OF"},
			truncated: true,
		},
		{
			// More seeds than the limit: the smallest ids, and no hop at all.
			name:      "SeedsOverLimit",
			args:      `from: ["organization:cedar", "organization:birch", "organization:ash"]`,
			limit:     2,
			nodes:     []string{"ash:0", "birch:0"},
			truncated: true,
		},
		{
			// A well-formed id that names nothing is no node.
			name:  "UnknownSeed",
			args:  `from: ["organization:nobody", "organization:kapok"], depth: 1`,
			nodes: []string{"kapok:0", "larch:1"},
			edges: []string{"kapok larch PARTNERS_WITH"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.t = t
			args := c.args
			if c.limit > 0 {
				args += fmt.Sprintf(", limit: %d", c.limit)
			}
			got := s.network(args)
			apitest.WantList(t, "nodes", nodeDepths(got.Nodes), c.nodes)
			apitest.WantList(t, "edges", edgeTriples(got.Edges), c.edges)
			if got.Truncated != c.truncated {
				t.Errorf("truncated %v; want %v", got.Truncated, c.truncated)
			}
			ids := map[string]bool{}
			for _, n := range got.Nodes {
				if ids[n.ID] {
					t.Errorf("node %s appears twice", n.ID)
				}
				ids[n.ID] = true
			}
			for _, e := range got.Edges {
				if !ids[e.Source] || !ids[e.Target] {
					t.Errorf("edge %s–%s has an end that is not a node", e.Source, e.Target)
				}
				if e.Source >= e.Target {
					t.Errorf("edge %s–%s: source and target not in id order", e.Source, e.Target)
				}
				if want := e.Source == "organization:hazel" || e.Target == "organization:hazel"; e.Sample != want {
					t.Errorf("edge %s–%s %s: sample %v; want %v (hazel is the only sample record)", e.Source, e.Target, e.Kind, e.Sample, want)
				}
			}
			if c.truncated && len(got.Nodes) != c.limit {
				t.Errorf("truncated with %d nodes; want the limit, %d", len(got.Nodes), c.limit)
			}
		})
	}
}

// TestNetworkNodesAndEdgeProvenance checks the attributes of nodes of every kind and the
// provenance of edges: sources are those of the record that states the edge (both ends for
// partnerships and co-participation), sample is true when either end is, events name the shared
// events.
func TestNetworkNodesAndEdgeProvenance(t *testing.T) {
	s := newNetworkServer(t, 1)

	t.Run("Nodes", func(t *testing.T) {
		s.t = t
		got := s.network(`from: ["organization:ash", "organization:hazel", "organization:gum", "alliance:beta",
		  "event:march", "event:summit", "hub:riverside"], depth: 0, include: [ORGANIZATION, ALLIANCE, EVENT, HUB]`)
		str := func(s *string) string {
			if s == nil {
				return "null"
			}
			return *s
		}
		var lines []string
		for _, n := range got.Nodes {
			lines = append(lines, fmt.Sprintf("%s %s %q state=%s country=%s alliances=%v communities=%v issues=%v sample=%v",
				n.ID, n.Kind, n.Name, str(n.State), str(n.Country), n.Alliances, n.Communities, n.Issues, n.Sample))
		}
		apitest.WantList(t, "nodes", lines, []string{
			`alliance:beta ALLIANCE "Beta Alliance" state=null country=null alliances=[] communities=[] issues=[] sample=false`,
			`event:march EVENT "March" state=NY country=US alliances=[] communities=[] issues=[] sample=false`,
			`event:summit EVENT "Summit" state=null country=US alliances=[] communities=[] issues=[] sample=false`,
			`hub:riverside HUB "Riverside Hub" state=NM country=US alliances=[alliance:beta] communities=[] issues=[] sample=false`,
			`organization:ash ORGANIZATION "Ash" state=NM country=US alliances=[alliance:alpha] communities=[INDIGENOUS] issues=[CLIMATE_JUSTICE] sample=false`,
			`organization:gum ORGANIZATION "Gum" state=null country=null alliances=[] communities=[] issues=[] sample=false`,
			`organization:hazel ORGANIZATION "Hazel" state=NM country=US alliances=[alliance:alpha] communities=[] issues=[] sample=true`,
		})
	})

	t.Run("Edges", func(t *testing.T) {
		s.t = t
		// elm at depth 1: its alliance, its partner, and its co-participants in both events.
		got := s.network(`from: ["organization:elm"]`)
		apitest.WantList(t, "nodes", nodeDepths(got.Nodes), []string{"beta:1", "birch:1", "elm:0", "gum:1", "hazel:1"})
		var lines []string
		for _, e := range got.Edges {
			var titles []string
			for _, src := range e.Sources {
				titles = append(titles, src.Title)
			}
			line := fmt.Sprintf("%s %s %s sample=%v sources=%q", apitest.Slug(e.Source), apitest.Slug(e.Target), e.Kind, e.Sample, titles)
			if e.Kind == "CO_PARTICIPATED" {
				line += fmt.Sprintf(" events=%q", e.Events) // the others': see EventsOnlyOnCoParticipation
			}
			lines = append(lines, line)
		}
		apitest.WantList(t, "edges", lines, []string{
			`beta elm MEMBER_OF sample=false sources=["elm source"]`,
			`birch elm CO_PARTICIPATED sample=false sources=["birch source" "elm source"] events=["event:march"]`,
			`elm gum CO_PARTICIPATED sample=false sources=["elm source" "gum source"] events=["event:summit"]`,
			`elm gum PARTNERS_WITH sample=false sources=["elm source" "gum source"]`,
			`elm hazel CO_PARTICIPATED sample=true sources=["elm source" "hazel source"] events=["event:summit"]`,
		})
	})

	t.Run("EventsOnlyOnCoParticipation", func(t *testing.T) {
		s.t = t
		// The schema: events are "for CO_PARTICIPATED, the events both took part in; else
		// empty". elm and gum are partners and also met at the summit: the PARTNERS_WITH edge
		// between them must not carry the summit.
		for _, e := range s.network(`from: ["organization:elm"]`).Edges {
			if e.Kind != "CO_PARTICIPATED" && len(e.Events) > 0 {
				t.Errorf("edge %s–%s %s: events %q; want [] (only CO_PARTICIPATED edges name events)",
					apitest.Slug(e.Source), apitest.Slug(e.Target), e.Kind, e.Events)
			}
		}
	})

	t.Run("HostsAndOrganizedSources", func(t *testing.T) {
		s.t = t
		got := s.network(`from: ["hub:riverside", "event:march"], depth: 1, via: [HOSTS, ORGANIZED]`)
		var lines []string
		for _, e := range got.Edges {
			lines = append(lines, fmt.Sprintf("%s %s %s %s", apitest.Slug(e.Source), apitest.Slug(e.Target), e.Kind, e.Sources[0].Title))
		}
		// HOSTS is stated by the hub; ORGANIZED by the organizer.
		apitest.WantList(t, "edges", lines, []string{
			"alpha march ORGANIZED alpha source", "march cedar ORGANIZED cedar source",
			"riverside dogwood HOSTS riverside source", "riverside fir HOSTS riverside source",
		})
	})
}

// TestNetworkBadInput checks that arguments out of range, and ids that are not nodes of the
// network asked for, are refused as BAD_USER_INPUT before any database command.
func TestNetworkBadInput(t *testing.T) {
	s := newNetworkServer(t, 1)
	hundredAndOne := make([]string, 101)
	for i := range hundredAndOne {
		hundredAndOne[i] = fmt.Sprintf("%q", fmt.Sprintf("organization:o%03d", i))
	}
	for _, c := range []struct{ name, args string }{
		{"Depth5", `from: ["organization:ash"], depth: 5`},
		{"DepthNegative", `from: ["organization:ash"], depth: -1`},
		{"Limit0", `from: ["organization:ash"], limit: 0`},
		{"Limit2001", `from: ["organization:ash"], limit: 2001`},
		{"EmptyFrom", `from: []`},
		{"TooManySeeds", `from: [` + strings.Join(hundredAndOne, ", ") + `]`},
		{"StateID", `from: ["state:NM"]`},
		{"MalformedID", `from: ["ash"]`},
		{"EmptySlug", `from: ["organization:"]`},
		{"EventNotIncluded", `from: ["event:march"]`},
		{"HubNotIncluded", `from: ["hub:riverside"], via: [MEMBER_OF]`},
		{"OrganizationExcluded", `from: ["organization:ash"], include: [ALLIANCE]`},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantBadInput(t, s, fmt.Sprintf(`{ network(%s) { truncated nodes { id } } }`, c.args))
		})
	}
}

// TestNetworkCommandCount shows that a network query costs a fixed number of database commands
// per hop, however many nodes each hop reaches: the same counts on the hand-made network and on
// one with every organization doubled, where the neighbourhoods are larger.
//
// From ash along MEMBER_OF and PARTNERS_WITH, the commands are, in order:
//
//	seed      organizations by _id (ash)
//	hop 1     organizations by partnerIds (who names ash; ash itself is known, and the frontier
//	          holds no alliance, so no members lookup)
//	hop 2     alliances by _id (alpha) and organizations by one $or: birch by _id, alpha's
//	          members by allianceIds, birch's partners by partnerIds
//	hop 3     organizations by one $or: cedar by _id (hazel is known, read as alpha's member),
//	          the partners of cedar and hazel by partnerIds
//	last hop  the far ends not read yet, by _id, one command per collection: alpha and birch
//	          (depth 1), cedar (depth 2), dogwood (depth 3; also birch-2 when doubled); the
//	          others came in as members or as partners naming the frontier
func TestNetworkCommandCount(t *testing.T) {
	cases := []struct {
		depth        int
		want         map[string]int // by command name
		byCollection map[string]int // by command and collection
		nodes        [2]int         // nodes reached, on the network and on the doubled one
	}{
		{1, map[string]int{"find": 4}, map[string]int{"find organizations": 3, "find alliances": 1}, [2]int{3, 3}},
		{2, map[string]int{"find": 5}, map[string]int{"find organizations": 4, "find alliances": 1}, [2]int{5, 7}},
		{3, map[string]int{"find": 6}, map[string]int{"find organizations": 5, "find alliances": 1}, [2]int{6, 9}},
	}
	for copies := 1; copies <= 2; copies++ {
		// Asking the database, as on MongoDB: through snapshots each collection is read whole
		// once, whatever the depth (TestCommandCount).
		s, _ := withoutSnapshots(t, newNetworkServer(t, copies))
		for _, c := range cases {
			t.Run(fmt.Sprintf("Copies%d/Depth%d", copies, c.depth), func(t *testing.T) {
				s.t = t
				args := fmt.Sprintf(`from: ["organization:ash"], depth: %d, via: [MEMBER_OF, PARTNERS_WITH]`, c.depth)
				s.network(args) // warm the query cache; loaders live per request, so nothing else carries over
				s.db.Commands.Reset()
				got := s.network(args)
				if n := len(got.Nodes); n != c.nodes[copies-1] {
					t.Errorf("%d nodes; want %d", n, c.nodes[copies-1])
				}
				byCollection := map[string]int{}
				for _, cmd := range s.db.Commands.Commands() {
					f := strings.Fields(cmd)
					byCollection[f[0]+" "+f[1]]++
				}
				if got := s.db.Commands.ByName(); !maps.Equal(got, c.want) || !maps.Equal(byCollection, c.byCollection) {
					t.Errorf("commands %v, by collection %v; want %v, %v\n%s", got, byCollection, c.want, c.byCollection,
						strings.Join(s.db.Commands.Commands(), "\n"))
				}
			})
		}
	}
}

// componentLists lists components as "size:slug,slug,...".
func componentLists(m apitest.NetMeasures) []string {
	out := []string{}
	for _, c := range m.Components {
		var slugs []string
		for _, id := range c.Nodes {
			slugs = append(slugs, apitest.Slug(id))
		}
		if len(c.Nodes) != c.Size {
			slugs = append(slugs, fmt.Sprintf("(size says %d)", c.Size))
		}
		out = append(out, fmt.Sprintf("%d:%s", len(c.Nodes), strings.Join(slugs, ",")))
	}
	return out
}

// bruteBetweenness computes betweenness centrality the slow way, independently of Brandes: for
// every pair s, t of other nodes, the share σ(s,v)·σ(v,t)/σ(s,t) of shortest s–t paths through v,
// normalized by the (n-1)(n-2)/2 pairs.
func bruteBetweenness(nodes []string, edges [][2]string) map[string]float64 {
	adj := map[string][]string{}
	for _, e := range edges {
		adj[e[0]] = append(adj[e[0]], e[1])
		adj[e[1]] = append(adj[e[1]], e[0])
	}
	dist := map[string]map[string]int{}
	sigma := map[string]map[string]float64{}
	for _, s := range nodes {
		dist[s], sigma[s] = map[string]int{s: 0}, map[string]float64{s: 1}
		queue := []string{s}
		for len(queue) > 0 {
			v := queue[0]
			queue = queue[1:]
			for _, w := range adj[v] {
				if _, ok := dist[s][w]; !ok {
					dist[s][w] = dist[s][v] + 1
					queue = append(queue, w)
				}
				if dist[s][w] == dist[s][v]+1 {
					sigma[s][w] += sigma[s][v]
				}
			}
		}
	}
	n := len(nodes)
	out := map[string]float64{}
	for _, v := range nodes {
		total := 0.0
		for i, s := range nodes {
			for _, t := range nodes[i+1:] {
				dst, ok := dist[s][t]
				if s == v || t == v || !ok {
					continue
				}
				dsv, ok1 := dist[s][v]
				dvt, ok2 := dist[v][t]
				if ok1 && ok2 && dsv+dvt == dst {
					total += sigma[s][v] * sigma[v][t] / sigma[s][t]
				}
			}
		}
		out[v] = total / float64((n-1)*(n-2)/2)
	}
	return out
}

// TestMeasures checks networkMeasures: counts, components, degree and betweenness.
func TestMeasures(t *testing.T) {
	s := newNetworkServer(t, 1)

	t.Run("PartnersOnly", func(t *testing.T) {
		s.t = t
		// With PARTNERS_WITH only, the 13 nodes (both alliances included, without edges) form
		// a path ash–birch–cedar–dogwood, a path elm–gum–fir, the pair kapok–larch and four
		// isolated nodes. Betweenness is normalized by (13-1)(13-2)/2 = 66 pairs: birch lies on
		// the shortest paths ash–cedar and ash–dogwood (2/66), cedar on ash–dogwood and
		// birch–dogwood (2/66), gum on elm–fir (1/66); every other node on none.
		m := s.measures(`via: [PARTNERS_WITH]`)
		if m.NodeCount != 13 || m.EdgeCount != 6 {
			t.Errorf("nodeCount %d, edgeCount %d; want 13, 6", m.NodeCount, m.EdgeCount)
		}
		apitest.WantList(t, "components", componentLists(m), []string{
			"4:ash,birch,cedar,dogwood", "3:elm,fir,gum", "2:kapok,larch",
			"1:alpha", "1:beta", "1:hazel", "1:maple",
		})
		var got []string
		for _, n := range m.Nodes {
			if n.Node.Depth != nil {
				t.Errorf("%s: depth %d; want null in measures", n.Node.ID, *n.Node.Depth)
			}
			got = append(got, fmt.Sprintf("%s degree=%d b=%.6f component=%d", apitest.Slug(n.Node.ID), n.Degree, n.Betweenness, n.Component))
		}
		// By betweenness, highest first; ties in id order.
		apitest.WantList(t, "nodes", got, []string{
			fmt.Sprintf("birch degree=2 b=%.6f component=0", 2.0/66),
			fmt.Sprintf("cedar degree=2 b=%.6f component=0", 2.0/66),
			fmt.Sprintf("gum degree=2 b=%.6f component=1", 1.0/66),
			"alpha degree=0 b=0.000000 component=3",
			"beta degree=0 b=0.000000 component=4",
			"ash degree=1 b=0.000000 component=0",
			"dogwood degree=1 b=0.000000 component=0",
			"elm degree=1 b=0.000000 component=1",
			"fir degree=1 b=0.000000 component=1",
			"hazel degree=0 b=0.000000 component=5",
			"kapok degree=1 b=0.000000 component=2",
			"larch degree=1 b=0.000000 component=2",
			"maple degree=0 b=0.000000 component=6",
		})
		if len(m.Nodes) > 0 && math.Abs(m.Nodes[0].Betweenness-2.0/66) > 1e-6 {
			t.Errorf("birch's betweenness %v; want 2/66 = %v", m.Nodes[0].Betweenness, 2.0/66)
		}
	})

	t.Run("Top", func(t *testing.T) {
		s.t = t
		var got []string
		for _, n := range s.measures(`via: [PARTNERS_WITH], top: 2`).Nodes {
			got = append(got, apitest.Slug(n.Node.ID))
		}
		apitest.WantList(t, "top 2", got, []string{"birch", "cedar"})
		if m := s.measures(`via: [PARTNERS_WITH], top: 0`); len(m.Nodes) != 0 || m.NodeCount != 13 {
			t.Errorf("top 0: %d nodes listed, nodeCount %d; want 0, 13", len(m.Nodes), m.NodeCount)
		}
	})

	t.Run("FilterSampleFalse", func(t *testing.T) {
		s.t = t
		// hazel (sample data) goes; the alliances stay. 12 nodes: 11·10/2 = 55 pairs.
		m := s.measures(`via: [PARTNERS_WITH], filter: {sample: false}, top: 3`)
		if m.NodeCount != 12 || m.EdgeCount != 6 {
			t.Errorf("nodeCount %d, edgeCount %d; want 12, 6", m.NodeCount, m.EdgeCount)
		}
		apitest.WantList(t, "components", componentLists(m), []string{
			"4:ash,birch,cedar,dogwood", "3:elm,fir,gum", "2:kapok,larch", "1:alpha", "1:beta", "1:maple",
		})
		var got []string
		for _, n := range m.Nodes {
			got = append(got, fmt.Sprintf("%s b=%.6f", apitest.Slug(n.Node.ID), n.Betweenness))
		}
		apitest.WantList(t, "nodes", got, []string{
			fmt.Sprintf("birch b=%.6f", 2.0/55), fmt.Sprintf("cedar b=%.6f", 2.0/55), fmt.Sprintf("gum b=%.6f", 1.0/55),
		})
	})

	// The default edge kinds: the 15 edges of the picture, counted once per pair for degree.
	defaultEdges := [][2]string{
		{"alpha", "ash"}, {"alpha", "hazel"}, {"beta", "dogwood"}, {"beta", "elm"}, {"beta", "fir"},
		{"ash", "birch"}, {"birch", "cedar"}, {"cedar", "dogwood"}, {"elm", "gum"}, {"fir", "gum"}, {"kapok", "larch"},
		{"birch", "elm"}, {"elm", "hazel"}, {"gum", "hazel"}, // and elm–gum again, co-participation
	}

	t.Run("Default", func(t *testing.T) {
		s.t = t
		m := s.measures(`top: 20`)
		if m.NodeCount != 13 || m.EdgeCount != 15 {
			t.Errorf("nodeCount %d, edgeCount %d; want 13, 15", m.NodeCount, m.EdgeCount)
		}
		apitest.WantList(t, "components", componentLists(m), []string{
			"10:alpha,beta,ash,birch,cedar,dogwood,elm,fir,gum,hazel", "2:kapok,larch", "1:maple",
		})
		var slugs []string
		for _, id := range apitest.NetworkIDs {
			slugs = append(slugs, apitest.Slug(id))
		}
		want := bruteBetweenness(slugs, defaultEdges)
		wantDegree := map[string]int{
			"alpha": 2, "beta": 3, "ash": 2, "birch": 3, "cedar": 2, "dogwood": 2, "elm": 4,
			"fir": 2, "gum": 3, "hazel": 3, "kapok": 1, "larch": 1, "maple": 0,
		}
		if len(m.Nodes) != 13 {
			t.Fatalf("%d nodes listed; want 13", len(m.Nodes))
		}
		for i, n := range m.Nodes {
			id := apitest.Slug(n.Node.ID)
			if n.Degree != wantDegree[id] {
				t.Errorf("%s: degree %d; want %d", id, n.Degree, wantDegree[id])
			}
			if math.Abs(n.Betweenness-want[id]) > 1e-6 {
				t.Errorf("%s: betweenness %v; want %v", id, n.Betweenness, want[id])
			}
			if i > 0 && n.Betweenness > m.Nodes[i-1].Betweenness {
				t.Errorf("%s listed after %s with a higher betweenness", id, apitest.Slug(m.Nodes[i-1].Node.ID))
			}
		}
		// elm is the bridge between the chain's far end and the cycle: the highest.
		if id := apitest.Slug(m.Nodes[0].Node.ID); id != "elm" {
			t.Errorf("highest betweenness: %s; want elm", id)
		}
	})

	t.Run("DefaultFilterSampleFalse", func(t *testing.T) {
		s.t = t
		// Without hazel, its membership and its two co-participations go: 15 - 3 = 12 edges.
		m := s.measures(`filter: {sample: false}`)
		if m.NodeCount != 12 || m.EdgeCount != 12 {
			t.Errorf("nodeCount %d, edgeCount %d; want 12, 12", m.NodeCount, m.EdgeCount)
		}
		apitest.WantList(t, "components", componentLists(m), []string{
			"9:alpha,beta,ash,birch,cedar,dogwood,elm,fir,gum", "2:kapok,larch", "1:maple",
		})
	})

	t.Run("FilterByAlliance", func(t *testing.T) {
		s.t = t
		// beta's members and every alliance: beta–dogwood, beta–elm, beta–fir.
		m := s.measures(`filter: {alliances: ["alliance:beta"]}`)
		if m.NodeCount != 5 || m.EdgeCount != 3 {
			t.Errorf("nodeCount %d, edgeCount %d; want 5, 3", m.NodeCount, m.EdgeCount)
		}
		apitest.WantList(t, "components", componentLists(m), []string{"4:beta,dogwood,elm,fir", "1:alpha"})
	})

	t.Run("EveryKind", func(t *testing.T) {
		s.t = t
		// With events and the hub: 16 nodes; 15 edges + 3 ORGANIZED + 6 PARTICIPATED_IN + 2 HOSTS.
		m := s.measures(`include: [ORGANIZATION, ALLIANCE, EVENT, HUB], top: 1`)
		if m.NodeCount != 16 || m.EdgeCount != 26 {
			t.Errorf("nodeCount %d, edgeCount %d; want 16, 26", m.NodeCount, m.EdgeCount)
		}
		var sizes []string
		for _, c := range m.Components {
			sizes = append(sizes, fmt.Sprint(c.Size))
		}
		apitest.WantList(t, "component sizes", sizes, []string{"13", "2", "1"})
	})

	for _, c := range []struct{ name, args string }{
		{"TopNegative", `top: -1`},
		{"Top2001", `top: 2001`},
		{"Near", `filter: {near: {lat: 35, lng: -106, radiusKm: 10}}`},
	} {
		t.Run("BadInput/"+c.name, func(t *testing.T) {
			wantBadInput(t, s, fmt.Sprintf(`{ networkMeasures(%s) { nodeCount } }`, c.args))
		})
	}
}

// netPath is a path answer; null when there is none.
type netPath struct {
	Length int               `json:"length"`
	Nodes  []apitest.NetNode `json:"nodes"`
	Edges  []apitest.NetEdge `json:"edges"`
}

// TestPath checks path(): the length, the nodes in order (each with its position as depth) and
// the edges, on paths chosen so that the tie-breaking rule decides: of all shortest paths, the
// one whose list of node ids, read from `from`, is smallest; between two edges of a pair, the
// smallest kind.
func TestPath(t *testing.T) {
	s := newNetworkServer(t, 1)
	cases := []struct {
		name     string
		from, to string
		args     string
		nodes    []string // slugs in path order; nil: no path
		edges    []string // "source target KIND", source and target in id order
	}{
		{
			name: "Adjacent", from: "organization:ash", to: "organization:birch",
			nodes: []string{"ash", "birch"},
			edges: []string{"ash birch PARTNERS_WITH"},
		},
		{
			// Along the chain, 3 hops; around through alpha or elm is longer.
			name: "Chain", from: "organization:ash", to: "organization:dogwood",
			nodes: []string{"ash", "birch", "cedar", "dogwood"},
			edges: []string{"ash birch PARTNERS_WITH", "birch cedar PARTNERS_WITH", "cedar dogwood PARTNERS_WITH"},
		},
		{
			name: "ChainBackwards", from: "organization:dogwood", to: "organization:ash",
			nodes: []string{"dogwood", "cedar", "birch", "ash"},
			edges: []string{"cedar dogwood PARTNERS_WITH", "birch cedar PARTNERS_WITH", "ash birch PARTNERS_WITH"},
		},
		{
			// Across the cycle: elm–beta–fir and elm–gum–fir are both 2 hops;
			// alliance:beta < organization:gum.
			name: "AcrossTheCycle", from: "organization:elm", to: "organization:fir",
			nodes: []string{"elm", "beta", "fir"},
			edges: []string{"beta elm MEMBER_OF", "beta fir MEMBER_OF"},
		},
		{
			name: "AcrossTheCycleBackwards", from: "organization:fir", to: "organization:elm",
			nodes: []string{"fir", "beta", "elm"},
			edges: []string{"beta fir MEMBER_OF", "beta elm MEMBER_OF"},
		},
		{
			// dogwood–beta–elm–gum and dogwood–beta–fir–gum: elm < fir. elm and gum are joined by
			// CO_PARTICIPATED and PARTNERS_WITH: the smaller kind.
			name: "TieInTheMiddle", from: "organization:dogwood", to: "organization:gum",
			nodes: []string{"dogwood", "beta", "elm", "gum"},
			edges: []string{"beta dogwood MEMBER_OF", "beta elm MEMBER_OF", "elm gum CO_PARTICIPATED"},
		},
		{
			name: "TwoKindsOnePair", from: "organization:gum", to: "organization:elm",
			nodes: []string{"gum", "elm"},
			edges: []string{"elm gum CO_PARTICIPATED"},
		},
		{
			name: "TwoKindsOnePairPartnersOnly", from: "organization:gum", to: "organization:elm", args: `via: [PARTNERS_WITH]`,
			nodes: []string{"gum", "elm"},
			edges: []string{"elm gum PARTNERS_WITH"},
		},
		{
			// 4 hops, three ways: ash–alpha–hazel–gum–fir, ash–birch–elm–beta–fir,
			// ash–birch–elm–gum–fir; alliance:alpha < organization:birch.
			name: "FourHops", from: "organization:ash", to: "organization:fir", args: `maxDepth: 4`,
			nodes: []string{"ash", "alpha", "hazel", "gum", "fir"},
			edges: []string{"alpha ash MEMBER_OF", "alpha hazel MEMBER_OF", "gum hazel CO_PARTICIPATED", "fir gum PARTNERS_WITH"},
		},
		{
			name: "NotWithinMaxDepth", from: "organization:ash", to: "organization:fir", args: `maxDepth: 3`,
		},
		{
			// Without co-participation the only way is down the chain and round through beta.
			name: "MemberPartnerOnly", from: "organization:ash", to: "organization:fir", args: `via: [MEMBER_OF, PARTNERS_WITH]`,
			nodes: []string{"ash", "birch", "cedar", "dogwood", "beta", "fir"},
			edges: []string{
				"ash birch PARTNERS_WITH", "birch cedar PARTNERS_WITH", "cedar dogwood PARTNERS_WITH",
				"beta dogwood MEMBER_OF", "beta fir MEMBER_OF",
			},
		},
		{
			name: "ThroughAnEvent", from: "organization:cedar", to: "alliance:alpha", args: `via: [ORGANIZED]`,
			nodes: []string{"cedar", "march", "alpha"},
			edges: []string{"march cedar ORGANIZED", "alpha march ORGANIZED"},
		},
		{
			name: "ThroughTheHub", from: "organization:dogwood", to: "organization:fir", args: `via: [HOSTS]`,
			nodes: []string{"dogwood", "riverside", "fir"},
			edges: []string{"riverside dogwood HOSTS", "riverside fir HOSTS"},
		},
		{name: "Disconnected", from: "organization:ash", to: "organization:kapok", args: `maxDepth: 8`},
		{name: "ToTheIsolated", from: "organization:maple", to: "organization:ash"},
		{name: "UnknownID", from: "organization:ash", to: "organization:nobody"},
		{
			name: "Same", from: "organization:ash", to: "organization:ash",
			nodes: []string{"ash"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.t = t
			args := fmt.Sprintf(`from: %q, to: %q`, c.from, c.to)
			if c.args != "" {
				args += ", " + c.args
			}
			raw := s.mustQuery(fmt.Sprintf(`{ path(%s) { length nodes { %s } edges { %s } } }`, args, apitest.NetNodeFields, apitest.NetEdgeFields), nil)
			var data struct{ Path *netPath }
			if err := json.Unmarshal(raw, &data); err != nil {
				t.Fatalf("decode path: %v", err)
			}
			if c.nodes == nil {
				if data.Path != nil {
					t.Errorf("path %q; want null", nodeDepths(data.Path.Nodes))
				}
				return
			}
			if data.Path == nil {
				t.Fatalf("path null; want %q", c.nodes)
			}
			p := data.Path
			var want []string
			for i, n := range c.nodes {
				want = append(want, fmt.Sprintf("%s:%d", n, i))
			}
			apitest.WantList(t, "nodes", nodeDepths(p.Nodes), want)
			apitest.WantList(t, "edges", edgeTriples(p.Edges), c.edges)
			if p.Length != len(c.nodes)-1 {
				t.Errorf("length %d; want %d", p.Length, len(c.nodes)-1)
			}
			for _, e := range p.Edges {
				if len(e.Sources) == 0 {
					t.Errorf("edge %s–%s %s has no sources", e.Source, e.Target, e.Kind)
				}
			}
		})
	}

	t.Run("EdgeProvenance", func(t *testing.T) {
		s.t = t
		raw := s.mustQuery(`{ path(from: "organization:hazel", to: "organization:gum") { length edges { `+apitest.NetEdgeFields+` } } }`, nil)
		var data struct{ Path netPath }
		if err := json.Unmarshal(raw, &data); err != nil {
			t.Fatalf("decode path: %v", err)
		}
		if len(data.Path.Edges) != 1 {
			t.Fatalf("%d edges; want 1", len(data.Path.Edges))
		}
		e := data.Path.Edges[0]
		got := fmt.Sprintf("%s %s %s sample=%v sources=%s,%s events=%q", apitest.Slug(e.Source), apitest.Slug(e.Target), e.Kind, e.Sample,
			e.Sources[0].Title, e.Sources[len(e.Sources)-1].Title, e.Events)
		if want := `gum hazel CO_PARTICIPATED sample=true sources=gum source,hazel source events=["event:summit"]`; got != want {
			t.Errorf("edge %s; want %s", got, want)
		}
	})

	for _, c := range []struct{ name, args string }{
		{"MaxDepth0", `from: "organization:ash", to: "organization:birch", maxDepth: 0`},
		{"MaxDepth9", `from: "organization:ash", to: "organization:birch", maxDepth: 9`},
		{"FromState", `from: "state:NM", to: "organization:birch"`},
		{"ToMalformed", `from: "organization:ash", to: "birch"`},
		{"EventNotIncluded", `from: "organization:cedar", to: "event:march"`},
	} {
		t.Run("BadInput/"+c.name, func(t *testing.T) {
			wantBadInput(t, s, fmt.Sprintf(`{ path(%s) { length } }`, c.args))
		})
	}
}
