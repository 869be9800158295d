package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"rootsgraph/model"
)

// How a write is made, on every deployment (the embedded server, a standalone MongoDB, a replica
// set) and with any number of processes writing:
//
//  1. Claim: the write's audit entry is inserted first, pending, with the document before and
//     after and a claim key naming the record's life and the version the change starts from
//     ("<id>@<created>/<from>"). The key is unique, so of the writers that read one version only
//     one can insert it: that is the whole of optimistic concurrency, and it holds on the
//     embedded server, whose conditional updates are a read then a write and not atomic. A
//     creation's key is unique by itself; the record's own _id and slug decide between creators.
//  2. Apply: the claim's holder writes the record (insert, replace or delete).
//  3. Complete: the entry's pending mark is removed.
//
// No lock exists that a crash could leave behind: a claim is never released, only completed. A
// process stopped between 1 and 3 leaves a pending entry whose after-image is the decided change;
// Settle (at start, before serving) and the next writer of the record complete it (redo), which
// is idempotent: it is applied only while the record is still at the claimed version. So every
// document written has its audit entry, written before it, and no record is blocked: a writer
// that finds a stopped process's claim completes it and answers CONFLICT, and the next try
// succeeds.
//
// Whether a claim's process has stopped: on a database this process owns alone (the embedded one,
// whose data folder it holds locked), a claim it is not applying itself is from a stopped
// process. On a shared deployment it cannot know, so only claims older than the claim timeout are
// completed by others; a crash there blocks the record's edits for at most that long.

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

// collectionOf returns the collection of a writable document.
func collectionOf(doc Writable) string {
	switch doc.(type) {
	case *model.Organization:
		return organizationsColl
	case *model.Event:
		return eventsColl
	case *model.Hub:
		return hubsColl
	case *model.Alliance:
		return alliancesColl
	}
	panic(fmt.Sprintf("store: %T is not writable", doc))
}

// Operation is one change as the audit trail groups it: a mutation with every document it wrote
// (partners, hubs brought in step), or a whole import.
type Operation struct {
	ID     bson.ObjectID
	At     time.Time // when every record it writes is stamped as updated (and created, when new)
	Actor  Actor
	Action string
}

// NewOperation begins a change by actor, named action (a mutation's name, "import"), at now.
func NewOperation(actor Actor, action string, now time.Time) *Operation {
	now = now.UTC().Truncate(time.Millisecond)
	return &Operation{ID: bson.NewObjectID(), At: now, Actor: actor, Action: action}
}

// Write stores after in place of before, the version of the same record that the change was
// computed from (nil for a new record), records it in the audit trail, and brings in step the
// hubs that copy fields from it, all before it returns. It fails with a ConflictError, having
// written nothing, when the record is no longer at before's version, or when a new record's id or
// slug is taken.
func (s *Store) Write(ctx context.Context, op *Operation, before, after Writable) error {
	if err := s.writeOne(ctx, op, before, after); err != nil {
		return err
	}
	return s.derive(ctx, op, before, after)
}

// writeOne claims, applies and completes one document's change (see the top of this file).
func (s *Store) writeOne(ctx context.Context, op *Operation, before, after Writable) error {
	if s.exclusive {
		// The one process that owns the database serializes its writes: the embedded server
		// would otherwise answer concurrent ones with SQLITE_BUSY and make them wait and retry.
		s.writing.Lock()
		defer s.writing.Unlock()
	}
	e, err := op.claim(before, after)
	if err != nil {
		return err
	}
	if err := s.take(ctx, e); err != nil {
		return err
	}
	defer s.inflight.Delete(e.Claim)
	s.failpoint("claimed")
	if err := s.apply(ctx, e); err != nil {
		return err
	}
	s.failpoint("applied")
	if err := s.changed(ctx, e.Collection); err != nil {
		return err
	}
	return s.complete(ctx, e.ID)
}

