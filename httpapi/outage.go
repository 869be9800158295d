package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"rootsgraph/store"
)

// errDatabaseDown is the cause with which requests in flight are cancelled when the database stops
// answering. It is a store.ErrUnavailable, so it is answered SERVICE_UNAVAILABLE.
var errDatabaseDown = fmt.Errorf("the database stopped answering: %w", store.ErrUnavailable)

// Watch follows whether the database answers, so that an outage costs requests a few seconds,
// not their whole time: it pings every watchEvery with watchTimeout to answer. The first ping
// refused, or pings timing out for watchHung while no command is answered, mark the database
// down (logged once) and cancel every request in flight with errDatabaseDown; while it is down,
// requests start already cancelled, so those that need the database fail at once. The first ping
// that succeeds marks it up (logged once, with how long it was gone). It changes no data.
type Watch struct {
	ping func(context.Context) error
	// answered counts the commands the database answered to the server's own client (nil: none
	// are seen). A ping that fails while that count moves was slow behind a busy database, which
	// is answering: that is load, not an outage, and cancelling every request would turn it into
	// one.
	answered func() uint64
	logger   *slog.Logger
	down     atomic.Bool
	mu       sync.Mutex
	since    time.Time // when it went down
	flights  map[*context.CancelCauseFunc]struct{}
}

const (
	watchEvery   = 500 * time.Millisecond
	watchTimeout = time.Second
	// watchHung is how long pings must go on timing out, with no command answered meanwhile,
	// before the database counts as hung. One long command (a deep network query on a large data
	// set holds the embedded database for seconds) answers nothing for a while without being an
	// outage. A ping refused or cut off counts at once.
	watchHung = 3 * time.Second
)

// NewWatch watches the database that s reaches; give it a store of its own (MaxPoolSize 1), so
// that its pings never wait behind the requests' connections. answered, when not nil, counts the
// commands the database answered to the server's own client.
func NewWatch(s *store.Store, logger *slog.Logger, answered func() uint64) *Watch {
	if answered == nil {
		answered = func() uint64 { return 0 }
	}
	return &Watch{ping: s.Ping, answered: answered, logger: logger, flights: map[*context.CancelCauseFunc]struct{}{}}
}

// Run pings until ctx ends.
func (w *Watch) Run(ctx context.Context) {
	tick := time.NewTicker(watchEvery)
	defer tick.Stop()
	// slowSince is when pings began timing out with nothing answered meanwhile.
	var slowSince time.Time
	for {
		before := w.answered()
		started := time.Now()
		pctx, cancel := context.WithTimeout(ctx, watchTimeout)
		err := w.ping(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		switch {
		case err == nil:
			slowSince = time.Time{}
		case w.answered() != before:
			w.logger.Debug("database slow to answer a ping, but answering commands", "err", err)
			err, slowSince = nil, time.Time{}
		case errors.Is(err, context.DeadlineExceeded):
			if slowSince.IsZero() {
				slowSince = started
			}
			if time.Since(slowSince) < watchHung {
				w.logger.Debug("database slow to answer a ping", "err", err, "for", time.Since(slowSince).String())
				err = nil
			}
		}
		w.observe(err, time.Now())
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// observe records a ping's outcome.
func (w *Watch) observe(err error, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case err != nil && !w.down.Load():
		w.down.Store(true)
		w.since = now
		w.logger.Error("database went away: requests answer 503 SERVICE_UNAVAILABLE until it is back", "err", err)
		for cancel := range w.flights {
			(*cancel)(errDatabaseDown)
		}
	case err == nil && w.down.Load():
		w.down.Store(false)
		w.logger.Info("database came back", "down_for", now.Sub(w.since).Round(time.Millisecond).String())
	}
}

// middleware runs each request under a context the watch cancels when the database goes away, and
// answers with status 503 a request whose answer says the database is unavailable.
func (w *Watch) middleware(h http.Handler) http.Handler {
	if w == nil {
		return withUnavailableStatus(h)
	}
	return withUnavailableStatus(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if unlimited[r.URL.Path] {
			h.ServeHTTP(rw, r) // /readyz asks the database itself
			return
		}
		ctx, cancel := context.WithCancelCause(r.Context())
		defer cancel(nil)
		w.mu.Lock()
		if w.down.Load() {
			cancel(errDatabaseDown)
		} else {
			w.flights[&cancel] = struct{}{}
		}
		w.mu.Unlock()
		defer func() {
			w.mu.Lock()
			delete(w.flights, &cancel)
			w.mu.Unlock()
		}()
		h.ServeHTTP(rw, r.WithContext(ctx))
	}))
}

// unavailableKey marks, in a request's context, that its answer reports the database unavailable.
type unavailableKey struct{}

// markUnavailable records that the request of ctx is being answered SERVICE_UNAVAILABLE, so that
// its HTTP status is 503. It does nothing outside withUnavailableStatus.
func markUnavailable(ctx context.Context) {
	if flag, ok := ctx.Value(unavailableKey{}).(*atomic.Bool); ok {
		flag.Store(true)
	}
}

// unavailable reports whether err, or the cause of ctx's end, says the database did not answer.
func unavailable(ctx context.Context, err error) bool {
	return errors.Is(err, store.ErrUnavailable) || errors.Is(context.Cause(ctx), store.ErrUnavailable)
}

// withUnavailableStatus turns the status of an answer that reports the database unavailable (a
// GraphQL answer is otherwise 200, its errors in the body) into 503, so that clients, load
// balancers and monitors see the outage for what it is.
func withUnavailableStatus(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		flag := &atomic.Bool{}
		h.ServeHTTP(&outageWriter{ResponseWriter: rw, flag: flag},
			r.WithContext(context.WithValue(r.Context(), unavailableKey{}, flag)))
	})
}

type outageWriter struct {
	http.ResponseWriter
	flag  *atomic.Bool
	wrote bool
}

func (s *outageWriter) WriteHeader(code int) {
	if !s.wrote && code == http.StatusOK && s.flag.Load() {
		code = http.StatusServiceUnavailable
		s.Header().Set("Retry-After", "2")
		s.Header().Set("Cache-Control", "no-store")
	}
	s.wrote = true
	s.ResponseWriter.WriteHeader(code)
}

func (s *outageWriter) Write(b []byte) (int, error) {
	if !s.wrote {
		s.WriteHeader(http.StatusOK)
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer (flushes of streamed exports).
func (s *outageWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
