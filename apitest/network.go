package apitest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"rootsgraph/model"
	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

// The hand-made network: a data set small enough that every answer of the researcher queries
// (network, path, networkMeasures) can be worked out on paper. graph's network tests ask those
// queries of it; httpapi's export tests compare the exports with their answers.
//
// The network as the default edge kinds see it (═ MEMBER_OF, ─ PARTNERS_WITH,
// ┄ CO_PARTICIPATED; organizations are trees, alliances Greek letters, * marks sample data):
//
//	hazel* ══ alpha ══ ash ── birch ── cedar ── dogwood ══ beta ══ fir
//	 ┆  ┆                       ┆                           ║      │
//	 ┆  └┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄ elm ═══════════════════════╝      │
//	 ┆                          │┆                                 │
//	 └┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄ gum ──────────────────────────────┘
//
//	kapok ── larch        maple
//
// so a chain (ash–birch–cedar–dogwood), a cycle (beta–elm–gum–fir–beta, with elm–gum both
// partners and co-participants), a disconnected pair (kapok–larch) and an isolated organization
// (maple). 13 nodes and 15 edges: MEMBER_OF alpha–ash, alpha–hazel, beta–dogwood, beta–elm,
// beta–fir; PARTNERS_WITH ash–birch, birch–cedar, cedar–dogwood, elm–gum, fir–gum, kapok–larch;
// CO_PARTICIPATED birch–elm (march), elm–gum, elm–hazel, gum–hazel (summit).
//
// Each partnership is stated by one side only (ash lists birch, birch lists cedar, ...), except
// elm–gum, which both list; the other side is found through the partnerIds index. Off the
// default picture:
//
//	event march:  organized by cedar and alpha; birch and elm took part
//	event summit: organized by beta; elm, gum, hazel and alpha took part
//	hub riverside hosts dogwood and fir
//
// Every slug is unique across types, so the tests name nodes by slug ("ash" for
// organization:ash, "alpha" for alliance:alpha). Ids sort alliance: < event: < hub: <
// organization:, which decides every tie below.

// netOrg is an organization of the hand-made network; the lists hold slugs.
type netOrg struct {
	slug, state                                  string
	alliances, partners, organized, participated []string
	communities                                  []model.Community
	issues                                       []model.Issue
	sample                                       bool
}

var netOrgs = []netOrg{
	{slug: "ash", state: "NM", alliances: []string{"alpha"}, partners: []string{"birch"},
		communities: []model.Community{model.CommunityIndigenous}, issues: []model.Issue{model.IssueClimateJustice}},
	{slug: "birch", state: "NM", partners: []string{"cedar"}, participated: []string{"march"}},
	{slug: "cedar", state: "NY", partners: []string{"dogwood"}, organized: []string{"march"}},
	{slug: "dogwood", state: "NY", alliances: []string{"beta"}},
	{slug: "elm", state: "TX", alliances: []string{"beta"}, partners: []string{"gum"}, participated: []string{"march", "summit"}},
	{slug: "fir", state: "TX", alliances: []string{"beta"}},
	{slug: "gum", partners: []string{"elm", "fir"}, participated: []string{"summit"}},
	{slug: "hazel", state: "NM", alliances: []string{"alpha"}, participated: []string{"summit"}, sample: true},
	{slug: "kapok", state: "CA", partners: []string{"larch"}},
	{slug: "larch", state: "CA"},
	{slug: "maple"},
}

// netAllIDs are the ids of the 13 nodes of the default network, sorted.
// NetworkIDs are the ids of every node of the hand-made network.
var NetworkIDs = []string{
	"alliance:alpha", "alliance:beta",
	"organization:ash", "organization:birch", "organization:cedar", "organization:dogwood",
	"organization:elm", "organization:fir", "organization:gum", "organization:hazel",
	"organization:kapok", "organization:larch", "organization:maple",
}

// netIDs returns the global ids of slugs, never nil (the store's lists are never null).
func netIDs(id func(string) string, slugs []string, suffix string) []string {
	out := []string{}
	for _, s := range slugs {
		out = append(out, id(s+suffix))
	}
	return out
}

// netSource is the one source of the record with the given slug.
func netSource(slug string) []*model.Source {
	return []*model.Source{{Title: slug + " source"}}
}

