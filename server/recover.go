package main

import (
	"context"
	"log/slog"
	"time"

	"rootsgraph/store"
)

// recoveryInterval is how often the server looks for changes that a stopped process left half
// done.
const recoveryInterval = time.Minute

// recoverChanges finishes, now and then every recoveryInterval until ctx ends, the changes that a
// process stopped half way through (see store.Recover). A change younger than a few request
// timeouts may still be running on another instance and is left to it.
func recoverChanges(ctx context.Context, s *store.Store, logger *slog.Logger, requestTimeout time.Duration) {
	stale := max(3*requestTimeout, time.Minute)
	for {
		n, err := s.Recover(ctx, time.Now(), stale)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Warn("recovering unfinished changes", "err", err)
		case n > 0:
			logger.Info("finished changes a stopped process left half done", "changes", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(recoveryInterval):
		}
	}
}
