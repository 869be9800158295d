package main

import (
	_ "embed"
	"log/slog"
	"net/http"
	"sync/atomic"

	"rootsgraph/caches/httpcache"
	"rootsgraph/caches/respcache"
	"rootsgraph/graph"
	"rootsgraph/loaders"
	"rootsgraph/store"
	"rootsgraph/web/graphiql"
)

// welcomeQuery fills GraphiQL's editor on a first visit; TestWelcomeQuery runs it.
//
//go:embed welcome.graphql
var welcomeQuery string

// addRoutes is the one place every route is declared.
func addRoutes(mux *http.ServeMux, logger *slog.Logger, s *store.Store, opts serverOptions, draining *atomic.Bool, cache *respcache.Cache) {
	// A change through this instance drops every cached answer, so a read after a write never
	// sees the old value here (other instances converge within the cache's TTL).
	resolver := &graph.Resolver{Store: s, RequestID: requestID, Written: cache.Invalidate}
	m := opts.metrics
	observe := loaders.Observers(m.observeBatch, opts.tracing.observeBatch())
	withLoaders := func(h http.Handler) http.Handler { return loaders.Middleware(s, opts.loaderWait, observe, h) }
	// Reads that anyone may cache: GET queries, the map layers and the coverage map.
	cached := func(h http.Handler) http.Handler {
		return httpcache.Cacheable(opts.cacheMaxAge, withLoaders(h))
	}
	mux.Handle("/graphql", m.instrument("graphql", withSpecStatus(withBodyLimit(opts.limits.maxBodyBytes, withGraphQLHTTP(httpcache.Cacheable(opts.cacheMaxAge,
		respcache.Middleware(cache, withCredentials(s, withLoaders(newGraphQLHandler(logger, resolver, opts))))))))))
	mux.Handle("GET /coverage.svg", m.instrument("coverage.svg", cached(handleCoverageSVG(resolver, logger))))
	mux.Handle("GET /hubs.geojson", m.instrument("hubs.geojson", cached(handleHubsGeoJSON(resolver, logger))))
	mux.Handle("GET /organizations.geojson", m.instrument("organizations.geojson", cached(handleOrganizationsGeoJSON(resolver, logger))))
	// Exports stream, so they are not buffered for an ETag.
	exported := func(f exportFormat) http.Handler {
		return withLoaders(handleExport(resolver, logger, f))
	}
	mux.Handle("GET /export/network.graphml", exported(graphML))
	mux.Handle("GET /export/network.gexf", exported(gexf))
	mux.Handle("GET /export/network.json", exported(nodeLinkJSON))
	if opts.graphiql {
		ui := graphiql.New(graphiql.Options{Title: "Roots Graph", Endpoint: "/graphql", DefaultQuery: welcomeQuery})
		mux.Handle("GET /{$}", ui)
		mux.Handle("GET "+graphiql.Prefix, ui)
	}
	mux.Handle("GET /metrics", m.handler())
	mux.HandleFunc("GET /healthz", handleHealthz)
	mux.Handle("GET /readyz", handleReadyz(s, draining))
}
