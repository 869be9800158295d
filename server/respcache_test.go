package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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

// TestResponseCacheStampede shows that many identical requests for a key the cache does not hold
// cost the database commands of one request: one computes, the others wait for its answer.
func TestResponseCacheStampede(t *testing.T) {
	const n = 16
	s := newTestServer(t, 1) // its own response cache is off (testOptions)
	c := newResponseCache(10, time.Minute)
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
	c.joined = arrive
	h := withResponseCache(c, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
			t.Errorf("a shared answer differs from the answer alone:\n%s\n%s", truncate(rec.Body.Bytes(), 300), truncate(alone.Body.Bytes(), 300))
		}
	}
	if states["miss"] != 1 || states["shared"] != n-1 {
		t.Errorf("X-Response-Cache: %v; want 1 miss and %d shared", states, n-1)
	}
	if got := send(h).Header().Get("X-Response-Cache"); got != "hit" {
		t.Errorf("after the computation: %q; want a hit", got)
	}
}

// countingHandler answers {"data":{"n":N}} with N the number of calls so far; the calls listed in
// block wait until their channel is closed, after saying so on started.
type countingHandler struct {
	mu      sync.Mutex
	calls   int
	block   map[int]chan struct{}
	started chan int
}

func (h *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.calls++
	n, wait := h.calls, h.block[h.calls]
	h.mu.Unlock()
	if wait != nil {
		h.started <- n
		<-wait
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = fmt.Fprintf(w, `{"data":{"n":%d}}`, n)
}

func sendN(t *testing.T, h http.Handler, ctx context.Context) (state, body string) {
	t.Helper()
	r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ n }"}`))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec.Header().Get("X-Response-Cache"), rec.Body.String()
}

// flightOf returns the computation in flight for the test query, or nil.
func flightOf(c *responseCache) *flight {
	key, _ := cacheKey(httptest.NewRequest(http.MethodPost, "/graphql", nil), []byte(`{"query":"{ n }"}`))
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.flights[key]
}

// TestResponseCacheInvalidationInFlight shows that a request arriving after an invalidation does
// not share a computation that began before it, and that such a computation's answer is not
// stored: the next read recomputes.
func TestResponseCacheInvalidationInFlight(t *testing.T) {
	c := newResponseCache(10, time.Minute)
	release := make(chan struct{})
	counting := &countingHandler{block: map[int]chan struct{}{1: release}, started: make(chan int, 1)}
	h := withResponseCache(c, counting)
	joinedOld := false
	c.joined = func() { joinedOld = true; close(release) } // fail, not hang, if the old one is shared

	first := make(chan string)
	go func() { _, body := sendN(t, h, context.Background()); first <- body }()
	<-counting.started // the first computation is under way, its answer not yet known
	c.invalidate()     // a write succeeds meanwhile
	state, body := sendN(t, h, context.Background())
	if joinedOld || state != "miss" || body != `{"data":{"n":2}}` {
		t.Errorf("read after the write: %s %s (shared the older computation: %v); want a miss with its own answer n=2", state, body, joinedOld)
	}
	if !joinedOld {
		close(release)
	}
	if got := <-first; got != `{"data":{"n":1}}` {
		t.Errorf("the request that began before the write: %s; want n=1", got)
	}
	if state, body := sendN(t, h, context.Background()); state != "hit" || body != `{"data":{"n":2}}` {
		t.Errorf("next read: %s %s; want a hit on the answer computed after the write (n=2)", state, body)
	}
}

// TestResponseCacheStaleWhileRevalidate shows that an entry past half its TTL is still served
// while one refresh runs, that the refresh replaces it, that nothing older than the TTL is served,
// and that an invalidation drops a stale entry too. The clock is the cache's own, moved by hand.
func TestResponseCacheStaleWhileRevalidate(t *testing.T) {
	const ttl = time.Minute
	c := newResponseCache(10, ttl)
	var clockMu sync.Mutex
	clock := time.Date(2017, 4, 29, 12, 0, 0, 0, time.UTC)
	c.now = func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return clock }
	advance := func(d time.Duration) { clockMu.Lock(); clock = clock.Add(d); clockMu.Unlock() }
	release := make(chan struct{})
	counting := &countingHandler{block: map[int]chan struct{}{2: release}, started: make(chan int, 1)}
	h := withResponseCache(c, counting)
	ctx := context.Background()
	expect := func(step, wantState, wantBody string) {
		t.Helper()
		if state, body := sendN(t, h, ctx); state != wantState || body != wantBody {
			t.Errorf("%s: %s %s; want %s %s", step, state, body, wantState, wantBody)
		}
	}

	expect("cold", "miss", `{"data":{"n":1}}`)
	advance(ttl / 2)
	expect("past half the TTL", "hit", `{"data":{"n":1}}`) // and starts the refresh (call 2)
	<-counting.started
	f := flightOf(c)
	expect("while the refresh runs", "hit", `{"data":{"n":1}}`)
	close(release)
	<-f.done
	expect("after the refresh", "hit", `{"data":{"n":2}}`)
	if got := c.refreshes.Load(); got != 1 {
		t.Errorf("refreshes: %d; want 1", got)
	}
	advance(ttl)
	expect("a TTL after the refresh began", "miss", `{"data":{"n":3}}`)
	advance(ttl / 2)
	c.invalidate()
	expect("stale, then invalidated", "miss", `{"data":{"n":4}}`)
}

// TestResponseCacheLeaderGone shows that when the client whose request computes an answer goes
// away, it stops waiting but the computation goes on and its answer is kept for the next reads.
func TestResponseCacheLeaderGone(t *testing.T) {
	c := newResponseCache(10, time.Minute)
	release := make(chan struct{})
	counting := &countingHandler{block: map[int]chan struct{}{1: release}, started: make(chan int, 1)}
	h := withResponseCache(c, counting)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan string)
	go func() { _, body := sendN(t, h, ctx); done <- body }()
	<-counting.started
	f := flightOf(c)
	cancel() // the client goes away
	if body := <-done; !strings.Contains(body, `"TIMEOUT"`) {
		t.Errorf("the request whose client went away: %s; want a TIMEOUT answer", body)
	}
	close(release)
	<-f.done
	if state, body := sendN(t, h, context.Background()); state != "hit" || body != `{"data":{"n":1}}` {
		t.Errorf("next read: %s %s; want a hit on the computation the gone client started", state, body)
	}
}
