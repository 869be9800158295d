package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"rootsgraph/store"
)

// TestMetrics shows /metrics in Prometheus' text format: requests by operation and status, errors
// by code, database commands by name with their durations, cache hits and misses, in-flight
// requests, and the operation label bounded against clients that invent names.
func TestMetrics(t *testing.T) {
	s := newTestServer(t, 1)
	m := newMetrics()
	st, err := store.Open(t.Context(), store.Config{URI: s.db.URI, Database: s.db.Name, Monitor: m.dbMonitor()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(t.Context())
	opts := testOptions()
	opts.metrics, opts.responseCacheTTL = m, time.Minute
	h := newServer(slog.New(slog.DiscardHandler), st, opts)
	post := func(body string) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	post(`{"query":"query Dashboard { alliances { totalCount } }"}`)
	post(`{"query":"query Dashboard { alliances { totalCount } }"}`) // a cache hit
	post(`{"query":"{ organizations(first: -1) { totalCount } }"}`)
	for i := range maxOperationNames + 5 {
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
	if n := strings.Count(text, `roots_http_requests_total{`); n > maxOperationNames+3 {
		t.Errorf("/metrics has %d request series; the operation label should stay bounded near %d", n, maxOperationNames)
	}
}
