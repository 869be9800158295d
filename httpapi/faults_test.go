package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"rootsgraph/apitest"
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
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	faultSeed(t, s)

	hs, logs := faultServer(t, s, 8*time.Second)
	// The guard against a request that never returns; no assertion is about time.
	client := &http.Client{Timeout: 10 * time.Second}

	const query = `{ organizations(first: 5) { totalCount edges { node { id name state { code } alliances { name } } } } }`
	ask := func() (int, apitest.Response, []byte, error) {
		resp, err := client.Post(hs.URL+"/graphql", "application/json", strings.NewReader(apitest.Body(query, nil)))
		if err != nil {
			return 0, apitest.Response{}, nil, err
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			return resp.StatusCode, apitest.Response{}, raw, err
		}
		var out apitest.Response
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
	if err != nil || code != 200 || len(out.Errors) > 0 || !bytes.Contains(before, []byte(`"totalCount":265`)) {
		t.Fatalf("with the database up: %d %s (%v); want 200 with 265 organizations", code, before, err)
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
	if code != http.StatusServiceUnavailable || gotCode != "SERVICE_UNAVAILABLE" {
		t.Errorf("query with the database stopped: %d %q; want 503 SERVICE_UNAVAILABLE: %s", code, gotCode, raw)
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
	for i := 0; logs.LogLine(wentAway) == nil; i++ { // the watch pings twice a second
		if i == 100 {
			t.Fatalf("the log never said the database went away:\n%s", logs)
		}
		time.Sleep(100 * time.Millisecond)
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
	// Requests are served again from the watch's next good ping (at most half a second plus a
	// ping's timeout after /readyz's own ping succeeded): it logs the moment.
	checkOutageLogged(t, logs)
	code, out, after, err := ask()
	if err != nil || code != 200 || len(out.Errors) > 0 {
		t.Fatalf("query after the restart: %d %s (%v); want 200", code, after, err)
	}
	if !bytes.Equal(after, before) {
		t.Errorf("answer after the restart differs:\n%s\nbefore:\n%s", after, before)
	}
}

// faultServer serves s over HTTP as run does, with the database watch running and the response
// cache off (every query must reach the database), giving each request timeout; it returns the
// server and its log.
func faultServer(t *testing.T, s *store.Store, timeout time.Duration) (*httptest.Server, *apitest.LockedBuffer) {
	t.Helper()
	logs := &apitest.LockedBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	opts := testOptions()
	opts.Limits = DefaultLimits
	opts.RequestTimeout = timeout
	opts.ResponseCacheTTL = 0
	ctx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	opts.Watch = NewWatch(s, logger, nil)
	go opts.Watch.Run(ctx)
	hs := httptest.NewServer(New(logger, s, opts))
	t.Cleanup(hs.Close)
	return hs, logs
}

// faultSeed loads the bundled data set into s.
func faultSeed(t *testing.T, s *store.Store) {
	t.Helper()
	if _, err := s.Seed(context.Background(), storetest.Bundled(t, 1), storetest.Fixed); err != nil {
		t.Fatal(err)
	}
}

const wentAway = "database went away: requests answer 503 SERVICE_UNAVAILABLE until it is back"

// checkOutageLogged waits until the log says the database came back, then checks that it said
// once that it went away and once that it came back, with how long it was gone.
func checkOutageLogged(t *testing.T, logs *apitest.LockedBuffer) {
	t.Helper()
	for range 100 {
		if logs.LogLine("database came back") != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	count := func(msg string) int { return strings.Count(logs.String(), `"msg":"`+msg+`"`) }
	if n := count(wentAway); n != 1 {
		t.Errorf("%d log lines say the database went away; want 1:\n%s", n, logs)
	}
	back := logs.LogLine("database came back")
	if n := count("database came back"); n != 1 || back == nil || back["down_for"] == nil {
		t.Errorf("%d log lines say the database came back (%v); want 1, with down_for", n, back)
	}
}

// freezer relays a Unix socket to the database's and can stop relaying, as a database that hangs
// (connections open, nothing answered) would.
type freezer struct {
	path   string
	frozen atomic.Bool
}

func newFreezer(t *testing.T, target string) *freezer {
	t.Helper()
	f := &freezer{path: filepath.Join(t.TempDir(), "proxy.sock")}
	ln, err := net.Listen("unix", f.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			db, err := net.Dial("unix", target)
			if err != nil {
				c.Close()
				continue
			}
			go f.relay(c, db)
			go f.relay(db, c)
		}
	}()
	return f
}

func (f *freezer) relay(from, to net.Conn) {
	defer from.Close()
	defer to.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := from.Read(buf)
		for f.frozen.Load() {
			time.Sleep(10 * time.Millisecond)
		}
		if n > 0 {
			if _, werr := to.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (f *freezer) uri() string { return "mongodb://" + strings.ReplaceAll(f.path, "/", "%2F") + "/" }

// TestFaultDatabaseHung makes the database hang under a running server (connections stay open,
// nothing is answered): requests in flight and new ones answer 503 SERVICE_UNAVAILABLE as JSON,
// although each has 30 s of its own (so only the watch's cancellation can have ended them), the
// log says once that the database went away and once that it came back, and service resumes by
// itself.
func TestFaultDatabaseHung(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := faultStart(t, t.TempDir())
	t.Cleanup(srv.Close)
	socket, _ := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(srv.URI(), "mongodb://"), "/"))
	proxy := newFreezer(t, socket)
	s, err := store.Open(ctx, store.Config{URI: proxy.uri(), Database: "hung"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.frozen.Store(false); _ = s.Close(context.Background()) })
	faultSeed(t, s)
	hs, logs := faultServer(t, s, 30*time.Second)
	client := &http.Client{Timeout: 60 * time.Second} // a guard, not an assertion
	const query = `{ organizations(first: 5) { totalCount } }`
	type answer struct {
		status int
		kind   string
		code   string
		took   time.Duration
	}
	ask := func() answer {
		start := time.Now()
		resp, err := client.Post(hs.URL+"/graphql", "application/json", strings.NewReader(apitest.Body(query, nil)))
		if err != nil {
			return answer{code: err.Error()}
		}
		defer resp.Body.Close()
		var out apitest.Response
		_ = json.NewDecoder(resp.Body).Decode(&out)
		a := answer{status: resp.StatusCode, kind: resp.Header.Get("Content-Type"), took: time.Since(start)}
		if len(out.Errors) > 0 {
			a.code, _ = out.Errors[0].Extensions["code"].(string)
		}
		return a
	}
	if a := ask(); a.status != 200 || a.code != "" {
		t.Fatalf("with the database answering: %+v", a)
	}

	proxy.frozen.Store(true)
	answers := make(chan answer, 3)
	for range 3 {
		go func() { answers <- ask() }() // in flight when the database hangs
	}
	for range 3 {
		a := <-answers
		t.Logf("in flight while the database hung: %+v", a)
		if a.status != http.StatusServiceUnavailable || a.code != "SERVICE_UNAVAILABLE" || !strings.HasPrefix(a.kind, "application/json") {
			t.Errorf("in flight while the database hung: %+v; want 503 SERVICE_UNAVAILABLE as JSON", a)
		}
	}
	if a := ask(); a.status != http.StatusServiceUnavailable || a.code != "SERVICE_UNAVAILABLE" {
		t.Errorf("a new request while the database hangs: %+v; want 503 SERVICE_UNAVAILABLE", a)
	} else {
		t.Logf("a new request while the database hangs: %+v", a)
	}

	proxy.frozen.Store(false)
	for range 300 {
		if a := ask(); a.status == 200 && a.code == "" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if a := ask(); a.status != 200 || a.code != "" {
		t.Fatalf("after the database answers again: %+v; want 200", a)
	}
	checkOutageLogged(t, logs)
}

// TestWatchTellsABusyDatabaseFromAGoneOne: a ping that times out while the database goes on
// answering the server's own commands (a saturated machine under load) is not an outage: no
// request is cancelled and nothing is logged; the same ping failing while nothing is answered is.
func TestWatchTellsABusyDatabaseFromAGoneOne(t *testing.T) {
	var answered atomic.Uint64
	busy := true
	ping := func(context.Context) error {
		if busy {
			answered.Add(3) // other requests' commands were answered meanwhile
		}
		return context.DeadlineExceeded
	}
	logs := &apitest.LockedBuffer{}
	w := &Watch{ping: ping, answered: answered.Load, logger: slog.New(slog.NewJSONHandler(logs, nil)),
		flights: map[*context.CancelCauseFunc]struct{}{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	time.Sleep(3 * watchEvery)
	if w.down.Load() || logs.LogLine("database went away: requests answer 503 SERVICE_UNAVAILABLE until it is back") != nil {
		t.Errorf("a busy database that answers commands was taken for gone:\n%s", logs)
	}
	cancel()
	<-done

	busy = false
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx)
	deadline := time.Now().Add(10 * time.Second)
	for !w.down.Load() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !w.down.Load() {
		t.Error("a database that answers nothing was not taken for gone")
	}
}
