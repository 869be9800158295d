package main

import (
	"fmt"
	"strings"
	"time"
)

// row is one run: the client's view, the server's own figures per request, and the floor's.
type row struct {
	query       string
	concurrency int
	result
	server *serverFigures
	floor  *result
}

// serverFigures are deltas of the server's metrics over a run, divided by its requests. They
// include everything in the server's process: with the embedded database, its work too.
type serverFigures struct {
	dbCommands float64
	dbTime     time.Duration // the database commands' round trips, as the server's driver timed them
	dbCPU      time.Duration // a standalone database process's CPU (-db-pid); negative when not measured
	allocs     float64
	cpu        time.Duration
	peakRSS    float64 // bytes
}

func tableHeader(floor bool) string {
	h := "| query | clients | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | DB cmds/req | DB ms/req | DB CPU ms/req | allocs/req | CPU ms/req | peak RSS MB | bytes |"
	sep := "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
	if floor {
		h += " floor req/s | floor p99 ms | of floor |"
		sep += "--:|--:|--:|"
	}
	return h + "\n" + sep
}

func (r row) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %d |", r.query, r.concurrency, rate(r.perSecond()),
		ms(percentile(r.latencies, 50)), ms(percentile(r.latencies, 90)), ms(percentile(r.latencies, 99)),
		ms(percentile(r.latencies, 100)), r.errors)
	if s := r.server; s != nil {
		dbCPU := "–"
		if s.dbCPU >= 0 {
			dbCPU = ms(s.dbCPU)
		}
		fmt.Fprintf(&b, " %.2f | %s | %s | %s | %s | %.0f |", s.dbCommands, ms(s.dbTime), dbCPU, count(s.allocs), ms(s.cpu), s.peakRSS/(1<<20))
	} else {
		b.WriteString(" – | – | – | – | – | – |")
	}
	fmt.Fprintf(&b, " %d |", r.bytes)
	if f := r.floor; f != nil {
		frac := 0.0
		if f.perSecond() > 0 {
			frac = r.perSecond() / f.perSecond()
		}
		fmt.Fprintf(&b, " %s | %s | %s |", rate(f.perSecond()), ms(percentile(f.latencies, 99)), fraction(frac))
	}
	return b.String()
}

// ms shows a duration in milliseconds with three significant figures or so.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func rate(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func count(v float64) string {
	if v >= 10 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

// fraction shows a ratio as a percentage, or with more precision when it is small.
func fraction(v float64) string {
	if v < 0.01 {
		return fmt.Sprintf("%.2f%%", v*100)
	}
	return fmt.Sprintf("%.0f%%", v*100)
}
