// Package respcache keeps recent answers to anonymous GraphQL queries in memory for a short
// time (see Cache for what it guarantees). It needs neither the store nor the schema: it caches
// the HTTP answers of the handler it wraps.
package respcache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"rootsgraph/apierr"
	"rootsgraph/caches/httpcache"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/hashicorp/golang-lru/v2/expirable"
)

// Cache keeps recent answers to anonymous GraphQL queries in memory for a short time,
// keyed by the operation and its variables, so that the same question asked again within the TTL
// costs neither parsing nor a database command. Replicas each keep their own and converge within
// the TTL: no answer is served once its computation began more than a TTL ago.
//
// Invariants:
//   - One computation per key at a time. The first request for a missing key starts it; others
//     with the same key wait for it and share its answer, so an expensive entry that expires
//     under load costs one computation, not one per client (a stampede).
//   - Stale while revalidate: an entry older than half the TTL is still served, and the first
//     request that finds it so starts one refresh in the background. A popular entry is thus
//     refreshed before it expires and no request waits for it, without serving anything older
//     than the TTL allows.
//   - Any write through this instance calls invalidate, which drops every entry, fresh or stale,
//     and makes every computation then in flight unusable to later requests: its answer is neither
//     stored nor shared with a request that arrives after the invalidation. So a read after a
//     write on this instance never sees the old answer.
//   - Answers with errors, other statuses or too large are never stored (they are shared only
//     with the requests that waited for that very computation).
//
// A computation runs on its own goroutine, detached from the cancellation of the request that
// started it but bounded by that request's deadline: when its client goes away, the answer the
// others wait for (and the work spent on it) is not lost. Each waiter stops waiting when its own
// context ends.
type Cache struct {
	entries *expirable.LRU[string, cachedResponse]
	keys    *lru.Cache[[sha256.Size]byte, derivedKey] // see keyFor
	ttl     time.Duration
	now     func() time.Time // time.Now; tests move it

	mu sync.Mutex // guards generation changes, flights, and storing an answer
	// generation changes on every invalidation; only an answer computed within one generation is
	// stored or shared.
	generation uint64
	flights    map[string]*flight

	Hits      atomic.Uint64 // answered from memory (fresh or stale)
	Misses    atomic.Uint64 // not in memory: computed, or shared from a computation in flight
	Shared    atomic.Uint64 // misses that waited for another request's computation
	Refreshes atomic.Uint64 // background refreshes of stale entries

	// NoteOperation, when set, is told the operation name of each cacheable request (for its
	// log line), before the answer is looked up.
	NoteOperation func(ctx context.Context, operation string)

	// Joined, when set (tests), is called each time a request joins a computation in flight.
	Joined func()
}

type cachedResponse struct {
	contentType string
	body        []byte
	computed    time.Time // when its computation began
}

// flight is one computation of an answer; done is closed when answer is set.
type flight struct {
	generation uint64
	done       chan struct{}
	answer     *computedAnswer
}

// computedAnswer is what a computation produced, as every waiter writes it.
type computedAnswer struct {
	status   int
	header   http.Header
	body     []byte
	panicked any // a panic in the handler, raised again in every waiter
}

// maxCachedBody is the largest answer kept; larger ones are rare and would crowd out the rest.
const maxCachedBody = 1 << 20

// New returns a cache of at most size answers, each kept at most ttl; nil (no cache: Middleware
// passes every request on) when either is zero.
func New(size int, ttl time.Duration) *Cache {
	if ttl <= 0 || size <= 0 {
		return nil
	}
	keys, _ := lru.New[[sha256.Size]byte, derivedKey](size)
	return &Cache{
		entries: expirable.NewLRU[string, cachedResponse](size, nil, ttl),
		keys:    keys,
		ttl:     ttl,
		now:     time.Now,
		flights: map[string]*flight{},
	}
}

// Invalidate drops every cached answer and disowns every computation in flight.
func (c *Cache) Invalidate() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.generation++
	c.entries.Purge()
	c.mu.Unlock()
}

