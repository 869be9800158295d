package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rootsgraph/graph/model"
)

// ConflictError is a write that collided with the current data: a stale version, or a slug that
// another record took. Its message is safe to show to the user and says what to do.
type ConflictError struct{ msg string }

func (e *ConflictError) Error() string { return e.msg }

// Unwrap makes a ConflictError an ErrConflict.
func (e *ConflictError) Unwrap() error { return ErrConflict }

func conflictf(format string, args ...any) error {
	return &ConflictError{msg: fmt.Sprintf(format, args...)}
}

// Actor is who makes a change, as the audit trail names them.
type Actor struct {
	// Name is the API key's name, or "cli:<user>" for the command line.
	Name      string
	Role      string
	RequestID string
}

// Writable is a document that writes go through: *model.Organization, *model.Event, *model.Hub
// or *model.Alliance.
type Writable = model.Versioned

// meta returns the collection and version of a writable document.
func meta(doc Writable) (coll string, version int) {
	switch doc.(type) {
	case *model.Organization:
		return organizationsColl, doc.GetVersion()
	case *model.Event:
		return eventsColl, doc.GetVersion()
	case *model.Hub:
		return hubsColl, doc.GetVersion()
	case *model.Alliance:
		return alliancesColl, doc.GetVersion()
	}
	panic(fmt.Sprintf("store: %T is not writable", doc))
}

// stamp gives doc the version and instant of the write that stores it. Versions and times are
// stamped by the store, never by the caller, so that a version names exactly one state of the
// record.
func stamp(doc Writable, version int, at time.Time) { doc.Stamp(version, at) }

// Write stores after in place of before, the version of the same record that the change was
// computed from (nil for a new record), then brings up to date the records that copy from it, and
// records every document it wrote in the audit trail. It fails with a ConflictError, having written
// nothing, when the record is no longer at before's version, or when a new record's slug is taken.
//
// The embedded server has no transactions, so a change of several documents is ordered for
// crashes instead: an operation is journaled (pending) before the first write and marked done after
// the last; the record itself is written first, in one conditional write; what follows only makes
// other records agree with it (a partner listing it back, a hub's copy of its host's fields), is
// idempotent, and is finished by Recover if the process stops half way. No step leaves a reference
// to a record that does not exist: records are archived, never deleted, by mutations.
func (s *Store) Write(ctx context.Context, actor Actor, action string, before, after Writable, now time.Time) error {
	now = now.UTC().Truncate(time.Millisecond)
	coll, _ := meta(after)
	version := 0 // a new record
	if before != nil {
		_, version = meta(before)
	}
	stamp(after, version+1, now)
	op := &operation{
		ID: bson.NewObjectID(), At: now, Actor: actor.Name, Role: actor.Role, Action: action,
		RequestID: actor.RequestID, Status: opPending, Collection: coll, Entity: after.GetID(), Version: version + 1,
	}
	op.followUps(before, after)
	if _, err := s.coll(operationsColl).InsertOne(ctx, op); err != nil {
		return dbErr("journal "+action, err)
	}
	if err := s.writeFirst(ctx, coll, version, after); err != nil {
		// Nothing was written: the operation did not happen.
		_, _ = s.coll(operationsColl).DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: op.ID}})
		return err
	}
	if err := s.audit(ctx, op, coll, before, after); err != nil {
		return err
	}
	return s.finish(ctx, op, now)
}

// writeFirst is the conditional write of an operation's record: an insert for a new one, a
// replacement of exactly the version it was computed from otherwise.
func (s *Store) writeFirst(ctx context.Context, coll string, from int, doc Writable) error {
	c := s.coll(coll)
	if from == 0 {
		_, err := c.InsertOne(ctx, doc)
		if mongo.IsDuplicateKeyError(err) {
			return conflictf("%s already exists, or another record has its slug: choose another slug", doc.GetID())
		}
		if err != nil {
			return dbErr("insert "+doc.GetID(), err)
		}
		return nil
	}
	cur, err := s.replaceVersion(ctx, coll, from, doc)
	switch {
	case errors.Is(err, errLocked):
		return conflictf("%s is being changed by someone else right now: read it again and reapply your change", doc.GetID())
	case mongo.IsDuplicateKeyError(err):
		return conflictf("another record already has the slug of %s: choose another slug", doc.GetID())
	case errors.Is(err, ErrNotFound):
		return fmt.Errorf("%s: %w", doc.GetID(), ErrNotFound)
	case err != nil:
		return dbErr("replace "+doc.GetID(), err)
	case cur != from:
		return conflictf("%s is at version %d, not %d: someone changed it since you read it; read it again and reapply your change",
			doc.GetID(), cur, from)
	}
	return nil
}

// Operation statuses.
const (
	opPending   = "pending"
	opDone      = "done"
	opAbandoned = "abandoned"
)

