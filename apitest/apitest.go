// Package apitest holds what the tests of the API share, in graph, httpapi and the program that
// serves it (server): the shape of a GraphQL answer, golden answers (rewritten with -update), a
// request sent with a curator's key, a log both sides can write, and the ids of bundled records
// the tests change.
package apitest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Response is a GraphQL response, with data kept raw for golden comparison.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// Codes lists the extensions.code of each of r's errors, in order.
func Codes(r Response) []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// Body is the JSON body of a GraphQL request.
func Body(query string, variables map[string]any) string {
	b, err := json.Marshal(map[string]any{"query": query, "variables": variables})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// Send posts a GraphQL request with a key to h and returns the decoded answer. It may be called
// from many goroutines at once: a broken answer is an error of the test, not the end of it.
func Send(t testing.TB, h http.Handler, key, query string, variables map[string]any) Response {
	t.Helper()
	_, raw := post(h, key, query, variables)
	var out Response
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Errorf("answer is not JSON (%v): %s", err, raw)
	}
	return out
}

// post sends a GraphQL request to h as a client library would, with the key as a bearer token
// unless it is empty, and returns the status and body of the answer.
func post(h http.Handler, key, query string, variables map[string]any) (int, []byte) {
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(Body(query, variables)))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// Truncate shortens b to n bytes for a failure message.
func Truncate(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	return append(b[:n:n], "…"...)
}

// LockedBuffer is a bytes.Buffer that a server's logger and the test can share.
type LockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *LockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// LogLine returns the first JSON log line whose msg is msg, or nil.
func (b *LockedBuffer) LogLine(msg string) map[string]any {
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == msg {
			return line
		}
	}
	return nil
}

// Sources is a curator's citation, as a mutation's sources argument.
func Sources() []map[string]any {
	return []map[string]any{{"title": "Curator's notes", "url": "https://example.org/notes"}}
}

// Records of the bundled data that the tests change.
const (
	OrgA       = "organization:center-for-story-based-strategy"
	OrgB       = "organization:the-ruckus-society"
	CJA        = "alliance:climate-justice-alliance"
	Embergrove = "organization:embergrove-nations-sovereignty-council-sample"
	Ironroot   = "organization:ironroot-youth-womens-leadership-circle-sample"
	AbqHub     = "hub:albuquerque-resistance-hub-sample"
)

var update = flag.Bool("update", false, "rewrite the golden files with the current answers")

// Updating says whether the run was asked (-update) to rewrite what its tests compare with.
func Updating() bool { return *update }

// CheckGolden compares got, canonicalised, with testdata/golden/name.json, or rewrites the file
// with -update.
func CheckGolden(t testing.TB, name string, got any) {
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
		t.Errorf("answer differs from %s (run with -update to accept it)\ngot:\n%s", path, Truncate(canonical, 4000))
	}
}
