package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"rootsgraph/graph"
	"rootsgraph/graph/exec"
	"rootsgraph/loaders"
	"rootsgraph/model"
	"rootsgraph/store/storetest"
	"rootsgraph/tools/load/queries"
)

// The executor benchmarks. BenchmarkServer runs the five queries of tools/load through the real
// HTTP handler (every middleware, limits, loaders, store) against the embedded database with the
// bundled data, response cache off: what a request costs end to end in one process.
//
// BenchmarkBareExecutor is the baseline the server's own overhead is judged against: gqlgen's
// handler.New with the POST transport and a query cache, over the real generated executor and
// schema, whose resolvers return the answers the real ones gave, held in memory. So it does
// exactly the executor's work for the same fields (parse cache, validation, field collection,
// marshalling the same model types) and nothing else: no middleware, limits, loaders, store or
// database. The difference between the two, outside the database, is what this server adds.
//
//	go test ./httpapi -run '^$' -bench . -benchmem
//	go test ./httpapi -run '^$' -bench 'Server/list' -benchmem -cpuprofile cpu.out   # then BENCHMARKS.md

func BenchmarkServer(b *testing.B) {
	db := storetest.Seeded(b, 1)
	srv := New(slog.New(slog.NewJSONHandler(io.Discard, nil)), db.Store, testOptions())
	for _, q := range queries.All {
		b.Run(q.Name, func(b *testing.B) {
			db.Commands.Reset()
			benchmarkHandler(b, srv, q.Text)
			// The warming request counts too: the query cache saves parsing, never a command.
			b.ReportMetric(float64(db.Commands.Total())/float64(b.N+1), "dbcmds/op")
		})
	}
}

func BenchmarkBareExecutor(b *testing.B) {
	db := storetest.Seeded(b, 1)
	for _, q := range queries.All {
		b.Run(q.Name, func(b *testing.B) {
			root := &replayRoot{ResolverRoot: &graph.Resolver{Store: db.Store}, answers: &answers{m: map[string]any{}}}
			h := handler.New(exec.NewExecutableSchema(exec.Config{Resolvers: root}))
			h.AddTransport(transport.POST{})
			h.SetQueryCache(lru.New[*ast.QueryDocument](queryCacheSize))
			// The first request asks the real resolvers (so it needs loaders); the rest replay.
			record := httptest.NewRecorder()
			loaders.Middleware(db.Store, loaders.DefaultWait, nil, h).ServeHTTP(record, graphQLPost(q.Text))
			if record.Code != http.StatusOK || bytes.HasPrefix(record.Body.Bytes(), []byte(`{"errors"`)) {
				b.Fatalf("recording %s: %d %s", q.Name, record.Code, record.Body)
			}
			db.Commands.Reset()
			benchmarkHandler(b, h, q.Text)
			if n := db.Commands.Total(); n != 0 {
				b.Fatalf("the bare executor sent %d database commands; want none", n)
			}
		})
	}
}

