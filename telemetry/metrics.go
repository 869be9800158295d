// Package telemetry is what Roots Graph tells its operators: Prometheus metrics (Metrics),
// OpenTelemetry traces (Tracing), request ids, and one log line per request. It knows nothing of
// the store or the schema: the server hands it loader batches, the response cache's counters and
// the driver's command and pool events in its own small types.
package telemetry

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.mongodb.org/mongo-driver/v2/event"
)

// Metrics are what /metrics exposes in Prometheus' text format. Each server has its own registry,
// so tests and several servers in one process do not share counts.
type Metrics struct {
	registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	inFlight   prometheus.Gauge
	errors     *prometheus.CounterVec
	dbCommands *prometheus.CounterVec
	// dbAnswered counts the commands the database answered, for the outage watch.
	dbAnswered atomic.Uint64
	dbDuration *prometheus.HistogramVec
	batchKeys  *prometheus.HistogramVec
	pool       *poolMetrics
	operations *operationNames
}

// NewMetrics makes a registry of its own with every metric, the Go runtime's and the process's.
func NewMetrics() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "roots_http_requests_total", Help: "HTTP requests by route, GraphQL operation name and status.",
		}, []string{"route", "operation", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "roots_http_request_duration_seconds", Help: "Time to answer a request, by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "roots_http_requests_in_flight", Help: "Requests being answered now.",
		}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "roots_graphql_errors_total", Help: "GraphQL errors by extensions.code.",
		}, []string{"code"}),
		dbCommands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "roots_db_commands_total", Help: "Database commands by name and outcome.",
		}, []string{"command", "outcome"}),
		dbDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "roots_db_command_duration_seconds", Help: "Database command round trips, by name.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"command"}),
		batchKeys: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "roots_loader_batch_size", Help: "Keys per loader batch (one database command each), by loader and collection.",
			Buckets: []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000},
		}, []string{"loader", "collection"}),
		pool:       newPoolMetrics(),
		operations: &operationNames{seen: map[string]bool{}},
	}
	m.registry.MustRegister(m.requests, m.duration, m.inFlight, m.errors, m.dbCommands, m.dbDuration, m.batchKeys,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.pool.register(m.registry)
	return m
}

// CacheCounts are a response cache's counters, read at each scrape.
type CacheCounts struct {
	Hits, Misses, Shared, Refreshes *atomic.Uint64
}

// RegisterCache exposes the response cache's hits and misses, the misses that shared another
// request's computation, and the background refreshes of stale entries.
func (m *Metrics) RegisterCache(c CacheCounts) {
	m.registry.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "roots_response_cache_hits_total", Help: "Answers served from the response cache."},
			func() float64 { return float64(c.Hits.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "roots_response_cache_misses_total", Help: "Cacheable requests the response cache did not hold."},
			func() float64 { return float64(c.Misses.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "roots_response_cache_shared_total", Help: "Misses answered by another request's computation of the same key."},
			func() float64 { return float64(c.Shared.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "roots_response_cache_refreshes_total", Help: "Entries past half their TTL refreshed in the background while still served."},
			func() float64 { return float64(c.Refreshes.Load()) }),
	)
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// operationNames bounds the operation label: client-chosen names are kept while they look like
// names and fewer than MaxOperationNames have been seen, then reported as "other", so that no
// client can grow the metrics without bound.
type operationNames struct {
	mu   sync.Mutex
	seen map[string]bool
}

// MaxOperationNames is how many client-chosen operation names the metrics keep apart.
const MaxOperationNames = 200

var operationNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

func (o *operationNames) label(name string) string {
	switch name {
	case "":
		return ""
	case "(anonymous)":
		return "anonymous"
	}
	if !operationNamePattern.MatchString(name) {
		return "other"
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen[name] {
		return name
	}
	if len(o.seen) >= MaxOperationNames {
		return "other"
	}
	o.seen[name] = true
	return name
}

// Instrument counts and times the requests of one route.
func (m *Metrics) Instrument(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		op := ""
		if s := statsFrom(r.Context()); s != nil {
			op, _ = s.operation.Load().(string)
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		m.requests.WithLabelValues(route, m.operations.label(op), strconv.Itoa(sw.status)).Inc()
		m.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// CountErrors counts each GraphQL error of a response by its code.
func (m *Metrics) CountErrors(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp != nil {
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			if code == "" {
				code = "NONE"
			}
			m.errors.WithLabelValues(code).Inc()
		}
	}
	return resp
}

// CommandMonitor counts database commands against their request (for the request log) and in the
// metrics, with their round-trip times.
func (m *Metrics) CommandMonitor() *event.CommandMonitor {
	counter := commandCounter()
	return &event.CommandMonitor{
		Started: counter.Started,
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) {
			m.dbAnswered.Add(1)
			m.dbCommands.WithLabelValues(e.CommandName, "ok").Inc()
			m.dbDuration.WithLabelValues(e.CommandName).Observe(e.Duration.Seconds())
		},
		Failed: func(_ context.Context, e *event.CommandFailedEvent) {
			m.dbCommands.WithLabelValues(e.CommandName, "error").Inc()
			m.dbDuration.WithLabelValues(e.CommandName).Observe(e.Duration.Seconds())
		},
	}
}

// Batch is one loader batch (or prefetch level): which loader, the collection its one command
// reads, and how many keys it asks for.
type Batch struct {
	Loader, Collection string
	Keys               int
}

// ObserveBatch records the size of a loader batch.
func (m *Metrics) ObserveBatch(b Batch) {
	m.batchKeys.WithLabelValues(b.Loader, b.Collection).Observe(float64(b.Keys))
}

// DBAnswered is how many commands the database has answered so far, for the outage watch.
func (m *Metrics) DBAnswered() uint64 { return m.dbAnswered.Load() }

// PoolMonitor is the driver's pool monitor that keeps the connection pool's metrics.
func (m *Metrics) PoolMonitor() *event.PoolMonitor { return m.pool.monitor() }
