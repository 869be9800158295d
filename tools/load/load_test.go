package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var sorted []time.Duration
	for i := 1; i <= 100; i++ {
		sorted = append(sorted, time.Duration(i)*time.Millisecond)
	}
	cases := []struct {
		p    float64
		want time.Duration
	}{
		{50, 50 * time.Millisecond},
		{90, 90 * time.Millisecond},
		{99, 99 * time.Millisecond},
		{99.5, 100 * time.Millisecond},
		{100, 100 * time.Millisecond},
		{0.1, 1 * time.Millisecond},
	}
	for _, c := range cases {
		if got := percentile(sorted, c.p); got != c.want {
			t.Errorf("percentile(1..100 ms, %v) = %v; want %v", c.p, got, c.want)
		}
	}
	if got := percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("percentile of one value = %v; want it", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("percentile of none = %v; want 0", got)
	}
}

func TestParseMetrics(t *testing.T) {
	text := `# HELP roots_db_commands_total Database commands by name and outcome.
# TYPE roots_db_commands_total counter
roots_db_commands_total{command="find",outcome="ok"} 120
roots_db_commands_total{command="aggregate",outcome="ok"} 30
roots_db_commands_total{command="find",outcome="error"} 2
roots_http_requests_total{operation="odd} \"name",route="graphql",status="200"} 5
go_memstats_mallocs_total 1.234567e+06
process_resident_memory_bytes 5.24288e+07 1700000000000
not a metric line
`
	got, err := parseMetrics(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]float64{
		dbCommandsMetric:            152,
		"roots_http_requests_total": 5,
		mallocsMetric:               1234567,
		rssMetric:                   52428800,
	} {
		if got[name] != want {
			t.Errorf("%s = %v; want %v", name, got[name], want)
		}
	}
}

func TestParseVmRSS(t *testing.T) {
	got, err := parseVmRSS(strings.NewReader("Name:\tserver\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n"))
	if err != nil || got != 100<<20 {
		t.Errorf("parseVmRSS = %v, %v; want %v", got, err, 100<<20)
	}
}

// TestLoadCountsErrors runs a short load against a handler that fails every third request in
// each way the tool recognises, and a floor built from one of its answers.
func TestLoadCountsErrors(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) % 3 {
		case 1:
			fmt.Fprint(w, `{"data":{"ok":true}}`)
		case 2:
			fmt.Fprint(w, `{"errors":[{"message":"no"}],"data":null}`)
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	client := newClient(1, 5*time.Second)
	tg := target{url: srv.URL, body: []byte(`{"query":"{ ok }"}`)}
	r := load(context.Background(), client, tg, 1, 50*time.Millisecond)
	if r.requests < 3 {
		t.Fatalf("%d requests; want at least 3", r.requests)
	}
	if want := r.requests - (r.requests+2)/3; r.errors != want {
		t.Errorf("%d errors in %d requests; want %d", r.errors, r.requests, want)
	}

	n.Store(0)
	a, err := fetch(context.Background(), client, tg)
	if err != nil {
		t.Fatal(err)
	}
	fl, err := startFloor(a)
	if err != nil {
		t.Fatal(err)
	}
	defer fl.close()
	ft := tg
	ft.url = fl.url
	fr := load(context.Background(), client, ft, 2, 20*time.Millisecond)
	if fr.errors != 0 || fr.bytes != len(`{"data":{"ok":true}}`) {
		t.Errorf("floor: %d errors, %d bytes; want none and the answer's %d", fr.errors, fr.bytes, len(a.body))
	}
}

func TestParseStatCPU(t *testing.T) {
	// A command name with a space and a parenthesis, as /proc shows it; utime 250 and stime 50
	// ticks are 3 s at 100 ticks a second.
	line := "4242 (ferret db) (x) S 1 4242 4242 0 -1 4194560 1200 0 0 0 250 50 0 0 20 0 12 0 100 1000000 2000 18446744073709551615\n"
	got, err := parseStatCPU(line)
	if err != nil || got != 3*time.Second {
		t.Errorf("parseStatCPU = %v, %v; want 3s", got, err)
	}
	if _, err := parseStatCPU("4242 S 1"); err == nil {
		t.Error("a line without a command name was read")
	}
	// This process's own CPU time grows while it works (in ticks of 10 ms).
	start, err := processCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	now, x := start, 0
	for deadline := time.Now().Add(5 * time.Second); now <= start && time.Now().Before(deadline); {
		for i := range 1_000_000 {
			x ^= i * i
		}
		if now, err = processCPU(os.Getpid()); err != nil {
			t.Fatal(err)
		}
	}
	if now <= start {
		t.Errorf("this process's CPU time stayed at %v while it computed (%d)", start, x)
	}
}
