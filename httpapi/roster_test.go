package httpapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"rootsgraph/dataset/roster"
	"rootsgraph/httpapi/apitest"
	"rootsgraph/model"
)

// rosterCounts are what the roster files say, merged by names.csv: per alliance the records it
// lists as members, per event the records that took part in it in any role; and the states of
// the records whose member rows give one.
type rosterCounts struct {
	members map[string]map[string]bool // alliance id -> record ids
	parts   map[string]map[string]bool // event id -> record ids
	states  map[string]bool
}

func countRoster(t *testing.T) rosterCounts {
	t.Helper()
	f, err := roster.Read()
	if err != nil {
		t.Fatal(err)
	}
	c := rosterCounts{members: map[string]map[string]bool{}, parts: map[string]map[string]bool{}, states: map[string]bool{}}
	add := func(m map[string]map[string]bool, key, rec string) {
		if m[key] == nil {
			m[key] = map[string]bool{}
		}
		m[key][rec] = true
	}
	for _, m := range f.Members {
		if rec := f.Names[m.Name].Record; rec != roster.LeftOut {
			add(c.members, model.AllianceID(roster.Alliances[m.Alliance]), rec)
			if m.State != "" && strings.HasPrefix(rec, model.OrganizationPrefix+":") {
				c.states[m.State] = true
			}
		}
	}
	for _, p := range f.Parts {
		if rec := f.Names[p.Organization].Record; rec != roster.LeftOut {
			add(c.parts, model.EventID(roster.Events[p.Event]), rec)
		}
	}
	return c
}

// apiMembership and apiPart are a membership and a part in an event as the API answers them.
type apiMembership struct {
	Alliance struct{ ID string }
	AsOf     *string
	Sources  []struct{ URL, Date *string }
}

type apiPart struct {
	Event   struct{ ID string }
	Role    string
	Sources []struct{ URL *string }
}