// claim stamps after (the store, never the caller, gives versions and times, so that a version
// names exactly one state of the record) and returns the change's audit entry, pending.
func (op *Operation) claim(before, after Writable) (*AuditEntry, error) {
	doc, from := after, 0
	if before != nil {
		doc, from = before, before.GetVersion()
	}
	if after != nil {
		after.Stamp(from+1, op.At)
	}
	e := &AuditEntry{
		ID: bson.NewObjectID(), Operation: op.ID, At: op.At, Actor: op.Actor.Name, Role: op.Actor.Role,
		Action: op.Action, RequestID: op.Actor.RequestID, Collection: collectionOf(doc), Entity: doc.GetID(),
		From: from, Pending: true, ClaimedAt: time.Now().UTC(),
	}
	if from == 0 {
		e.Claim = doc.GetID() + "@new/" + e.ID.Hex()
	} else {
		e.Claim = claimKey(doc.GetID(), before.GetCreatedAt(), from)
	}
	var err error
	if before != nil {
		if e.Before, err = bson.Marshal(before); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
	}
	if after != nil {
		if e.After, err = bson.Marshal(after); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
	}
	return e, nil
}

// claimKey names the change of the record id, in its life that began at created, from version
// from: one such change can ever be made.
func claimKey(id string, created time.Time, from int) string {
	return fmt.Sprintf("%s@%d/%d", id, created.UnixMilli(), from)
}

// take inserts the claim e, or answers why another write holds it.
func (s *Store) take(ctx context.Context, e *AuditEntry) error {
	s.inflight.Store(e.Claim, true)
	err := retryBusy(ctx, func() error {
		_, err := s.coll(auditColl).InsertOne(ctx, e)
		return err
	})
	if err == nil {
		return nil
	}
	s.inflight.Delete(e.Claim)
	if !mongo.IsDuplicateKeyError(err) {
		return dbErr("audit "+e.Action, err)
	}
	return s.taken(ctx, e)
}

// taken answers a write whose claim another write holds: always a conflict, after completing the
// other write when its process has stopped, so that the next try finds the record free.
func (s *Store) taken(ctx context.Context, e *AuditEntry) error {
	cur, err := s.lifeOf(ctx, e.Collection, e.Entity)
	switch {
	case errors.Is(err, ErrNotFound):
		return conflictf("%s was removed since you read it", e.Entity)
	case err != nil:
		return err
	case cur.Version != e.From || !cur.CreatedAt.Equal(e.created()):
		return conflictf("%s is at version %d, not %d: someone changed it since you read it; read it again and reapply your change",
			e.Entity, cur.Version, e.From)
	}
	other, err := findOne[AuditEntry](ctx, s.coll(auditColl), bson.D{{Key: "claim", Value: e.Claim}})
	if errors.Is(err, ErrNotFound) {
		return conflictf("%s is being changed by someone else right now: read it again and reapply your change", e.Entity)
	}
	if err != nil {
		return err
	}
	if !s.stopped(other) {
		return conflictf("%s is being changed by %s right now (%s): read it again in a moment and reapply your change",
			e.Entity, other.Actor, other.Action)
	}
	if err := s.settle(ctx, other); err != nil {
		return err
	}
	return conflictf("%s had a change by %s (%s) that a stopped process left unfinished; it is now complete: read the record again and reapply your change",
		e.Entity, other.Actor, other.Action)
}

// stopped reports whether the process that claimed e can no longer be applying it.
func (s *Store) stopped(e *AuditEntry) bool {
	if s.exclusive {
		_, mine := s.inflight.Load(e.Claim)
		return !mine
	}
	return time.Since(e.ClaimedAt) > s.claimTimeout
}

