package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/event"
)

// TestRequestIDs: a sane X-Request-ID is kept, echoed and carried in the context; a missing or
// hostile one is replaced by an id of our own.
func TestRequestIDs(t *testing.T) {
	var seen string
	h := WithRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = RequestID(r.Context()) }))
	for _, c := range []struct{ sent, want string }{
		{"dashboard-42.a_b", "dashboard-42.a_b"},
		{"", ""},
		{"bad id\nwith a newline", ""},
		{strings.Repeat("x", 65), ""},
	} {
		req := httptest.NewRequest(http.MethodGet, "/graphql", nil)
		req.Header.Set("X-Request-ID", c.sent)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		echoed := rec.Header().Get("X-Request-ID")
		if echoed != seen {
			t.Errorf("sent %q: echoed %q but the handler saw %q", c.sent, echoed, seen)
		}
		if c.want != "" && seen != c.want {
			t.Errorf("sent %q: id %q; want it kept", c.sent, seen)
		}
		if c.want == "" && (len(seen) != 16 || seen == c.sent) {
			t.Errorf("sent %q: id %q; want 16 characters of our own", c.sent, seen)
		}
	}
	if id := RequestID(context.Background()); id != "" {
		t.Errorf("RequestID outside a request = %q; want empty", id)
	}
}

// TestRequestLogLine: one line per request with its id, operation, status, bytes and the database
// commands sent with its context (counted by the metrics' command monitor); probes at debug only.
func TestRequestLogLine(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	monitor := NewMetrics().CommandMonitor()
	h := WithRequestID(RequestLog(logger, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		NoteOperation(r.Context(), "Dashboard")
		for range 3 {
			monitor.Started(r.Context(), &event.CommandStartedEvent{CommandName: "find"})
		}
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, "short and stout")
	})))
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	req.Header.Set("X-Request-ID", "log-test-1")
	h.ServeHTTP(httptest.NewRecorder(), req)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d log lines; want one (the probe at debug level):\n%s", len(lines), logs.String())
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &line); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"msg": "request", "request_id": "log-test-1", "method": "POST", "path": "/graphql",
		"operation": "Dashboard", "status": float64(418), "bytes": float64(15), "db_commands": float64(3)}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("log %s = %v; want %v", k, line[k], v)
		}
	}
}

// TestOperationLabelsAreBounded: client-chosen operation names become metric labels only while
// they look like names and fewer than MaxOperationNames have been seen.
func TestOperationLabelsAreBounded(t *testing.T) {
	o := &operationNames{seen: map[string]bool{}}
	for _, c := range []struct{ name, want string }{{"", ""}, {"(anonymous)", "anonymous"}, {"Dashboard", "Dashboard"}, {"drop table", "other"}, {strings.Repeat("a", 65), "other"}} {
		if got := o.label(c.name); got != c.want {
			t.Errorf("label(%q) = %q; want %q", c.name, got, c.want)
		}
	}
	for i := range MaxOperationNames + 10 {
		o.label("Op" + strconv.Itoa(i))
	}
	if got := o.label("Dashboard"); got != "Dashboard" {
		t.Errorf("a name seen before the bound was reached became %q", got)
	}
	if got := o.label("Newcomer"); got != "other" {
		t.Errorf("a new name after %d others is %q; want other", MaxOperationNames, got)
	}
}

// TestInstrumentedRoutes: /metrics shows each route's requests by status, with the operation that
// the request noted.
func TestInstrumentedRoutes(t *testing.T) {
	m := NewMetrics()
	h := RequestLog(slog.New(slog.DiscardHandler), m.Instrument("graphql", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		NoteOperation(r.Context(), "Coverage")
		http.NotFound(w, r)
	})))
	for range 2 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/graphql", nil))
	}
	m.ObserveBatch(Batch{Loader: "level", Collection: "organizations", Keys: 7})
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, want := range []string{
		`roots_http_requests_total{operation="Coverage",route="graphql",status="404"} 2`,
		`roots_loader_batch_size_sum{collection="organizations",loader="level"} 7`,
		`roots_http_requests_in_flight 0`,
	} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestLevelFloor: a handler behind LevelFloor drops what is below the floor even when the handler
// itself would take it.
func TestLevelFloor(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(LevelFloor{Handler: slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}), Floor: slog.LevelError}).With("component", "ferretdb")
	logger.Warn("a failed command")
	logger.Error("the database is gone")
	if out := buf.String(); strings.Contains(out, "failed command") || !strings.Contains(out, "the database is gone") || !strings.Contains(out, "component=ferretdb") {
		t.Errorf("log %q; want only the error, with its attributes", out)
	}
}
