package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"rootsgraph/apitest"
	"rootsgraph/loaders"
	"rootsgraph/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// testServer is the real HTTP handler over a test's own seeded database.
type testServer struct {
	t       *testing.T
	db      *storetest.DB
	handler http.Handler
	logs    *bytes.Buffer
}

// newTestServer serves the bundled data set scaled n times (1: as shipped).
func newTestServer(t *testing.T, n int) *testServer {
	t.Helper()
	db := storetest.Seeded(t, n)
	logs := &bytes.Buffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	srv := New(logger, db.Store, testOptions())
	return &testServer{t: t, db: db, handler: srv, logs: logs}
}

// post sends a GraphQL request as a browser or client library would, and returns the HTTP
// response and its decoded body.
func (s *testServer) post(query string, variables map[string]any) (*http.Response, apitest.Response) {
	s.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return s.do(req)
}

func (s *testServer) do(req *http.Request) (*http.Response, apitest.Response) {
	s.t.Helper()
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	resp := rec.Result()
	var out apitest.Response
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		s.t.Fatalf("response is not JSON (%v): %s", err, raw)
	}
	return resp, out
}

// mustQuery runs a query that must succeed and returns its data.
func (s *testServer) mustQuery(query string, variables map[string]any) json.RawMessage {
	s.t.Helper()
	resp, out := s.post(query, variables)
	if resp.StatusCode != http.StatusOK || len(out.Errors) > 0 {
		s.t.Fatalf("query failed: status %d, errors %+v", resp.StatusCode, out.Errors)
	}
	return out.Data
}

// testOptions are the server options of the development profile with the default limits, as
// tests use them unless they say otherwise.
func testOptions() Options {
	return Options{LoaderWait: loaders.DefaultWait, Introspection: true, Suggestions: true, GraphiQL: true, Limits: DefaultLimits}
}
