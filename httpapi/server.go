// Package httpapi is Roots Graph's HTTP face: the GraphQL endpoint, the map layers, the coverage
// map, the network exports, GraphiQL, metrics and health, with the middleware every request goes
// through. New builds it from its dependencies and starts nothing; routes.go declares every route.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"rootsgraph/caches/httpcache"
	"rootsgraph/caches/respcache"
	"rootsgraph/store"
	"rootsgraph/telemetry"
)

// Options are the settings New needs beyond its dependencies.
type Options struct {
	CORSOrigins []string // empty: any origin, without credentials
	LoaderWait  time.Duration
	// Introspection allows __schema and __type queries; _service works either way.
	Introspection bool
	// Limits bound each operation before it runs; the zero value means DefaultLimits.
	Limits Limits
	// Suggestions adds "did you mean" hints to validation errors.
	Suggestions bool
	// GraphiQL serves the GraphiQL page at /.
	GraphiQL bool
	// RateLimit is each client's average requests per second (0: no limit) and RateBurst its burst.
	RateLimit float64
	RateBurst int
	// RequestTimeout bounds each request's work, database commands included.
	RequestTimeout time.Duration
	// Metrics is where counts and timings go; New makes its own when nil.
	Metrics *telemetry.Metrics
	// ResponseCacheTTL is how long anonymous query answers are kept in memory; 0 turns it off.
	ResponseCacheTTL time.Duration
	// CacheMaxAge is how long browsers and CDNs may reuse an anonymous GET answer; 0 disables it.
	CacheMaxAge time.Duration
	// Tracing makes spans of requests, operations, loader batches and commands; nil turns it off.
	Tracing *telemetry.Tracing
	// Watch, when set, cancels requests in flight when the database goes away (see Watch);
	// whoever sets it runs it.
	Watch *Watch
}

// Server is the HTTP handler of Roots Graph.
type Server struct {
	handler  http.Handler
	cache    *respcache.Cache // nil when off
	limiter  *rateLimiter     // nil when there is no rate limit
	draining atomic.Bool      // set when shutdown begins: /readyz answers 503 from then on
}

// New builds the HTTP handler with every route and middleware. Everything it uses is passed in;
// it starts nothing.
func New(logger *slog.Logger, s *store.Store, opts Options) *Server {
	if opts.Limits == (Limits{}) {
		opts.Limits = DefaultLimits
	}
	if opts.Metrics == nil {
		opts.Metrics = telemetry.NewMetrics()
	}
	srv := &Server{}
	mux := http.NewServeMux()
	srv.cache = respcache.New(responseCacheSize, opts.ResponseCacheTTL)
	if c := srv.cache; c != nil {
		c.NoteOperation = telemetry.NoteOperation
		opts.Metrics.RegisterCache(telemetry.CacheCounts{Hits: &c.Hits, Misses: &c.Misses, Shared: &c.Shared, Refreshes: &c.Refreshes})
	}
	addRoutes(mux, logger, s, opts, &srv.draining, srv.cache)
	var h http.Handler = mux
	var limiter *rateLimiter
	if opts.RateLimit > 0 {
		limiter = newRateLimiter(opts.RateLimit, max(opts.RateBurst, 1))
	}
	srv.limiter = limiter
	h = withClients(limiter, newKeyRing(s), h)
	h = withDeadline(opts.RequestTimeout, h)
	h = opts.Watch.middleware(h)
	h = httpcache.Compress(h)
	h = withCORS(h, opts.CORSOrigins)
	h = telemetry.RequestLog(logger, h)
	h = opts.Tracing.Middleware(h)
	h = telemetry.WithRequestID(h)
	srv.handler = h
	return srv
}

// responseCacheSize is how many answers the response cache keeps at most.
const responseCacheSize = 10000

// ServeHTTP answers a request through every middleware and route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Drain says the server is shutting down: /readyz answers 503 from now on, so that load
// balancers stop sending requests while those in flight finish.
func (s *Server) Drain() { s.draining.Store(true) }

// withDeadline gives each request a deadline that reaches the database through its context; a
// client that goes away cancels it too (net/http cancels the request context).
func withDeadline(d time.Duration, h http.Handler) http.Handler {
	if d <= 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}
