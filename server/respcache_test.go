package main

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestResponseCache shows that an anonymous query asked again is answered from memory, with no
// database command, and that credentials, mutations, errors and other variables are not.
func TestResponseCache(t *testing.T) {
	s := newTestServer(t, 1)
	opts := testOptions()
	opts.responseCacheTTL = time.Minute
	srv := newServer(slog.New(slog.DiscardHandler), s.db.Store, opts)
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

	srv.cache.invalidate()
	if rec, n := send(q); rec.Header().Get("X-Response-Cache") != "miss" || n == 0 {
		t.Errorf("after invalidation: cache %q, %d commands; want a miss", rec.Header().Get("X-Response-Cache"), n)
	}
}

// TestResponseCacheInvalidationRace shows that an answer computed while the cache was invalidated
// is not stored, so a read after a write never gets an answer from before it.
func TestResponseCacheInvalidationRace(t *testing.T) {
	c := newResponseCache(10, time.Minute)
	h := withResponseCache(c, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.invalidate() // a write lands while this answer is computed
		_, _ = w.Write([]byte(`{"data":{"n":1}}`))
	}))
	req := func() *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ n }"}`))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}
	req()
	if rec := req(); rec.Header().Get("X-Response-Cache") != "miss" {
		t.Errorf("an answer computed across an invalidation was served from the cache: %q", rec.Header().Get("X-Response-Cache"))
	}
}
