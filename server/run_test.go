package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rootsgraph/apitest"
)

// runEnv is the environment of a program that a test runs: any free port, a data folder and a
// database of its own (dropped after the test on a MONGODB_URI deployment), and extra.
func runEnv(t *testing.T, name string, extra map[string]string) map[string]string {
	t.Helper()
	env := map[string]string{
		"ROOTS_ADDR":     "127.0.0.1:0",
		"ROOTS_DATA_DIR": t.TempDir(),
		"ROOTS_DATABASE": name + "_" + rand.Text()[:12],
		"MONGODB_URI":    os.Getenv("MONGODB_URI"),
	}
	maps.Copy(env, extra)
	if uri := env["MONGODB_URI"]; uri != "" {
		t.Cleanup(func() { dropDatabase(t, uri, env["ROOTS_DATABASE"]) })
	}
	return env
}

// started runs the program as main would, with env as its environment, and returns the address it
// listens on once /healthz answers, and a channel that delivers run's result.
func started(t *testing.T, ctx context.Context, env map[string]string, args ...string) (string, *apitest.LockedBuffer, <-chan error) {
	t.Helper()
	stdout, stderr := &apitest.LockedBuffer{}, &apitest.LockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"roots-graph"}, args...), func(k string) string { return env[k] }, stdout, stderr)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("run returned before serving: %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
		default:
		}
		if line := stdout.LogLine("serving"); line != nil {
			addr := line["addr"].(string)
			resp, err := http.Get("http://" + addr + "/healthz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return addr, stdout, done
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the server did not answer /healthz within 60 s\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
	return "", nil, nil
}

// TestRun starts the program on port 0 with the embedded database (or MONGODB_URI when set), waits
// for /healthz, queries it over HTTP, and stops it with SIGTERM; a second start on the same data
// finds the data already there and changes nothing.
func TestRun(t *testing.T) {
	env := runEnv(t, "run", nil)

	for i, wantData := range []string{"seeded", "already seeded"} {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
		addr, logs, done := started(t, ctx, env)

		if line := logs.LogLine("database"); line == nil {
			t.Errorf("start %d: no log line says which database is in use", i+1)
		}
		if line := logs.LogLine("data"); line == nil || line["bundled"] != wantData {
			t.Errorf("start %d: data log line %v; want bundled=%q", i+1, line, wantData)
		}

		body := strings.NewReader(`{"query":"{ organizations { totalCount } alliance(slug: \"climate-justice-alliance\") { name } }"}`)
		resp, err := http.Post("http://"+addr+"/graphql", "application/json", body)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := `{"data":{"organizations":{"totalCount":265},"alliance":{"name":"Climate Justice Alliance"}},"extensions":{"cost":{"limit":25000000,"requested":42}}}`
		if resp.StatusCode != http.StatusOK || string(raw) != want {
			t.Errorf("start %d: query answered %d %s; want 200 %s", i+1, resp.StatusCode, raw, want)
		}
		if resp, err := http.Get("http://" + addr + "/readyz"); err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("start %d: /readyz = %v, %v; want 200", i+1, resp, err)
		}

		if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("start %d: run returned %v after SIGTERM; want nil", i+1, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("start %d: run did not return within 30 s of SIGTERM", i+1)
		}
		stop()
		if logs.LogLine("stopped") == nil {
			t.Errorf("start %d: no \"stopped\" log line after SIGTERM:\n%s", i+1, logs)
		}
		if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
			t.Errorf("start %d: the server still answers after it stopped", i+1)
		}
	}
}

func dropDatabase(t *testing.T, uri, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Errorf("drop %s: %v", name, err)
		return
	}
	defer c.Disconnect(ctx)
	if err := c.Database(name).Drop(ctx); err != nil {
		t.Errorf("drop %s: %v", name, err)
	}
}