// netTitle is the display name a slug gets: "ash" → "Ash".
func netTitle(slug string) string { return strings.ToUpper(slug[:1]) + slug[1:] }

// networkDocuments returns the hand-made network with every organization there copies times:
// copy 2 of ash is ash-2, a member of the same alliances, a partner of birch-2 and a participant
// in the same events. Alliances, events and the hub are not copied.
// NetworkDocuments is the hand-made network with every organization there copies times (the
// copies partner among themselves only).
func NetworkDocuments(copies int) model.Documents {
	now := storetest.Fixed
	var d model.Documents
	for _, s := range []struct{ code, name, country string }{
		{"CA", "California", "US"}, {"NM", "New Mexico", "US"}, {"NY", "New York", "US"}, {"TX", "Texas", "US"},
	} {
		d.States = append(d.States, &model.State{
			ID: model.StateID(s.code), Code: s.code, Slug: strings.ToLower(strings.ReplaceAll(s.name, " ", "-")),
			Name: s.name, NameKey: model.NameKey(s.name), Country: s.country, Type: model.StateTypeState,
			Region: "West", BBox: []float64{-1, -1, 1, 1}, Sources: []*model.Source{}, CreatedAt: now, UpdatedAt: now,
		})
	}
	alliance := func(slug string, organized, participated []string) *model.Alliance {
		name := netTitle(slug) + " Alliance"
		return &model.Alliance{
			ID: model.AllianceID(slug), Slug: slug, Name: name, NameKey: model.NameKey(name),
			OrganizedEventIDs: netIDs(model.EventID, organized, ""), ParticipatedEventIDs: netIDs(model.EventID, participated, ""),
			Sources: netSource(slug), CreatedAt: now, UpdatedAt: now,
		}
	}
	d.Alliances = []*model.Alliance{
		alliance("alpha", []string{"march"}, []string{"summit"}),
		alliance("beta", []string{"summit"}, nil),
	}
	event := func(slug, state string, kind model.EventKind, date model.Date) *model.Event {
		name := netTitle(slug)
		e := &model.Event{
			ID: model.EventID(slug), Slug: slug, Name: name, NameKey: model.NameKey(name), Kind: kind,
			StartDate: date, EndDate: date, Place: name + " Square", Country: "US",
			StateSort: model.StateSort(state, model.NameKey(name)), Sources: netSource(slug), CreatedAt: now, UpdatedAt: now,
		}
		if state != "" {
			e.StateID = new(model.StateID(state))
		}
		return e
	}
	d.Events = []*model.Event{
		event("march", "NY", model.EventKindMarch, "2017-04-29"),
		event("summit", "", model.EventKindConference, "2018-06-01"),
	}
	d.Hubs = []*model.Hub{{
		ID: model.HubID("riverside"), Slug: "riverside", Name: "Riverside Hub", NameKey: model.NameKey("Riverside Hub"),
		Setting: model.HubSettingSmallTown, City: "Riverside", StateID: model.StateID("NM"), Country: "US", Region: "West",
		StateSort: model.StateSort("NM", model.NameKey("Riverside Hub")), Lat: 35, Lng: -106,
		Activities: []model.HubActivity{model.HubActivityRapidResponse}, HostIDs: netIDs(model.OrganizationID, []string{"dogwood", "fir"}, ""),
		EventIDs: []string{}, AllianceIDs: []string{model.AllianceID("beta")}, Communities: []model.Community{}, Issues: []model.Issue{},
		Sources: netSource("riverside"), CreatedAt: now, UpdatedAt: now,
	}}
	for c := 1; c <= copies; c++ {
		suffix, nameSuffix := "", ""
		if c > 1 {
			suffix, nameSuffix = fmt.Sprintf("-%d", c), fmt.Sprintf(" %d", c)
		}
		for _, o := range netOrgs {
			slug, name := o.slug+suffix, netTitle(o.slug)+nameSuffix
			doc := &model.Organization{
				ID: model.OrganizationID(slug), Slug: slug, Name: name, NameKey: model.NameKey(name),
				Kind: model.OrganizationKindMember, StateSort: model.StateSort(o.state, model.NameKey(name)),
				AllianceIDs: netIDs(model.AllianceID, o.alliances, ""), PartnerIDs: netIDs(model.OrganizationID, o.partners, suffix),
				OrganizedEventIDs: netIDs(model.EventID, o.organized, ""), ParticipatedEventIDs: netIDs(model.EventID, o.participated, ""),
				Communities: append([]model.Community{}, o.communities...), Issues: append([]model.Issue{}, o.issues...),
				Generations: []model.Generation{}, Sources: netSource(slug), Sample: o.sample, CreatedAt: now, UpdatedAt: now,
			}
			if o.state != "" {
				doc.StateID, doc.Country = new(model.StateID(o.state)), new("US")
			}
			d.Organizations = append(d.Organizations, doc)
		}
	}
	return d
}

