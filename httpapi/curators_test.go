package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"rootsgraph/apitest"
	"rootsgraph/store"
)

// keys makes one key of each role and one revoked key in the test's database.
func (s *testServer) keys() apitest.Keys { return apitest.MakeKeys(s.t, s.db.Store) }

// postAs sends a GraphQL request with an Authorization header (none when empty).
func (s *testServer) postAs(authorization, query string, variables map[string]any) (*http.Response, apitest.Response) {
	s.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return s.do(req)
}

// version reads a record's version.
func (s *testServer) version(id string) int { return apitest.Version(s.t, s.mustQuery, id) }

// writes returns the writes the database received since the last Reset.
func (s *testServer) writes() []string { return apitest.Writes(s.db.Commands) }

// ids returns the ids of every node a query's answer lists, at any depth.
func (s *testServer) ids(query string) []string { return apitest.IDs(s.t, s.mustQuery, query) }

const (
	// rttc organizes no event in the bundled data: adding it as COP22's organizer writes.
	rttc = "alliance:right-to-the-city-alliance"
)

// mutationCase is one mutation of the auth matrix: its query and variables (made from the current
// versions, so that the same case succeeds after the others have run), and whether it needs an
// admin key.
type mutationCase struct {
	name  string
	admin bool
	make  func(s *testServer) (string, map[string]any)
}

