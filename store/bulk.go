package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rootsgraph/graph/model"
)

// All returns every document of the data collections, archived ones included: one command per
// collection. The importer compares a file with it.
func (s *Store) All(ctx context.Context) (Documents, error) {
	var d Documents
	var err error
	all := bson.D{}
	if d.States, err = findAll[model.State](ctx, s.coll(statesColl), all, sortBy("_id"), 0, 0); err != nil {
		return d, err
	}
	if d.Alliances, err = findAll[model.Alliance](ctx, s.coll(alliancesColl), all, sortBy("_id"), 0, 0); err != nil {
		return d, err
	}
	if d.Organizations, err = findAll[model.Organization](ctx, s.coll(organizationsColl), all, sortBy("_id"), 0, 0); err != nil {
		return d, err
	}
	if d.Events, err = findAll[model.Event](ctx, s.coll(eventsColl), all, sortBy("_id"), 0, 0); err != nil {
		return d, err
	}
	if d.Hubs, err = findAll[model.Hub](ctx, s.coll(hubsColl), all, sortBy("_id"), 0, 0); err != nil {
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
	var locks []any
	var models []mongo.WriteModel
	var entries []any
	for _, c := range batch {
		doc := c.After
		if doc == nil {
			doc = c.Before
		}
		coll, _ = meta(doc)
		from := 0
		if c.Before != nil {
			_, from = meta(c.Before)
			locks = append(locks, lock{ID: fmt.Sprintf("%s@%d", doc.GetID(), from), At: now})
		}
		switch {
		case c.Before == nil:
			stamp(c.After, 1, now)
			models = append(models, mongo.NewInsertOneModel().SetDocument(c.After))
		case c.After == nil:
			models = append(models, mongo.NewDeleteOneModel().SetFilter(
				bson.D{{Key: "_id", Value: doc.GetID()}, {Key: "version", Value: from}}))
		default:
			stamp(c.After, from+1, now)
			models = append(models, mongo.NewReplaceOneModel().SetFilter(
				bson.D{{Key: "_id", Value: doc.GetID()}, {Key: "version", Value: from}}).SetReplacement(c.After))
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
	res, err := s.coll(coll).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	s.unlock(ctx, locks)
	var bulk mongo.BulkWriteException
	if errors.As(err, &bulk) && len(bulk.WriteErrors) > 0 && mongo.IsDuplicateKeyError(bulk.WriteErrors[0]) {
		return conflictf("a record with the slug of %s was created meanwhile: run the import again", idOf(batch[bulk.WriteErrors[0].Index]))
	}
	if err != nil {
		return dbErr("write "+coll, err)
	}
	var creates, updates, deletes int64
	for _, c := range batch {
		switch {
		case c.Before == nil:
			creates++
		case c.After == nil:
			deletes++
		default:
			updates++
		}
	}
	if res.InsertedCount != creates || res.MatchedCount != updates || res.DeletedCount != deletes {
		return conflictf("%d of %d %s changed since the import read them: run the import again",
			updates+deletes-res.MatchedCount-res.DeletedCount, updates+deletes, coll)
	}
	if _, err := s.coll(auditColl).InsertMany(ctx, entries); err != nil {
		return dbErr("audit "+op.Action, err)
	}
	return nil
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

func idOf(c Change) string {
	if c.After != nil {
		return c.After.GetID()
	}
	return c.Before.GetID()
}
