package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// AuditID is an audit entry's id, or an operation's: it grows with time, and its Hex form is what
// clients see (cursors, AuditEntry.operation).
type AuditID = bson.ObjectID

// ParseAuditID reads an id's Hex form; false when s is not one.
func ParseAuditID(s string) (AuditID, bool) {
	id, err := bson.ObjectIDFromHex(s)
	return id, err == nil
}

// AuditEntry records one document written by a mutation or an import: who, what, when, and the
// document before and after (nil when created, or when deleted). It is written before the
// document, as the write's claim (see write.go).
type AuditEntry struct {
	ID AuditID `bson:"_id"`
	// Operation groups the entries of one change (a mutation with its follow-ups, an import).
	Operation  AuditID   `bson:"operation"`
	At         time.Time `bson:"at"`
	Actor      string    `bson:"actor"`
	Role       string    `bson:"role"`
	Action     string    `bson:"action"`
	RequestID  string    `bson:"requestId,omitempty"`
	Collection string    `bson:"collection"`
	Entity     string    `bson:"entity"`
	Before     bson.Raw  `bson:"before,omitempty"`
	After      bson.Raw  `bson:"after,omitempty"`
	// Claim is unique: the change of one version of one record (see write.go).
	Claim string `bson:"claim"`
	// From is the version the change started from (0 for a new record).
	From int `bson:"from"`
	// Pending marks a claimed change not yet known to be applied.
	Pending   bool      `bson:"pending,omitempty"`
	ClaimedAt time.Time `bson:"claimedAt"`
}

// AuditFilter narrows the audit trail; empty fields keep everything.
type AuditFilter struct {
	Actor, Action, Entity, Collection string
	// From and To bound the entries' time, inclusive; zero for no bound.
	From, To time.Time
	// Operation keeps the entries of one change.
	Operation *AuditID
}

// AuditPage asks for entries newest first, after the entry After (nil from the newest).
type AuditPage struct {
	Filter AuditFilter
	After  *AuditID
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

// PlainJSON turns a stored document (an entry's Before or After) into plain JSON values: MongoDB's
// relaxed extended JSON, with each date written as its RFC 3339 string rather than
// {"$date": ...}; nil for none.
func PlainJSON(raw bson.Raw) (map[string]any, error) {
	if raw == nil {
		return nil, nil
	}
	b, err := bson.MarshalExtJSON(raw, false, false)
	if err != nil {
		return nil, fmt.Errorf("audit entry: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("audit entry: %w", err)
	}
	return unwrapDates(m).(map[string]any), nil
}

func unwrapDates(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if d, ok := x["$date"]; ok && len(x) == 1 {
			return d
		}
		for k, e := range x {
			x[k] = unwrapDates(e)
		}
	case []any:
		for i, e := range x {
			x[i] = unwrapDates(e)
		}
	}
	return v
}
