package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"rootsgraph/model"
	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

// TestSnapshotsAnswerAsTheDatabaseDoes: every read that a snapshot can answer (a page in any
// order, with any filter and cursor, a count, counts by a field, lookups by id and by reference)
// gives what the database gives for the same question, on the same data.
func TestSnapshotsAnswerAsTheDatabaseDoes(t *testing.T) {
	t.Parallel()
	db := loaded(t, 1)
	if !db.Snapshots() {
		t.Fatalf("the store on %s does not read snapshots; the embedded FerretDB should", db)
	}
	ctx := t.Context()
	// An archived organization, which lists leave out unless asked.
	archive(t, db, "organization:embergrove-nations-sovereignty-council-sample")

	yes, no := true, false
	filters := map[string]store.Filter{
		"none":         {},
		"kind":         {Clauses: []store.Clause{{Field: "kind", Values: []string{"PARTNER", "ALLY"}}}},
		"alliance":     {Clauses: []store.Clause{{Field: "allianceIds", Values: []string{"alliance:climate-justice-alliance"}}}},
		"state+issue":  {Clauses: []store.Clause{{Field: "stateId", Values: []string{"state:nm", "state:ca"}}, {Field: "issues", Values: []string{"HOUSING"}}}},
		"sample":       {Sample: &yes},
		"facts":        {Sample: &no},
		"search":       {Search: "justice"},
		"other name":   {Search: "got green?"},
		"within":       {Within: &store.Box{West: -125, South: 31, East: -103, North: 49}},
		"archived too": {WithArchived: true},
		"nothing":      {Search: "no such organization anywhere"},
	}
	orders := []store.Order{{}, {Field: "nameKey", Desc: true}, {Field: "stateSort"}, {Field: "createdAt", Desc: true}, {Field: "updatedAt"}}
	for name, f := range filters {
		// Every filter in the default order; every order with one filter.
		os := orders[:1]
		if name == "alliance" {
			os = orders
		}
		for _, o := range os {
			all, err := db.Organizations(ctx, store.Page{Filter: f, Order: o})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := db.Organizations(store.WithReadView(ctx), store.Page{Filter: f, Order: o}); err != nil || !slices.Equal(orgIDs(got), orgIDs(all)) {
				t.Errorf("%s, %+v, the whole list: from the snapshot %v (%v); the database %v", name, o, orgIDs(got), err, orgIDs(all))
			}
			pages := []store.Page{{Filter: f, Order: o, Backward: true, Limit: 5}}
			if len(all) > 3 {
				k := key(all[2], o)
				pages = append(pages,
					store.Page{Filter: f, Order: o, After: &k, Limit: 10},
					store.Page{Filter: f, Order: o, Before: &k, Backward: true})
			}
			for _, p := range pages {
				want, err := db.Organizations(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				got, err := db.Organizations(store.WithReadView(ctx), p)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(orgIDs(got), orgIDs(want)) {
					t.Errorf("%s, %+v, %s: from the snapshot %v; the database %v", name, o, describe(p), orgIDs(got), orgIDs(want))
				}
			}
		}
		want, err := db.Count(ctx, store.OrganizationCollection, f)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := db.Count(store.WithReadView(ctx), store.OrganizationCollection, f); err != nil || got != want {
			t.Errorf("count %s: %d from the snapshot (%v); the database %d", name, got, err, want)
		}
		if name != "none" && name != "state+issue" && name != "facts" {
			continue
		}
		for _, by := range []struct {
			c     store.Collection
			field string
			list  bool
		}{{store.OrganizationCollection, "stateId", false}, {store.OrganizationCollection, "allianceIds", true}, {store.HubCollection, "communities", true}, {store.EventCollection, "region", false}} {
			want, err := db.CountBy(ctx, by.c, f, by.field, by.list)
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.CountBy(store.WithReadView(ctx), by.c, f, by.field, by.list)
			if err != nil || !maps.Equal(got, want) {
				t.Errorf("count %s by %s, %s: %v from the snapshot (%v); the database %v", by.c, by.field, name, got, err, want)
			}
		}
	}
	for _, m := range [][]store.Match{
		{store.ByID("organization:it-takes-roots", "organization:no-such", "organization:cooperation-jackson")},
		{store.OrganizationsByAlliance.On("alliance:right-to-the-city-alliance")},
		{store.OrganizationsByState.On("state:nm"), store.OrganizationsByPartner.On("organization:it-takes-roots")},
	} {
		want, err := db.FindOrganizations(ctx, m...)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.FindOrganizations(store.WithReadView(ctx), m...)
		if err != nil || !slices.Equal(orgIDs(got), orgIDs(want)) {
			t.Errorf("find %+v: %v from the snapshot (%v); the database %v", m, orgIDs(got), err, orgIDs(want))
		}
	}
	for _, slug := range []string{"it-takes-roots", "cooperation-jackson", "no-such-slug"} {
		want, werr := db.OrganizationBySlug(ctx, slug)
		got, gerr := db.OrganizationBySlug(store.WithReadView(ctx), slug)
		if !errors.Is(gerr, werr) || (want != nil) != (got != nil) || (want != nil && got.ID != want.ID) {
			t.Errorf("by slug %s: %v, %v from the snapshot; the database %v, %v", slug, got, gerr, want, werr)
		}
	}
	if h, err := db.HubBySlug(store.WithReadView(ctx), "albuquerque-resistance-hub-sample"); err != nil || h.ID != "hub:albuquerque-resistance-hub-sample" {
		t.Errorf("hub by slug from the snapshot: %v, %v", h, err)
	}
	for _, p := range []store.Page{{}, {Order: store.Order{Field: "startDate", Desc: true}, Limit: 3}} {
		want, err := db.Events(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Events(store.WithReadView(ctx), p)
		if err != nil || len(got) != len(want) {
			t.Fatalf("events %s: %d from the snapshot (%v); the database %d", describe(p), len(got), err, len(want))
		}
		for i := range got {
			if got[i].ID != want[i].ID {
				t.Errorf("events %s: %s at %d from the snapshot; the database %s", describe(p), got[i].ID, i, want[i].ID)
			}
		}
	}
}

func key(o *model.Organization, order store.Order) store.Key {
	field := order.Field
	if field == "" {
		field = "nameKey"
	}
	return store.Key{Value: o.Values(field)[0], ID: o.ID}
}

func describe(p store.Page) string {
	s := fmt.Sprintf("limit %d", p.Limit)
	if p.After != nil {
		s += fmt.Sprintf(" after %v", *p.After)
	}
	if p.Before != nil {
		s += fmt.Sprintf(" before %v", *p.Before)
	}
	if p.Backward {
		s += " backward"
	}
	return s
}

// archive writes an organization as archived.
func archive(t *testing.T, db *storetest.DB, id string) {
	t.Helper()
	docs, err := db.FindOrganizations(t.Context(), store.ByID(id))
	if err != nil || len(docs) != 1 {
		t.Fatalf("find %s: %v, %v", id, docs, err)
	}
	next := *docs[0]
	now := time.Now().UTC()
	next.Archived, next.ArchivedAt = true, &now
	if err := db.Write(t.Context(), store.NewOperation(store.Actor{Name: "test"}, "archive", now), docs[0], &next); err != nil {
		t.Fatal(err)
	}
}

// TestSnapshotsFollowEveryWrite: a read through a snapshot sees every write that was answered
// before it, through this store or through another instance of it; reads with no write between
// them use the stored snapshot (a find of it and one of the next change mark, nothing that
// scans), and one request reads each collection once.
func TestSnapshotsFollowEveryWrite(t *testing.T) {
	t.Parallel()
	db := loaded(t, 1)
	other := db.Instance(t, 0)
	ctx := t.Context()
	city := func(s *store.Store, id string) string {
		t.Helper()
		docs, err := s.FindOrganizations(store.WithReadView(ctx), store.ByID(id, "organization:it-takes-roots"))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if d.ID == id {
				return model.Deref(d.City)
			}
		}
		t.Fatalf("%s is not in the snapshot", id)
		return ""
	}
	setCity := func(s *store.Store, id, to string) {
		t.Helper()
		docs, err := s.FindOrganizations(ctx, store.ByID(id))
		if err != nil {
			t.Fatal(err)
		}
		next := *docs[0]
		next.City = &to
		if err := s.Write(ctx, store.NewOperation(store.Actor{Name: "test"}, "test", time.Now()), docs[0], &next); err != nil {
			t.Fatal(err)
		}
	}
	const id = "organization:cooperation-jackson"
	_ = city(db.Store, id) // builds the snapshot
	db.Commands.Reset()
	_ = city(db.Store, id)
	if got := db.Commands.ByName(); !maps.Equal(got, map[string]int{"find": 2}) {
		t.Errorf("a read of a current snapshot sent %v (%v); want two finds by _id", got, db.Commands.Commands())
	}
	for i, writer := range []*store.Store{db.Store, other, db.Store, other} {
		to := fmt.Sprintf("Jackson %d", i)
		setCity(writer, id, to)
		for _, reader := range []*store.Store{db.Store, other} {
			if got := city(reader, id); got != to {
				t.Errorf("write %d: a snapshot read after it says %q; want %q", i, got, to)
			}
		}
	}
	// One request, many reads: the collection is read once.
	view := store.WithReadView(ctx)
	db.Commands.Reset()
	for range 3 {
		if _, err := db.Organizations(view, store.Page{Limit: 10}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Count(view, store.OrganizationCollection, store.Filter{}); err != nil {
			t.Fatal(err)
		}
	}
	if got := db.Commands.Total(); got != 2 {
		t.Errorf("six reads in one view sent %v; want the two finds of one snapshot read", db.Commands.Commands())
	}
	storetest.CheckIntegrity(t, db.Store)
}

// TestSnapshotsOfManyDocuments: a snapshot larger than one document's share is stored across
// several, read back whole, and one of them left from another snapshot is noticed, not used.
func TestSnapshotsOfManyDocuments(t *testing.T) {
	// Not parallel: it changes how large a snapshot document may be for the whole package.
	old := *store.SnapshotChunk
	*store.SnapshotChunk = 2 << 10
	t.Cleanup(func() { *store.SnapshotChunk = old })
	db := loaded(t, 1)
	ctx := t.Context()
	want, err := db.Organizations(ctx, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	read := func() []string {
		got, err := db.Organizations(store.WithReadView(ctx), store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return orgIDs(got)
	}
	if got := read(); !slices.Equal(got, orgIDs(want)) {
		t.Fatalf("first read: %d organizations; want %d", len(got), len(want))
	}
	raw := rawDatabase(t, db).Collection("meta")
	n, err := raw.CountDocuments(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$regex", Value: "^snapshot:organizations"}}}})
	if err != nil || n < 10 {
		t.Fatalf("the snapshot of %d organizations is stored in %d documents (%v); want many", len(want), n, err)
	}
	db.Commands.Reset()
	if got := read(); !slices.Equal(got, orgIDs(want)) {
		t.Errorf("read of the stored snapshot: %d organizations; want %d", len(got), len(want))
	}
	if c := db.Commands.ByName(); c["find"] != int(n)+1 {
		t.Errorf("reading a snapshot of %d documents sent %v; want a find of each and of the next change mark", n, c)
	}
	// A document of the snapshot that belongs to another one: read the collection instead.
	if _, err := raw.UpdateOne(ctx, bson.D{{Key: "_id", Value: "snapshot:organizations:3"}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "seq", Value: -1}}}}); err != nil {
		t.Fatal(err)
	}
	readsTheCollection := func(what string) {
		t.Helper()
		db.Commands.Reset()
		if got := read(); !slices.Equal(got, orgIDs(want)) {
			t.Errorf("read past %s: %d organizations; want %d", what, len(got), len(want))
		}
		if c := db.Commands.Commands(); !slices.ContainsFunc(c, func(s string) bool { return s == "find organizations" }) {
			t.Errorf("%s was used: %v", what, c)
		}
	}
	readsTheCollection("a snapshot with a document of another")
	// Parts of two rebuilds at the same mark (two processes writing at once): the checksum of the
	// compressed data fails, and the collection is read instead of answering an error.
	var one struct {
		Data []byte `bson:"data"`
	}
	if err := raw.FindOne(ctx, bson.D{{Key: "_id", Value: "snapshot:organizations:1"}}).Decode(&one); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.UpdateOne(ctx, bson.D{{Key: "_id", Value: "snapshot:organizations:2"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "data", Value: one.Data}}}}); err != nil {
		t.Fatal(err)
	}
	readsTheCollection("a snapshot whose parts do not fit")
	storetest.CheckIntegrity(t, db.Store)
}

