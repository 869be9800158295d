package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"rootsgraph/embedded"
	"rootsgraph/httpapi"
	"rootsgraph/store"
	"rootsgraph/telemetry"
)

// run is the whole program: it parses the configuration, opens the database (starting the
// embedded one when no URI is set), loads the bundled data into an empty database, and serves
// until ctx is cancelled, then shuts down in order.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if isCommand(args[1:]) {
		return runCommand(ctx, args[1:], getenv, stdout, stderr)
	}
	cfg, err := parseConfig(args[1:], getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	tr, err := telemetry.NewTracing(cfg.otlpTracesURL, cfg.otlpSampleRatio)
	if err != nil {
		return err
	}
	defer tr.Close()
	logger := tr.Logger(telemetry.NewLogger(stdout, cfg.logLevel))
	if tr != nil {
		logger.Info("tracing", "otlp", redactURI(cfg.otlpTracesURL), "sample_ratio", cfg.otlpSampleRatio)
	}

	// The address first: a busy port is refused before the database is opened or seeded.
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	defer ln.Close()

	m := telemetry.NewMetrics()
	db, err := openDatabase(ctx, cfg, logger, m, tr)
	if err != nil {
		return err
	}
	defer db.close()

	s := db.store
	if err := prepare(ctx, db, logger, cfg.sampleScale); err != nil {
		return err
	}

	// The watch pings through a client of its own, so that a busy pool never looks like an
	// outage.
	pinger, err := store.Open(ctx, store.Config{URI: db.uri, Database: cfg.database, AppName: "roots-graph-watch", MaxPoolSize: 1})
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	defer pinger.Close(context.WithoutCancel(ctx))
	watch := httpapi.NewWatch(pinger, logger, m.DBAnswered)
	go watch.Run(ctx)
	srv := httpapi.New(logger, s, httpapi.Options{Watch: watch, CORSOrigins: cfg.corsOrigins, LoaderWait: cfg.loaderWait,
		Introspection: cfg.introspection, CacheMaxAge: cfg.cacheMaxAge, Limits: cfg.limits,
		Suggestions: !cfg.production, GraphiQL: !cfg.production,
		RateLimit: cfg.rateLimit, RateBurst: cfg.rateBurst, RequestTimeout: cfg.requestTimeout,
		ResponseCacheTTL: cfg.responseTTL, Metrics: m, Tracing: tr})
	httpServer := &http.Server{
		Addr:              cfg.addr,
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if cfg.production {
		logger.Info("serving", "addr", ln.Addr().String())
	} else {
		logger.Info("serving", "addr", ln.Addr().String(), "graphiql", "http://"+displayAddr(ln.Addr())+"/")
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- httpServer.Serve(ln) }()

	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	// Shut down in order: say not ready, and go on serving for the drain delay while load
	// balancers notice; stop accepting, let in-flight requests finish within the grace period,
	// then close the database (deferred above).
	logger.Info("shutting down", "drain_delay", cfg.drainDelay.String(), "grace", cfg.shutdownGrace.String())
	srv.Drain()
	time.Sleep(cfg.drainDelay)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.shutdownGrace)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		_ = httpServer.Close()
		return fmt.Errorf("shutdown: in-flight requests did not finish within %s: %w", cfg.shutdownGrace, err)
	}
	logger.Info("stopped")
	return nil
}

// database is the open store and, when embedded, the server behind it.
type database struct {
	store    *store.Store
	uri      string
	name     string // the database's name within the deployment
	embedded *embedded.Server
}

func (d *database) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = d.store.Close(ctx)
	if d.embedded != nil {
		d.embedded.Close()
	}
}

// embeddedGCPercent is the garbage collector's target when the embedded database runs in the
// process. FerretDB v1 decodes every document it scans into fresh Go values, tens of megabytes
// of short-lived garbage per list request on the bundled data, while the live heap stays near
// 30 MB: at Go's default of 100 the collector runs several times per request and took a quarter
// of the CPU. At 400 it runs a quarter as often, for a larger but still bounded heap (see
// BENCHMARKS.md for both).
const embeddedGCPercent = 400

// embeddedGC sets the collector's target for a process that runs the embedded database, unless
// GOGC says otherwise.
func embeddedGC(logger *slog.Logger) {
	if os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(embeddedGCPercent)
	logger.Debug("gc", "percent", embeddedGCPercent, "why", "the embedded database's garbage")
}

