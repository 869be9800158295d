package telemetry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.30.0"
	"go.opentelemetry.io/otel/trace"
)

// Tracing is off unless an OTLP endpoint is configured. When it is off, *Tracing is nil and every
// hook below is left out of the server altogether: no middleware, no GraphQL extension, no
// command monitor, no loader observer, so tracing costs nothing.
//
// When it is on, a request makes one trace:
//
//	GET /graphql                          the HTTP request (server span; W3C traceparent honoured)
//	└─ query Dashboard                    the GraphQL operation
//	   └─ Query.alliances                 a resolver (only resolver methods, at most maxFieldSpans)
//	      └─ loader level organizations   one loader batch (or prefetch level), with its key count
//	         └─ find organizations        one database command
//
// Spans carry names, counts and outcomes, never query text, variables, filters or documents, as
// the logs do not either.

// maxFieldSpans bounds the resolver spans of one operation: a deep query resolves thousands of
// fields, nearly all from the loaders' cache, and a span each would drown the few that matter.
// Root fields resolve first, so they always get theirs.
const maxFieldSpans = 100

// Tracing makes the spans of the server. A nil *Tracing is tracing turned off.
type Tracing struct {
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
	shutdown   func(context.Context) error
}

// tracerName names the instrumentation in every span.
const tracerName = "rootsgraph/server"

// NewTracing exports spans over OTLP/HTTP (protobuf) to tracesURL, keeping the share ratio of
// traces that start here (a caller's sampling decision in traceparent is followed). It returns
// nil when tracesURL is empty: tracing is off. The exporter connects lazily, so an unreachable
// collector does not stop start-up; spans are batched and dropped if it stays away.
func NewTracing(tracesURL string, ratio float64) (*Tracing, error) {
	if tracesURL == "" {
		return nil, nil
	}
	exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(tracesURL))
	if err != nil {
		return nil, fmt.Errorf("tracing: %w", err)
	}
	attrs := []attribute.KeyValue{semconv.ServiceName("roots-graph")}
	if host, err := os.Hostname(); err == nil {
		attrs = append(attrs, semconv.ServiceInstanceID(host))
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithResource(resource.NewWithAttributes(semconv.SchemaURL, attrs...)),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ratio))),
	)
	t := NewTracingWith(tp)
	t.shutdown = tp.Shutdown
	return t, nil
}

// NewTracingWith makes spans with tp; tests give it an in-memory exporter.
func NewTracingWith(tp trace.TracerProvider) *Tracing {
	return &Tracing{
		tracer:     tp.Tracer(tracerName),
		propagator: propagation.TraceContext{},
		shutdown:   func(context.Context) error { return nil },
	}
}

// Close flushes the last spans at shutdown and stops the exporter, waiting a few seconds at most
// for a collector that does not answer.
func (t *Tracing) Close() {
	if t == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = t.shutdown(ctx)
}

// OTLPTracesURL works out where spans go: --otlp-endpoint (ROOTS_OTLP_ENDPOINT) or, when that is
// not set, OpenTelemetry's own variables, so that a platform that sets them for every service
// turns tracing on here too. An endpoint is the collector's base URL (http://collector:4318), to
// which /v1/traces is added as OTLP/HTTP prescribes, unless it already has a path;
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is the full URL, used as it is. Empty means tracing is off.
func OTLPTracesURL(setting string, getenv func(string) string) (string, error) {
	base, full := setting, ""
	if base == "" {
		full = getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
		base = getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
	}
	raw := full
	if raw == "" {
		raw = base
	}
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an http(s) URL such as http://otel-collector:4318", raw)
	}
	if full == "" && (u.Path == "" || u.Path == "/") {
		u.Path = "/v1/traces"
	}
	return u.String(), nil
}

