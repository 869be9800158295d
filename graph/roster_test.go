package graph

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"rootsgraph/dataset/roster"
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

// TestRealDataOnly asks the API, as a dashboard and a researcher would, for the real data only
// (sample: false), and checks each answer against the roster files: the members of each alliance
// (organizations and alliances), the parts of each event, every edge with a dated, addressed
// source, and the states coverage counts. (httpapi's TestMapsAndExportsHoldNoSample checks the
// map layers and the network exports.)
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

	t.Run("SearchFindsOtherNames", func(t *testing.T) {
		got := string(s.mustQuery(`{ organizations(filter: {search: "got green?"}) { edges { node { slug name otherNames } } } }`, nil))
		if !strings.Contains(got, `"slug":"got-green"`) || !strings.Contains(got, `"otherNames":["Got Green?"]`) {
			t.Errorf("search for another spelling: %s; want Got Green with its other name", got)
		}
	})
}

func sortedKeys(m map[string]bool) []string { return slices.Sorted(maps.Keys(m)) }