// TestRunConfiguration shows that a bad setting stops start-up with a message that names it, and
// that --help lists every setting with its environment variable.
func TestRunConfiguration(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"AddrFlag", []string{"--addr", "8080"}, nil, "--addr (ROOTS_ADDR)"},
		{"AddrEnv", nil, map[string]string{"ROOTS_ADDR": "localhost"}, "--addr (ROOTS_ADDR)"},
		{"MongoURI", []string{"--mongodb-uri", "postgres://x"}, nil, "--mongodb-uri (MONGODB_URI)"},
		{"Database", []string{"--database", "a/b"}, nil, "--database (ROOTS_DATABASE)"},
		{"CORSOrigin", []string{"--cors-origins", "example.org"}, nil, "--cors-origins (ROOTS_CORS_ORIGINS)"},
		{"ShutdownGrace", nil, map[string]string{"ROOTS_SHUTDOWN_GRACE": "soon"}, "--shutdown-grace (ROOTS_SHUTDOWN_GRACE)"},
		{"LogLevel", []string{"--log-level", "loud"}, nil, "--log-level (ROOTS_LOG_LEVEL)"},
		{"SampleScale", []string{"--sample-scale", "0"}, nil, "--sample-scale (ROOTS_SAMPLE_SCALE)"},
		{"ReferenceOutlivesAnswers", []string{"--response-cache-ttl", "2s", "--reference-cache-ttl", "10s"}, nil, "--reference-cache-ttl (ROOTS_REFERENCE_CACHE_TTL)"},
		{"Unknown flag", []string{"--port", "1"}, nil, "flag provided but not defined: -port"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"roots-graph"}, c.args...),
				func(k string) string { return c.env[k] }, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error()+stderr.String(), c.want) {
				t.Errorf("run = %v (stderr %q); want an error naming %q", err, stderr.String(), c.want)
			}
			if stdout.Len() > 0 {
				t.Errorf("run started logging before refusing the configuration: %s", stdout.String())
			}
		})
	}
	t.Run("Help", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"roots-graph", "--help"}, func(string) string { return "" }, &stdout, &stderr)
		if err != nil && !errors.Is(err, nil) {
			t.Errorf("--help returned %v; want nil", err)
		}
		for _, env := range []string{"ROOTS_ADDR", "MONGODB_URI", "ROOTS_DATABASE", "ROOTS_DATA_DIR", "ROOTS_CORS_ORIGINS"} {
			if !strings.Contains(stderr.String(), env) {
				t.Errorf("--help does not mention %s:\n%s", env, stderr.String())
			}
		}
		for _, command := range []string{"go run ./server keys", "go run ./server import", "go run ./server export"} {
			if !strings.Contains(stderr.String(), command) {
				t.Errorf("--help does not mention the command %q:\n%s", command, stderr.String())
			}
		}
		checkFlagHelp(t, "--help", stderr.String())
	})
	for _, command := range [][]string{{"keys", "create"}, {"keys", "list"}, {"import"}, {"export"}} {
		t.Run("Help "+strings.Join(command, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			_ = run(context.Background(), append(append([]string{"roots-graph"}, command...), "--help"), func(string) string { return "" }, &stdout, &stderr)
			if !strings.Contains(stderr.String(), "--data-dir folder") {
				t.Errorf("%s --help does not list the database settings:\n%s", command, stderr.String())
			}
			checkFlagHelp(t, strings.Join(command, " ")+" --help", stderr.String())
		})
	}
}

// TestReferenceDataLivesNoLongerThanCachedAnswers: the states and alliances kept in memory follow
// the response cache's TTL unless told a shorter one, so turning the response cache off reads
// them from the database for every request too.
func TestReferenceDataLivesNoLongerThanCachedAnswers(t *testing.T) {
	for _, c := range []struct {
		args []string
		want time.Duration
	}{
		{nil, 10 * time.Second},
		{[]string{"--response-cache-ttl", "0"}, 0},
		{[]string{"--response-cache-ttl", "30s"}, 30 * time.Second},
		{[]string{"--response-cache-ttl", "30s", "--reference-cache-ttl", "5s"}, 5 * time.Second},
		{[]string{"--response-cache-ttl", "30s", "--reference-cache-ttl", "0"}, 0},
	} {
		cfg, err := parseConfig(c.args, func(string) string { return "" }, io.Discard)
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if cfg.referenceTTL != c.want {
			t.Errorf("%v: the reference data is kept %s; want %s", c.args, cfg.referenceTTL, c.want)
		}
	}
	_, err := parseConfig([]string{"--response-cache-ttl", "0", "--reference-cache-ttl", "1s"}, func(string) string { return "" }, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "longer than the response cache's TTL (0s)") {
		t.Errorf("a reference TTL longer than a response cache that is off: %v; want it refused", err)
	}
}

