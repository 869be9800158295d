package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"

	"rootsgraph/httpapi"
	"rootsgraph/telemetry"
)

// config is the server's configuration. Every setting is a flag with an environment variable
// equivalent; a flag wins over its variable, and the variable over the default.
type config struct {
	addr           string
	mongoURI       string
	database       string
	dataDir        string
	corsOrigins    []string
	shutdownGrace  time.Duration
	logLevel       slog.Level
	loaderWait     time.Duration
	introspection  bool
	cacheMaxAge    time.Duration
	production     bool
	limits         httpapi.Limits
	rateLimit      float64
	rateBurst      int
	requestTimeout time.Duration
	responseTTL    time.Duration
	referenceTTL   time.Duration
	// otlpTracesURL is where spans go over OTLP/HTTP; empty turns tracing off.
	otlpTracesURL   string
	otlpSampleRatio float64
	// drainDelay is how long /readyz answers 503 before the listener closes at shutdown.
	drainDelay  time.Duration
	sampleScale int
}

// setting describes one configuration value for flags, environment and help.
type setting struct {
	// arg names the value's kind in the help, such as host:port or duration.
	flag, arg, env, def, usage string
	value                      *string
}

// serverUsage opens the server's --help; the commands' own settings are in their --help.
const serverUsage = `Serves the It Takes Roots coalition graph over GraphQL (GraphiQL at /, the API at /graphql).

Usage:
  go run ./server [flags]                 serve (with no MONGODB_URI, on the embedded database in --data-dir)
  go run ./server keys create|list|revoke curators' and admins' API keys
  go run ./server import FILE             add or update records from a JSON or CSV file
  go run ./server export KIND             write organizations, events or hubs as JSON or CSV
Each command answers --help with its own settings.

Flags (each may instead be set by its environment variable; a flag wins):
`

// printFlags writes each flag of fs as "--name kind" with its usage on the next line. A flag's
// usage starts with its kind in backquotes ("`duration` how long ..."); a switch has none.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			kind = ""
		}
		usage = strings.TrimPrefix(usage, kind+" ")
		fmt.Fprintf(w, "  --%s", f.Name)
		if kind != "" {
			fmt.Fprintf(w, " %s", kind)
		}
		fmt.Fprintf(w, "\n        %s\n", strings.TrimSpace(usage))
	})
}

