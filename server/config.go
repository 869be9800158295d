package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"
)

// config is the server's configuration. Every setting is a flag with an environment variable
// equivalent; a flag wins over its variable, and the variable over the default.
type config struct {
	addr          string
	mongoURI      string
	database      string
	dataDir       string
	corsOrigins   []string
	shutdownGrace time.Duration
	logLevel      slog.Level
	loaderWait    time.Duration
	introspection bool
	cacheMaxAge   time.Duration
}

// setting describes one configuration value for flags, environment and help.
type setting struct {
	flag, env, def, usage string
	value                 *string
}

// parseConfig reads args (without the program name) and the environment. It returns
// flag.ErrHelp after printing the help when asked for it.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var raw struct{ addr, uri, db, dir, cors, grace, level, wait, introspection, cacheMaxAge string }
	settings := []setting{
		{"addr", "ROOTS_ADDR", ":8080", "address to listen on, host:port", &raw.addr},
		{"mongodb-uri", "MONGODB_URI", "", "MongoDB connection string; empty runs the embedded database", &raw.uri},
		{"database", "ROOTS_DATABASE", "roots", "database name", &raw.db},
		{"data-dir", "ROOTS_DATA_DIR", "./data", "folder for the embedded database's files", &raw.dir},
		{"cors-origins", "ROOTS_CORS_ORIGINS", "", "comma-separated origins that browsers may read from; empty allows any origin (without credentials)", &raw.cors},
		{"shutdown-grace", "ROOTS_SHUTDOWN_GRACE", "10s", "how long in-flight requests may run on after SIGINT/SIGTERM", &raw.grace},
		{"log-level", "ROOTS_LOG_LEVEL", "info", "log level: debug, info, warn or error", &raw.level},
		{"loader-wait", "ROOTS_LOADER_WAIT", "500us", "how long a dataloader waits to fill a batch", &raw.wait},
		{"cache-max-age", "ROOTS_CACHE_MAX_AGE", "60s", "how long browsers and CDNs may reuse an anonymous GET answer (Cache-Control max-age); 0 turns HTTP caching off", &raw.cacheMaxAge},
		{"introspection", "ROOTS_INTROSPECTION", "true", "answer schema introspection (__schema, __type); _service for federation routers works either way", &raw.introspection},
	}
	fs := flag.NewFlagSet("roots-graph", flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, s := range settings {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		fs.StringVar(s.value, s.flag, def, fmt.Sprintf("%s (env %s, default %q)", s.usage, s.env, s.def))
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: roots-graph [flags]\n\nServes the It Takes Roots coalition graph over GraphQL.\n\nFlags:\n")
		fs.PrintDefaults()
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
	if err := c.logLevel.UnmarshalText([]byte(raw.level)); err != nil {
		bad("log-level", "%q is not one of debug, info, warn, error", raw.level)
	}
	if c.loaderWait, err = time.ParseDuration(raw.wait); err != nil || c.loaderWait < 0 || c.loaderWait > time.Second {
		bad("loader-wait", "%q is not a duration between 0 and 1s, such as 500us", raw.wait)
	}
	if c.cacheMaxAge, err = time.ParseDuration(raw.cacheMaxAge); err != nil || c.cacheMaxAge < 0 || c.cacheMaxAge > 24*time.Hour {
		bad("cache-max-age", "%q is not a duration between 0 and 24h, such as 60s", raw.cacheMaxAge)
	}
	if c.introspection, err = strconv.ParseBool(raw.introspection); err != nil {
		bad("introspection", "%q is not true or false", raw.introspection)
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
