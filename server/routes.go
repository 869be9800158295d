package main

import (
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql/playground"

	"rootsgraph/loaders"
	"rootsgraph/store"
)

// addRoutes is the one place every route is declared.
func addRoutes(mux *http.ServeMux, logger *slog.Logger, s *store.Store, opts serverOptions, draining *atomic.Bool) {
	mux.Handle("/graphql", withGraphQLHTTP(loaders.Middleware(s, opts.loaderWait, newGraphQLHandler(logger, s, opts))))
	mux.Handle("GET /{$}", playground.Handler("Roots Graph", "/graphql"))
	mux.HandleFunc("GET /healthz", handleHealthz)
	mux.Handle("GET /readyz", handleReadyz(s, draining))
}