// parseConfig reads args (without the program name) and the environment. It returns
// flag.ErrHelp after printing the help when asked for it.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var raw struct {
		addr, uri, db, dir, cors, grace, level, wait, introspection, cacheMaxAge, profile string
		depth, aliases, roots, directives, tokens, body, cost                             string
		rate, burst, timeout                                                              string
		respTTL, refTTL                                                                   string
		fields                                                                            string
		otlp, otlpRatio                                                                   string
		drain                                                                             string
		sampleScale                                                                       string
	}
	settings := []setting{
		{"addr", "host:port", "ROOTS_ADDR", ":8080", "address to listen on", &raw.addr},
		{"mongodb-uri", "uri", "MONGODB_URI", "", "MongoDB connection string; empty runs the embedded database", &raw.uri},
		{"database", "name", "ROOTS_DATABASE", "roots", "database name", &raw.db},
		{"data-dir", "folder", "ROOTS_DATA_DIR", "./data", "folder for the embedded database's files", &raw.dir},
		{"cors-origins", "origins", "ROOTS_CORS_ORIGINS", "", "comma-separated origins that browsers may read from; empty allows any origin (without credentials)", &raw.cors},
		{"shutdown-grace", "duration", "ROOTS_SHUTDOWN_GRACE", "10s", "how long in-flight requests may run on after SIGINT/SIGTERM", &raw.grace},
		{"drain-delay", "duration", "ROOTS_DRAIN_DELAY", "0s", "after SIGINT/SIGTERM, how long to go on serving while /readyz answers 503, so that a load balancer's health checks take the instance out first", &raw.drain},
		{"log-level", "level", "ROOTS_LOG_LEVEL", "info", "log level: debug, info, warn or error", &raw.level},
		{"loader-wait", "duration", "ROOTS_LOADER_WAIT", "500us", "how long a dataloader waits to fill a batch", &raw.wait},
		{"response-cache-ttl", "duration", "ROOTS_RESPONSE_CACHE_TTL", "10s", "how long answers to anonymous queries are kept in memory and served again; 0 turns the response cache off", &raw.respTTL},
		{"reference-cache-ttl", "duration", "ROOTS_REFERENCE_CACHE_TTL", "", "how long the states and alliances read from the database are used again (forgotten at once on a write through this server), at most the response cache's TTL, which is the default; 0 reads them for every request", &raw.refTTL},
		{"cache-max-age", "duration", "ROOTS_CACHE_MAX_AGE", "60s", "how long browsers and CDNs may reuse an anonymous GET answer (Cache-Control max-age); 0 turns HTTP caching off", &raw.cacheMaxAge},
		{"profile", "profile", "ROOTS_PROFILE", "development", "development, or production: introspection, \"did you mean\" suggestions and GraphiQL off", &raw.profile},
		{"introspection", "true|false", "ROOTS_INTROSPECTION", "", "answer schema introspection (__schema, __type); _service for federation routers works either way (default: on in development, off in production)", &raw.introspection},
		{"max-depth", "n", "ROOTS_MAX_DEPTH", strconv.Itoa(httpapi.DefaultLimits.MaxDepth), "deepest nesting of fields an operation may have", &raw.depth},
		{"max-aliases", "n", "ROOTS_MAX_ALIASES", strconv.Itoa(httpapi.DefaultLimits.MaxAliases), "most aliased fields an operation may have", &raw.aliases},
		{"max-root-fields", "n", "ROOTS_MAX_ROOT_FIELDS", strconv.Itoa(httpapi.DefaultLimits.MaxRootFields), "most root fields an operation may have", &raw.roots},
		{"max-directives", "n", "ROOTS_MAX_DIRECTIVES", strconv.Itoa(httpapi.DefaultLimits.MaxDirectives), "most directive uses an operation may have", &raw.directives},
		{"max-fields", "n", "ROOTS_MAX_FIELDS", strconv.Itoa(httpapi.DefaultLimits.MaxFields), "most field selections an operation may have once its fragments are expanded", &raw.fields},
		{"max-tokens", "n", "ROOTS_MAX_TOKENS", strconv.Itoa(httpapi.DefaultLimits.MaxTokens), "most lexer tokens a query document may have", &raw.tokens},
		{"max-body-bytes", "bytes", "ROOTS_MAX_BODY_BYTES", strconv.FormatInt(httpapi.DefaultLimits.MaxBodyBytes, 10), "largest POST body or GET query string, in bytes (413 above)", &raw.body},
		{"rate-limit", "per-second", "ROOTS_RATE_LIMIT", "", "requests per second each client (IP, or bearer key) may make on average; 0 for no limit (default: 0 in development, 20 in production)", &raw.rate},
		{"rate-burst", "n", "ROOTS_RATE_BURST", "40", "requests a client may make at once before the rate limit applies", &raw.burst},
		{"request-timeout", "duration", "ROOTS_REQUEST_TIMEOUT", "10s", "how long a request may work, database commands included, before it is cut off", &raw.timeout},
		{"max-cost", "n", "ROOTS_MAX_COST", strconv.Itoa(httpapi.DefaultLimits.MaxCost), "highest estimated cost an operation may have (reported in extensions.cost)", &raw.cost},
		{"otlp-endpoint", "url", "ROOTS_OTLP_ENDPOINT", "", "OpenTelemetry collector's OTLP/HTTP base URL, such as http://otel-collector:4318, to send traces to; empty (and no OTEL_EXPORTER_OTLP_ENDPOINT) turns tracing off", &raw.otlp},
		{"otlp-sample-ratio", "ratio", "ROOTS_OTLP_SAMPLE_RATIO", "1", "share of the traces that start here to record, from 0 to 1; a caller's traceparent decides for its own", &raw.otlpRatio},
		{"sample-scale", "n", "ROOTS_SAMPLE_SCALE", "1", "load the bundled sample roster and hubs this many times over into an empty database (10 makes a data set ten times larger, for benchmarks); a database that holds data is left as it is", &raw.sampleScale},
	}
	fs := flag.NewFlagSet("roots-graph", flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, s := range settings {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		usage := fmt.Sprintf("`%s` %s (env %s, default %q)", s.arg, s.usage, s.env, s.def)
		if s.def == "" {
			usage = fmt.Sprintf("`%s` %s (env %s)", s.arg, s.usage, s.env)
		}
		fs.StringVar(s.value, s.flag, def, usage)
	}
	fs.Usage = func() {
		fmt.Fprint(stderr, serverUsage)
		printFlags(stderr, fs)
	}
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q; see --help", fs.Arg(0))
	}
	name := func(flagName string) string {
		for _, s := range settings {
			if s.flag == flagName {
				return fmt.Sprintf("--%s (%s)", s.flag, s.env)
			}
		}
		return flagName
	}

	var errs []error
	bad := func(flagName, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name(flagName), fmt.Sprintf(format, args...)))
	}
	c := config{addr: raw.addr, mongoURI: raw.uri, database: raw.db, dataDir: raw.dir}
	if _, port, err := net.SplitHostPort(raw.addr); err != nil || port == "" {
		bad("addr", "%q is not host:port (for example :8080 or 127.0.0.1:8080)", raw.addr)
	}
	if raw.uri != "" {
		if _, err := connstring.ParseAndValidate(raw.uri); err != nil {
			bad("mongodb-uri", "not a valid MongoDB connection string (mongodb:// or mongodb+srv://)")
		}
	}
	if !databaseName.MatchString(raw.db) {
		bad("database", "%q is not a database name: use 1 to 63 letters, digits, '-' or '_'", raw.db)
	}
	if strings.TrimSpace(raw.dir) == "" {
		bad("data-dir", "must not be empty")
	}
	for o := range strings.SplitSeq(raw.cors, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if o != "*" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/")) {
			bad("cors-origins", "%q is not an origin such as https://example.org", o)
			continue
		}
		c.corsOrigins = append(c.corsOrigins, strings.TrimSuffix(o, "/"))
	}
	var err error
	if c.shutdownGrace, err = time.ParseDuration(raw.grace); err != nil || c.shutdownGrace < 0 {
		bad("shutdown-grace", "%q is not a duration such as 10s", raw.grace)
	}
	if c.drainDelay, err = time.ParseDuration(raw.drain); err != nil || c.drainDelay < 0 || c.drainDelay > 5*time.Minute {
		bad("drain-delay", "%q is not a duration between 0 and 5m, such as 5s", raw.drain)
	}
	if err := c.logLevel.UnmarshalText([]byte(raw.level)); err != nil {
		bad("log-level", "%q is not one of debug, info, warn, error", raw.level)
	}
	if c.loaderWait, err = time.ParseDuration(raw.wait); err != nil || c.loaderWait < 0 || c.loaderWait > time.Second {
		bad("loader-wait", "%q is not a duration between 0 and 1s, such as 500us", raw.wait)
	}
	if c.cacheMaxAge, err = time.ParseDuration(raw.cacheMaxAge); err != nil || c.cacheMaxAge < 0 || c.cacheMaxAge > 24*time.Hour {
		bad("cache-max-age", "%q is not a duration between 0 and 24h, such as 60s", raw.cacheMaxAge)
	}
	switch raw.profile {
	case "development":
	case "production":
		c.production = true
	default:
		bad("profile", "%q is neither development nor production", raw.profile)
	}
	c.introspection = !c.production
	if raw.introspection != "" {
		if c.introspection, err = strconv.ParseBool(raw.introspection); err != nil {
			bad("introspection", "%q is not true or false", raw.introspection)
		}
	}
	for _, lim := range []struct {
		flag  string
		raw   string
		into  *int
		least int
	}{
		{"max-depth", raw.depth, &c.limits.MaxDepth, 2},
		{"max-aliases", raw.aliases, &c.limits.MaxAliases, 0},
		{"max-root-fields", raw.roots, &c.limits.MaxRootFields, 1},
		{"max-directives", raw.directives, &c.limits.MaxDirectives, 0},
		{"max-fields", raw.fields, &c.limits.MaxFields, 10},
		{"max-tokens", raw.tokens, &c.limits.MaxTokens, 50},
		{"max-cost", raw.cost, &c.limits.MaxCost, 100},
		{"sample-scale", raw.sampleScale, &c.sampleScale, 1},
	} {
		n, err := strconv.Atoi(lim.raw)
		if err != nil || n < lim.least {
			bad(lim.flag, "%q is not a whole number of at least %d", lim.raw, lim.least)
		}
		*lim.into = n
	}
	c.rateLimit = 0
	if c.production {
		c.rateLimit = 20
	}
	if raw.rate != "" {
		if c.rateLimit, err = strconv.ParseFloat(raw.rate, 64); err != nil || c.rateLimit < 0 || math.IsInf(c.rateLimit, 0) || math.IsNaN(c.rateLimit) {
			bad("rate-limit", "%q is not a number of requests per second (0 for none)", raw.rate)
		}
	}
	if c.rateBurst, err = strconv.Atoi(raw.burst); err != nil || c.rateBurst < 1 {
		bad("rate-burst", "%q is not a whole number of at least 1", raw.burst)
	}
	responseTTLOK := true
	if c.responseTTL, err = time.ParseDuration(raw.respTTL); err != nil || c.responseTTL < 0 || c.responseTTL > time.Hour {
		bad("response-cache-ttl", "%q is not a duration between 0 and 1h, such as 10s", raw.respTTL)
		responseTTLOK = false
	}
	// Reference data lives no longer than cached answers do: with the response cache off, every
	// request reads the database; a TTL of its own may only be shorter.
	c.referenceTTL = c.responseTTL
	if raw.refTTL != "" {
		if c.referenceTTL, err = time.ParseDuration(raw.refTTL); err != nil || c.referenceTTL < 0 || c.referenceTTL > time.Hour {
			bad("reference-cache-ttl", "%q is not a duration between 0 and 1h, such as 10s", raw.refTTL)
		} else if responseTTLOK && c.referenceTTL > c.responseTTL {
			bad("reference-cache-ttl", "%s is longer than the response cache's TTL (%s): the states and alliances kept in memory must not outlive the answers the response cache keeps; give at most %s, or leave it out to use the same",
				c.referenceTTL, c.responseTTL, c.responseTTL)
		}
	}
	if c.requestTimeout, err = time.ParseDuration(raw.timeout); err != nil || c.requestTimeout < 100*time.Millisecond || c.requestTimeout > 10*time.Minute {
		bad("request-timeout", "%q is not a duration between 100ms and 10m, such as 10s", raw.timeout)
	}
	if c.limits.MaxBodyBytes, err = strconv.ParseInt(raw.body, 10, 64); err != nil || c.limits.MaxBodyBytes < 1024 {
		bad("max-body-bytes", "%q is not a whole number of bytes of at least 1024", raw.body)
	}
	if c.otlpTracesURL, err = telemetry.OTLPTracesURL(raw.otlp, getenv); err != nil {
		bad("otlp-endpoint", "%v", err)
	}
	if c.otlpSampleRatio, err = strconv.ParseFloat(raw.otlpRatio, 64); err != nil || !(c.otlpSampleRatio >= 0 && c.otlpSampleRatio <= 1) {
		bad("otlp-sample-ratio", "%q is not a number from 0 to 1", raw.otlpRatio)
	}
	return c, errors.Join(errs...)
}

var databaseName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,63}$`)

// redactURI returns uri without its password, for logs.
func redactURI(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "(unparsable URI)"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	return u.String()
}