// lookup returns the entry for key if it may still be served, and whether it should be refreshed.
func (c *Cache) lookup(key string) (e cachedResponse, ok, refresh bool) {
	e, ok = c.entries.Get(key)
	if !ok {
		return e, false, false
	}
	age := c.now().Sub(e.computed)
	if age >= c.ttl {
		return e, false, false
	}
	return e, true, age >= c.ttl/2
}

// flightFor returns the computation of key in the current generation, registering a new one when
// there is none; started reports whether this call registered it, and then the caller must run
// it (compute) so that its waiters are answered.
func (c *Cache) flightFor(key string) (f *flight, started bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f := c.flights[key]; f != nil && f.generation == c.generation {
		return f, false
	}
	f = &flight{generation: c.generation, done: make(chan struct{})}
	c.flights[key] = f
	return f, true
}

// finish records a computation's answer: stored when it is cacheable and no invalidation came
// since it began, then handed to its waiters.
func (c *Cache) finish(key string, f *flight, a *computedAnswer, began time.Time) {
	c.mu.Lock()
	if a.panicked == nil && a.status == http.StatusOK && !httpcache.IsErrorAnswer(a.body) &&
		len(a.body) <= maxCachedBody && f.generation == c.generation {
		c.entries.Add(key, cachedResponse{contentType: a.header.Get("Content-Type"), body: a.body, computed: began})
	}
	if c.flights[key] == f {
		delete(c.flights, key)
	}
	c.mu.Unlock()
	f.answer = a
	close(f.done)
}

// compute starts, on its own goroutine, the computation f of r's answer by h, on a request
// detached from r's cancellation but not from its deadline (nor its values: request id, stats,
// trace).
func (c *Cache) compute(key string, f *flight, h http.Handler, r *http.Request, body []byte) {
	ctx := context.WithoutCancel(r.Context())
	cancel := context.CancelFunc(func() {})
	if deadline, ok := r.Context().Deadline(); ok {
		ctx, cancel = context.WithDeadline(ctx, deadline)
	}
	detached := r.Clone(ctx)
	if body != nil {
		detached.Body = io.NopCloser(bytes.NewReader(body))
	}
	go func() {
		defer cancel()
		began := c.now()
		rec := httpcache.NewRecorder()
		a := &computedAnswer{}
		func() {
			defer func() {
				if p := recover(); p != nil {
					a.panicked = fmt.Sprintf("%v\n%s", p, debug.Stack())
				}
			}()
			h.ServeHTTP(rec, detached)
		}()
		a.status, a.header, a.body = rec.Status(), rec.Header(), bytes.Clone(rec.Body())
		c.finish(key, f, a, began)
	}()
}

// derivedKey is what cacheKey derives from a request.
type derivedKey struct{ key, operation string }

// keyFor is cacheKey, remembered by a digest of everything cacheKey reads of the request (its
// method, query string, Accept header and body; a request with credentials is never cached, so
// never remembered): the same bytes always give the same key, so nothing remembered can be out of
// date, and a hit skips decoding the body, collapsing the query's white space and matching its
// operation's name, a third of a hit's cost.
func (c *Cache) keyFor(r *http.Request, body []byte) (key, operation string) {
	if r.Header.Get("Authorization") != "" || r.Header.Get("Cookie") != "" {
		return "", ""
	}
	h := sha256.New()
	for _, part := range []string{r.Method, r.URL.RawQuery, r.Header.Get("Accept")} {
		_, _ = io.WriteString(h, part)
		_, _ = h.Write([]byte{0})
	}
	_, _ = h.Write(body)
	var digest [sha256.Size]byte
	h.Sum(digest[:0])
	if d, ok := c.keys.Get(digest); ok {
		return d.key, d.operation
	}
	key, operation = cacheKey(r, body)
	c.keys.Add(digest, derivedKey{key, operation})
	return key, operation
}

