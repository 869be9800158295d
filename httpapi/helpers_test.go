package httpapi

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"rootsgraph/httpapi/apitest"
	"rootsgraph/loaders"
	"rootsgraph/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var update = flag.Bool("update", false, "rewrite the golden files with the current answers")

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

// checkGolden compares got, canonicalised, with testdata/golden/name.json, or rewrites the file
// with -update.
func checkGolden(t *testing.T, name string, got any) {
	t.Helper()
	var raw []byte
	switch g := got.(type) {
	case json.RawMessage:
		raw = g
	default:
		raw, _ = json.Marshal(g)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("answer is not JSON: %v", err)
	}
	canonical, _ := json.MarshalIndent(v, "", "  ")
	canonical = append(canonical, '\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, canonical, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(canonical, want) {
		t.Errorf("answer differs from %s (run with -update to accept it)\ngot:\n%s", path, apitest.Truncate(canonical, 4000))
	}
}

// testOptions are the server options of the development profile with the default limits, as
// tests use them unless they say otherwise.
func testOptions() Options {
	return Options{LoaderWait: loaders.DefaultWait, Introspection: true, Suggestions: true, GraphiQL: true, Limits: DefaultLimits}
}
