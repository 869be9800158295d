package httpapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"rootsgraph/store"
	"rootsgraph/store/storetest"
	"rootsgraph/telemetry"
)

// TestRequestLog shows the one line each request writes: id, operation name, status, duration and
// the number of database commands it caused, and never the query's variables.
func TestRequestLog(t *testing.T) {
	db := storetest.Seeded(t, 1)
	// A store of its own whose monitor counts commands per request, as run opens it.
	ctx := t.Context()
	s, err := store.Open(ctx, store.Config{URI: db.URI, Database: db.Name, Monitor: telemetry.NewMetrics().CommandMonitor(), NoSnapshots: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	var logs bytes.Buffer
	h := New(slog.New(slog.NewJSONHandler(&logs, nil)), s, testOptions())

	body := `{"query":"query Coverage($s: String) { hub(slug: \"gallup-resistance-hub-sample\") { name } organizations(filter: {search: $s}) { totalCount } }","variables":{"s":"secret-variable"}}`
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-ID", "test-request-1")
	h.ServeHTTP(httptest.NewRecorder(), req)

	var line map[string]any
	sc := bufio.NewScanner(&logs)
	for sc.Scan() {
		var l map[string]any
		if json.Unmarshal(sc.Bytes(), &l) == nil && l["msg"] == "request" {
			line = l
		}
	}
	if line == nil {
		t.Fatalf("no request line in the log:\n%s", logs.String())
	}
	want := map[string]any{"request_id": "test-request-1", "method": "POST", "path": "/graphql", "operation": "Coverage", "status": float64(200)}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("log %s = %v; want %v", k, line[k], v)
		}
	}
	// Asking the database: hub by slug (1 find), organizations page (1 find) and its count (1
	// aggregate).
	if line["db_commands"] != float64(3) {
		t.Errorf("log db_commands = %v; want 3\n%s", line["db_commands"], logs.String())
	}
	if _, ok := line["duration_ms"].(float64); !ok {
		t.Errorf("log has no duration_ms: %v", line)
	}
	if strings.Contains(logs.String(), "secret-variable") {
		t.Error("the log holds a query variable")
	}
}
