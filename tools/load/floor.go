package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// answer is one response as the server sent it.
type answer struct {
	header http.Header
	body   []byte
}

// fetch sends t once and returns the answer, which must be a 200 without GraphQL errors: a run of
// a query that fails measures nothing useful.
func fetch(ctx context.Context, c *http.Client, t target) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(t.body))
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if t.gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := c.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	if resp.StatusCode != http.StatusOK || bytes.HasPrefix(body, []byte(`{"errors"`)) {
		return answer{}, fmt.Errorf("status %d: %.300s", resp.StatusCode, body)
	}
	return answer{header: resp.Header, body: body}, nil
}

// floor is the least any server can cost: a static handler on loopback that answers every
// request with the same headers and bytes a real answer had, having read the request's body.
type floor struct {
	srv *http.Server
	url string
}

// startFloor serves a on a free loopback port until close.
func startFloor(a answer) (*floor, error) {
	header := a.header.Clone()
	// net/http sets these per response, as it does for the real server.
	for _, k := range []string{"Date", "Content-Length", "Transfer-Encoding"} {
		header.Del(k)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{
		ReadHeaderTimeout: 5 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			for k, v := range header {
				w.Header()[k] = v
			}
			_, _ = w.Write(a.body)
		}),
	}
	go func() { _ = srv.Serve(ln) }()
	return &floor{srv: srv, url: "http://" + ln.Addr().String() + "/graphql"}, nil
}

func (f *floor) close() { _ = f.srv.Close() }