// TestChangeMarksHaveNoGaps: writers on several instances at once each take their own change
// mark, and the marks run 1, 2, 3, ... without a gap or a repeat, which is what makes a snapshot's
// check sound.
func TestChangeMarksHaveNoGaps(t *testing.T) {
	t.Parallel()
	db := loaded(t, 1)
	stores := []*store.Store{db.Store, db.Instance(t, 0), db.Instance(t, 0)}
	ctx := context.Background()
	const writes = 8
	ids := []string{"organization:cooperation-jackson", "organization:it-takes-roots", "organization:got-green"}
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() {
			for n := range writes {
				for {
					docs, err := s.FindOrganizations(ctx, store.ByID(ids[i]))
					if err != nil {
						t.Error(err)
						return
					}
					next := *docs[0]
					next.City = new(fmt.Sprintf("city %d", n))
					err = s.Write(ctx, store.NewOperation(store.Actor{Name: "test"}, "test", time.Now()), docs[0], &next)
					if err == nil {
						break
					}
					if !errors.Is(err, store.ErrConflict) {
						t.Error(err)
						return
					}
				}
				// A reader on the same instance between writes, so that snapshots are rebuilt
				// while the others write.
				if _, err := s.Organizations(store.WithReadView(ctx), store.Page{Limit: 5}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	raw := rawDatabase(t, db).Collection("meta")
	var marks []struct {
		ID string `bson:"_id"`
	}
	cur, err := raw.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$regex", Value: "^change:organizations:"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := cur.All(ctx, &marks); err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, m := range marks {
		var n int
		if _, err := fmt.Sscanf(m.ID, "change:organizations:%d", &n); err != nil {
			t.Fatalf("mark %q: %v", m.ID, err)
		}
		seen[n] = true
	}
	if len(seen) < len(stores)*writes {
		t.Errorf("%d marks for %d writes", len(seen), len(stores)*writes)
	}
	for n := 1; n <= len(seen); n++ {
		if !seen[n] {
			t.Errorf("no change mark %d among %d: a gap", n, len(seen))
		}
	}
	storetest.CheckIntegrity(t, db.Store)
}
