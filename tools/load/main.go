// Command load measures a running Roots Graph server under a closed-loop load on loopback, for
// a bounded time: requests per second, latency percentiles, errors, and from the server's own
// /metrics the database commands and their time, allocations, CPU time and peak resident memory
// per request (and, given a standalone database's process id, that process's CPU per request).
// With -floor it also runs the same load against a static handler that returns the same bytes,
// the least any server could cost, and reports each figure as a fraction of it.
//
//	go run ./tools/load -url http://127.0.0.1:8080 -query list -c 16 -d 10s
//	go run ./tools/load -query all -c 1,16,64 -d 10s -floor      # the whole matrix, as Markdown
//
// BENCHMARKS.md says how the published figures were made (tools/load/bench.sh).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"rootsgraph/tools/load/queries"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "load: %v\n", err)
		os.Exit(1)
	}
}

type config struct {
	base         string
	queries      []queries.Query
	concurrency  []int
	duration     time.Duration
	warmup       time.Duration
	floor        bool
	pid          int
	dbPID        int
	gzip         bool
	timeout      time.Duration
	sampleEvery  time.Duration
	printQueries bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	var names, conc string
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.base, "url", "http://127.0.0.1:8080", "base URL of the server (its /graphql and /metrics are used)")
	fs.StringVar(&names, "query", "list", "comma-separated query names, or all: "+queryNames())
	fs.StringVar(&conc, "c", "16", "comma-separated numbers of concurrent clients")
	fs.DurationVar(&c.duration, "d", 10*time.Second, "how long each run lasts")
	fs.DurationVar(&c.warmup, "warmup", 2*time.Second, "unmeasured load before each run")
	fs.BoolVar(&c.floor, "floor", false, "also run each load against a static handler returning the same answer")
	fs.IntVar(&c.pid, "pid", 0, "server process id: read its resident memory from /proc instead of /metrics")
	fs.IntVar(&c.dbPID, "db-pid", 0, "a standalone database's process id: also report its CPU time per request (from /proc)")
	fs.BoolVar(&c.gzip, "gzip", false, "ask for gzip-compressed answers (then only the status is checked)")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "per-request timeout (a request that times out is an error)")
	fs.DurationVar(&c.sampleEvery, "rss-every", 250*time.Millisecond, "how often resident memory is sampled during a run")
	fs.BoolVar(&c.printQueries, "print-queries", false, "print the built-in queries and exit")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	c.base = strings.TrimSuffix(c.base, "/")
	for n := range strings.SplitSeq(names, ",") {
		n = strings.TrimSpace(n)
		if n == "all" {
			c.queries = append(c.queries, queries.All...)
			continue
		}
		q, ok := queries.Named(n)
		if !ok {
			return c, fmt.Errorf("-query: no query named %q; the queries are %s", n, queryNames())
		}
		c.queries = append(c.queries, q)
	}
	for s := range strings.SplitSeq(conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 10000 {
			return c, fmt.Errorf("-c: %q is not a number of clients between 1 and 10000", s)
		}
		c.concurrency = append(c.concurrency, n)
	}
	if c.duration <= 0 || c.warmup < 0 || c.timeout <= 0 || c.sampleEvery <= 0 {
		return c, errors.New("-d, -timeout and -rss-every must be positive and -warmup not negative")
	}
	return c, nil
}

func queryNames() string {
	var names []string
	for _, q := range queries.All {
		names = append(names, q.Name)
	}
	return strings.Join(names, ", ")
}

// run measures every query at every concurrency and prints one Markdown table row for each.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if cfg.printQueries {
		for _, q := range queries.All {
			fmt.Fprintf(stdout, "# %s: %s\n%s\n\n", q.Name, q.What, q.Text)
		}
		return nil
	}
	fmt.Fprintln(stdout, tableHeader(cfg.floor))
	var problems []string
	for _, q := range cfg.queries {
		body, _ := json.Marshal(map[string]string{"query": q.Text})
		t := target{url: cfg.base + "/graphql", body: body, gzip: cfg.gzip, timeout: cfg.timeout}
		// Requests of the last run that timed out on the client may still be working on the
		// server; let them finish so that they do not count against this one.
		drain(ctx, newClient(1, cfg.timeout), cfg.base, time.Minute)
		first, err := fetch(ctx, newClient(1, cfg.timeout), t)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: not measured: the first request failed: %v", q.Name, err))
			continue
		}
		var fl *floor
		if cfg.floor {
			if fl, err = startFloor(first); err != nil {
				return fmt.Errorf("floor: %w", err)
			}
		}
		for _, c := range cfg.concurrency {
			if ctx.Err() != nil {
				break
			}
			r := measure(ctx, cfg, t, cfg.base, c)
			r.query = q.Name
			if fl != nil {
				drain(ctx, newClient(1, cfg.timeout), cfg.base, time.Minute)
				ft := t
				ft.url = fl.url
				f := measure(ctx, cfg, ft, "", c)
				r.floor = &f.result
			}
			fmt.Fprintln(stdout, r.markdown())
			if r.errors > 0 {
				problems = append(problems, fmt.Sprintf("%s at c=%d: %d errors, the first: %s", q.Name, c, r.errors, r.firstErr))
			}
		}
		if fl != nil {
			fl.close()
		}
	}
	for _, p := range problems {
		fmt.Fprintln(stderr, p)
	}
	return ctx.Err()
}

// measure warms up, then runs one load at concurrency c. With a base URL it also reads the
// server's metrics before and after, and samples its memory during the run.
func measure(ctx context.Context, cfg config, t target, base string, c int) row {
	client := newClient(c, cfg.timeout)
	defer client.CloseIdleConnections()
	if cfg.warmup > 0 {
		load(ctx, client, t, c, cfg.warmup)
	}
	r := row{concurrency: c}
	var before sample
	var peak <-chan float64
	stopSampling := func() {}
	var dbBefore time.Duration
	dbCPUErr := errors.New("no -db-pid")
	if cfg.dbPID != 0 {
		dbBefore, dbCPUErr = processCPU(cfg.dbPID)
	}
	if base != "" {
		before, _ = scrape(ctx, client, base)
		var sctx context.Context
		sctx, stopSampling = context.WithCancel(ctx)
		peak = peakRSS(sctx, newClient(1, cfg.timeout), base, cfg.pid, cfg.sampleEvery)
	}
	r.result = load(ctx, client, t, c, cfg.duration)
	stopSampling()
	if base != "" {
		after, err := scrape(ctx, client, base)
		if before != nil && err == nil && r.requests > 0 {
			n := float64(r.requests)
			r.server = &serverFigures{
				dbCommands: (after[dbCommandsMetric] - before[dbCommandsMetric]) / n,
				dbTime:     time.Duration((after[dbTimeMetric] - before[dbTimeMetric]) / n * float64(time.Second)),
				allocs:     (after[mallocsMetric] - before[mallocsMetric]) / n,
				cpu:        time.Duration((after[cpuMetric] - before[cpuMetric]) / n * float64(time.Second)),
				peakRSS:    <-peak,
				dbCPU:      -1,
			}
			if dbCPUErr == nil {
				if dbAfter, err := processCPU(cfg.dbPID); err == nil {
					r.server.dbCPU = (dbAfter - dbBefore) / time.Duration(r.requests)
				}
			}
		}
	}
	return r
}