// checkFlagHelp fails when a flag's help calls its value a "string" (a Go type, not a kind a
// person can use) or states its default more than once.
func checkFlagHelp(t *testing.T, what, help string) {
	t.Helper()
	flags := 0
	for _, line := range strings.Split(help, "\n") {
		if strings.HasPrefix(line, "  --") {
			flags++
			if strings.HasSuffix(line, " string") || strings.HasSuffix(line, " value") {
				t.Errorf("%s: %q names a Go type, not what to give", what, line)
			}
		}
		if n := strings.Count(line, "default"); n > 1 {
			t.Errorf("%s: %q states its default %d times", what, line, n)
		}
	}
	if flags == 0 {
		t.Errorf("%s lists no flags:\n%s", what, help)
	}
}

// TestRunRefusesABusyPortFirst: a second server on a port in use stops at once with "address
// already in use", before it opens (or creates) a database or logs anything about one.
func TestRunRefusesABusyPortFirst(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := filepath.Join(t.TempDir(), "data")
	env := map[string]string{"ROOTS_ADDR": busy.Addr().String(), "ROOTS_DATA_DIR": dir, "MONGODB_URI": os.Getenv("MONGODB_URI")}
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"roots-graph"}, func(k string) string { return env[k] }, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("run on a busy port = %v; want an error saying the address is in use", err)
	}
	if strings.Contains(stdout.String(), `"database"`) || strings.Contains(stdout.String(), "WARN") {
		t.Errorf("run opened the database or warned before refusing the port:\n%s", stdout.String())
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("run created the data folder before refusing the port (stat: %v)", err)
	}
}

// TestRunProductionNamesNoGraphiQL: in production, where GraphiQL is off, the start-up line gives
// the address and no GraphiQL link that would answer 404; in development the link answers.
func TestRunProductionNamesNoGraphiQL(t *testing.T) {
	for _, profile := range []string{"production", "development"} {
		env := runEnv(t, "run", map[string]string{"ROOTS_PROFILE": profile})
		ctx, cancel := context.WithCancel(context.Background())
		_, logs, done := started(t, ctx, env)
		link, named := logs.LogLine("serving")["graphiql"].(string)
		if named {
			resp, err := http.Get(link)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: the start-up line names GraphiQL at %s, which answers %d", profile, link, resp.StatusCode)
			}
		}
		if named != (profile == "development") {
			t.Errorf("%s: start-up line names GraphiQL: %v; want it named in development only", profile, named)
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("%s: run returned %v", profile, err)
		}
	}
}

// TestRunExportsTraces runs the program with --otlp-endpoint pointing at a stand-in collector and
// shows that the spans of a request reach it over OTLP/HTTP at /v1/traces, by shutdown at the
// latest (shutdown flushes what is buffered), and that the request's log line names its trace.
func TestRunExportsTraces(t *testing.T) {
	var mu sync.Mutex
	var posts []string
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		posts = append(posts, fmt.Sprintf("%s %s %s %d", r.Method, r.URL.Path, r.Header.Get("Content-Type"), len(body)))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer collector.Close()
	env := runEnv(t, "trace", nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, logs, done := started(t, ctx, env, "--otlp-endpoint", collector.URL)
	if line := logs.LogLine("tracing"); line == nil || line["otlp"] != collector.URL+"/v1/traces" {
		t.Errorf("tracing log line %v; want otlp=%s/v1/traces", line, collector.URL)
	}
	resp, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(`{"query":"query Count { organizations { totalCount } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run returned %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posts) == 0 || !strings.HasPrefix(posts[0], "POST /v1/traces application/x-protobuf ") || strings.HasSuffix(posts[0], " 0") {
		t.Errorf("the collector received %q; want a POST of protobuf spans to /v1/traces", posts)
	}
	if line := logs.LogLine("request"); line == nil || line["trace_id"] == nil {
		t.Errorf("request log line %v; want a trace_id", line)
	}
}
