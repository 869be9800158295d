package store_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rootsgraph/model"
	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

const (
	coalition = "organization:it-takes-roots"
	ruckus    = "organization:the-ruckus-society"
	center    = "organization:center-for-story-based-strategy"
)

var curator = store.Actor{Name: "Curator Carla", Role: store.RoleCurator}

func op(action string) *store.Operation { return store.NewOperation(curator, action, time.Now()) }

func organization(t *testing.T, s *store.Store, id string) *model.Organization {
	t.Helper()
	docs, err := s.FindOrganizations(t.Context(), store.ByID(id))
	if err != nil || len(docs) != 1 {
		t.Fatalf("read %s: %v %v", id, docs, err)
	}
	return docs[0]
}

func withCity(o *model.Organization, city string) *model.Organization {
	next := *o
	next.City = &city
	return &next
}

// stoppedAt opens a store on db's database whose writes stop for good right after the given step,
// as a process killed there would: the goroutine ends, holding nothing.
func stoppedAt(t *testing.T, db *storetest.DB, step string, exclusive bool) *store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), store.Config{URI: db.URI, Database: db.Name, Exclusive: exclusive,
		Failpoint: func(at string) {
			if at == step {
				runtime.Goexit()
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// stopWrite runs a write on s in a goroutine of its own and waits until it has stopped.
func stopWrite(s *store.Store, before, after store.Writable) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Write(context.Background(), op("updateOrganization"), before, after)
	}()
	<-done
}

// TestNextWriterCompletesAStoppedClaim stops a write after its claim, before the record: on the
// database this process owns, the next writer from the same version finds the claim, completes
// the stopped change (so the record holds it, with its audit entry) and answers CONFLICT; the
// write after that, from the new version, succeeds. Nothing is left blocked.
func TestNextWriterCompletesAStoppedClaim(t *testing.T) {
	t.Parallel()
	db := storetest.Seeded(t, 1)
	cur := organization(t, db.Store, ruckus)
	// The stopped write runs through a store that owns the database as db.Store does: the same
	// process, as the embedded server's owner would be.
	stopWrite(stoppedAt(t, db, "claimed", true), cur, withCity(cur, "Stopped City"))
	if got := organization(t, db.Store, ruckus); got.Version != cur.Version {
		t.Fatalf("the stopped write reached the record: version %d", got.Version)
	}
	err := db.Write(t.Context(), op("updateOrganization"), cur, withCity(cur, "Second City"))
	if !errors.Is(err, store.ErrConflict) || !strings.Contains(err.Error(), "now complete") {
		t.Fatalf("the next write from the same version: %v; want a conflict saying the stopped change is complete", err)
	}
	got := organization(t, db.Store, ruckus)
	if got.Version != cur.Version+1 || got.City == nil || *got.City != "Stopped City" {
		t.Errorf("after completion: version %d, city %v; want version %d, Stopped City", got.Version, got.City, cur.Version+1)
	}
	if err := db.Write(t.Context(), op("updateOrganization"), got, withCity(got, "Third City")); err != nil {
		t.Errorf("a write from the completed version: %v", err)
	}
	storetest.CheckIntegrity(t, db.Store)
}

// TestSharedDatabaseWaitsForTheClaimTimeout stops a write after its claim on a shared database
// (another instance's): a writer answers CONFLICT saying the record is being changed, and takes
// the claim over once it is older than the claim timeout.
func TestSharedDatabaseWaitsForTheClaimTimeout(t *testing.T) {
	t.Parallel()
	db := storetest.Seeded(t, 1)
	other := db.Instance(t, 300*time.Millisecond)
	cur := organization(t, db.Store, ruckus)
	stopWrite(stoppedAt(t, db, "claimed", false), cur, withCity(cur, "Stopped City"))
	err := other.Write(t.Context(), op("updateOrganization"), cur, withCity(cur, "Second City"))
	if !errors.Is(err, store.ErrConflict) || !strings.Contains(err.Error(), "being changed by Curator Carla right now") {
		t.Fatalf("a write while the claim is young: %v; want a conflict naming who is changing it", err)
	}
	time.Sleep(400 * time.Millisecond) // past the claim timeout: not a timed assertion, a condition
	err = other.Write(t.Context(), op("updateOrganization"), cur, withCity(cur, "Second City"))
	if !errors.Is(err, store.ErrConflict) || !strings.Contains(err.Error(), "now complete") {
		t.Fatalf("a write once the claim is old: %v; want the stopped change completed", err)
	}
	if got := organization(t, other, ruckus); got.Version != cur.Version+1 || *got.City != "Stopped City" {
		t.Errorf("after completion: version %d, city %v", got.Version, *got.City)
	}
	storetest.CheckIntegrity(t, db.Store)
}

// TestSettleCompletesWhatStoppedWritesLeft stops writes after each step, then runs Settle as a
// start does: every stopped change is applied exactly once and audited, and the hub whose host a
// stopped write changed is brought in step with it.
func TestSettleCompletesWhatStoppedWritesLeft(t *testing.T) {
	t.Parallel()
	db := storetest.Seeded(t, 1)
	host := "organization:ironroot-youth-womens-leadership-circle-sample"
	for _, c := range []struct{ step, id string }{{"claimed", ruckus}, {"applied", center}, {"completed", host}} {
		cur := organization(t, db.Store, c.id)
		next := withCity(cur, "Stopped at "+c.step)
		if c.id == host {
			next.Communities = []model.Community{model.CommunityPacificIslander}
		}
		stopWrite(stoppedAt(t, db, c.step, true), cur, next)
	}
	if ps, _ := storetest.Problems(t.Context(), db.Store); len(ps) == 0 {
		t.Fatal("the stopped writes left nothing to settle; the test stops them too late")
	}
	r, err := db.Settle(t.Context(), store.Actor{Name: "settle"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if r.Completed != 2 || r.Hubs == 0 {
		t.Errorf("settle: %+v; want 2 changes completed (claimed, applied) and the host's hubs rebuilt", r)
	}
	for _, id := range []string{ruckus, center, host} {
		if o := organization(t, db.Store, id); o.Version != 2 || o.City == nil || !strings.HasPrefix(*o.City, "Stopped at") {
			t.Errorf("%s after settle: version %d, city %v; want the stopped change, once", id, o.Version, o.City)
		}
	}
	storetest.CheckIntegrity(t, db.Store)
}

// TestUpgradeFromTheJournalRelease opens a database as the release before left it: partnerships
// listed on both sides (and one only on the side that sorts last, as its bug left some), audit
// entries without claims, the change journal and lock collections. Upgrade records each
// partnership once, keeping every one either side listed, and leaves a database that passes every
// check; a second Upgrade writes nothing.
func TestUpgradeFromTheJournalRelease(t *testing.T) {
	t.Parallel()
	db := storetest.Seeded(t, 1)
	ctx := t.Context()
	client, err := mongo.Connect(options.Client().ApplyURI(db.URI))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	raw := client.Database(db.Name)
	set := func(id string, partners ...string) {
		t.Helper()
		if _, err := raw.Collection("organizations").UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "partnerIds", Value: partners}}}}); err != nil {
			t.Fatal(err)
		}
	}
	coalitionPartners := organization(t, db.Store, coalition).PartnerIDs
	var all []string
	for _, p := range []string{center, "organization:design-action-collective"} {
		set(p, coalition) // the old release listed the pair on both sides
		all = append(all, p)
	}
	all = append(all, coalitionPartners...)
	set(coalition, all...)
	set(ruckus, center) // only on the side that sorts last: a one-sided pair
	if err := raw.Collection("audit").Indexes().DropOne(ctx, "claim_unique"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := raw.Collection("audit").InsertOne(ctx, bson.D{{Key: "_id", Value: bson.NewObjectID()},
			{Key: "entity", Value: ruckus}, {Key: "action", Value: "updateOrganization"}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []string{"operations", "locks"} {
		if _, err := raw.Collection(c).InsertOne(ctx, bson.D{{Key: "_id", Value: "old"}, {Key: "status", Value: "pending"}}); err != nil {
			t.Fatal(err)
		}
	}

	if err := db.Upgrade(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	storetest.CheckIntegrity(t, db.Store)
	if got := organization(t, db.Store, center).PartnerIDs; len(got) != 2 || got[0] != coalition || got[1] != ruckus {
		t.Errorf("%s records %v; want the coalition and The Ruckus Society, whose ids sort after its own", center, got)
	}
	names, err := raw.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if n == "operations" || n == "locks" {
			t.Errorf("collection %s is still there", n)
		}
	}
	n, err := db.CountAudit(ctx, store.AuditFilter{Actor: "upgrade"})
	if err != nil || n == 0 {
		t.Errorf("the upgrade's writes in the audit trail: %d (%v)", n, err)
	}
	db.Commands.Reset()
	if err := db.Upgrade(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	for name, count := range db.Commands.ByName() {
		if name == "insert" || (name == "update" && count > 4) || name == "delete" {
			t.Errorf("a second Upgrade sent %d %s commands; want only the no-op version updates", count, name)
		}
	}
}
