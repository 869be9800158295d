package telemetry

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"go.mongodb.org/mongo-driver/v2/event"
)

// requestStats is what a request's log line reports beyond HTTP: the GraphQL operation it ran and
// how many database commands it caused.
type requestStats struct {
	operation atomic.Value // string
	commands  atomic.Int64
}

type requestStatsKey struct{}

// NoteOperation tells the request's log line the operation it asked (the response cache calls it
// for the requests it considers).
func NoteOperation(ctx context.Context, operation string) {
	if s := statsFrom(ctx); s != nil {
		s.operation.Store(operation)
	}
}

func statsFrom(ctx context.Context) *requestStats {
	s, _ := ctx.Value(requestStatsKey{}).(*requestStats)
	return s
}

// commandCounter is the driver's command monitor: it counts each command against the request
// whose context sent it.
func commandCounter() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(ctx context.Context, _ *event.CommandStartedEvent) {
		if s := statsFrom(ctx); s != nil {
			s.commands.Add(1)
		}
	}}
}

// RecordOperation notes the operation's name for the log line (never its variables).
func RecordOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if s := statsFrom(ctx); s != nil && graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		name := oc.OperationName
		if name == "" && oc.Operation != nil {
			name = oc.Operation.Name
		}
		if name == "" {
			name = "(anonymous)"
		}
		s.operation.Store(name)
	}
	return next(ctx)
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// RequestLog writes one line per request: id, method, path, operation, status, bytes,
// duration and database commands. No query text, variables, headers or keys are logged.
// Health probes are logged at debug level only.
func RequestLog(logger *slog.Logger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		stats := &requestStats{}
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), requestStatsKey{}, stats)))
		level := slog.LevelInfo
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			level = slog.LevelDebug
		}
		op, _ := stats.operation.Load().(string)
		logger.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", RequestID(r.Context())),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("operation", op),
			slog.Int("status", sw.status),
			slog.Int("bytes", sw.bytes),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.Int64("db_commands", stats.commands.Load()),
		)
	})
}