// TestRealDataOnly asks the API, as a dashboard, a map and a researcher would, for the real data
// only (sample: false), and checks each answer against the roster files: the members of each
// alliance (organizations and alliances), the parts of each event, every edge with a dated,
// addressed source, the states coverage counts, and the map and network exports holding no
// sample record.
func TestRealDataOnly(t *testing.T) {
	s := newTestServer(t, 1)
	want := countRoster(t)

	t.Run("MembersPerAlliance", func(t *testing.T) {
		var got struct {
			Alliances struct {
				Edges []struct {
					Node struct {
						ID      string
						Members struct {
							TotalCount int
							Edges      []struct {
								Node struct {
									ID          string
									Memberships []apiMembership
								}
							}
						}
						MemberAlliances []struct{ ID string }
					}
				}
			}
		}
		raw := s.mustQuery(`{ alliances { edges { node { id
		  members(first: 100, filter: {sample: false}) { totalCount edges { node { id memberships { alliance { id } asOf sources { url date } } } } }
		  memberAlliances { id } } } } }`, nil)
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		for _, e := range got.Alliances.Edges {
			a := e.Node
			listed := map[string]bool{}
			for _, m := range a.Members.Edges {
				listed[m.Node.ID] = true
				i := slices.IndexFunc(m.Node.Memberships, func(x apiMembership) bool { return x.Alliance.ID == a.ID })
				if i < 0 {
					t.Errorf("%s is a member of %s without a membership", m.Node.ID, a.ID)
					continue
				}
				ms := m.Node.Memberships[i]
				if len(ms.Sources) == 0 || ms.Sources[0].URL == nil {
					t.Errorf("%s's membership of %s has no source with an address: %+v", m.Node.ID, a.ID, ms.Sources)
				}
				if ms.AsOf == nil && slices.ContainsFunc(ms.Sources, func(s struct{ URL, Date *string }) bool { return s.Date != nil }) {
					t.Errorf("%s's membership of %s has dated sources but no asOf", m.Node.ID, a.ID)
				}
			}
			for _, ma := range a.MemberAlliances {
				listed[ma.ID] = true
			}
			if a.Members.TotalCount+len(a.MemberAlliances) != len(want.members[a.ID]) {
				t.Errorf("%s: %d real member organizations and %d member alliances; the roster lists %d", a.ID, a.Members.TotalCount, len(a.MemberAlliances), len(want.members[a.ID]))
			}
			for rec := range want.members[a.ID] {
				if !listed[rec] {
					t.Errorf("%s: the roster lists %s; the API does not", a.ID, rec)
				}
			}
			t.Logf("%s: %d organizations, %d alliances", a.ID, a.Members.TotalCount, len(a.MemberAlliances))
		}
	})

	t.Run("PartsPerEvent", func(t *testing.T) {
		type withParts struct {
			Edges []struct {
				Node struct {
					ID             string
					Participations []apiPart
				}
			}
		}
		var got struct{ Organizations, Alliances withParts }
		const parts = `participations { event { id } role sources { url } }`
		// Two pages' worth of real organizations: members, then the others.
		raw := s.mustQuery(`{ organizations(first: 100, filter: {sample: false, kind: [MEMBER]}) { edges { node { id `+parts+` } } }
		  alliances { edges { node { id `+parts+` } } } }`, nil)
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		others := got // decoded afresh: decoding into got again would reuse its slices
		others.Organizations.Edges = nil
		raw = s.mustQuery(`{ organizations(first: 100, filter: {sample: false, kind: [ALLY, PARTNER, COALITION]}) { edges { node { id `+parts+` } } } }`, nil)
		if err := json.Unmarshal(raw, &others); err != nil {
			t.Fatal(err)
		}
		got.Organizations.Edges = append(got.Organizations.Edges, others.Organizations.Edges...)
		cited := map[string]map[string]bool{}
		note := func(id string, ps []apiPart) {
			for _, p := range ps {
				// Cited parts only: the alliances' parts from the announcement have no own sources.
				if len(p.Sources) == 0 {
					continue
				}
				if p.Sources[0].URL == nil {
					t.Errorf("%s's %s part in %s has a source without an address", id, p.Role, p.Event.ID)
				}
				if cited[p.Event.ID] == nil {
					cited[p.Event.ID] = map[string]bool{}
				}
				cited[p.Event.ID][id] = true
			}
		}
		for _, e := range got.Organizations.Edges {
			note(e.Node.ID, e.Node.Participations)
		}
		for _, e := range got.Alliances.Edges {
			note(e.Node.ID, e.Node.Participations)
		}
		for ev, recs := range want.parts {
			if len(cited[ev]) != len(recs) {
				t.Errorf("%s: %d records with cited parts; the roster names %d", ev, len(cited[ev]), len(recs))
			}
			for rec := range recs {
				if !cited[ev][rec] {
					t.Errorf("%s: the roster names %s; the API does not", ev, rec)
				}
			}
			t.Logf("%s: %d records", ev, len(recs))
		}
	})

	t.Run("CoverageByState", func(t *testing.T) {
		var got struct {
			Coverage []struct {
				State         struct{ Code string }
				Organizations int
				Hubs          int
			}
		}
		raw := s.mustQuery(`{ coverage(dimension: STATE, filter: {sample: false}) { state { code } organizations hubs } }`, nil)
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		covered := map[string]bool{}
		for _, b := range got.Coverage {
			if b.Organizations > 0 {
				covered[b.State.Code] = true
			}
			if b.Hubs > 0 {
				t.Errorf("%s: %d real hubs; no public page names a hub", b.State.Code, b.Hubs)
			}
		}
		if !maps.Equal(covered, want.states) {
			t.Errorf("real organizations cover %v; the roster's member rows give %v", sortedKeys(covered), sortedKeys(want.states))
		}
		t.Logf("%d states and districts covered: %v", len(covered), sortedKeys(covered))
	})

	t.Run("MapsAndExportsHoldNoSample", func(t *testing.T) {
		for _, path := range []string{"/organizations.geojson?sample=false", "/hubs.geojson?sample=false"} {
			rec := httptest.NewRecorder()
			s.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			var fc struct {
				Features []struct{ Properties map[string]any }
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &fc); rec.Code != 200 || err != nil {
				t.Fatalf("GET %s: %d %v", path, rec.Code, err)
			}
			for _, f := range fc.Features {
				if f.Properties["sample"] != false {
					t.Errorf("GET %s: %v is sample data", path, f.Properties["name"])
				}
			}
			if strings.HasPrefix(path, "/organizations") && len(fc.Features) == 0 {
				t.Errorf("GET %s: no real organization on the map", path)
			}
		}
		for _, f := range exportFormats {
			g := getExport(t, s.handler, f.name, "sample=false&include=ORGANIZATION,ALLIANCE,EVENT,HUB")
			if len(g.nodes) == 0 {
				t.Fatalf("%s: an empty network", f.name)
			}
			for id, attrs := range g.nodes {
				if attrs["sample"] != "false" {
					t.Errorf("%s: node %s is sample data", f.name, id)
				}
			}
			for key, attrs := range g.edges {
				if attrs["sample"] != "false" {
					t.Errorf("%s: edge %s is sample data", f.name, key)
				}
			}
		}
	})

	t.Run("SearchFindsOtherNames", func(t *testing.T) {
		got := string(s.mustQuery(`{ organizations(filter: {search: "got green?"}) { edges { node { slug name otherNames } } } }`, nil))
		if !strings.Contains(got, `"slug":"got-green"`) || !strings.Contains(got, `"otherNames":["Got Green?"]`) {
			t.Errorf("search for another spelling: %s; want Got Green with its other name", got)
		}
	})
}