// NetNode and NetEdge are a NetworkNode and a NetworkEdge as the tests ask for them.
type NetNode struct {
	ID          string   `json:"id"`
	Kind        string   `json:"kind"`
	Name        string   `json:"name"`
	Depth       *int     `json:"depth"`
	State       *string  `json:"state"`
	Country     *string  `json:"country"`
	Alliances   []string `json:"alliances"`
	Communities []string `json:"communities"`
	Issues      []string `json:"issues"`
	Sample      bool     `json:"sample"`
}

type NetEdge struct {
	Source  string `json:"source"`
	Target  string `json:"target"`
	Kind    string `json:"kind"`
	Sample  bool   `json:"sample"`
	Sources []struct {
		Title string `json:"title"`
	} `json:"sources"`
	Events []string `json:"events"`
}

// NetAnswer is a network answer.
type NetAnswer struct {
	Truncated bool      `json:"truncated"`
	Nodes     []NetNode `json:"nodes"`
	Edges     []NetEdge `json:"edges"`
}

// NetNodeFields and NetEdgeFields are the fields the tests ask of a node and of an edge.
const (
	NetNodeFields = `id kind name depth state country alliances communities issues sample`
	NetEdgeFields = `source target kind sample sources { title } events`
)

// Query is a test's way to run a query that must succeed and get its data.
type Query func(query string, variables map[string]any) json.RawMessage

// Network runs network(args) and returns its answer.
func Network(t testing.TB, q Query, args string) NetAnswer {
	t.Helper()
	raw := q(fmt.Sprintf(`{ network(%s) { truncated nodes { %s } edges { %s } } }`, args, NetNodeFields, NetEdgeFields), nil)
	var data struct{ Network NetAnswer }
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatalf("decode network: %v", err)
	}
	return data.Network
}

// NetMeasures is a networkMeasures answer.
type NetMeasures struct {
	NodeCount  int `json:"nodeCount"`
	EdgeCount  int `json:"edgeCount"`
	Components []struct {
		Size  int      `json:"size"`
		Nodes []string `json:"nodes"`
	} `json:"components"`
	Nodes []struct {
		Node        NetNode `json:"node"`
		Degree      int     `json:"degree"`
		Betweenness float64 `json:"betweenness"`
		Component   int     `json:"component"`
	} `json:"nodes"`
}

// Measures runs networkMeasures(args) and returns its answer.
func Measures(t testing.TB, q Query, args string) NetMeasures {
	t.Helper()
	query := `{ networkMeasures%s { nodeCount edgeCount components { size nodes } nodes { node { id kind depth } degree betweenness component } } }`
	if args != "" {
		args = "(" + args + ")"
	}
	raw := q(fmt.Sprintf(query, args), nil)
	var data struct{ NetworkMeasures NetMeasures }
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatalf("decode networkMeasures: %v", err)
	}
	return data.NetworkMeasures
}

// Slug is the slug an id ends with: "ash" for organization:ash.
func Slug(id string) string {
	_, rest, _ := model.SplitID(id)
	return rest
}

// WantList compares two lists, order included.
func WantList(t testing.TB, what string, got, want []string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// SeedNetwork opens a test database holding the hand-made network, copies times over.
func SeedNetwork(t testing.TB, copies int) *storetest.DB {
	t.Helper()
	db := storetest.New(t)
	if out, err := db.Seed(t.Context(), NetworkDocuments(copies), storetest.Fixed); err != nil || out != store.Seeded {
		t.Fatalf("seed the network data set: %v, %v", out, err)
	}
	db.Commands.Reset()
	return db
}