// Middleware starts the request's server span, as a child of the caller's when the request
// carries a W3C traceparent. Health probes and metric scrapes are not traced: a load balancer
// asks every few seconds and would fill the traces with nothing.
func (t *Tracing) Middleware(h http.Handler) http.Handler {
	if t == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz", "/readyz", "/metrics":
			h.ServeHTTP(w, r)
			return
		}
		ctx := t.propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, span := t.tracer.Start(ctx, r.Method, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(
				attribute.String(string(semconv.HTTPRequestMethodKey), r.Method),
				semconv.URLPath(r.URL.Path),
				attribute.String("roots.request_id", RequestID(r.Context())),
			))
		defer span.End()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r.WithContext(ctx))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		span.SetAttributes(semconv.HTTPResponseStatusCode(sw.status))
		// Every route is a fixed path, so the path names the span, except when no route
		// matched: then a client could mint a span name per request.
		if sw.status != http.StatusNotFound && sw.status != http.StatusMethodNotAllowed {
			span.SetName(r.Method + " " + r.URL.Path)
			span.SetAttributes(semconv.HTTPRoute(r.URL.Path))
		}
		if sw.status >= 500 {
			span.SetStatus(codes.Error, http.StatusText(sw.status))
		}
	})
}

// GraphQLExtension traces the GraphQL operation and its resolvers; an operation whose errors
// include a code that fault says is the server's own has an error status.
func (t *Tracing) GraphQLExtension(fault func(code string) bool) graphql.HandlerExtension {
	return graphqlTracing{t, fault}
}

type graphqlTracing struct {
	t     *Tracing
	fault func(code string) bool
}

var (
	_ graphql.HandlerExtension    = graphqlTracing{}
	_ graphql.ResponseInterceptor = graphqlTracing{}
	_ graphql.FieldInterceptor    = graphqlTracing{}
)

func (graphqlTracing) ExtensionName() string                   { return "OpenTelemetryTracing" }
func (graphqlTracing) Validate(graphql.ExecutableSchema) error { return nil }

// fieldSpans counts the resolver spans of one operation against maxFieldSpans.
type fieldSpansKey struct{}

// InterceptResponse wraps the execution of the operation in a span named as OpenTelemetry's
// GraphQL conventions say: its type and its name ("query Dashboard"), the type alone when the
// name is missing or not a plain name.
func (g graphqlTracing) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	kind, name := "operation", oc.OperationName
	if oc.Operation != nil {
		kind = string(oc.Operation.Operation)
		if name == "" {
			name = oc.Operation.Name
		}
	}
	spanName := kind
	attrs := []attribute.KeyValue{semconv.GraphqlOperationTypeKey.String(kind)}
	if operationNamePattern.MatchString(name) {
		spanName += " " + name
		attrs = append(attrs, semconv.GraphqlOperationName(name))
	}
	ctx, span := g.t.tracer.Start(ctx, spanName, trace.WithAttributes(attrs...))
	defer span.End()
	ctx = context.WithValue(ctx, fieldSpansKey{}, new(atomic.Int32))
	resp := next(ctx)
	if resp != nil && len(resp.Errors) > 0 {
		span.SetAttributes(attribute.Int("graphql.errors", len(resp.Errors)))
		for _, e := range resp.Errors {
			if code, _ := e.Extensions["code"].(string); g.fault(code) {
				span.SetStatus(codes.Error, code)
				break
			}
		}
	}
	return resp
}

// InterceptField traces the fields that have a resolver method, the only ones that can reach the
// database; fields read off a struct are left alone.
func (g graphqlTracing) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	budget, _ := ctx.Value(fieldSpansKey{}).(*atomic.Int32)
	if fc == nil || !fc.IsResolver || budget == nil || budget.Add(1) > maxFieldSpans {
		return next(ctx)
	}
	ctx, span := g.t.tracer.Start(ctx, fc.Object+"."+fc.Field.Name, trace.WithAttributes(
		attribute.String("graphql.field.path", fc.Path().String()),
	))
	defer span.End()
	res, err := next(ctx)
	if err != nil {
		span.SetStatus(codes.Error, "resolver error")
	}
	return res, err
}

// StartBatch puts a loader batch in a span, so that the database command it sends is a child of
// it; the function it returns ends the span with the batch's outcome.
func (t *Tracing) StartBatch(ctx context.Context, b Batch) (context.Context, func(error)) {
	if t == nil || !trace.SpanFromContext(ctx).SpanContext().IsValid() {
		return ctx, func(error) {}
	}
	ctx, span := t.tracer.Start(ctx, "loader "+b.Loader+" "+b.Collection, trace.WithAttributes(
		attribute.String("roots.loader", b.Loader),
		semconv.DBCollectionName(b.Collection),
		attribute.Int("roots.loader.keys", b.Keys),
	))
	return ctx, func(err error) {
		if err != nil {
			span.SetStatus(codes.Error, "batch failed")
		}
		span.End()
	}
}

