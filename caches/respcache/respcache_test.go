package respcache

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestResponseCacheInvalidationRace shows that an answer computed while the cache was invalidated
// is not stored, so a read after a write never gets an answer from before it.
func TestResponseCacheInvalidationRace(t *testing.T) {
	c := New(10, time.Minute)
	h := Middleware(c, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.Invalidate() // a write lands while this answer is computed
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
func flightOf(c *Cache) *flight {
	key, _ := cacheKey(httptest.NewRequest(http.MethodPost, "/graphql", nil), []byte(`{"query":"{ n }"}`))
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.flights[key]
}

// TestResponseCacheInvalidationInFlight shows that a request arriving after an invalidation does
// not share a computation that began before it, and that such a computation's answer is not
// stored: the next read recomputes.
func TestResponseCacheInvalidationInFlight(t *testing.T) {
	c := New(10, time.Minute)
	release := make(chan struct{})
	counting := &countingHandler{block: map[int]chan struct{}{1: release}, started: make(chan int, 1)}
	h := Middleware(c, counting)
	joinedOld := false
	c.Joined = func() { joinedOld = true; close(release) } // fail, not hang, if the old one is shared

	first := make(chan string)
	go func() { _, body := sendN(t, h, context.Background()); first <- body }()
	<-counting.started // the first computation is under way, its answer not yet known
	c.Invalidate()     // a write succeeds meanwhile
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
	c := New(10, ttl)
	var clockMu sync.Mutex
	clock := time.Date(2017, 4, 29, 12, 0, 0, 0, time.UTC)
	c.now = func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return clock }
	advance := func(d time.Duration) { clockMu.Lock(); clock = clock.Add(d); clockMu.Unlock() }
	release := make(chan struct{})
	counting := &countingHandler{block: map[int]chan struct{}{2: release}, started: make(chan int, 1)}
	h := Middleware(c, counting)
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
	if got := c.Refreshes.Load(); got != 1 {
		t.Errorf("refreshes: %d; want 1", got)
	}
	advance(ttl)
	expect("a TTL after the refresh began", "miss", `{"data":{"n":3}}`)
	advance(ttl / 2)
	c.Invalidate()
	expect("stale, then invalidated", "miss", `{"data":{"n":4}}`)
}

// TestResponseCacheLeaderGone shows that when the client whose request computes an answer goes
// away, it stops waiting but the computation goes on and its answer is kept for the next reads.
func TestResponseCacheLeaderGone(t *testing.T) {
	c := New(10, time.Minute)
	release := make(chan struct{})
	counting := &countingHandler{block: map[int]chan struct{}{1: release}, started: make(chan int, 1)}
	h := Middleware(c, counting)
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

// TestKeysAreTheRequestsMeaning: keys are remembered by the request's bytes, and that changes
// nothing a client sees: the same query spelled with other white space is the same entry, another
// Accept header or other variables another entry, and requests with credentials and mutations
// are never answered from the cache, however often the same bytes come.
func TestKeysAreTheRequestsMeaning(t *testing.T) {
	c := New(10, time.Minute)
	calls := 0
	h := Middleware(c, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		_, _ = fmt.Fprintf(w, `{"data":{"n":%d}}`, calls)
	}))
	send := func(body string, header ...string) string {
		r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Header().Get("X-Response-Cache") + " " + rec.Body.String()
	}
	for _, c := range []struct{ what, got, want string }{
		{"first", send(`{"query":"{ n }"}`), `miss {"data":{"n":1}}`},
		{"the same bytes", send(`{"query":"{ n }"}`), `hit {"data":{"n":1}}`},
		{"other white space", send(`{"query":"{\n  n\n}"}`), `hit {"data":{"n":1}}`},
		{"another Accept", send(`{"query":"{ n }"}`, "Accept", "application/graphql-response+json"), `miss {"data":{"n":2}}`},
		{"other variables", send(`{"query":"{ n }","variables":{"a":1}}`), `miss {"data":{"n":3}}`},
		{"with credentials", send(`{"query":"{ n }"}`, "Authorization", "Bearer k"), ` {"data":{"n":4}}`},
		{"with credentials again", send(`{"query":"{ n }"}`, "Authorization", "Bearer k"), ` {"data":{"n":5}}`},
		{"a mutation", send(`{"query":"mutation { m }"}`), ` {"data":{"n":6}}`},
		{"the mutation again", send(`{"query":"mutation { m }"}`), ` {"data":{"n":7}}`},
		{"the first again", send(`{"query":"{ n }"}`), `hit {"data":{"n":1}}`},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q; want %q", c.what, c.got, c.want)
		}
	}
}
