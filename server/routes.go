package main

import (
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql/playground"

	"rootsgraph/graph"
	"rootsgraph/loaders"
	"rootsgraph/store"
)

// addRoutes is the one place every route is declared.
func addRoutes(mux *http.ServeMux, logger *slog.Logger, s *store.Store, opts serverOptions, draining *atomic.Bool) {
	resolver := &graph.Resolver{Store: s}
	mux.Handle("/graphql", withGraphQLHTTP(loaders.Middleware(s, opts.loaderWait, newGraphQLHandler(logger, resolver, opts))))
	mux.Handle("GET /coverage.svg", loaders.Middleware(s, opts.loaderWait, handleCoverageSVG(resolver)))
	mux.Handle("GET /{$}", playground.Handler("Roots Graph", "/graphql"))
	mux.HandleFunc("GET /healthz", handleHealthz)
	mux.Handle("GET /readyz", handleReadyz(s, draining))
}