// apply makes the claimed change e. On a database this process owns, the claim's holder is the
// only writer of the record at that version, so the record is asked by _id alone (the embedded
// server uses its index for nothing else). On a shared one, a claim may be completed by another
// process too, so the write also names the version, which MongoDB checks atomically; a write that
// matches nothing was completed already.
func (s *Store) apply(ctx context.Context, e *AuditEntry) error {
	c := s.coll(e.Collection)
	filter := bson.D{{Key: "_id", Value: e.Entity}}
	if !s.exclusive && e.From > 0 {
		filter = append(filter, bson.E{Key: "version", Value: e.From})
	}
	err := retryBusy(ctx, func() error {
		var err error
		switch {
		case e.From == 0:
			_, err = c.InsertOne(ctx, e.After)
		case e.After == nil:
			_, err = c.DeleteOne(ctx, filter)
		default:
			_, err = c.ReplaceOne(ctx, filter, e.After)
		}
		return err
	})
	if mongo.IsDuplicateKeyError(err) && e.From == 0 {
		if cur, lerr := s.lifeOf(ctx, e.Collection, e.Entity); lerr == nil && cur.CreatedAt.Equal(e.created()) {
			return nil // this very creation, completed by another process meanwhile
		}
	}
	if mongo.IsDuplicateKeyError(err) {
		// The change cannot be made: another record has the id or the slug. It did not happen,
		// so its claim, which nobody else can hold, goes.
		if verr := s.void(ctx, e); verr != nil {
			return verr
		}
		return conflictf("%s already exists, or another record has its slug: choose another slug", e.Entity)
	}
	if err != nil {
		return dbErr("write "+e.Entity, err)
	}
	return nil
}

// complete marks the claim id done.
func (s *Store) complete(ctx context.Context, ids ...bson.ObjectID) error {
	err := retryBusy(ctx, func() error {
		_, err := s.coll(auditColl).UpdateMany(ctx, in("_id", ids),
			bson.D{{Key: "$unset", Value: bson.D{{Key: "pending", Value: ""}}}})
		return err
	})
	if err != nil {
		return dbErr("audit", err)
	}
	s.failpoint("completed")
	return nil
}

// void removes the claim of a change that could not be made.
func (s *Store) void(ctx context.Context, e *AuditEntry) error {
	_, err := s.coll(auditColl).DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: e.ID}})
	if err != nil {
		return dbErr("audit", err)
	}
	return nil
}

// life is what says which version of which life of a record is stored.
type life struct {
	Version   int       `bson:"version"`
	CreatedAt time.Time `bson:"createdAt"`
}

func (life) partialDocument() {}

// idLife is a record's id with its life.
type idLife struct {
	ID        string    `bson:"_id"`
	Version   int       `bson:"version"`
	CreatedAt time.Time `bson:"createdAt"`
}

func (idLife) partialDocument() {}

// lifeOf returns the version and creation time of the record id, asked by _id alone;
// ErrNotFound when there is none.
func (s *Store) lifeOf(ctx context.Context, coll, id string) (*life, error) {
	return findOne[life](ctx, s.coll(coll), bson.D{{Key: "_id", Value: id}})
}

// settle completes the claim e of a stopped process (see settleAll).
func (s *Store) settle(ctx context.Context, e *AuditEntry) error {
	return s.settleAll(ctx, []*AuditEntry{e})
}

// redo applies the stopped change e to the record, whose stored life is cur (nil when there is
// none), when the record is still where the change left from; it returns the record's life after,
// and leaves e to be marked complete, unless it voided it.
func (s *Store) redo(ctx context.Context, e *AuditEntry, cur *life) (*life, error) {
	after := func() *life {
		if e.After == nil {
			return nil
		}
		return &life{Version: e.From + 1, CreatedAt: e.created()}
	}
	switch {
	case e.From == 0 && cur == nil: // not created yet
		if err := s.apply(ctx, e); errors.Is(err, ErrConflict) {
			return nil, nil // voided: the id or slug is someone else's
		} else if err != nil {
			return nil, err
		}
		return after(), nil
	case e.From == 0 && !cur.CreatedAt.Equal(e.created()):
		return cur, s.void(ctx, e) // someone else created it
	case e.From > 0 && cur != nil && cur.Version == e.From && cur.CreatedAt.Equal(e.created()):
		if err := s.apply(ctx, e); errors.Is(err, ErrConflict) {
			return cur, nil
		} else if err != nil {
			return nil, err
		}
		return after(), nil
	}
	// Otherwise it was applied: the record moved on from the claimed version, or was removed.
	return cur, nil
}

