package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// responseCache keeps recent answers to anonymous GraphQL queries in memory for a short time,
// keyed by the operation and its variables, so that the same question asked again within the TTL
// costs neither parsing nor a database command. Replicas each keep their own and converge within
// the TTL. Any write through this instance calls invalidate, which drops every entry: writes are
// rare (curators), and a read after a write on this instance never sees the old answer.
type responseCache struct {
	entries *expirable.LRU[string, cachedResponse]
	// generation changes on every invalidation; an answer computed across one is not stored.
	generation atomic.Uint64
	hits       atomic.Uint64
	misses     atomic.Uint64
}

type cachedResponse struct {
	contentType string
	body        []byte
}

// maxCachedBody is the largest answer kept; larger ones are rare and would crowd out the rest.
const maxCachedBody = 1 << 20

func newResponseCache(size int, ttl time.Duration) *responseCache {
	if ttl <= 0 || size <= 0 {
		return nil
	}
	return &responseCache{entries: expirable.NewLRU[string, cachedResponse](size, nil, ttl)}
}

// invalidate drops every cached answer.
func (c *responseCache) invalidate() {
	if c == nil {
		return
	}
	c.generation.Add(1)
	c.entries.Purge()
}

// cacheKey returns the key of a request's operation, or "" when it must not be cached: a request
// with credentials, a mutation, a body that is not a GraphQL request.
func cacheKey(r *http.Request, body []byte) (key, operation string) {
	if r.Header.Get("Authorization") != "" || r.Header.Get("Cookie") != "" {
		return "", ""
	}
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

// withResponseCache answers a cached operation from memory and stores successful answers.
func withResponseCache(c *responseCache, h http.Handler) http.Handler {
	if c == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		if r.Method == http.MethodPost && r.Body != nil {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				writeHTTPError(w, http.StatusBadRequest, "BAD_REQUEST", "the request body could not be read")
				return
			}
			body = b
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		key, operation := cacheKey(r, body)
		if key == "" {
			h.ServeHTTP(w, r)
			return
		}
		if hit, ok := c.entries.Get(key); ok {
			c.hits.Add(1)
			if s := statsFrom(r.Context()); s != nil {
				s.operation.Store(operation)
			}
			w.Header().Set("Content-Type", hit.contentType)
			w.Header().Set("X-Response-Cache", "hit")
			_, _ = w.Write(hit.body)
			return
		}
		c.misses.Add(1)
		generation := c.generation.Load()
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.Header().Set("X-Response-Cache", "miss")
		out := rec.body.Bytes()
		if rec.status == http.StatusOK && !isGraphQLErrorAnswer(out) && len(out) <= maxCachedBody &&
			c.generation.Load() == generation {
			c.entries.Add(key, cachedResponse{contentType: rec.header.Get("Content-Type"), body: bytes.Clone(out)})
		}
		w.WriteHeader(rec.status)
		_, _ = w.Write(out)
	})
}
