package store

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"

	"rootsgraph/model"
)

// reference keeps the states and the alliances in memory for the read path (the loaders): 73
// small documents that every list of organizations, hubs or events names, and that change only
// through curators. It serves them for at most ttl after reading them, and forgets them at every
// write to their collections through this Store's client (seen by its command monitor, so that
// no write path can forget to say so); a read that overlapped such a write is not kept. Writes
// read the database, never this copy. Other instances' writes are seen within ttl.
type reference struct {
	ttl time.Duration
	now func() time.Time
	// gen counts the writes to the cached collections that started or ended; a read is kept only
	// if no write started or ended while it ran.
	gen atomic.Uint64

	mu        sync.Mutex
	loaded    time.Time // when the copy was read; zero when there is none
	readAt    uint64    // gen when the copy was read: it is good while gen has not moved
	states    []*model.State
	alliances []*model.Alliance
	// loading is closed when the read in progress ends, so that concurrent requests wait for one
	// read instead of each sending their own.
	loading chan struct{}
}

// cachedCollections are the collections whose documents reference holds.
var cachedCollections = []string{statesColl, alliancesColl}

// writeCommands are the commands that change documents.
var writeCommands = []string{"insert", "update", "delete", "findAndModify", "drop", "dropDatabase", "renameCollection", "bulkWrite", "create", "applyOps"}

// observe wraps the store's command monitor so that every write to a cached collection (or one
// whose collection cannot be told) moves gen, when it starts and when it ends.
func (r *reference) observe(next *event.CommandMonitor) *event.CommandMonitor {
	var writes sync.Map // request id → true, for the writes to cached collections in flight
	m := &event.CommandMonitor{
		Started: func(ctx context.Context, e *event.CommandStartedEvent) {
			if slices.Contains(writeCommands, e.CommandName) && touchesCached(e) {
				writes.Store(e.RequestID, true)
				r.gen.Add(1)
			}
			if next != nil && next.Started != nil {
				next.Started(ctx, e)
			}
		},
		Succeeded: func(ctx context.Context, e *event.CommandSucceededEvent) {
			if _, ok := writes.LoadAndDelete(e.RequestID); ok {
				r.gen.Add(1)
			}
			if next != nil && next.Succeeded != nil {
				next.Succeeded(ctx, e)
			}
		},
		Failed: func(ctx context.Context, e *event.CommandFailedEvent) {
			if _, ok := writes.LoadAndDelete(e.RequestID); ok {
				r.gen.Add(1)
			}
			if next != nil && next.Failed != nil {
				next.Failed(ctx, e)
			}
		},
	}
	return m
}

// touchesCached reports whether a write command may change a cached collection: its first
// element names the collection (insert: "states"); a command on the whole database, or one whose
// collection is not a string, is taken to touch everything.
func touchesCached(e *event.CommandStartedEvent) bool {
	first, err := e.Command.IndexErr(0)
	if err != nil {
		return true
	}
	coll, ok := first.Value().StringValueOK()
	return !ok || slices.Contains(cachedCollections, coll)
}

// get returns the states and alliances, read from the database when the copy is older than ttl,
// or was forgotten.
func (r *reference) get(ctx context.Context, s *Store) ([]*model.State, []*model.Alliance, error) {
	for {
		r.mu.Lock()
		if !r.loaded.IsZero() && r.now().Sub(r.loaded) < r.ttl && r.gen.Load() == r.readAt {
			states, alliances := r.states, r.alliances
			r.mu.Unlock()
			return states, alliances, nil
		}
		if wait := r.loading; wait != nil {
			r.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, nil, context.Cause(ctx)
			}
		}
		done := make(chan struct{})
		r.loading = done
		r.mu.Unlock()

		states, alliances, gen, err := r.read(ctx, s)

		r.mu.Lock()
		r.loading = nil
		close(done)
		if err != nil {
			r.mu.Unlock()
			return nil, nil, err
		}
		if gen == r.gen.Load() {
			r.states, r.alliances, r.loaded, r.readAt = states, alliances, r.now(), gen
		}
		r.mu.Unlock()
		// Whether kept or not, this read began after every write that had ended before it, so
		// this request may use it.
		return states, alliances, nil
	}
}

// read reads both collections, and the write count before it; the read may be kept only if the
// count is the same after it.
func (r *reference) read(ctx context.Context, s *Store) ([]*model.State, []*model.Alliance, uint64, error) {
	gen := r.gen.Load()
	states, err := findAll[model.State](ctx, s.coll(statesColl), bson.D{}, sortBy(sortFields[statesColl]), 0, 0)
	if err != nil {
		return nil, nil, 0, err
	}
	alliances, err := findAll[model.Alliance](ctx, s.coll(alliancesColl), bson.D{}, sortBy(sortFields[alliancesColl]), 0, 0)
	if err != nil {
		return nil, nil, 0, err
	}
	return states, alliances, gen, nil
}

// matching returns, in list order, shallow copies of the documents that any of matches selects
// (as the database would: a document matches when one of the match field's values is one of the
// match's values), so that no caller can change the cached ones.
func matching[T any, P interface {
	*T
	model.Document
}](docs []*T, matches []Match) []*T {
	var out []*T
	for _, d := range docs {
		if selected(P(d), matches) {
			c := *d
			out = append(out, &c)
		}
	}
	return out
}

// ReadStates is FindStates for the read path: from memory when the store keeps reference data
// (Config.ReferenceTTL), else from the database. Writes use FindStates.
func (s *Store) ReadStates(ctx context.Context, matches ...Match) ([]*model.State, error) {
	if s.reference == nil {
		return s.FindStates(ctx, matches...)
	}
	states, _, err := s.reference.get(ctx, s)
	if err != nil {
		return nil, err
	}
	return matching(states, matches), nil
}

// ReadAlliances is FindAlliances for the read path, as ReadStates is for states.
func (s *Store) ReadAlliances(ctx context.Context, matches ...Match) ([]*model.Alliance, error) {
	if s.reference == nil {
		return s.FindAlliances(ctx, matches...)
	}
	_, alliances, err := s.reference.get(ctx, s)
	if err != nil {
		return nil, err
	}
	return matching(alliances, matches), nil
}
