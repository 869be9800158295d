package httpapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"rootsgraph/store"
	"rootsgraph/store/storetest"
	"rootsgraph/telemetry"
)

// tracedServer is the real handler with tracing into memory, over a store whose commands are
// both traced and counted.
type tracedServer struct {
	handler  http.Handler
	spans    *tracetest.InMemoryExporter
	commands *storetest.Counter
	logs     *bytes.Buffer
}

func newTracedServer(t *testing.T) *tracedServer {
	t.Helper()
	db := storetest.Seeded(t, 1)
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	tr := telemetry.NewTracingWith(tp)
	commands := &storetest.Counter{}
	// Asking the database, so that each loader batch is one command (through snapshots it is the
	// two finds of a snapshot, or one by _id).
	st, err := store.Open(t.Context(), store.Config{URI: db.URI, Database: db.Name, NoSnapshots: true,
		Monitor: telemetry.CombineMonitors(commands.Monitor(), tr.CommandMonitor())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(t.Context()) })
	commands.Reset() // the ping of Open
	logs := &bytes.Buffer{}
	opts := testOptions()
	opts.Tracing = tr
	h := New(tr.Logger(slog.New(slog.NewJSONHandler(logs, nil))), st, opts)
	return &tracedServer{handler: h, spans: spans, commands: commands, logs: logs}
}

// TestTracing shows the trace of a nested query that arrives with a W3C traceparent: the HTTP
// request's span is a child of the caller's, the operation's span is named after the operation,
// each loader batch has a span beneath it, and every database command the request sent has a
// span of its own, under the batch that sent it or under the resolver that asked the store
// directly.
func TestTracing(t *testing.T) {
	s := newTracedServer(t)
	const (
		callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
		callerSpan  = "00f067aa0ba902b7"
	)
	query := `query Deep { alliances { edges { node { name
	  members(first: 100) { edges { node { name state { code hubs { edges { node { name } } } } } } }
	} } } }`
	body, _ := json.Marshal(map[string]string{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("traceparent", "00-"+callerTrace+"-"+callerSpan+"-01")
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
		t.Fatalf("query answered %d %s", rec.Code, rec.Body)
	}

	spans := s.spans.GetSpans()
	byID := map[trace.SpanID]tracetest.SpanStub{}
	for _, sp := range spans {
		byID[sp.SpanContext.SpanID()] = sp
		if got := sp.SpanContext.TraceID().String(); got != callerTrace {
			t.Errorf("span %q is in trace %s; want the caller's %s", sp.Name, got, callerTrace)
		}
	}
	one := func(name string) tracetest.SpanStub {
		t.Helper()
		var found []tracetest.SpanStub
		for _, sp := range spans {
			if sp.Name == name {
				found = append(found, sp)
			}
		}
		if len(found) != 1 {
			t.Fatalf("%d spans named %q; want 1 (spans: %s)", len(found), name, spanNames(spans))
		}
		return found[0]
	}
	parentName := func(sp tracetest.SpanStub) string { return byID[sp.Parent.SpanID()].Name }

	httpSpan := one("POST /graphql")
	if httpSpan.SpanKind != trace.SpanKindServer || httpSpan.Parent.SpanID().String() != callerSpan || !httpSpan.Parent.IsRemote() {
		t.Errorf("HTTP span: kind %v, parent %s (remote %v); want a server span under the caller's %s",
			httpSpan.SpanKind, httpSpan.Parent.SpanID(), httpSpan.Parent.IsRemote(), callerSpan)
	}
	op := one("query Deep")
	if op.Parent.SpanID() != httpSpan.SpanContext.SpanID() {
		t.Errorf("operation span's parent is %q; want the HTTP span", parentName(op))
	}
	root := one("Query.alliances")
	if root.Parent.SpanID() != op.SpanContext.SpanID() {
		t.Errorf("Query.alliances span's parent is %q; want the operation span", parentName(root))
	}

	var batches, commands []tracetest.SpanStub
	for _, sp := range spans {
		switch {
		case strings.HasPrefix(sp.Name, "loader "):
			batches = append(batches, sp)
		case sp.SpanKind == trace.SpanKindClient:
			commands = append(commands, sp)
		}
	}
	// The prefetcher reads the members, their states and the states' hubs: three levels, one
	// batch each, under the root resolver that runs it.
	if len(batches) != 3 {
		t.Errorf("%d loader batch spans; want 3 (spans: %s)", len(batches), spanNames(spans))
	}
	for _, b := range batches {
		if b.Parent.SpanID() != root.SpanContext.SpanID() {
			t.Errorf("batch span %q's parent is %q; want Query.alliances", b.Name, parentName(b))
		}
		if keys := attr(b.Attributes, "roots.loader.keys"); keys.AsInt64() < 1 {
			t.Errorf("batch span %q has %v keys; want at least 1", b.Name, keys.Emit())
		}
	}

	if len(commands) != s.commands.Total() {
		t.Errorf("%d database command spans; want one per command sent, %d: %v", len(commands), s.commands.Total(), s.commands.Commands())
	}
	underBatch := 0
	for _, c := range commands {
		if attr(c.Attributes, "db.system.name").AsString() != "mongodb" || attr(c.Attributes, "db.collection.name").AsString() == "" {
			t.Errorf("command span %q lacks db.system.name or db.collection.name: %v", c.Name, c.Attributes)
		}
		switch p := byID[c.Parent.SpanID()]; {
		case strings.HasPrefix(p.Name, "loader "):
			underBatch++
		case p.Name == "Query.alliances":
		default:
			t.Errorf("command span %q's parent is %q; want a loader batch or the resolver", c.Name, p.Name)
		}
	}
	if underBatch != len(batches) {
		t.Errorf("%d command spans under a batch; want one per batch (%d)", underBatch, len(batches))
	}

	// The request's log line names its trace.
	if !strings.Contains(s.logs.String(), `"trace_id":"`+callerTrace+`"`) {
		t.Errorf("the request log does not carry trace_id %s:\n%s", callerTrace, s.logs)
	}
}

// TestTracingLeavesProbesAlone shows that health probes and metric scrapes, which a load balancer
// and Prometheus send every few seconds, make no spans, nor do the commands they cause.
func TestTracingLeavesProbesAlone(t *testing.T) {
	s := newTracedServer(t)
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s answered %d", path, rec.Code)
		}
	}
	if spans := s.spans.GetSpans(); len(spans) > 0 {
		t.Errorf("probes made spans: %s", spanNames(spans))
	}
	if s.commands.Total() == 0 {
		t.Errorf("/readyz sent no command; the test shows nothing")
	}
}

func attr(attrs []attribute.KeyValue, key string) attribute.Value {
	for _, a := range attrs {
		if string(a.Key) == key {
			return a.Value
		}
	}
	return attribute.Value{}
}

func spanNames(spans tracetest.SpanStubs) string {
	names := make([]string, len(spans))
	for i, sp := range spans {
		names[i] = sp.Name
	}
	return strings.Join(names, ", ")
}
