package graph

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"rootsgraph/apitest"
)

// The sources of an edge, as curators give them: cited as the edge is added, gone with it.

// TestRemovingAnEdgeRemovesItsSources removes a cited membership and a cited part in an event
// through the API: what the sources said goes with the edge, and adding the edge back does not
// bring it back (a curator who adds it again names no source yet, so the record's stand for it).
func TestRemovingAnEdgeRemovesItsSources(t *testing.T) {
	s := newTestServer(t, 1)
	key := s.keys().Curator
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
		if out := s.postAs(key, m, nil); len(out.Errors) > 0 {
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
	if out := s.postAs(key, update, nil); len(out.Errors) > 0 {
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
	key := s.keys().Curator
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
		out := s.postAs(key, m, nil)
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
