package apierr_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rootsgraph/apierr"
	"rootsgraph/store"
)

// TestNoCodeIsSpelledElsewhere reads every hand-written Go file of the module but this package
// and its tests: none spells a code as a string, so a code can only come from here.
func TestNoCodeIsSpelledElsewhere(t *testing.T) {
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (name == "apierr" || name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), "Code generated") && strings.Contains(string(b), "DO NOT EDIT") {
			return nil // gqlgen's: it spells none of ours
		}
		for _, code := range apierr.Codes() {
			if strings.Contains(string(b), `"`+code+`"`) {
				t.Errorf("%s spells %q: use its constant in package apierr", path, code)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOf maps the errors a request meets to what the client is told.
func TestOf(t *testing.T) {
	ctx := context.Background()
	unavailable, cancel := context.WithCancelCause(ctx)
	cancel(store.ErrUnavailable)
	expired, stop := context.WithTimeout(ctx, -time.Second)
	defer stop()
	cases := []struct {
		name     string
		ctx      context.Context
		err      error
		code     string
		internal bool
	}{
		{"OwnError", ctx, fmt.Errorf("wrapped: %w", apierr.New(apierr.BadUserInput, "first: at most 100")), apierr.BadUserInput, false},
		{"NotFound", ctx, fmt.Errorf("find: %w", store.ErrNotFound), apierr.NotFound, false},
		{"Conflict", ctx, store.ErrConflict, apierr.Conflict, false},
		{"Outage", ctx, store.ErrUnavailable, apierr.Unavailable, false},
		{"CancelledByTheOutageWatch", unavailable, context.Canceled, apierr.Unavailable, false},
		{"Deadline", ctx, fmt.Errorf("find: %w", context.DeadlineExceeded), apierr.Timeout, false},
		{"TheRequestsDeadlineWhileTheStoreWaited", expired, fmt.Errorf("find: %w: %w", store.ErrUnavailable, context.DeadlineExceeded), apierr.Timeout, false},
		{"Cancelled", ctx, context.Canceled, apierr.Timeout, false},
		{"Anything else", ctx, errors.New("decode: unexpected EOF"), apierr.Internal, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := apierr.Of(c.ctx, c.err)
			if a.Code != c.code || a.Internal != c.internal {
				t.Errorf("Of(%v) = %s internal %v; want %s internal %v", c.err, a.Code, a.Internal, c.code, c.internal)
			}
			if a.Internal && strings.Contains(a.Message, "EOF") {
				t.Errorf("an internal error's message leaks it: %q", a.Message)
			}
		})
	}
}

// TestEveryCodeHasAStatus: a code answered outside GraphQL gets the status its meaning needs.
func TestEveryCodeHasAStatus(t *testing.T) {
	for code, want := range map[string]int{
		apierr.BadUserInput: 400, apierr.Unauthenticated: 401, apierr.Forbidden: 403, apierr.NotFound: 404,
		apierr.Conflict: 409, apierr.RequestTooLarge: 413, apierr.RateLimited: 429, apierr.Internal: 500,
		apierr.Unavailable: 503, apierr.Timeout: 504,
	} {
		if got := apierr.Status(code); got != want {
			t.Errorf("Status(%s) = %d; want %d", code, got, want)
		}
	}
	for _, code := range apierr.Codes() {
		if s := apierr.Status(code); s < 400 || http.StatusText(s) == "" {
			t.Errorf("Status(%s) = %d: not an error status", code, s)
		}
	}
}
