package httpapi

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"rootsgraph/apitest"
	"rootsgraph/caches/respcache"
)

// TestResponseCache shows that an anonymous query asked again is answered from memory, with no
// database command, and that credentials, mutations, errors and other variables are not.
func TestResponseCache(t *testing.T) {
	s := newTestServer(t, 1)
	opts := testOptions()
	opts.ResponseCacheTTL = time.Minute
	srv := New(slog.New(slog.DiscardHandler), s.db.Store, opts)
	send := func(body string, header ...string) (*httptest.ResponseRecorder, int) {
		t.Helper()
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		s.db.Commands.Reset()
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec, s.db.Commands.Total()
	}
	const q = `{"query":"query($s: String!) { organization(slug: $s) { name } }","variables":{"s":"it-takes-roots"}}`
	first, n1 := send(q)
	if got := first.Header().Get("X-Response-Cache"); got != "miss" || n1 == 0 {
		t.Fatalf("first ask: cache %q, %d commands; want a miss that reads the database", got, n1)
	}
	again, n2 := send(strings.ReplaceAll(q, `"query":`, ` "query" : `)) // same request, other spacing
	if got := again.Header().Get("X-Response-Cache"); got != "hit" || n2 != 0 || !bytes.Equal(again.Body.Bytes(), first.Body.Bytes()) {
		t.Errorf("second ask: cache %q, %d commands, same body %v; want a hit with no command and the same body",
			got, n2, bytes.Equal(again.Body.Bytes(), first.Body.Bytes()))
	}
	if rec, _ := send(strings.Replace(q, "it-takes-roots", "the-ruckus-society", 1)); rec.Header().Get("X-Response-Cache") != "miss" ||
		!strings.Contains(rec.Body.String(), "Ruckus") {
		t.Errorf("other variables: cache %q, body %s; want a miss with its own answer", rec.Header().Get("X-Response-Cache"), rec.Body)
	}
	if rec, n := send(q, "Authorization", "Bearer k"); rec.Header().Get("X-Response-Cache") != "" || n == 0 {
		t.Errorf("with credentials: cache %q, %d commands; want the cache bypassed", rec.Header().Get("X-Response-Cache"), n)
	}
	bad := `{"query":"{ organizations(first: -1) { totalCount } }"}`
	send(bad)
	if rec, _ := send(bad); rec.Header().Get("X-Response-Cache") != "miss" {
		t.Errorf("an answer with errors was cached: %q", rec.Header().Get("X-Response-Cache"))
	}
	named := `{"query":"query mutationFree { alliances { totalCount } }"}`
	if rec, _ := send(named); rec.Header().Get("X-Response-Cache") != "" {
		t.Errorf("a document with the word mutation was considered for caching: %q", rec.Header().Get("X-Response-Cache"))
	}

	srv.cache.Invalidate()
	if rec, n := send(q); rec.Header().Get("X-Response-Cache") != "miss" || n == 0 {
		t.Errorf("after invalidation: cache %q, %d commands; want a miss", rec.Header().Get("X-Response-Cache"), n)
	}
}

// TestResponseCacheStampede shows that many identical requests for a key the cache does not hold
// cost the database commands of one request: one computes, the others wait for its answer.
func TestResponseCacheStampede(t *testing.T) {
	const n = 16
	s := newTestServer(t, 1) // its own response cache is off (testOptions)
	c := respcache.New(10, time.Minute)
	// The computation starts only when every request has either joined it or started one of its
	// own, so the test shows sharing without depending on timing, and a second computation makes
	// it fail instead of hang.
	var mu sync.Mutex
	arrived := 0
	all := sync.NewCond(&mu)
	arrive := func() {
		mu.Lock()
		arrived++
		all.Broadcast()
		mu.Unlock()
	}
	c.Joined = arrive
	h := respcache.Middleware(c, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrive()
		mu.Lock()
		for arrived < n {
			all.Wait()
		}
		mu.Unlock()
		s.handler.ServeHTTP(w, r)
	}))
	const q = `{"query":"{ organizations(first: 20) { totalCount edges { node { name state { code } alliances { name } } } } }"}`
	send := func(h http.Handler) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(q))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	send(s.handler) // reads the snapshots, which later requests then find current
	s.db.Commands.Reset()
	alone := send(s.handler)
	one := s.db.Commands.Total()
	if alone.Code != http.StatusOK || one == 0 {
		t.Fatalf("one request: status %d, %d commands; want 200 and some commands", alone.Code, one)
	}

	s.db.Commands.Reset()
	recs := make([]*httptest.ResponseRecorder, n)
	var wg sync.WaitGroup
	for i := range recs {
		wg.Go(func() { recs[i] = send(h) })
	}
	wg.Wait()
	if got := s.db.Commands.Total(); got != one {
		t.Errorf("%d identical requests at once sent %d commands; want %d, those of one request", n, got, one)
	}
	states := map[string]int{}
	for _, rec := range recs {
		states[rec.Header().Get("X-Response-Cache")]++
		if !bytes.Equal(rec.Body.Bytes(), alone.Body.Bytes()) {
			t.Errorf("a shared answer differs from the answer alone:\n%s\n%s", apitest.Truncate(rec.Body.Bytes(), 300), apitest.Truncate(alone.Body.Bytes(), 300))
		}
	}
	if states["miss"] != 1 || states["shared"] != n-1 {
		t.Errorf("X-Response-Cache: %v; want 1 miss and %d shared", states, n-1)
	}
	if got := send(h).Header().Get("X-Response-Cache"); got != "hit" {
		t.Errorf("after the computation: %q; want a hit", got)
	}
}