// cacheKey returns the key of an anonymous request's operation, or "" when it must not be cached:
// a mutation, a body that is not a GraphQL request. (keyFor, its one caller, has already turned
// away requests with credentials.)
func cacheKey(r *http.Request, body []byte) (key, operation string) {
	var p struct {
		Query         string          `json:"query"`
		OperationName string          `json:"operationName"`
		Variables     json.RawMessage `json:"variables"`
		Extensions    json.RawMessage `json:"extensions"`
	}
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		p.Query, p.OperationName = q.Get("query"), q.Get("operationName")
		p.Variables, p.Extensions = json.RawMessage(q.Get("variables")), json.RawMessage(q.Get("extensions"))
	case http.MethodPost:
		if json.Unmarshal(body, &p) != nil {
			return "", ""
		}
	default:
		return "", ""
	}
	query := strings.Join(strings.Fields(p.Query), " ")
	if query == "" && len(p.Extensions) == 0 {
		return "", ""
	}
	// A document that may hold a mutation is never cached (conservatively: the word anywhere).
	if strings.Contains(query, "mutation") || strings.Contains(query, "subscription") {
		return "", ""
	}
	h := sha256.New()
	for _, part := range [][]byte{[]byte(query), []byte(p.OperationName), canonicalJSON(p.Variables),
		canonicalJSON(p.Extensions), []byte(r.Header.Get("Accept"))} {
		h.Write(part)
		h.Write([]byte{0})
	}
	operation = p.OperationName
	if operation == "" {
		if m := operationNameInQuery.FindStringSubmatch(query); m != nil {
			operation = m[1]
		} else {
			operation = "(anonymous)"
		}
	}
	return hex.EncodeToString(h.Sum(nil)), operation
}

// operationNameInQuery finds the name of a document's first operation, for logs and metrics of
// answers served from the cache.
var operationNameInQuery = regexp.MustCompile(`^query\s+([A-Za-z_][A-Za-z0-9_]*)`)

// canonicalJSON re-encodes JSON with sorted keys and no spaces, so that equal variables give equal
// keys; invalid JSON is kept as it is.
func canonicalJSON(raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return raw
	}
	b, _ := json.Marshal(v)
	return b
}

// Middleware answers a cached operation from memory, shares one computation among the
// requests that ask the same question at once, and stores successful answers.
func Middleware(c *Cache, h http.Handler) http.Handler {
	if c == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		if r.Method == http.MethodPost && r.Body != nil {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				apierr.Write(w, apierr.BadRequest, "the request body could not be read")
				return
			}
			body = b
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		key, operation := c.keyFor(r, body)
		if key == "" {
			h.ServeHTTP(w, r)
			return
		}
		if c.NoteOperation != nil {
			c.NoteOperation(r.Context(), operation) // the computation, if this request runs it, says it again
		}
		if hit, ok, refresh := c.lookup(key); ok {
			c.Hits.Add(1)
			if refresh {
				if f, started := c.flightFor(key); started {
					c.Refreshes.Add(1)
					c.compute(key, f, h, r, body)
				}
			}
			w.Header().Set("Content-Type", hit.contentType)
			w.Header().Set("X-Response-Cache", "hit")
			// The length is known: one write with a Content-Length, not a chunked stream (the
			// gzip layer drops it when it compresses).
			w.Header().Set("Content-Length", strconv.Itoa(len(hit.body)))
			_, _ = w.Write(hit.body)
			return
		}
		c.Misses.Add(1)
		f, started := c.flightFor(key)
		state := "miss"
		if started {
			c.compute(key, f, h, r, body)
		} else {
			state = "shared"
			c.Shared.Add(1)
			if c.Joined != nil {
				c.Joined()
			}
		}
		select {
		case <-f.done:
		case <-r.Context().Done():
			// This client is gone or out of time; the computation goes on for the others.
			writeTimeout(w)
			return
		}
		a := f.answer
		if a.panicked != nil {
			panic(a.panicked)
		}
		for k, v := range a.header {
			w.Header()[k] = slices.Clone(v)
		}
		w.Header().Set("X-Response-Cache", state)
		w.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	})
}

// writeTimeout answers a request that ran out of time while it waited, as the GraphQL handler
// answers one that runs out of time while it works.
func writeTimeout(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": nil,
		"errors": []map[string]any{{"message": "the request was cancelled or ran out of time", "extensions": map[string]any{"code": apierr.Timeout}}}})
}
