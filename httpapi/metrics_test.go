package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"rootsgraph/store"
	"rootsgraph/store/storetest"
	"rootsgraph/telemetry"
)

// TestMetrics shows /metrics in Prometheus' text format: requests by operation and status, errors
// by code, database commands by name with their durations, cache hits and misses, in-flight
// requests, and the operation label bounded against clients that invent names.
func TestMetrics(t *testing.T) {
	s := newTestServer(t, 1)
	m := telemetry.NewMetrics()
	// Asking the database (as on MongoDB), so that a count is an aggregate command to time.
	st, err := store.Open(t.Context(), store.Config{URI: s.db.URI, Database: s.db.Name, Monitor: m.CommandMonitor(), NoSnapshots: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(t.Context())
	opts := testOptions()
	opts.Metrics, opts.ResponseCacheTTL = m, time.Minute
	h := New(slog.New(slog.DiscardHandler), st, opts)
	post := func(body string) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	post(`{"query":"query Dashboard { alliances { totalCount } }"}`)
	post(`{"query":"query Dashboard { alliances { totalCount } }"}`) // a cache hit
	post(`{"query":"{ organizations(first: -1) { totalCount } }"}`)
	for i := range telemetry.MaxOperationNames + 5 {
		post(`{"query":"query Op` + strconv.Itoa(i) + ` { __typename }"}`)
	}

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	text := string(body)
	for _, want := range []string{
		`roots_http_requests_total{operation="Dashboard",route="graphql",status="200"} 2`,
		`roots_http_requests_total{operation="anonymous",route="graphql",status="200"} 1`,
		`roots_graphql_errors_total{code="BAD_USER_INPUT"} 1`,
		`roots_db_commands_total{command="find",outcome="ok"}`,
		`roots_db_command_duration_seconds_count{command="aggregate"}`,
		`roots_response_cache_hits_total 1`,
		`roots_http_requests_in_flight 0`,
		`roots_http_request_duration_seconds_count{route="graphql"}`,
		`roots_http_requests_total{operation="other",route="graphql",status="200"}`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if n := strings.Count(text, `roots_http_requests_total{`); n > telemetry.MaxOperationNames+3 {
		t.Errorf("/metrics has %d request series; the operation label should stay bounded near %d", n, telemetry.MaxOperationNames)
	}
}

// TestLoaderAndPoolMetrics shows loader batch sizes by loader and collection, and the driver's
// connection pool, in /metrics: a nested query's levels are batches of the prefetcher ("level"),
// a lookup the prefetcher does not make goes through a by-id loader, and once the requests are
// answered every connection is back in the pool.
func TestLoaderAndPoolMetrics(t *testing.T) {
	db := storetest.Seeded(t, 1)
	m := telemetry.NewMetrics()
	st, err := store.Open(t.Context(), store.Config{URI: db.URI, Database: db.Name, PoolMonitor: m.PoolMonitor()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(t.Context())
	opts := testOptions()
	opts.Metrics = m
	h := New(slog.New(slog.DiscardHandler), st, opts)
	for _, q := range []string{
		`{ alliances { edges { node { members(first: 100) { edges { node { state { code } } } } } } } }`,
		`{ organization(id: "organization:it-takes-roots") { name } }`,
	} {
		body, _ := json.Marshal(map[string]string{"query": q})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
			t.Fatalf("%s answered %d %s", q, rec.Code, rec.Body)
		}
	}

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	text := rec.Body.String()
	for _, want := range []string{
		// Level 1: the four alliances' members, one batch of four keys (by allianceIds).
		`roots_loader_batch_size_sum{collection="organizations",loader="level"} 4`,
		`roots_loader_batch_size_count{collection="organizations",loader="level"} 1`,
		// Level 2: the members' states, one batch.
		`roots_loader_batch_size_count{collection="states",loader="level"} 1`,
		`roots_loader_batch_size_bucket{collection="organizations",loader="by_id",le="1"} 1`,
		`roots_db_pool_wait_seconds_count`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	open, inUse := metricValues(text, "roots_db_pool_connections{"), metricValues(text, "roots_db_pool_connections_in_use{")
	if len(open) != 1 || open[0] < 1 {
		t.Errorf("roots_db_pool_connections = %v; want one server with at least one connection", open)
	}
	if len(inUse) != 1 || inUse[0] != 0 {
		t.Errorf("roots_db_pool_connections_in_use = %v; want one server with none in use after the requests", inUse)
	}
}

// metricValues returns the values of the series whose lines start with prefix.
func metricValues(text, prefix string) []float64 {
	var out []float64
	for line := range strings.Lines(text) {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		f := strings.Fields(line)
		if v, err := strconv.ParseFloat(f[len(f)-1], 64); err == nil {
			out = append(out, v)
		}
	}
	return out
}