// operation is the journal entry of one change: written before its first write and marked done
// after its last, it says what remains to be done when a change was cut short.
type operation struct {
	ID         bson.ObjectID `bson:"_id"`
	At         time.Time     `bson:"at"`
	Actor      string        `bson:"actor"`
	Role       string        `bson:"role"`
	Action     string        `bson:"action"`
	RequestID  string        `bson:"requestId,omitempty"`
	Status     string        `bson:"status"`
	Collection string        `bson:"collection"`
	Entity     string        `bson:"entity"`
	// Version is what the entity's first write makes it: a record at this version or later shows
	// that the write happened.
	Version int `bson:"version"`
	// PartnersAdded and PartnersRemoved are the organizations that must list the entity as a
	// partner, or stop listing it.
	PartnersAdded   []string `bson:"partnersAdded,omitempty"`
	PartnersRemoved []string `bson:"partnersRemoved,omitempty"`
	// Hosting: the hubs the entity hosts copy fields from it and must be brought up to date.
	Hosting bool `bson:"hosting,omitempty"`
}

// followUps says what must change elsewhere after an organization changes: the partners it
// gained or lost must list it or stop listing it, and the hubs it hosts must copy its new
// alliances, communities and issues (or drop them, once it is archived).
func (op *operation) followUps(before, after Writable) {
	o, ok := after.(*model.Organization)
	if !ok {
		return
	}
	var b model.Organization
	if before != nil {
		b = *before.(*model.Organization)
	}
	for _, p := range o.PartnerIDs {
		if !slices.Contains(b.PartnerIDs, p) {
			op.PartnersAdded = append(op.PartnersAdded, p)
		}
	}
	for _, p := range b.PartnerIDs {
		if !slices.Contains(o.PartnerIDs, p) {
			op.PartnersRemoved = append(op.PartnersRemoved, p)
		}
	}
	op.Hosting = before != nil && (o.Archived != b.Archived || !slices.Equal(o.AllianceIDs, b.AllianceIDs) ||
		!slices.Equal(o.Communities, b.Communities) || !slices.Equal(o.Issues, b.Issues))
}

// finish does an operation's follow-ups and marks it done. Each follow-up reads what is there now
// and changes only what disagrees, so doing it twice does no harm.
func (s *Store) finish(ctx context.Context, op *operation, now time.Time) error {
	for _, p := range op.PartnersAdded {
		if err := s.syncPartner(ctx, op, p, true, now); err != nil {
			return err
		}
	}
	for _, p := range op.PartnersRemoved {
		if err := s.syncPartner(ctx, op, p, false, now); err != nil {
			return err
		}
	}
	if op.Hosting {
		if err := s.syncHubsOf(ctx, op, op.Entity, now); err != nil {
			return err
		}
	}
	_, err := s.coll(operationsColl).UpdateOne(ctx, bson.D{{Key: "_id", Value: op.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: opDone}}}})
	if err != nil {
		return dbErr("journal "+op.Action, err)
	}
	return nil
}

// maxRetries bounds how often a follow-up rereads a record that changed under it.
const maxRetries = 20

// syncPartner makes the organization partnerID list (add) or stop listing (!add) the operation's
// entity as a partner. A partner that no longer exists needs nothing.
func (s *Store) syncPartner(ctx context.Context, op *operation, partnerID string, add bool, now time.Time) error {
	return update(ctx, s, op, organizationsColl, partnerID, now, func(p *model.Organization) bool {
		has := slices.Contains(p.PartnerIDs, op.Entity)
		switch {
		case add && !has:
			p.PartnerIDs = append(slices.Clone(p.PartnerIDs), op.Entity)
			slices.Sort(p.PartnerIDs)
		case !add && has:
			p.PartnerIDs = slices.DeleteFunc(slices.Clone(p.PartnerIDs), func(id string) bool { return id == op.Entity })
		default:
			return false
		}
		return true
	})
}

// syncHubsOf recomputes what the hubs that hostID hosts copy from their hosts.
func (s *Store) syncHubsOf(ctx context.Context, op *operation, hostID string, now time.Time) error {
	hubs, err := s.FindHubs(ctx, HubsByHost.On(hostID))
	if err != nil {
		return err
	}
	for _, h := range hubs {
		var readErr error
		err := update(ctx, s, op, hubsColl, h.ID, now, func(h *model.Hub) bool {
			hosts, err := s.FindOrganizations(ctx, ByID(h.HostIDs...))
			if err != nil {
				readErr = err
				return false
			}
			was := *h
			h.SetHostFields(hosts)
			return !slices.Equal(was.AllianceIDs, h.AllianceIDs) || !slices.Equal(was.Communities, h.Communities) ||
				!slices.Equal(was.Issues, h.Issues)
		})
		if err := errors.Join(err, readErr); err != nil {
			return err
		}
	}
	return nil
}

