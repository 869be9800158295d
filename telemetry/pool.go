package telemetry

import (
	"github.com/prometheus/client_golang/prometheus"
	"go.mongodb.org/mongo-driver/v2/event"
)

// poolMetrics are the driver's connection pools, one per database server, as /metrics shows them.
type poolMetrics struct {
	open     *prometheus.GaugeVec
	inUse    *prometheus.GaugeVec
	wait     prometheus.Histogram
	failures *prometheus.CounterVec
}

func newPoolMetrics() *poolMetrics {
	return &poolMetrics{
		open: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "roots_db_pool_connections", Help: "Open connections in the pool, by database server.",
		}, []string{"server"}),
		inUse: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "roots_db_pool_connections_in_use", Help: "Connections checked out of the pool, by database server.",
		}, []string{"server"}),
		wait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "roots_db_pool_wait_seconds", Help: "Time to get a connection from the pool, including making one.",
			Buckets: []float64{.0001, .0005, .001, .005, .01, .05, .1, .5, 1, 5},
		}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "roots_db_pool_checkout_failures_total", Help: "Failures to get a connection from the pool, by reason (timeout: the pool was exhausted for the request's deadline).",
		}, []string{"reason"}),
	}
}

func (p *poolMetrics) register(r *prometheus.Registry) {
	r.MustRegister(p.open, p.inUse, p.wait, p.failures)
}

// monitor is the driver's pool monitor that keeps these metrics.
func (p *poolMetrics) monitor() *event.PoolMonitor {
	return &event.PoolMonitor{Event: func(e *event.PoolEvent) {
		switch e.Type {
		case event.ConnectionCreated:
			p.open.WithLabelValues(e.Address).Inc()
		case event.ConnectionClosed:
			p.open.WithLabelValues(e.Address).Dec()
		case event.ConnectionCheckedOut:
			p.inUse.WithLabelValues(e.Address).Inc()
			p.wait.Observe(e.Duration.Seconds())
		case event.ConnectionCheckedIn:
			p.inUse.WithLabelValues(e.Address).Dec()
		case event.ConnectionCheckOutFailed:
			p.failures.WithLabelValues(e.Reason).Inc()
			p.wait.Observe(e.Duration.Seconds())
		}
	}}
}