// CommandMonitor makes a client span for each database command sent on behalf of a traced request.
// Commands with no span in their context (start-up, health probes) make none.
func (t *Tracing) CommandMonitor() *event.CommandMonitor {
	if t == nil {
		return nil
	}
	type key struct {
		conn string
		id   int64
	}
	var open sync.Map // key → trace.Span
	end := func(k key, err error) {
		v, ok := open.LoadAndDelete(k)
		if !ok {
			return
		}
		span := v.(trace.Span)
		if err != nil {
			var de driver.Error
			if errors.As(err, &de) {
				span.SetAttributes(semconv.DBResponseStatusCode(strconv.Itoa(int(de.Code))))
				span.SetStatus(codes.Error, de.Name)
			} else {
				span.SetStatus(codes.Error, "command failed")
			}
		}
		span.End()
	}
	return &event.CommandMonitor{
		Started: func(ctx context.Context, e *event.CommandStartedEvent) {
			if !trace.SpanFromContext(ctx).SpanContext().IsValid() {
				return
			}
			attrs := []attribute.KeyValue{
				semconv.DBSystemNameMongoDB,
				semconv.DBNamespace(e.DatabaseName),
				semconv.DBOperationName(e.CommandName),
			}
			name := e.CommandName
			// The command's first value is the collection it works on, for the commands that have one.
			if coll, ok := e.Command.Index(0).Value().StringValueOK(); ok && coll != "" {
				attrs = append(attrs, semconv.DBCollectionName(coll))
				name += " " + coll
			}
			if host, port, err := net.SplitHostPort(strings.SplitN(e.ConnectionID, "[", 2)[0]); err == nil {
				attrs = append(attrs, semconv.ServerAddress(host))
				if p, err := strconv.Atoi(port); err == nil {
					attrs = append(attrs, semconv.ServerPort(p))
				}
			}
			_, span := t.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
			open.Store(key{e.ConnectionID, e.RequestID}, span)
		},
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) {
			end(key{e.ConnectionID, e.RequestID}, nil)
		},
		Failed: func(_ context.Context, e *event.CommandFailedEvent) {
			end(key{e.ConnectionID, e.RequestID}, e.Failure)
		},
	}
}

// CombineMonitors makes one command monitor that tells every given one (nil ones are skipped),
// since the driver takes only one.
func CombineMonitors(ms ...*event.CommandMonitor) *event.CommandMonitor {
	var set []*event.CommandMonitor
	for _, m := range ms {
		if m != nil {
			set = append(set, m)
		}
	}
	switch len(set) {
	case 0:
		return nil
	case 1:
		return set[0]
	}
	return &event.CommandMonitor{
		Started: func(ctx context.Context, e *event.CommandStartedEvent) {
			for _, m := range set {
				if m.Started != nil {
					m.Started(ctx, e)
				}
			}
		},
		Succeeded: func(ctx context.Context, e *event.CommandSucceededEvent) {
			for _, m := range set {
				if m.Succeeded != nil {
					m.Succeeded(ctx, e)
				}
			}
		},
		Failed: func(ctx context.Context, e *event.CommandFailedEvent) {
			for _, m := range set {
				if m.Failed != nil {
					m.Failed(ctx, e)
				}
			}
		},
	}
}

// traceLogHandler adds the trace and span ids of a record's context to it, so that a request's
// log line leads to its trace.
type traceLogHandler struct{ slog.Handler }

func (h traceLogHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanFromContext(ctx).SpanContext(); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h traceLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return traceLogHandler{h.Handler.WithAttrs(attrs)}
}

func (h traceLogHandler) WithGroup(name string) slog.Handler {
	return traceLogHandler{h.Handler.WithGroup(name)}
}

// Logger returns logger, with trace ids on its records when tracing is on.
func (t *Tracing) Logger(logger *slog.Logger) *slog.Logger {
	if t == nil {
		return logger
	}
	return slog.New(traceLogHandler{logger.Handler()})
}