// benchmarkHandler sends query to h b.N times, after one request that warms the query cache.
func benchmarkHandler(b *testing.B, h http.Handler, query string) {
	b.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, graphQLPost(query))
	if rec.Code != http.StatusOK || bytes.HasPrefix(rec.Body.Bytes(), []byte(`{"errors"`)) {
		b.Fatalf("%d %s", rec.Code, rec.Body)
	}
	b.SetBytes(int64(rec.Body.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, graphQLPost(query))
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

func graphQLPost(query string) *http.Request {
	body, _ := json.Marshal(map[string]string{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// replayRoot answers the resolvers the benchmark queries use from memory: the first call of each
// (by field, and object id for object fields) goes to the real resolver, later calls get its
// answer again. Totals are counted at the first call, so replaying sends no command.
type replayRoot struct {
	exec.ResolverRoot
	answers *answers
}

type answers struct {
	mu sync.Mutex
	m  map[string]any
}

func replay[T any](a *answers, key string, real func() (T, error)) (T, error) {
	a.mu.Lock()
	v, ok := a.m[key]
	a.mu.Unlock()
	if ok {
		return v.(T), nil
	}
	out, err := real()
	if err != nil {
		return out, err
	}
	a.mu.Lock()
	a.m[key] = out
	a.mu.Unlock()
	return out, nil
}

func (r *replayRoot) Query() exec.QueryResolver {
	return replayQuery{r.ResolverRoot.Query(), r.answers}
}

func (r *replayRoot) Organization() exec.OrganizationResolver {
	return replayOrganization{r.ResolverRoot.Organization(), r.answers}
}

type replayQuery struct {
	exec.QueryResolver
	answers *answers
}

func (q replayQuery) Node(ctx context.Context, id string) (model.Node, error) {
	return replay(q.answers, "node "+id, func() (model.Node, error) { return q.QueryResolver.Node(ctx, id) })
}

func (q replayQuery) Coverage(ctx context.Context, d model.CoverageDimension, f *model.CoverageFilter) ([]*model.CoverageBucket, error) {
	return replay(q.answers, "coverage", func() ([]*model.CoverageBucket, error) { return q.QueryResolver.Coverage(ctx, d, f) })
}

func (q replayQuery) Hubs(ctx context.Context, f *model.HubFilter, o *model.HubOrder, first *int, after *string, last *int, before *string) (*model.HubConnection, error) {
	return replay(q.answers, "hubs", func() (*model.HubConnection, error) {
		c, err := q.QueryResolver.Hubs(ctx, f, o, first, after, last, before)
		if err == nil {
			c.Total, err = known(ctx, c.Total)
		}
		return c, err
	})
}

func (q replayQuery) Organizations(ctx context.Context, f *model.OrganizationFilter, o *model.OrganizationOrder, first *int, after *string, last *int, before *string) (*model.OrganizationConnection, error) {
	return replay(q.answers, "organizations", func() (*model.OrganizationConnection, error) {
		c, err := q.QueryResolver.Organizations(ctx, f, o, first, after, last, before)
		if err == nil {
			c.Total, err = known(ctx, c.Total)
		}
		return c, err
	})
}

func (q replayQuery) Network(ctx context.Context, from []string, depth *int, via []model.EdgeKind, include []model.NetworkNodeKind, limit *int) (*model.Network, error) {
	return replay(q.answers, "network", func() (*model.Network, error) {
		return q.QueryResolver.Network(ctx, from, depth, via, include, limit)
	})
}

func known(ctx context.Context, t model.Total) (model.Total, error) {
	n, err := t.Get(ctx)
	return model.KnownTotal(n), err
}

type replayOrganization struct {
	exec.OrganizationResolver
	answers *answers
}

func (o replayOrganization) State(ctx context.Context, obj *model.Organization) (*model.State, error) {
	return replay(o.answers, "state "+obj.ID, func() (*model.State, error) { return o.OrganizationResolver.State(ctx, obj) })
}

func (o replayOrganization) Alliances(ctx context.Context, obj *model.Organization) ([]*model.Alliance, error) {
	return replay(o.answers, "alliances "+obj.ID, func() ([]*model.Alliance, error) { return o.OrganizationResolver.Alliances(ctx, obj) })
}

// BenchmarkServerCached is BenchmarkServer with the response cache on, as the server runs by
// default: after the first request every answer is a cache hit, so this is the cost of the
// HTTP layer around the cache (tools/load -floor compares the same path with a static handler).
func BenchmarkServerCached(b *testing.B) {
	db := storetest.Seeded(b, 1)
	opts := testOptions()
	opts.ResponseCacheTTL = time.Minute
	srv := New(slog.New(slog.NewJSONHandler(io.Discard, nil)), db.Store, opts)
	for _, q := range queries.All {
		b.Run(q.Name, func(b *testing.B) {
			db.Commands.Reset()
			benchmarkHandler(b, srv, q.Text)
			b.ReportMetric(float64(db.Commands.Total())/float64(b.N+1), "dbcmds/op")
		})
	}
}
