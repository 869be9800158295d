package main

import (
	"context"
	"crypto/rand"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// TestRunDrainDelay shows shutdown behind a load balancer: once the signal comes, /readyz answers
// 503 while queries are still answered, for --drain-delay, and then the server stops.
func TestRunDrainDelay(t *testing.T) {
	env := map[string]string{
		"ROOTS_ADDR":     "127.0.0.1:0",
		"ROOTS_DATA_DIR": t.TempDir(),
		"ROOTS_DATABASE": "drain_" + rand.Text()[:12],
		"MONGODB_URI":    os.Getenv("MONGODB_URI"),
	}
	if uri := env["MONGODB_URI"]; uri != "" {
		t.Cleanup(func() { dropDatabase(t, uri, env["ROOTS_DATABASE"]) })
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Long enough for two requests on a busy machine; the test waits for events, not times.
	addr, logs, done := started(t, ctx, env, "--drain-delay", "5s", "--shutdown-grace", "5s")
	cancel()
	for logs.logLine("shutting down") == nil {
		time.Sleep(10 * time.Millisecond)
	}
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/readyz while draining = %v, %v; want 503", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(`{"query":"{ alliances { totalCount } }"}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("a query while draining = %v, %v; want 200", resp, err)
	}
	resp.Body.Close()
	if err := <-done; err != nil {
		t.Errorf("run returned %v after draining; want nil", err)
	}
	if logs.logLine("stopped") == nil {
		t.Errorf("no \"stopped\" log line after draining")
	}
}
