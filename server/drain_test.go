package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"rootsgraph/apitest"
)

// TestRunDrainDelay shows shutdown behind a load balancer: once the signal comes, /readyz answers
// 503 while queries are still answered, for --drain-delay, and then the server stops.
func TestRunDrainDelay(t *testing.T) {
	env := runEnv(t, "drain", nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Long enough for two requests on a busy machine; the test waits for events, not times.
	addr, logs, done := started(t, ctx, env, "--drain-delay", "5s", "--shutdown-grace", "5s")
	cancel()
	for logs.LogLine("shutting down") == nil {
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
	if logs.LogLine("stopped") == nil {
		t.Errorf("no \"stopped\" log line after draining")
	}
}

// faultDeepQuery nests eleven levels across every kind of record, within the default limits.
const faultDeepQuery = `{ alliances { edges { node { name members(first: 5) { edges { node { name state { name }
  alliances { name } events(first: 3) { edges { node { name hubs(first: 2) { totalCount } } } } } } } } } } }`

// TestSIGTERMUnderLoad starts the program, keeps eight clients sending a deep query, and sends
// SIGTERM part-way: run returns nil within the grace period, every request that got an answer got
// the whole answer, and requests after the shutdown fail to connect.
func TestSIGTERMUnderLoad(t *testing.T) {
	env := runEnv(t, "sigterm", map[string]string{
		"ROOTS_SHUTDOWN_GRACE":     "10s",
		"ROOTS_RESPONSE_CACHE_TTL": "0", // every request does its database work
	})
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	addr, logs, done := started(t, ctx, env)
	url := "http://" + addr + "/graphql"
	body := apitest.Body(faultDeepQuery, nil)

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
					bad = append(bad, fmt.Sprintf("%d %s (%v)", code, apitest.Truncate(raw, 300), err))
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
	if logs.LogLine("stopped") == nil {
		t.Errorf("no \"stopped\" log line after SIGTERM")
	}
	_, _, err = post(&http.Client{Timeout: 5 * time.Second})
	var opErr *net.OpError
	if err == nil || !errors.As(err, &opErr) || opErr.Op != "dial" {
		t.Errorf("a request after the shutdown: %v; want a failure to connect", err)
	}
}