// settleAll completes the claims of stopped processes, in the order they were made: each change
// is applied if its record is still at the version it was claimed from (in the same life), and its
// entry is marked complete; a creation that can no longer be made is voided. The records are read
// in one command per collection and the entries completed in one command per batch. Settles run
// one at a time in a process.
func (s *Store) settleAll(ctx context.Context, entries []*AuditEntry) error {
	s.settling.Lock()
	defer s.settling.Unlock()
	ids := map[string][]string{}
	for _, e := range entries {
		ids[e.Collection] = append(ids[e.Collection], e.Entity)
	}
	lives := map[string]*life{} // by collection and id
	for coll, list := range ids {
		docs, err := findAll[idLife](ctx, s.coll(coll), in("_id", list), nil, 0, len(list))
		if err != nil {
			return err
		}
		for _, d := range docs {
			lives[coll+"/"+d.ID] = &life{Version: d.Version, CreatedAt: d.CreatedAt}
		}
	}
	var done []bson.ObjectID
	for _, e := range entries {
		key := e.Collection + "/" + e.Entity
		next, err := s.redo(ctx, e, lives[key])
		if err != nil {
			return err
		}
		lives[key] = next
		done = append(done, e.ID)
	}
	// Whether redone here or applied before its process stopped, the change may have no mark yet.
	for coll := range ids {
		if err := s.changed(ctx, coll); err != nil {
			return err
		}
	}
	for start := 0; start < len(done); start += batchSize {
		if err := s.complete(ctx, done[start:min(start+batchSize, len(done))]...); err != nil {
			return err
		}
	}
	return nil
}

// created returns when the record that e changes was made, in the life e changes.
func (e *AuditEntry) created() time.Time {
	raw := e.Before
	if raw == nil {
		raw = e.After
	}
	t, _ := raw.Lookup("createdAt").TimeOK()
	return t.UTC()
}

// SettleReport says what Settle did.
type SettleReport struct {
	// Completed is how many changes of stopped processes it completed.
	Completed int
	// Hubs is how many hubs' copies of their hosts' fields it brought in step.
	Hubs int
}

// Settle completes the changes that stopped processes left claimed (all of them on a database
// this process owns, those older than the claim timeout on a shared one), then rebuilds every
// hub's copy of its hosts' fields from the hosts, writing only the hubs that differ. Both are
// idempotent, and neither overwrites a live change: completing a claim writes only a record still
// at the claimed version, and a hub is rewritten from the version it was read at. Servers and
// commands call it once, when they open the database, before serving.
func (s *Store) Settle(ctx context.Context, actor Actor, now time.Time) (SettleReport, error) {
	var r SettleReport
	// A process that stopped may have written documents without marking the change (a write, a
	// seed, an upgrade): no snapshot read before now is trusted.
	if err := s.changed(ctx, snapshotted...); err != nil {
		return r, err
	}
	pending, err := findAll[AuditEntry](ctx, s.coll(auditColl), bson.D{{Key: "pending", Value: true}},
		bson.D{{Key: "claimedAt", Value: 1}, {Key: "_id", Value: 1}}, 0, 0)
	if err != nil {
		return r, err
	}
	stopped := slices.DeleteFunc(pending, func(e *AuditEntry) bool { return !s.stopped(e) })
	if err := s.settleAll(ctx, stopped); err != nil {
		return r, err
	}
	r.Completed = len(stopped)
	r.Hubs, err = s.rebuildHubs(ctx, NewOperation(actor, "settle", now))
	return r, err
}

