package main

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"rootsgraph/caches/httpcache"
	"rootsgraph/caches/respcache"
	"rootsgraph/store"
)

// serverOptions are the settings newServer needs beyond its dependencies.
type serverOptions struct {
	corsOrigins []string // empty: any origin, without credentials
	loaderWait  time.Duration
	// introspection allows __schema and __type queries; _service works either way.
	introspection bool
	// limits bound each operation before it runs.
	limits limits
	// suggestions adds "did you mean" hints to validation errors.
	suggestions bool
	// graphiql serves the GraphiQL page at /.
	graphiql bool
	// rateLimit is each client's average requests per second (0: no limit) and rateBurst its burst.
	rateLimit float64
	rateBurst int
	// requestTimeout bounds each request's work, database commands included.
	requestTimeout time.Duration
	// metrics is where counts and timings go; newServer makes its own when nil.
	metrics *metrics
	// responseCacheTTL is how long anonymous query answers are kept in memory; 0 turns it off.
	responseCacheTTL time.Duration
	// cacheMaxAge is how long browsers and CDNs may reuse an anonymous GET answer; 0 disables it.
	cacheMaxAge time.Duration
	// tracing makes spans of requests, operations, loader batches and commands; nil turns it off.
	tracing *tracing
	// watch, when set, cancels requests in flight when the database goes away (see dbWatch);
	// whoever sets it runs it.
	watch *dbWatch
}

// server is the HTTP face of Roots Graph.
type server struct {
	handler  http.Handler
	cache    *respcache.Cache // nil when off
	limiter  *rateLimiter     // nil when there is no rate limit
	draining atomic.Bool      // set when shutdown begins: /readyz answers 503 from then on
}

// newServer builds the HTTP handler with every route and middleware. Everything it uses is passed
// in; it starts nothing.
func newServer(logger *slog.Logger, s *store.Store, opts serverOptions) *server {
	if opts.limits == (limits{}) {
		opts.limits = defaultLimits
	}
	if opts.metrics == nil {
		opts.metrics = newMetrics()
	}
	srv := &server{}
	mux := http.NewServeMux()
	srv.cache = respcache.New(responseCacheSize, opts.responseCacheTTL)
	if srv.cache != nil {
		srv.cache.NoteOperation = noteOperation
	}
	opts.metrics.registerCache(srv.cache)
	addRoutes(mux, logger, s, opts, &srv.draining, srv.cache)
	var h http.Handler = mux
	var limiter *rateLimiter
	if opts.rateLimit > 0 {
		limiter = newRateLimiter(opts.rateLimit, max(opts.rateBurst, 1))
	}
	srv.limiter = limiter
	h = withClients(limiter, newKeyRing(s), h)
	h = withDeadline(opts.requestTimeout, h)
	h = opts.watch.middleware(h)
	h = httpcache.Compress(h)
	h = withCORS(h, opts.corsOrigins)
	h = withRequestLog(logger, h)
	h = opts.tracing.middleware(h)
	h = withRequestID(h)
	srv.handler = h
	return srv
}

// responseCacheSize is how many answers the response cache keeps at most.
const responseCacheSize = 10000

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

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
