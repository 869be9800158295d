package httpapi

import (
	"context"
	_ "embed"
	"log/slog"
	"net/http"
	"sync/atomic"

	"rootsgraph/caches/httpcache"
	"rootsgraph/caches/respcache"
	"rootsgraph/graph"
	"rootsgraph/loaders"
	"rootsgraph/store"
	"rootsgraph/telemetry"
	"rootsgraph/web/graphiql"
)

// welcomeQuery fills GraphiQL's editor on a first visit; TestWelcomeQuery runs it.
//
//go:embed welcome.graphql
var welcomeQuery string

// addRoutes is the one place every route is declared.
func addRoutes(mux *http.ServeMux, logger *slog.Logger, s *store.Store, opts Options, draining *atomic.Bool, cache *respcache.Cache) {
	// A change through this instance drops every cached answer, so a read after a write never
	// sees the old value here (other instances converge within the cache's TTL).
	resolver := &graph.Resolver{Store: s, RequestID: telemetry.RequestID, Written: cache.Invalidate}
	m := opts.Metrics
	observe := batchObserver(m, opts.Tracing)
	withLoaders := func(h http.Handler) http.Handler { return loaders.Middleware(s, opts.LoaderWait, observe, h) }
	// Reads that anyone may cache: GET queries, the map layers and the coverage map.
	cached := func(h http.Handler) http.Handler {
		return httpcache.Cacheable(opts.CacheMaxAge, withLoaders(h))
	}
	mux.Handle("/graphql", m.Instrument("graphql", withSpecStatus(withBodyLimit(opts.Limits.MaxBodyBytes, withGraphQLHTTP(httpcache.Cacheable(opts.CacheMaxAge,
		respcache.Middleware(cache, withCredentials(s, withLoaders(newGraphQLHandler(logger, resolver, opts))))))))))
	mux.Handle("GET /coverage.svg", m.Instrument("coverage.svg", cached(handleCoverageSVG(resolver, logger))))
	mux.Handle("GET /hubs.geojson", m.Instrument("hubs.geojson", cached(handleHubsGeoJSON(resolver, logger))))
	mux.Handle("GET /organizations.geojson", m.Instrument("organizations.geojson", cached(handleOrganizationsGeoJSON(resolver, logger))))
	// Exports stream, so they are not buffered for an ETag.
	exported := func(f exportFormat) http.Handler {
		return withLoaders(handleExport(resolver, logger, f))
	}
	mux.Handle("GET /export/network.graphml", exported(graphML))
	mux.Handle("GET /export/network.gexf", exported(gexf))
	mux.Handle("GET /export/network.json", exported(nodeLinkJSON))
	if opts.GraphiQL {
		ui := graphiql.New(graphiql.Options{Title: "Roots Graph", Endpoint: "/graphql", DefaultQuery: welcomeQuery})
		mux.Handle("GET /{$}", ui)
		mux.Handle("GET "+graphiql.Prefix, ui)
	}
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("GET /healthz", handleHealthz)
	mux.Handle("GET /readyz", handleReadyz(s, draining))
}

// batchObserver counts each loader batch in the metrics and, when tracing is on, puts it in a span
// of its own, so that the database command it sends is a child of it.
func batchObserver(m *telemetry.Metrics, tr *telemetry.Tracing) loaders.Observer {
	return func(ctx context.Context, b loaders.Batch) (context.Context, func(error)) {
		batch := telemetry.Batch{Loader: b.Loader, Collection: string(b.Collection), Keys: b.Keys}
		m.ObserveBatch(batch)
		return tr.StartBatch(ctx, batch)
	}
}
