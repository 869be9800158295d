package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"rootsgraph/dataset"
	"rootsgraph/embedded"
	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

// faultStart starts the embedded database on dir's socket, retrying briefly while the server
// stopped before is still letting go of the folder.
func faultStart(t *testing.T, dir string) *embedded.Server {
	t.Helper()
	var lastErr error
	for range 50 {
		srv, err := embedded.Start(context.Background(), dir, nil)
		if err == nil {
			return srv
		}
		lastErr = err
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("start the embedded database on %s: %v", dir, lastErr)
	return nil
}

// TestFaultDatabaseStoppedAndRestarted stops the database under a running server: queries answer
// SERVICE_UNAVAILABLE within the request, /readyz says 503 while /healthz stays 200; when the
// database comes back on the same socket with the same files, the server finds it again by
// itself and answers as before.
func TestFaultDatabaseStoppedAndRestarted(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var db atomic.Pointer[embedded.Server]
	db.Store(faultStart(t, dir))
	t.Cleanup(func() {
		if d := db.Load(); d != nil {
			d.Close()
		}
	})

	s, err := store.Open(ctx, store.Config{URI: db.Load().URI(), Database: "faults"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Close(ctx)
	})
	set, err := dataset.Read(dataset.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	docs, err := set.Documents(storetest.Fixed)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Seed(ctx, docs, storetest.Fixed); err != nil {
		t.Fatal(err)
	}

	logs := &lockedBuffer{}
	opts := testOptions()
	opts.limits = defaultLimits
	opts.requestTimeout = 8 * time.Second
	opts.responseCacheTTL = 0 // every query below must reach the database
	hs := httptest.NewServer(newServer(slog.New(slog.NewJSONHandler(logs, nil)), s, opts))
	t.Cleanup(hs.Close)
	// The guard against a request that never returns; no assertion is about time.
	client := &http.Client{Timeout: 10 * time.Second}

	const query = `{ organizations(first: 5) { totalCount edges { node { id name state { code } alliances { name } } } } }`
	ask := func() (int, gqlResponse, []byte, error) {
		resp, err := client.Post(hs.URL+"/graphql", "application/json", strings.NewReader(safetyBody(query, nil)))
		if err != nil {
			return 0, gqlResponse{}, nil, err
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			return resp.StatusCode, gqlResponse{}, raw, err
		}
		var out gqlResponse
		if err := json.Unmarshal(raw, &out); err != nil {
			return resp.StatusCode, out, raw, fmt.Errorf("answer is not JSON: %w: %s", err, raw)
		}
		return resp.StatusCode, out, raw, nil
	}
	status := func(path string) int {
		resp, err := client.Get(hs.URL + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	code, out, before, err := ask()
	if err != nil || code != 200 || len(out.Errors) > 0 || !bytes.Contains(before, []byte(`"totalCount":166`)) {
		t.Fatalf("with the database up: %d %s (%v); want 200 with 166 organizations", code, before, err)
	}
	if got := status("/readyz"); got != 200 {
		t.Fatalf("/readyz with the database up: %d; want 200", got)
	}

	db.Swap(nil).Close()

	code, out, raw, err := ask()
	if err != nil {
		t.Fatalf("query with the database stopped: %v; want an answer within the request", err)
	}
	gotCode := ""
	if len(out.Errors) > 0 {
		gotCode, _ = out.Errors[0].Extensions["code"].(string)
	}
	t.Logf("query with the database stopped: %d %s", code, raw)
	if gotCode != "SERVICE_UNAVAILABLE" && gotCode != "TIMEOUT" {
		t.Errorf("query with the database stopped: code %q; want SERVICE_UNAVAILABLE (or TIMEOUT): %s", gotCode, raw)
	}
	for _, leak := range []string{"127.0.0.1", "server selection", "connection refused", "mongo", ".go:"} {
		if bytes.Contains(bytes.ToLower(raw), []byte(leak)) {
			t.Errorf("the answer leaks %q: %s", leak, raw)
		}
	}
	if got := status("/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the database stopped: %d; want 503", got)
	}
	if got := status("/healthz"); got != 200 {
		t.Errorf("/healthz with the database stopped: %d; want 200 (the process is fine)", got)
	}
	if logs.logLine("database unavailable") == nil {
		t.Errorf("no \"database unavailable\" log line:\n%s", logs)
	}

	db.Store(faultStart(t, dir))
	ready := false
	for range 300 { // up to about 30 s: the driver finds the server again on its next check
		if status("/readyz") == 200 {
			ready = true
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !ready {
		t.Fatal("/readyz did not come back to 200 after the database restarted")
	}
	code, out, after, err := ask()
	if err != nil || code != 200 || len(out.Errors) > 0 {
		t.Fatalf("query after the restart: %d %s (%v); want 200", code, after, err)
	}
	if !bytes.Equal(after, before) {
		t.Errorf("answer after the restart differs:\n%s\nbefore:\n%s", after, before)
	}
}

// faultDeepQuery nests eleven levels across every kind of record, within the default limits.
const faultDeepQuery = `{ alliances { edges { node { name members(first: 5) { edges { node { name state { name }
  alliances { name } events(first: 3) { edges { node { name hubs(first: 2) { totalCount } } } } } } } } } } }`

// TestSIGTERMUnderLoad starts the program, keeps eight clients sending a deep query, and sends
// SIGTERM part-way: run returns nil within the grace period, every request that got an answer got
// the whole answer, and requests after the shutdown fail to connect.
func TestSIGTERMUnderLoad(t *testing.T) {
	env := map[string]string{
		"ROOTS_ADDR":               "127.0.0.1:0",
		"ROOTS_DATA_DIR":           t.TempDir(),
		"ROOTS_DATABASE":           "sigterm_" + rand.Text()[:12],
		"MONGODB_URI":              os.Getenv("MONGODB_URI"),
		"ROOTS_SHUTDOWN_GRACE":     "10s",
		"ROOTS_RESPONSE_CACHE_TTL": "0", // every request does its database work
	}
	if uri := env["MONGODB_URI"]; uri != "" {
		t.Cleanup(func() { dropDatabase(t, uri, env["ROOTS_DATABASE"]) })
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	addr, logs, done := started(t, ctx, env)
	url := "http://" + addr + "/graphql"
	body := safetyBody(faultDeepQuery, nil)

	post := func(c *http.Client) (int, []byte, error) {
		resp, err := c.Post(url, "application/json", strings.NewReader(body))
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		return resp.StatusCode, raw, err
	}
	client := &http.Client{Timeout: 20 * time.Second}
	code, want, err := post(client)
	if err != nil || code != 200 || !json.Valid(want) || bytes.Contains(want, []byte(`"errors"`)) {
		t.Fatalf("the deep query before the load: %d %s (%v); want 200 with data", code, want, err)
	}

	const clients, perClient, signalAfter = 8, 30, 40
	var (
		answered, failed atomic.Int64
		signalOnce       sync.Once
		mu               sync.Mutex
		bad              []string
		wg               sync.WaitGroup
	)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{}}
			defer c.CloseIdleConnections()
			for range perClient {
				code, raw, err := post(c)
				switch {
				case err != nil && code == 0:
					failed.Add(1) // no answer at all: refused, or the connection closed unused
				case err != nil || code != 200 || !bytes.Equal(raw, want):
					mu.Lock()
					bad = append(bad, fmt.Sprintf("%d %s (%v)", code, truncate(raw, 300), err))
					mu.Unlock()
				default:
					if answered.Add(1) == signalAfter {
						signalOnce.Do(func() {
							if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
								t.Error(err)
							}
						})
					}
				}
			}
		}()
	}
	wg.Wait()

	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run returned %v after SIGTERM under load; want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return within 30 s of SIGTERM")
	}
	t.Logf("%d complete answers, %d requests refused at connection, %d broken", answered.Load(), failed.Load(), len(bad))
	for _, b := range bad {
		t.Errorf("a request got a broken or wrong answer: %s", b)
	}
	if answered.Load() < signalAfter {
		t.Errorf("%d complete answers; want at least the %d before SIGTERM", answered.Load(), signalAfter)
	}
	if logs.logLine("stopped") == nil {
		t.Errorf("no \"stopped\" log line after SIGTERM")
	}
	_, _, err = post(&http.Client{Timeout: 5 * time.Second})
	var opErr *net.OpError
	if err == nil || !errors.As(err, &opErr) || opErr.Op != "dial" {
		t.Errorf("a request after the shutdown: %v; want a failure to connect", err)
	}
}