// openDatabase connects to the configured MongoDB, or starts the embedded server and connects to
// it. After this, both are one code path.
func openDatabase(ctx context.Context, cfg config, logger *slog.Logger, m *telemetry.Metrics, tr *telemetry.Tracing) (*database, error) {
	d := &database{}
	uri := cfg.mongoURI
	if uri == "" {
		// FerretDB logs every failed command at WARN; only its errors belong in our log.
		quiet := slog.New(logger.Handler()).With("component", "ferretdb")
		quiet = slog.New(telemetry.LevelFloor{Handler: quiet.Handler(), Floor: slog.LevelError})
		srv, err := embedded.Start(ctx, cfg.dataDir, quiet)
		if err != nil {
			return nil, err
		}
		d.embedded = srv
		uri = srv.URI()
		embeddedGC(logger)
	}
	s, err := store.Open(ctx, store.Config{URI: uri, Database: cfg.database, AppName: "roots-graph",
		Monitor: telemetry.CombineMonitors(m.CommandMonitor(), tr.CommandMonitor()), PoolMonitor: m.PoolMonitor(),
		MaxPoolSize: defaultMaxPoolSize, MinPoolSize: defaultMinPoolSize,
		// The embedded database is this process's alone: its data folder is locked while it runs.
		Exclusive: d.embedded != nil, ReferenceTTL: cfg.referenceTTL})
	if err != nil {
		if d.embedded != nil {
			d.embedded.Close()
		}
		return nil, fmt.Errorf("database: %w", err)
	}
	d.store, d.uri, d.name = s, uri, cfg.database
	if d.embedded != nil {
		logger.Info("database", "kind", "embedded FerretDB v1.24.2 (SQLite)", "data_dir", d.embedded.Dir(),
			"uri", uri, "database", cfg.database)
	} else {
		logger.Info("database", "kind", "MongoDB", "uri", redactURI(uri), "database", cfg.database)
	}
	return d, nil
}

// prepare makes the database ready to serve: indexes and the shape of an earlier release's
// documents (Upgrade), the bundled data in an empty database, on the embedded database the index
// its finds by _id need (IndexIDs), and the changes that a stopped process left claimed but
// unfinished completed (Settle), all before the first request.
func prepare(ctx context.Context, db *database, logger *slog.Logger, scale int) error {
	s := db.store
	if err := s.Upgrade(ctx, time.Now()); err != nil {
		return err
	}
	if err := seed(ctx, s, logger, scale); err != nil {
		return err
	}
	if db.embedded != nil {
		// Once Upgrade and the seed have made every collection (meta, which holds the snapshots
		// and change marks read by _id, too): the index that lets FerretDB's finds by _id use one.
		if err := db.embedded.IndexIDs(ctx, db.name); err != nil {
			return fmt.Errorf("database: %w", err)
		}
	}
	r, err := s.Settle(ctx, store.Actor{Name: "settle", Role: store.RoleAdmin}, time.Now())
	if err != nil {
		return fmt.Errorf("settle unfinished changes: %w", err)
	}
	if r.Completed > 0 || r.Hubs > 0 {
		logger.Info("completed changes a stopped process left unfinished", "changes", r.Completed, "hubs_rebuilt", r.Hubs)
	}
	return nil
}

// seed loads the bundled data set, its sample part scale times over, into an empty database; it
// never overwrites existing data.
func seed(ctx context.Context, s *store.Store, logger *slog.Logger, scale int) error {
	set, err := bundledSet(scale)
	if err != nil {
		return fmt.Errorf("bundled data set: %w", err)
	}
	docs, err := set.Documents(time.Now())
	if err != nil {
		return fmt.Errorf("bundled data set: %w", err)
	}
	outcome, err := s.Seed(ctx, docs, time.Now())
	if err != nil {
		return err
	}
	logger.Info("data", "bundled", string(outcome), "sample_scale", scale,
		"organizations", len(docs.Organizations), "hubs", len(docs.Hubs), "events", len(docs.Events))
	return nil
}

func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// The connection pool, per database server, when the connection string does not say otherwise
// (its maxPoolSize and minPoolSize win; see deploy/README.md).
//
// A request sends at most one command per collection and query level, the five collections of a
// level side by side, so one request holds at most about five connections at once, and for a few
// milliseconds each. Fifty connections serve some ten such requests at the very same instant on
// an instance with two cores; a burst beyond that waits for a connection within its deadline
// instead of opening more and more connections to the database, whose limit all instances share.
// Five kept open let a request's first level go out at once after a quiet spell, without waiting
// for a connection's handshake (TCP, TLS and authentication take several round trips).
const (
	defaultMaxPoolSize = 50
	defaultMinPoolSize = 5
)
