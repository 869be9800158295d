package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// AuditEntry records one document written by a mutation or an import: who, what, when, and the
// document before and after (nil when created, or when deleted).
type AuditEntry struct {
	ID bson.ObjectID `bson:"_id"`
	// Operation groups the entries of one change (a mutation with its follow-ups, an import).
	Operation  bson.ObjectID `bson:"operation"`
	At         time.Time     `bson:"at"`
	Actor      string        `bson:"actor"`
	Role       string        `bson:"role"`
	Action     string        `bson:"action"`
	RequestID  string        `bson:"requestId,omitempty"`
	Collection string        `bson:"collection"`
	Entity     string        `bson:"entity"`
	Before     bson.Raw      `bson:"before,omitempty"`
	After      bson.Raw      `bson:"after,omitempty"`
}

// audit records that op wrote doc (before → after) in coll.
func (s *Store) audit(ctx context.Context, op *operation, coll string, before, after Writable) error {
	e, err := op.entry(coll, before, after)
	if err != nil {
		return err
	}
	if _, err := s.coll(auditColl).InsertOne(ctx, e); err != nil {
		return dbErr("audit "+op.Action, err)
	}
	return nil
}

// entry returns the audit entry of op's write of one document.
func (op *operation) entry(coll string, before, after Writable) (*AuditEntry, error) {
	e := &AuditEntry{
		ID: bson.NewObjectID(), Operation: op.ID, At: op.At, Actor: op.Actor, Role: op.Role,
		Action: op.Action, RequestID: op.RequestID, Collection: coll,
	}
	var err error
	if before != nil {
		e.Entity = before.GetID()
		if e.Before, err = bson.Marshal(before); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
	}
	if after != nil {
		e.Entity = after.GetID()
		if e.After, err = bson.Marshal(after); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
	}
	return e, nil
}

// AuditFilter narrows the audit trail; empty fields keep everything.
type AuditFilter struct {
	Actor, Action, Entity, Collection string
	// From and To bound the entries' time, inclusive; zero for no bound.
	From, To time.Time
	// Operation keeps the entries of one change.
	Operation *bson.ObjectID
}

// AuditPage asks for entries newest first, after the entry After (nil from the newest).
type AuditPage struct {
	Filter AuditFilter
	After  *bson.ObjectID
	Limit  int
}

// Audit returns one page of the audit trail, newest first. Entries are paged by id, which grows
// with time, so a page deep in the trail costs what the first costs.
func (s *Store) Audit(ctx context.Context, p AuditPage) ([]*AuditEntry, error) {
	f := p.Filter.bson()
	if p.After != nil {
		f = append(f, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: *p.After}}})
	}
	return findAll[AuditEntry](ctx, s.coll(auditColl), f, bson.D{{Key: "_id", Value: -1}}, p.Limit, 0)
}

// CountAudit returns how many entries pass f.
func (s *Store) CountAudit(ctx context.Context, f AuditFilter) (int, error) {
	return count(ctx, s.coll(auditColl), f.bson())
}

func (f AuditFilter) bson() bson.D {
	d := bson.D{}
	for _, c := range []struct{ field, value string }{
		{"actor", f.Actor}, {"action", f.Action}, {"entity", f.Entity}, {"collection", f.Collection},
	} {
		if c.value != "" {
			d = append(d, bson.E{Key: c.field, Value: c.value})
		}
	}
	if f.Operation != nil {
		d = append(d, bson.E{Key: "operation", Value: *f.Operation})
	}
	if !f.From.IsZero() {
		d = append(d, bson.E{Key: "at", Value: bson.D{{Key: "$gte", Value: f.From}}})
	}
	if !f.To.IsZero() {
		d = append(d, bson.E{Key: "at", Value: bson.D{{Key: "$lte", Value: f.To}}})
	}
	return d
}

// Recover finishes the operations that a stopped process left pending. An operation whose record
// shows its first write (at the operation's version or later) gets its follow-ups done again, which
// is harmless when they were done; one whose record does not, and that is older than stale, never
// happened (its caller saw an error) and is marked abandoned. Younger ones may still be running on
// another instance and are left alone. It returns how many it finished.
func (s *Store) Recover(ctx context.Context, now time.Time, stale time.Duration) (int, error) {
	if err := s.removeStaleLocks(ctx, now, stale); err != nil {
		return 0, err
	}
	ops, err := findAll[operation](ctx, s.coll(operationsColl), bson.D{{Key: "status", Value: opPending}}, nil, 0, 0)
	if err != nil {
		return 0, err
	}
	finished := 0
	for _, op := range ops {
		cur, err := s.versionOf(ctx, op.Collection, op.Entity)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return finished, err
		}
		switch {
		case err == nil && cur >= op.Version:
			if err := s.finish(ctx, op, now); err != nil {
				return finished, err
			}
			finished++
		case now.Sub(op.At) > stale:
			_, err := s.coll(operationsColl).UpdateOne(ctx, bson.D{{Key: "_id", Value: op.ID}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: opAbandoned}}}})
			if err != nil {
				return finished, dbErr("recover "+op.Action, err)
			}
		}
	}
	return finished, nil
}