var mutationCases = []mutationCase{
	{"createOrganization", false, func(s *testServer) (string, map[string]any) {
		return `mutation($in: CreateOrganizationInput!) { createOrganization(input: $in) { id version } }`,
			map[string]any{"in": map[string]any{"slug": "matrix-" + fmt.Sprint(time.Now().UnixNano()), "name": "Matrix Org",
				"kind": "MEMBER", "state": "NM", "lat": 35.08, "lng": -106.65, "alliances": []string{apitest.CJA}, "sources": apitest.Sources()}}
	}},
	{"updateOrganization", false, func(s *testServer) (string, map[string]any) {
		return `mutation($id: ID!, $v: Int!) { updateOrganization(id: $id, version: $v, input: {city: "Oakland"}) { id version } }`,
			map[string]any{"id": apitest.OrgA, "v": s.version(apitest.OrgA)}
	}},
	{"archiveOrganization", true, func(s *testServer) (string, map[string]any) {
		return `mutation($id: ID!, $v: Int!) { archiveOrganization(id: $id, version: $v) { id archived } }`,
			map[string]any{"id": apitest.OrgB, "v": s.version(apitest.OrgB)}
	}},
	{"restoreOrganization", true, func(s *testServer) (string, map[string]any) {
		return `mutation($id: ID!, $v: Int!) { restoreOrganization(id: $id, version: $v) { id archived } }`,
			map[string]any{"id": apitest.OrgB, "v": s.version(apitest.OrgB)}
	}},
	{"createEvent", false, func(s *testServer) (string, map[string]any) {
		return `mutation($in: CreateEventInput!) { createEvent(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"slug": "matrix-" + fmt.Sprint(time.Now().UnixNano()), "name": "Matrix March",
				"kind": "MARCH", "startDate": "2018-05-01", "endDate": "2018-05-01", "place": "Albuquerque", "state": "NM",
				"country": "US", "sources": apitest.Sources()}}
	}},
	{"updateEvent", false, func(s *testServer) (string, map[string]any) {
		return `mutation($id: ID!, $v: Int!) { updateEvent(id: $id, version: $v, input: {description: "Updated"}) { id } }`,
			map[string]any{"id": "event:cop22-marrakech-2016", "v": s.version("event:cop22-marrakech-2016")}
	}},
	{"archiveEvent", true, func(s *testServer) (string, map[string]any) {
		return `mutation($id: ID!, $v: Int!) { archiveEvent(id: $id, version: $v) { id } }`,
			map[string]any{"id": "event:cop22-marrakech-2016", "v": s.version("event:cop22-marrakech-2016")}
	}},
	{"restoreEvent", true, func(s *testServer) (string, map[string]any) {
		return `mutation($id: ID!, $v: Int!) { restoreEvent(id: $id, version: $v) { id } }`,
			map[string]any{"id": "event:cop22-marrakech-2016", "v": s.version("event:cop22-marrakech-2016")}
	}},
	{"createHub", false, func(s *testServer) (string, map[string]any) {
		return `mutation($in: CreateHubInput!) { createHub(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"slug": "matrix-" + fmt.Sprint(time.Now().UnixNano()), "name": "Matrix Hub",
				"setting": "SMALL_TOWN", "city": "Taos", "state": "NM", "lat": 36.4, "lng": -105.57,
				"activities": []string{"VISIONING"}, "hosts": []string{apitest.OrgA}, "sources": apitest.Sources()}}
	}},
	{"updateHub", false, func(s *testServer) (string, map[string]any) {
		id := "hub:albuquerque-resistance-hub-sample"
		return `mutation($id: ID!, $v: Int!) { updateHub(id: $id, version: $v, input: {activities: [VISIONING]}) { id } }`,
			map[string]any{"id": id, "v": s.version(id)}
	}},
	{"archiveHub", true, func(s *testServer) (string, map[string]any) {
		id := "hub:albuquerque-resistance-hub-sample"
		return `mutation($id: ID!, $v: Int!) { archiveHub(id: $id, version: $v) { id } }`, map[string]any{"id": id, "v": s.version(id)}
	}},
	{"restoreHub", true, func(s *testServer) (string, map[string]any) {
		id := "hub:albuquerque-resistance-hub-sample"
		return `mutation($id: ID!, $v: Int!) { restoreHub(id: $id, version: $v) { id } }`, map[string]any{"id": id, "v": s.version(id)}
	}},
	{"addMembership", false, func(s *testServer) (string, map[string]any) {
		return `mutation { addMembership(organization: "` + apitest.OrgA + `", alliance: "` + apitest.CJA + `") { id } }`, nil
	}},
	{"removeMembership", false, func(s *testServer) (string, map[string]any) {
		return `mutation { removeMembership(organization: "` + apitest.OrgA + `", alliance: "` + apitest.CJA + `") { id } }`, nil
	}},
	{"addPartnership", false, func(s *testServer) (string, map[string]any) {
		return `mutation { addPartnership(organization: "` + apitest.OrgA + `", partner: "` + apitest.OrgB + `") { id } }`, nil
	}},
	{"removePartnership", false, func(s *testServer) (string, map[string]any) {
		return `mutation { removePartnership(organization: "` + apitest.OrgA + `", partner: "` + apitest.OrgB + `") { id } }`, nil
	}},
	{"addOrganizer", false, func(s *testServer) (string, map[string]any) {
		return `mutation { addOrganizer(event: "event:cop22-marrakech-2016", actor: "` + rttc + `") { id } }`, nil
	}},
	{"removeOrganizer", false, func(s *testServer) (string, map[string]any) {
		return `mutation { removeOrganizer(event: "event:cop22-marrakech-2016", actor: "` + rttc + `") { id } }`, nil
	}},
	{"addParticipant", false, func(s *testServer) (string, map[string]any) {
		return `mutation { addParticipant(event: "event:cop22-marrakech-2016", actor: "` + apitest.OrgB + `") { id } }`, nil
	}},
	{"removeParticipant", false, func(s *testServer) (string, map[string]any) {
		return `mutation { removeParticipant(event: "event:cop22-marrakech-2016", actor: "` + apitest.OrgB + `") { id } }`, nil
	}},
	{"addHost", false, func(s *testServer) (string, map[string]any) {
		return `mutation { addHost(hub: "hub:albuquerque-resistance-hub-sample", organization: "` + apitest.OrgA + `") { id } }`, nil
	}},
	{"removeHost", false, func(s *testServer) (string, map[string]any) {
		return `mutation { removeHost(hub: "hub:albuquerque-resistance-hub-sample", organization: "` + apitest.OrgA + `") { id } }`, nil
	}},
}

