package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sync"
	"time"
)

// target is what one run sends: the same request, again and again.
type target struct {
	url     string // the GraphQL endpoint
	body    []byte // the JSON request
	gzip    bool   // ask for gzip (and then check the status only)
	timeout time.Duration
}

// result is what one run measured on the client side.
type result struct {
	requests  int
	errors    int
	firstErr  string
	elapsed   time.Duration
	latencies []time.Duration // sorted
	bytes     int             // size of the last answer
}

func (r result) perSecond() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// newClient returns an HTTP client that keeps a connection open per worker, so that a run
// measures requests and not TCP handshakes.
func newClient(concurrency int, timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			MaxIdleConns:        concurrency * 2,
			MaxIdleConnsPerHost: concurrency * 2,
			IdleConnTimeout:     30 * time.Second,
			// Compression is asked for explicitly (-gzip), never added and undone behind our back.
			DisableCompression: true,
		},
	}
}

// send makes one request and says whether it failed: a transport error, a status other than 200,
// or a GraphQL answer with errors (gqlgen writes the errors member first).
func send(ctx context.Context, c *http.Client, t target, buf *bytes.Buffer) (size int, failure string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(t.body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	if t.gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	buf.Reset()
	if _, err := io.Copy(buf, resp.Body); err != nil {
		return 0, "read body: " + err.Error()
	}
	if resp.StatusCode != http.StatusOK {
		return buf.Len(), fmt.Sprintf("status %d: %.200s", resp.StatusCode, buf.Bytes())
	}
	if !t.gzip && bytes.HasPrefix(buf.Bytes(), []byte(`{"errors"`)) {
		return buf.Len(), fmt.Sprintf("GraphQL errors: %.200s", buf.Bytes())
	}
	return buf.Len(), ""
}

// load sends t from concurrency workers, each waiting for its answer before sending again (a
// closed loop), until d has passed; then it waits for the requests in flight.
func load(ctx context.Context, c *http.Client, t target, concurrency int, d time.Duration) result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu  sync.Mutex
		out result
		wg  sync.WaitGroup
	)
	start := time.Now()
	for range concurrency {
		wg.Go(func() {
			var lat []time.Duration
			var errs, size int
			var firstErr string
			buf := &bytes.Buffer{}
			for ctx.Err() == nil {
				began := time.Now()
				// A request in flight when time is up may finish: it was sent within the run.
				n, failure := send(context.WithoutCancel(ctx), c, t, buf)
				lat = append(lat, time.Since(began))
				size = max(size, n)
				if failure != "" {
					errs++
					if firstErr == "" {
						firstErr = failure
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			out.latencies = append(out.latencies, lat...)
			out.errors += errs
			out.bytes = max(out.bytes, size)
			if out.firstErr == "" {
				out.firstErr = firstErr
			}
		})
	}
	wg.Wait()
	out.elapsed = time.Since(start)
	out.requests = len(out.latencies)
	slices.Sort(out.latencies)
	return out
}

// percentile returns the nearest-rank p-th percentile (0 < p ≤ 100) of sorted latencies, or 0
// when there are none.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(float64(len(sorted))*p/100)) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}
