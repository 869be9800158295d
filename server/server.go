package main

import (
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"rootsgraph/store"
)

// serverOptions are the settings newServer needs beyond its dependencies.
type serverOptions struct {
	corsOrigins []string // empty: any origin, without credentials
	loaderWait  time.Duration
	// introspection allows __schema and __type queries; _service works either way.
	introspection bool
	// cacheMaxAge is how long browsers and CDNs may reuse an anonymous GET answer; 0 disables it.
	cacheMaxAge time.Duration
}

// server is the HTTP face of Roots Graph.
type server struct {
	handler  http.Handler
	draining atomic.Bool // set when shutdown begins: /readyz answers 503 from then on
}

// newServer builds the HTTP handler with every route and middleware. Everything it uses is passed
// in; it starts nothing.
func newServer(logger *slog.Logger, s *store.Store, opts serverOptions) *server {
	srv := &server{}
	mux := http.NewServeMux()
	addRoutes(mux, logger, s, opts, &srv.draining)
	var h http.Handler = mux
	h = withCompression(h)
	h = withCORS(h, opts.corsOrigins)
	h = withRequestID(h)
	srv.handler = h
	return srv
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