func sortedKeys(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }

// TestRemovingAnEdgeRemovesItsSources removes a cited membership and a cited part in an event
// through the API: what the sources said goes with the edge, and adding the edge back does not
// bring it back (a curator who adds it again names no source yet, so the record's stand for it).
func TestRemovingAnEdgeRemovesItsSources(t *testing.T) {
	s := newTestServer(t, 1)
	key := s.keys().curator
	const org = "organization:cooperation-jackson"
	const cop21 = "event:cop21-paris-2015"
	read := func() string {
		return string(s.mustQuery(`{ organization(id: "`+org+`") { memberships { alliance { id } sources { url } }
		  participations { event { id } role sources { url } } } }`, nil))
	}
	before := read()
	if !strings.Contains(before, `{"alliance":{"id":"`+apitest.CJA+`"},"sources":[{"url":"https://climatejusticealliance.org/2015-march-january-2017"}]}`) {
		t.Fatalf("before: %s; want the CJA membership with its source", before)
	}
	for _, m := range []string{
		`mutation { removeMembership(organization: "` + org + `", alliance: "` + apitest.CJA + `") { id } }`,
		`mutation { removeParticipant(event: "` + cop21 + `", actor: "` + org + `") { id } }`,
		`mutation { addMembership(organization: "` + org + `", alliance: "` + apitest.CJA + `") { id } }`,
		`mutation { addParticipant(event: "` + cop21 + `", actor: "` + org + `") { id } }`,
	} {
		if _, out := s.postAs("Bearer "+key, m, nil); len(out.Errors) > 0 {
			t.Fatalf("%s: %+v", m, out.Errors)
		}
	}
	after := read()
	if !strings.Contains(after, `{"alliance":{"id":"`+apitest.CJA+`"},"sources":[]}`) ||
		!strings.Contains(after, `{"event":{"id":"`+cop21+`"},"role":"PARTICIPANT","sources":[]}`) {
		t.Errorf("after removing and adding back: %s; want both edges with no sources of their own", after)
	}
	if strings.Contains(after, "climatejusticealliance.org/2015") || strings.Contains(after, "parisreportback") {
		t.Errorf("after removing the edges their sources are still cited: %s", after)
	}
	// The membership of the other alliance kept its source.
	if !strings.Contains(after, "cooperationjackson.org/home") {
		t.Errorf("removing one membership dropped another's source: %s", after)
	}
	// An update that lists the alliances without one drops that one's sources too.
	update := fmt.Sprintf(`mutation { updateOrganization(id: "%s", version: %d, input: {alliances: ["%s"]}) { id } }`, org, s.version(org), apitest.CJA)
	if _, out := s.postAs("Bearer "+key, update, nil); len(out.Errors) > 0 {
		t.Fatalf("%s: %+v", update, out.Errors)
	}
	if got := read(); strings.Contains(got, "cooperationjackson.org/home") || strings.Contains(got, "right-to-the-city") {
		t.Errorf("after an update without RTTC: %s; want its membership and sources gone", got)
	}
}