// derive brings in step, after a write, the hubs that copy fields from the written record: the
// hubs an organization hosts when its alliances, communities, issues or archiving changed, and a
// written hub itself. A hub is rebuilt from its hosts as they are after the write, so whichever of
// two concurrent writers (a host's, a hub's) finishes last has read the other's change.
func (s *Store) derive(ctx context.Context, op *Operation, before, after Writable) error {
	switch d := after.(type) {
	case *model.Organization:
		b, _ := before.(*model.Organization)
		if b == nil || !hostFieldsDiffer(b, d) {
			return nil
		}
		hubs, err := s.FindHubs(ctx, HubsByHost.On(d.ID))
		if err != nil {
			return err
		}
		for _, h := range hubs {
			if err := s.deriveHub(ctx, op, h.ID); err != nil {
				return err
			}
		}
	case *model.Hub:
		return s.deriveHub(ctx, op, d.ID)
	}
	return nil
}

func hostFieldsDiffer(a, b *model.Organization) bool {
	return a.Archived != b.Archived || !slices.Equal(a.AllianceIDs, b.AllianceIDs) ||
		!slices.Equal(a.Communities, b.Communities) || !slices.Equal(a.Issues, b.Issues)
}

// maxRetries bounds how often a derived write rereads a record that changed under it.
const maxRetries = 100

// deriveHub rebuilds the hub id's copy of its hosts' fields from the hosts, rereading and trying
// again when another write got there first.
func (s *Store) deriveHub(ctx context.Context, op *Operation, id string) error {
	for range maxRetries {
		h, err := findOne[model.Hub](ctx, s.coll(hubsColl), bson.D{{Key: "_id", Value: id}})
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var hosts []*model.Organization
		if len(h.HostIDs) > 0 {
			if hosts, err = s.FindOrganizations(ctx, ByID(h.HostIDs...)); err != nil {
				return err
			}
		}
		err = s.rederive(ctx, op, h, hosts)
		if !errors.Is(err, ErrConflict) {
			return err
		}
		pause(ctx)
	}
	// Not a conflict: the change itself was written; the next Settle rebuilds the hub.
	return fmt.Errorf("%s kept changing while %s brought it in step with its hosts", id, op.Action)
}

// rederive writes h with its hosts' fields recomputed, when they differ from what it holds.
func (s *Store) rederive(ctx context.Context, op *Operation, h *model.Hub, hosts []*model.Organization) error {
	next := *h
	next.SetHostFields(hosts)
	if sameHostFields(h, &next) {
		return nil
	}
	return s.writeOne(ctx, op, h, &next)
}

// sameHostFields reports whether two versions of a hub copy the same fields from their hosts.
func sameHostFields(a, b *model.Hub) bool {
	return slices.Equal(a.AllianceIDs, b.AllianceIDs) && slices.Equal(a.Communities, b.Communities) &&
		slices.Equal(a.Issues, b.Issues)
}

// rebuildHubs brings every hub's copy of its hosts' fields in step with the hosts, writing only
// the hubs that differ, and returns how many it wrote: two commands when none does.
func (s *Store) rebuildHubs(ctx context.Context, op *Operation) (int, error) {
	all, err := findAll[model.Hub](ctx, s.coll(hubsColl), bson.D{}, nil, 0, 0)
	if err != nil {
		return 0, err
	}
	orgs, err := findAll[model.Organization](ctx, s.coll(organizationsColl), bson.D{}, nil, 0, 0)
	if err != nil {
		return 0, err
	}
	byID := make(map[string]*model.Organization, len(orgs))
	for _, o := range orgs {
		byID[o.ID] = o
	}
	n := 0
	for _, h := range all {
		hosts := make([]*model.Organization, 0, len(h.HostIDs))
		for _, id := range h.HostIDs {
			hosts = append(hosts, byID[id])
		}
		next := *h
		next.SetHostFields(hosts)
		if sameHostFields(h, &next) {
			continue
		}
		if err := s.deriveHub(ctx, op, h.ID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// pause waits a short random while before a retry, so that writers that collided spread out.
func pause(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-time.After(time.Duration(1+rand.IntN(10)) * time.Millisecond):
	}
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
