package store

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rootsgraph/model"
)

// All returns every document of the data collections, archived ones included: one command per
// collection. The importer compares a file with it.
func (s *Store) All(ctx context.Context) (model.Documents, error) {
	var d model.Documents
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

// Apply makes a bulk change (an import) step by step, as actor, under one operation of the audit
// trail. Each document is written only from the version in Before, through the same claims as
// Write (see write.go), so a record changed by someone else since the change was planned is not
// overwritten: Apply finishes the batch, then stops with a ConflictError, and running the import
// again finishes the job. Every document has its audit entry before it is written, so an import
// stopped at any point leaves nothing unaudited, and what it claimed is completed by Settle.
// After the last step, hubs are brought in step with their hosts. progress, when set, is told how
// many changes are done.
func (s *Store) Apply(ctx context.Context, actor Actor, action string, steps []Step, now time.Time, progress func(done int)) error {
	op := NewOperation(actor, action, now)
	done := 0
	for _, step := range steps {
		for start := 0; start < len(step.Changes); start += batchSize {
			batch := step.Changes[start:min(start+batchSize, len(step.Changes))]
			if err := s.applyBatch(ctx, op, batch); err != nil {
				return err
			}
			done += len(batch)
			if progress != nil {
				progress(done)
			}
		}
	}
	_, err := s.rebuildHubs(ctx, op)
	return err
}

// applyBatch writes a batch of changes of one collection: it claims them all in one unordered
// insert of their audit entries, writes the claimed ones (new documents in one insert, the others
// one at a time), completes their entries in one update, and reports the changes whose claim
// another write held.
func (s *Store) applyBatch(ctx context.Context, op *Operation, batch []Change) error {
	entries := make([]*AuditEntry, 0, len(batch))
	for _, c := range batch {
		e, err := op.claim(c.Before, c.After)
		if err != nil {
			return err
		}
		entries = append(entries, e)
		s.inflight.Store(e.Claim, true)
	}
	defer func() {
		for _, e := range entries {
			s.inflight.Delete(e.Claim)
		}
	}()
	docs := make([]any, len(entries))
	for i, e := range entries {
		docs[i] = e
	}
	lost, err := duplicates(retryBusy(ctx, func() error { // entries whose claim another write holds
		_, err := s.coll(auditColl).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
		return err
	}))
	if err != nil {
		return dbErr("audit "+op.Action, err)
	}
	s.failpoint("claimed")
	var conflicts []error
	var creates []any
	var created, written []bson.ObjectID
	for i, e := range entries {
		switch {
		case lost[i]:
			s.inflight.Delete(e.Claim)
			conflicts = append(conflicts, s.taken(ctx, e))
		case e.From == 0:
			creates = append(creates, e.After)
			created = append(created, e.ID)
		default:
			// One at a time: one bulk write of many replacements takes the embedded server more
			// than a minute for 100 of them, against about 8 ms for each on its own.
			if err := s.apply(ctx, e); err != nil {
				if !errors.Is(err, ErrConflict) {
					return err
				}
				conflicts = append(conflicts, err)
				continue
			}
			s.failpoint("applied")
			written = append(written, e.ID)
		}
	}
	if len(creates) > 0 {
		failed, err := duplicates(retryBusy(ctx, func() error {
			_, err := s.coll(entries[0].Collection).InsertMany(ctx, creates, options.InsertMany().SetOrdered(false))
			return err
		}))
		if err != nil {
			return dbErr("insert", err)
		}
		for i, id := range created {
			if !failed[i] {
				written = append(written, id)
				continue
			}
			e := &AuditEntry{ID: id}
			if err := s.void(ctx, e); err != nil {
				return err
			}
			conflicts = append(conflicts, conflictf("a record with the id or slug of %s was created meanwhile", creates[i].(bson.Raw).Lookup("_id").StringValue()))
		}
		s.failpoint("applied")
	}
	if len(written) > 0 {
		if err := s.changed(ctx, entries[0].Collection); err != nil {
			return err
		}
		if err := s.complete(ctx, written...); err != nil {
			return err
		}
	}
	if len(conflicts) > 0 {
		return conflictf("%d of %d %s changed since the import read them (first: %v): run the import again",
			len(conflicts), len(batch), entries[0].Collection, conflicts[0])
	}
	return nil
}

// duplicates returns the positions of the documents of an unordered insert that a unique index
// refused, or err itself when the insert failed otherwise.
func duplicates(err error) (map[int]bool, error) {
	out := map[int]bool{}
	if err == nil {
		return out, nil
	}
	var bulk mongo.BulkWriteException
	if !errors.As(err, &bulk) || bulk.WriteConcernError != nil {
		return nil, err
	}
	for _, we := range bulk.WriteErrors {
		if !mongo.IsDuplicateKeyError(we) {
			return nil, err
		}
		out[we.Index] = true
	}
	return out, nil
}
