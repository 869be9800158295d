package store

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"golang.org/x/sync/errgroup"

	"rootsgraph/graph/model"
)

// All returns every document of the data collections, archived ones included: one command per
// collection. The importer compares a file with it.
func (s *Store) All(ctx context.Context) (Documents, error) {
	var d Documents
	var err error
	all, byID := bson.D{}, bson.D{{Key: "_id", Value: 1}}
	if d.States, err = findAll[model.State](ctx, s.coll(statesColl), all, byID, 0, 0); err != nil {
		return d, err
	}
	if d.Alliances, err = findAll[model.Alliance](ctx, s.coll(alliancesColl), all, byID, 0, 0); err != nil {
		return d, err
	}
	if d.Organizations, err = findAll[model.Organization](ctx, s.coll(organizationsColl), all, byID, 0, 0); err != nil {
		return d, err
	}
	if d.Events, err = findAll[model.Event](ctx, s.coll(eventsColl), all, byID, 0, 0); err != nil {
		return d, err
	}
	if d.Hubs, err = findAll[model.Hub](ctx, s.coll(hubsColl), all, byID, 0, 0); err != nil {
		return d, err
	}
	return d, nil
}

// Change is one document of a bulk change: Before is nil for a new document, After nil for one
// removed.
type Change struct {
	Before, After Writable
}

// Step is a batch of changes of one collection that may be applied in any order among themselves;
// steps are applied in order.
type Step struct {
	Changes []Change
}

// batchSize is how many documents one bulk command carries.
const batchSize = 500

// Apply makes a bulk change (an import) step by step, as actor, recording every document in the
// audit trail under one operation. Each document is written only from the version in Before, under
// its lock, so a record changed by someone else since the change was planned is not overwritten:
// Apply stops with a ConflictError naming it, and running the import again finishes the job.
// Versions and times are stamped here. progress, when set, is told how many changes are done.
func (s *Store) Apply(ctx context.Context, actor Actor, action string, steps []Step, now time.Time, progress func(done int)) error {
	now = now.UTC().Truncate(time.Millisecond)
	op := &operation{ID: bson.NewObjectID(), At: now, Actor: actor.Name, Role: actor.Role, Action: action,
		RequestID: actor.RequestID, Status: opPending, Collection: "*", Entity: action}
	if _, err := s.coll(operationsColl).InsertOne(ctx, op); err != nil {
		return dbErr("journal "+action, err)
	}
	done := 0
	for _, step := range steps {
		for start := 0; start < len(step.Changes); start += batchSize {
			batch := step.Changes[start:min(start+batchSize, len(step.Changes))]
			if err := s.applyBatch(ctx, op, batch, now); err != nil {
				return err
			}
			done += len(batch)
			if progress != nil {
				progress(done)
			}
		}
	}
	_, err := s.coll(operationsColl).UpdateOne(ctx, bson.D{{Key: "_id", Value: op.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: opDone}}}})
	if err != nil {
		return dbErr("journal "+action, err)
	}
	return nil
}

// applyBatch writes a batch of changes of one collection: it locks every existing document at the
// version it was planned from, writes them all in one unordered bulk write, checks that each one
// matched, unlocks, and records the audit entries.
func (s *Store) applyBatch(ctx context.Context, op *operation, batch []Change, now time.Time) error {
	var coll string
	var locks, inserts, entries []any
	var writes []Change // replacements and deletions, each written on its own
	for _, c := range batch {
		doc := c.After
		if doc == nil {
			doc = c.Before
		}
		coll, _ = meta(doc)
		if c.Before == nil {
			stamp(c.After, 1, now)
			inserts = append(inserts, c.After)
		} else {
			_, from := meta(c.Before)
			locks = append(locks, lock{ID: fmt.Sprintf("%s@%d", doc.GetID(), from), At: now})
			if c.After != nil {
				stamp(c.After, from+1, now)
			}
			writes = append(writes, c)
		}
		e, err := op.entry(coll, c.Before, c.After)
		if err != nil {
			return err
		}
		entries = append(entries, e)
	}
	if len(locks) > 0 {
		if _, err := s.coll(locksColl).InsertMany(ctx, locks, options.InsertMany().SetOrdered(false)); err != nil {
			s.unlock(ctx, locks)
			var bulk mongo.BulkWriteException
			if errors.As(err, &bulk) && len(bulk.WriteErrors) > 0 && mongo.IsDuplicateKeyError(bulk.WriteErrors[0]) {
				return conflictf("%s is being changed by someone else: run the import again", locks[bulk.WriteErrors[0].Index].(lock).ID)
			}
			return dbErr("lock "+coll, err)
		}
	}
	if len(inserts) > 0 {
		_, err := s.coll(coll).InsertMany(ctx, inserts, options.InsertMany().SetOrdered(false))
		var bulk mongo.BulkWriteException
		if errors.As(err, &bulk) && len(bulk.WriteErrors) > 0 && mongo.IsDuplicateKeyError(bulk.WriteErrors[0]) {
			s.unlock(ctx, locks)
			return conflictf("a record with the slug of %s was created meanwhile: run the import again",
				inserts[bulk.WriteErrors[0].Index].(Writable).GetID())
		}
		if err != nil {
			s.unlock(ctx, locks)
			return dbErr("insert "+coll, err)
		}
	}
	stale, err := s.writeEach(ctx, coll, writes)
	s.unlock(ctx, locks)
	if err != nil {
		return err
	}
	if stale > 0 {
		return conflictf("%d of %d %s changed since the import read them: run the import again", stale, len(writes), coll)
	}
	if _, err := s.coll(auditColl).InsertMany(ctx, entries); err != nil {
		return dbErr("audit "+op.Action, err)
	}
	return nil
}

// writers is how many replacements and deletions a bulk change sends at once: one. The embedded
// server answers concurrent writes with "database is locked" (SQLITE_BUSY) often enough to fail a
// 5,000-row import, and it runs each write alone anyway.
const writers = 1

// writeEach replaces or deletes each document at the version it was planned from (the caller
// holds their locks), a few at a time, and returns how many had moved on. (One bulk write of many replacements
// would be fewer round trips, but the embedded server takes more than a minute for 100 of them,
// against about 8 ms for each one on its own.)
func (s *Store) writeEach(ctx context.Context, coll string, writes []Change) (int, error) {
	var stale atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(writers)
	for _, c := range writes {
		g.Go(func() error {
			_, from := meta(c.Before)
			cur, err := s.writeAt(gctx, coll, c.Before.GetID(), from, c.After)
			switch {
			case errors.Is(err, ErrNotFound):
				stale.Add(1)
			case err != nil:
				return dbErr("write "+c.Before.GetID(), err)
			case cur != from:
				stale.Add(1)
			}
			return nil
		})
	}
	err := g.Wait()
	return int(stale.Load()), err
}

func (s *Store) unlock(ctx context.Context, locks []any) {
	if len(locks) == 0 {
		return
	}
	ids := make(bson.A, len(locks))
	for i, l := range locks {
		ids[i] = l.(lock).ID
	}
	_, _ = s.coll(locksColl).DeleteMany(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
}
