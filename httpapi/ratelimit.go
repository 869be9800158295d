package httpapi

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"golang.org/x/time/rate"

	"rootsgraph/apierr"
	"rootsgraph/store"
)

// rateLimiter gives each client a token bucket: rps requests a second on average, burst at once.
// A client is its verified API key (curators), else its IP address; a request's own claims never
// make it a new client (see withClients). At most maxClients buckets are kept, the least recently
// used dropped first, and a bucket idle for idleAfter (by then full again) goes too, so memory is
// bounded whatever clients send.
type rateLimiter struct {
	rps     rate.Limit
	burst   int
	mu      sync.Mutex
	clients *expirable.LRU[string, *rate.Limiter]
}

// idleAfter is how long a client's bucket is kept without requests; by then it is full again.
const idleAfter = 3 * time.Minute

// maxClients bounds the buckets kept (about 200 bytes each).
const maxClients = 50000

func newRateLimiter(rps float64, burst int) *rateLimiter {
	return &rateLimiter{rps: rate.Limit(rps), burst: burst,
		clients: expirable.NewLRU[string, *rate.Limiter](maxClients, nil, idleAfter)}
}

// reserve takes a token for client; when none is left it says how long until one is. A nil
// limiter limits nothing.
func (l *rateLimiter) reserve(client string, now time.Time) (ok bool, retryAfter time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, found := l.clients.Get(client)
	if !found {
		b = rate.NewLimiter(l.rps, l.burst)
		l.clients.Add(client, b)
	}
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// size returns how many buckets the limiter holds.
func (l *rateLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.clients.Len()
}

// addressOf names the client of a request by its IP address.
func addressOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "ip:" + host
}

// keyRing knows, from memory, which API keys are live: the hashes of the unrevoked keys, read
// from the database at most once per keyRingReload, and again (at most that often) when a key it
// does not know is presented, so that a key made a moment ago is recognised within a second
// while a flood of made-up keys costs at most one find a second. It only says whether a key gets
// a bucket of its own; what a key may do is checked against the database when it asks
// (withCredentials), so a revoked key is refused there at once.
type keyRing struct {
	s     *store.Store
	mu    sync.Mutex
	live  map[string]string // key hash → key id
	read  time.Time
	stale time.Duration
}

const (
	keyRingReload = time.Second
	keyRingMaxAge = 30 * time.Second
)

func newKeyRing(s *store.Store) *keyRing {
	return &keyRing{s: s, live: map[string]string{}, stale: keyRingMaxAge}
}

// lookup returns the id of the live key token is, reading the keys again when the ring is old,
// or when it does not know token and may read again; ok is false for a key it does not know.
func (k *keyRing) lookup(ctx context.Context, token string, mayRead bool) (id string, ok bool, err error) {
	h := store.HashKey(token)
	k.mu.Lock()
	defer k.mu.Unlock()
	id, ok = k.live[h]
	since := time.Since(k.read)
	if (ok && since < k.stale) || (!ok && (!mayRead || since < keyRingReload)) {
		return id, ok, nil
	}
	keys, err := k.s.Keys(ctx)
	if err != nil {
		return id, ok, err
	}
	k.live = make(map[string]string, len(keys))
	for _, key := range keys {
		if key.RevokedAt == nil {
			k.live[key.Hash] = key.ID
		}
	}
	k.read = time.Now()
	id, ok = k.live[h]
	return id, ok, nil
}

// bearer returns the token of an Authorization header, and false when the header is not a
// well-formed bearer credential.
func bearer(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	token = strings.TrimSpace(token)
	return token, ok && strings.EqualFold(scheme, "Bearer") && token != "" && len(token) <= maxKeyLength
}

// maxKeyLength is far beyond any key this server makes (about 90 characters).
const maxKeyLength = 512

// unlimited are the paths that load balancers and scrapers call: never limited, never asked for
// credentials.
var unlimited = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

// withClients decides who a request's client is before anything else is done for it. A request
// that carries credentials must carry a live API key: an unknown, revoked or malformed one is
// answered 401 UNAUTHENTICATED, after counting against its address's bucket (so made-up keys
// neither dodge the rate limit nor reach the database more than once a second in all). A verified
// key is its own client, with a bucket of its own; every other request is its address's. A client
// over its rate gets 429 with Retry-After, having cost no database command.
func withClients(l *rateLimiter, keys *keyRing, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if unlimited[r.URL.Path] {
			h.ServeHTTP(w, r)
			return
		}
		now := time.Now()
		client := addressOf(r)
		if header := r.Header.Get("Authorization"); header != "" {
			token, wellFormed := bearer(header)
			// verify says whether the header holds a live key, reading the keys again if
			// mayRead; false, with an answer written, when the database did not answer.
			verify := func(mayRead bool) (id string, known, answered bool) {
				if !wellFormed {
					return "", false, true
				}
				id, known, err := keys.lookup(r.Context(), token, mayRead)
				if err != nil {
					refuse(w, apierr.Unavailable, "the database did not answer: try again in a moment")
					return "", false, false
				}
				return id, known, true
			}
			id, known, ok := verify(false)
			if !ok {
				return
			}
			if !known {
				// Not a client of its own: its address pays, then it may be looked up.
				if ok, wait := l.reserve(client, now); !ok {
					tooMany(w, wait)
					return
				}
				if _, known, ok = verify(true); !ok {
					return
				}
				if !known {
					w.Header().Set("WWW-Authenticate", `Bearer realm="roots-graph"`)
					refuse(w, apierr.Unauthenticated,
						"the Authorization header does not hold a live API key (unknown, revoked or malformed): send \"Authorization: Bearer <key>\" with a key from `go run ./server keys create`, or no Authorization header for public reads")
					return
				}
				// Made a moment ago: it paid as its address this once.
				h.ServeHTTP(w, r)
				return
			}
			client = "key:" + id
		}
		if ok, wait := l.reserve(client, now); !ok {
			tooMany(w, wait)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func tooMany(w http.ResponseWriter, wait time.Duration) {
	secs := max(int(math.Ceil(wait.Seconds())), 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	refuse(w, apierr.RateLimited, fmt.Sprintf("too many requests from this client; try again in %d s", secs))
}

// refuse answers a request that was turned away before any work: never to be stored by a cache.
func refuse(w http.ResponseWriter, code, message string) {
	w.Header().Set("Cache-Control", "no-store")
	apierr.Write(w, code, message)
}