// TestAuthMatrix runs every mutation as each kind of caller: without a key, with a key that does
// not exist, with a revoked key, as a curator and as an admin. Only a valid key of the right role
// writes anything; every other caller gets UNAUTHENTICATED or FORBIDDEN and the database receives
// no write at all.
func TestAuthMatrix(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 1)
	k := s.keys()
	callers := []struct {
		name, header string
		role         string // "" for callers who are not authenticated
	}{
		{"NoKey", "", ""},
		{"NotBearer", "Basic " + k.Admin, ""},
		{"UnknownKey", "Bearer rg_0000000000000000_" + strings.Repeat("ab", 32), ""},
		{"RevokedKey", "Bearer " + k.Revoked, ""},
		{"Curator", "Bearer " + k.Curator, store.RoleCurator},
		{"Admin", "Bearer " + k.Admin, store.RoleAdmin},
	}
	for _, c := range callers {
		for _, m := range mutationCases {
			t.Run(c.name+"/"+m.name, func(t *testing.T) {
				query, vars := m.make(s)
				s.db.Commands.Reset()
				resp, r := s.postAs(c.header, query, vars)
				var want string
				switch {
				case c.role == "":
					want = "UNAUTHENTICATED"
				case m.admin && c.role != store.RoleAdmin:
					want = "FORBIDDEN"
				}
				got := apitest.Codes(r)
				if want == "" {
					if len(r.Errors) > 0 || resp.StatusCode != http.StatusOK {
						t.Fatalf("status %d, errors %+v; want success", resp.StatusCode, r.Errors)
					}
					if len(s.writes()) == 0 {
						t.Errorf("no write reached the database")
					}
					return
				}
				if !slices.Equal(got, []string{want}) {
					t.Fatalf("error codes %v (%+v); want [%s]", got, r.Errors, want)
				}
				if w := s.writes(); len(w) > 0 {
					t.Errorf("a refused mutation wrote: %v", w)
				}
				for _, e := range r.Errors {
					for _, key := range []string{k.Admin, k.Curator, k.Revoked} {
						if strings.Contains(e.Message, key) {
							t.Errorf("the error message shows the key: %s", e.Message)
						}
					}
				}
			})
		}
	}
	for _, key := range []string{k.Admin, k.Curator, k.Revoked} {
		if strings.Contains(s.logs.String(), key) {
			t.Errorf("the logs show a key")
		}
	}
}

// TestConcurrentUpdates sends 20 updates of one record at once, all naming the same version, each
// with its own city, through one server instance or spread over two on the same database. Exactly
// the ones that succeed are applied: one of them, whose city the record holds, at the next
// version, and the other 19 fail with CONFLICT; none is lost silently.
func TestConcurrentUpdates(t *testing.T) {
	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprintf("%dInstances", n), func(t *testing.T) {
			t.Parallel()
			concurrentUpdates(t, n)
		})
	}
}

func concurrentUpdates(t *testing.T, instances int) {
	s := newTestServer(t, 1)
	k := s.keys()
	handlers, _ := s.instances(instances)
	v := s.version(apitest.OrgA)
	const n = 20
	type result struct {
		city  string
		ok    bool
		codes []string
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			city := fmt.Sprintf("City %02d", i)
			r := apitest.Send(t, handlers[i%len(handlers)], k.Curator,
				`mutation($v: Int!, $city: String) { updateOrganization(id: "`+apitest.OrgA+`", version: $v, input: {city: $city}) { version } }`,
				map[string]any{"v": v, "city": city})
			results[i] = result{city: city, ok: len(r.Errors) == 0, codes: apitest.Codes(r)}
		})
	}
	wg.Wait()
	var won []string
	for _, r := range results {
		switch {
		case r.ok:
			won = append(won, r.city)
		case !slices.Equal(r.codes, []string{"CONFLICT"}):
			t.Errorf("update to %s failed with %v; want CONFLICT", r.city, r.codes)
		}
	}
	if len(won) != 1 {
		t.Fatalf("%d updates succeeded (%v); want exactly 1 from the same version", len(won), won)
	}
	data := s.mustQuery(`{ organization(id: "`+apitest.OrgA+`") { city version } }`, nil)
	if want := fmt.Sprintf(`{"organization":{"city":%q,"version":%d}}`, won[0], v+1); string(data) != want {
		t.Errorf("record %s; want %s", data, want)
	}
	// The audit trail holds exactly the one update.
	n2, err := s.db.CountAudit(t.Context(), store.AuditFilter{Entity: apitest.OrgA, Action: "updateOrganization"})
	if err != nil || n2 != 1 {
		t.Errorf("audit entries for the update: %d (%v); want 1", n2, err)
	}
}