// update applies change to the current version of the document id and writes it back if change
// says it changed something, rereading and trying again when another write got there first.
func update[T any, P interface {
	*T
	Writable
}](ctx context.Context, s *Store, op *operation, coll, id string, now time.Time, change func(P) bool) error {
	for range maxRetries {
		cur, err := findOne[T](ctx, s.coll(coll), bson.D{{Key: "_id", Value: id}})
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		before := *cur
		doc := P(cur)
		if !change(doc) {
			return nil
		}
		_, version := meta(doc)
		stamp(doc, version+1, now)
		at, err := s.replaceVersion(ctx, coll, version, doc)
		if errors.Is(err, errLocked) {
			continue
		}
		if errors.Is(err, ErrNotFound) {
			return nil // removed meanwhile: nothing left to bring in step
		}
		if err != nil {
			return dbErr("replace "+id, err)
		}
		if at == version {
			return s.audit(ctx, op, coll, P(&before), doc)
		}
	}
	return conflictf("%s kept changing while %s tried to bring it up to date: run the change again", id, op.Action)
}

// errLocked means that another write holds the record's version.
var errLocked = errors.New("locked")

// lock is held by the one write that changes a record from a version: its _id, "<id>@<version>",
// is unique, so of writers that read the same version only one can insert it. A conditional
// replace alone does not do: the embedded server reads and writes a replaceOne in two steps, so
// two replaces of the same version can both match (seen: 3 of 20 concurrent updates applied). The
// lock is removed once the write is done; a later writer of the old version then finds the record
// moved on. A lock left by a stopped process is removed by Recover once stale.
type lock struct {
	ID string    `bson:"_id"`
	At time.Time `bson:"at"`
}

// replaceVersion replaces the record at version from with doc, holding the record's lock for that
// version, and returns the version it found (the write happened when that is from); errLocked
// when another write holds the lock, ErrNotFound when the record is gone.
func (s *Store) replaceVersion(ctx context.Context, coll string, from int, doc Writable) (int, error) {
	id := fmt.Sprintf("%s@%d", doc.GetID(), from)
	err := retryBusy(ctx, func() error {
		_, err := s.coll(locksColl).InsertOne(ctx, lock{ID: id, At: time.Now()})
		return err
	})
	if err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return 0, errLocked
		}
		return 0, dbErr("lock "+doc.GetID(), err)
	}
	cur, err := s.writeAt(ctx, coll, doc.GetID(), from, doc)
	// Unlock even when the request has ended: a lock left behind blocks the record until stale.
	if _, uerr := s.coll(locksColl).DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: id}}); uerr != nil && err == nil {
		err = uerr
	}
	return cur, err
}

// writeAt replaces (doc) or deletes (doc nil) the record id if it is at version from, and returns
// the version it found: the write happened when that is from; ErrNotFound when the record is gone.
// The caller holds the record's lock for that version, so no other write can change it between the
// check and the write. Both are asked by _id alone: the embedded server uses its index only for a
// filter on _id and nothing else, and scans the whole collection for {_id, version} (about 250 ms
// a write at 5,000 organizations, against 5-10 ms).
func (s *Store) writeAt(ctx context.Context, coll, id string, from int, doc Writable) (int, error) {
	cur, err := s.versionOf(ctx, coll, id)
	if err != nil || cur != from {
		return cur, err
	}
	c, byID := s.coll(coll), bson.D{{Key: "_id", Value: id}}
	err = retryBusy(ctx, func() error {
		if doc == nil {
			_, err := c.DeleteOne(ctx, byID)
			return err
		}
		_, err := c.ReplaceOne(ctx, byID, doc)
		return err
	})
	return cur, err // the caller says what it was doing
}

// versionOf returns the version of the record id, asked by _id alone; ErrNotFound when there is
// none.
func (s *Store) versionOf(ctx context.Context, coll, id string) (int, error) {
	var cur struct {
		Version int `bson:"version"`
	}
	err := s.coll(coll).FindOne(ctx, bson.D{{Key: "_id", Value: id}},
		options.FindOne().SetProjection(bson.D{{Key: "version", Value: 1}})).Decode(&cur)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, dbErr("read "+id, err)
	}
	return cur.Version, nil
}

// retryBusy runs a write again, a few times with a growing pause, while the embedded server
// answers that its SQLite file is locked by another write (SQLITE_BUSY): the write was rolled back
// whole, so running it again is safe. MongoDB never answers so.
func retryBusy(ctx context.Context, write func() error) error {
	pause := 5 * time.Millisecond
	for try := 0; ; try++ {
		err := write()
		if err == nil || try == 6 || !strings.Contains(err.Error(), "SQLITE_BUSY") {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
		pause *= 2
	}
}

// removeStaleLocks removes the locks older than stale: their writers stopped before unlocking.
func (s *Store) removeStaleLocks(ctx context.Context, now time.Time, stale time.Duration) error {
	_, err := s.coll(locksColl).DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: now.Add(-stale)}}}})
	if err != nil {
		return dbErr("remove stale locks", err)
	}
	return nil
}
