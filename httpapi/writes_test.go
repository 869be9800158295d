package httpapi

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"

	"rootsgraph/apitest"
)

// TestReadAfterWrite reads a record through the response cache while curators change it: a read
// that starts after a change has returned always sees that change (or a later one).
func TestReadAfterWrite(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 1)
	opts := testOptions()
	opts.ResponseCacheTTL = 1 << 40 // only invalidation can make an answer go
	s.handler = New(slog.New(slog.NewJSONHandler(s.logs, nil)), s.db.Store, opts)
	k := s.keys()
	const read = `{ organization(id: "` + apitest.OrgA + `") { city } }`
	cityOf := func() string {
		var d struct{ Organization struct{ City string } }
		_ = json.Unmarshal(s.mustQuery(read, nil), &d)
		return d.Organization.City
	}
	cityOf() // cached from here on
	var stop sync.WaitGroup
	done := make(chan struct{})
	for range 4 { // readers keep the cache busy meanwhile
		stop.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
					cityOf()
				}
			}
		})
	}
	for i := range 10 {
		city := fmt.Sprintf("City %d", i)
		for {
			_, r := s.postAs("Bearer "+k.Curator, `mutation($v: Int!, $c: String) { updateOrganization(id: "`+apitest.OrgA+`", version: $v, input: {city: $c}) { id } }`,
				map[string]any{"v": s.version(apitest.OrgA), "c": city})
			if len(r.Errors) == 0 {
				break
			}
		}
		if got := cityOf(); got != city {
			t.Errorf("read after update %d: city %q; want %q", i, got, city)
		}
	}
	close(done)
	stop.Wait()
}

// TestGetNeverWrites sends a mutation over GET, with a valid admin key: 405, and nothing written
// or read but the key's check.
func TestGetNeverWrites(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 1)
	k := s.keys()
	q := `mutation { addMembership(organization: "` + apitest.OrgA + `", alliance: "` + apitest.CJA + `") { id } }`
	req, _ := http.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(q), nil)
	req.Header.Set("Authorization", "Bearer "+k.Admin)
	s.db.Commands.Reset()
	resp, r := s.do(req)
	if resp.StatusCode != http.StatusMethodNotAllowed || !slices.Equal(apitest.Codes(r), []string{"METHOD_NOT_ALLOWED"}) {
		t.Errorf("GET mutation: %d %+v; want 405 METHOD_NOT_ALLOWED", resp.StatusCode, r.Errors)
	}
	// Nothing but the check that the key is live (a read of the keys, at most once a second).
	for _, c := range s.db.Commands.Commands() {
		if c != "find keys" {
			t.Errorf("database command %q; want none but the key check", c)
		}
	}
}