// TestCuratorCitesAnEdge records memberships and parts in events with their sources through the
// API: the sources show on the edge, giving the same source again writes nothing, a host needs
// sources, and a wrong source is refused field by field with nothing written.
func TestCuratorCitesAnEdge(t *testing.T) {
	s := newTestServer(t, 1)
	key := s.keys().curator
	const org = "organization:center-for-story-based-strategy"
	const rttc = "alliance:right-to-the-city-alliance"
	const caravan = "event:peoples-caravan-2016"
	read := func() string {
		return string(s.mustQuery(`{ organization(id: "`+org+`") {
		  memberships { alliance { id } asOf sources { title url date dateApproximate } }
		  participations { event { id } role sources { title date } }
		  events(role: PARTICIPANT) { edges { node { id } } } } }`, nil))
	}
	mutate := func(m string) apitest.Response {
		t.Helper()
		_, out := s.postAs("Bearer "+key, m, nil)
		return out
	}
	mustMutate := func(m string) {
		t.Helper()
		if out := mutate(m); len(out.Errors) > 0 {
			t.Fatalf("%s: %+v", m, out.Errors)
		}
	}
	const pageA = `{title: "A page", url: "https://example.org/a", date: "2024-05~"}`
	const pageB = `{title: "B page", url: "https://example.org/b", date: "2025"}`
	add := `mutation { addMembership(organization: "` + org + `", alliance: "` + rttc + `", sources: [` + pageA + `]) { id } }`
	mustMutate(add)
	v1, got := s.version(org), read()
	if !strings.Contains(got, `{"alliance":{"id":"`+rttc+`"},"asOf":"2024-05","sources":[{"title":"A page","url":"https://example.org/a","date":"2024-05","dateApproximate":true}]}`) {
		t.Errorf("after addMembership with a source: %s", got)
	}
	mustMutate(add)
	if v := s.version(org); v != v1 {
		t.Errorf("giving the same source again wrote the record: version %d -> %d", v1, v)
	}
	mustMutate(`mutation { addMembership(organization: "` + org + `", alliance: "` + rttc + `", sources: [` + pageB + `]) { id } }`)
	if got := read(); !strings.Contains(got, `"asOf":"2025","sources":[{"title":"A page"`) || !strings.Contains(got, `{"title":"B page","url":"https://example.org/b","date":"2025","dateApproximate":false}]}`) {
		t.Errorf("after a second source: %s; want both, asOf the later", got)
	}

	mustMutate(`mutation { addParticipant(event: "` + caravan + `", actor: "` + org + `", role: HOST, sources: [` + pageB + `]) { id } }`)
	if got := read(); !strings.Contains(got, `{"event":{"id":"`+caravan+`"},"role":"HOST","sources":[{"title":"B page","date":"2025"}]}`) ||
		!strings.Contains(got, `"events":{"edges":[{"node":{"id":"`+caravan+`"}}]}`) {
		t.Errorf("after addParticipant as a host: %s; want the HOST part, and the event among those it took part in", got)
	}

	v2 := s.version(org)
	for _, c := range []struct {
		mutation string
		fields   []string
	}{
		{`mutation { addParticipant(event: "event:may-day-2017", actor: "` + org + `", role: HOST) { id } }`, []string{"sources"}},
		{`mutation { addParticipant(event: "event:may-day-2017", actor: "` + org + `", role: ORGANIZER) { id } }`, []string{"role"}},
		{`mutation { addMembership(organization: "` + org + `", alliance: "alliance:climate-justice-alliance",
		   sources: [{title: "", url: "ftp://x", date: "2024-13"}]) { id } }`, []string{"sources[0].title", "sources[0].url", "sources[0].date"}},
	} {
		out := mutate(c.mutation)
		var fields []string
		for _, e := range out.Errors {
			if e.Extensions["code"] != "BAD_USER_INPUT" {
				t.Errorf("%s: %s is %v; want BAD_USER_INPUT", c.mutation, e.Message, e.Extensions["code"])
			}
			f, _ := e.Extensions["field"].(string)
			fields = append(fields, f)
		}
		slices.Sort(fields)
		want := slices.Sorted(slices.Values(c.fields))
		if !slices.Equal(fields, want) {
			t.Errorf("%s: errors on %v; want %v: %+v", c.mutation, fields, want, out.Errors)
		}
	}
	if v := s.version(org); v != v2 {
		t.Errorf("refused mutations wrote the record: version %d -> %d", v2, v)
	}
}
