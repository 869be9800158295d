package main

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// rateLimiter gives each client a token bucket: rps requests a second on average, burst at once.
// A client is its bearer key when it sends one (curators), else its IP address. Buckets of clients
// idle for a while are dropped, so memory stays bounded by the clients of the last minutes.
type rateLimiter struct {
	rps   rate.Limit
	burst int

	mu      sync.Mutex
	clients map[string]*client
	swept   time.Time
}

type client struct {
	limiter *rate.Limiter
	seen    time.Time
}

// idleAfter is how long a client's bucket is kept without requests; by then it is full again.
const idleAfter = 3 * time.Minute

func newRateLimiter(rps float64, burst int) *rateLimiter {
	return &rateLimiter{rps: rate.Limit(rps), burst: burst, clients: map[string]*client{}, swept: time.Now()}
}

// reserve takes a token for key; when none is left it says how long until one is.
func (l *rateLimiter) reserve(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > idleAfter {
		for k, c := range l.clients {
			if now.Sub(c.seen) > idleAfter {
				delete(l.clients, k)
			}
		}
		l.swept = now
	}
	c := l.clients[key]
	if c == nil {
		c = &client{limiter: rate.NewLimiter(l.rps, l.burst)}
		l.clients[key] = c
	}
	c.seen = now
	r := c.limiter.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// clientKey names the client of a request: its bearer key (hashed by the bucket map only in
// memory, never logged), else its IP address.
func clientKey(r *http.Request) string {
	if auth := r.Header.Get("Authorization"); len(auth) > 7 && auth[:7] == "Bearer " {
		return "key:" + auth[7:]
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "ip:" + host
}

// withRateLimit answers 429 with Retry-After to a client over its rate (health probes excepted).
func withRateLimit(l *rateLimiter, h http.Handler) http.Handler {
	if l == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			h.ServeHTTP(w, r) // load balancers' probes are never limited
			return
		}
		ok, wait := l.reserve(clientKey(r), time.Now())
		if !ok {
			secs := int(math.Ceil(wait.Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
			writeHTTPError(w, http.StatusTooManyRequests, "RATE_LIMITED",
				fmt.Sprintf("too many requests from this client; try again in %d s", max(secs, 1)))
			return
		}
		h.ServeHTTP(w, r)
	})
}
