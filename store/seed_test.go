package store_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rootsgraph/dataset"
	"rootsgraph/model"
	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

// bundledDocuments returns the documents of the bundled data set, scaled n times.
func bundledDocuments(t *testing.T, n int) model.Documents {
	t.Helper()
	set, err := dataset.Read(dataset.Bundled())
	if err != nil {
		t.Fatalf("read bundled data set: %v", err)
	}
	if n > 1 {
		set = set.Scale(n)
	}
	docs, err := set.Documents(storetest.Fixed)
	if err != nil {
		t.Fatalf("documents of the bundled data set: %v", err)
	}
	return docs
}

// rawDatabase connects to the test's database with a client of its own, outside the store, for
// writing documents by hand and reading what the store wrote.
func rawDatabase(t *testing.T, db *storetest.DB) *mongo.Database {
	t.Helper()
	client, err := mongo.Connect(options.Client().ApplyURI(db.URI))
	if err != nil {
		t.Fatalf("connect to %s: %v", db, err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return client.Database(db.Name)
}

// wantCounts checks that each collection holds as many documents as docs.
func wantCounts(t *testing.T, db *storetest.DB, docs model.Documents) {
	t.Helper()
	for _, c := range []struct {
		coll store.Collection
		want int
	}{
		{store.StateCollection, len(docs.States)},
		{store.AllianceCollection, len(docs.Alliances)},
		{store.OrganizationCollection, len(docs.Organizations)},
		{store.EventCollection, len(docs.Events)},
		{store.HubCollection, len(docs.Hubs)},
	} {
		got, err := db.Count(t.Context(), c.coll, store.Filter{})
		if err != nil {
			t.Fatalf("count %s: %v", c.coll, err)
		}
		if got != c.want {
			t.Errorf("%s holds %d documents; want %d", c.coll, got, c.want)
		}
	}
}

// writeCommands returns the commands among those counted that write to the database.
func writeCommands(counts map[string]int) map[string]int {
	out := map[string]int{}
	for _, name := range []string{"insert", "update", "delete", "findAndModify", "createIndexes", "drop", "dropDatabase"} {
		if counts[name] > 0 {
			out[name] = counts[name]
		}
	}
	return out
}

// seedMarker is the marker document of collection "meta", as the tests read it.
type seedMarker struct {
	ID         string     `bson:"_id"`
	StartedAt  time.Time  `bson:"startedAt"`
	FinishedAt *time.Time `bson:"finishedAt"`
}

func readMarker(t *testing.T, raw *mongo.Database) seedMarker {
	t.Helper()
	var m seedMarker
	if err := raw.Collection("meta").FindOne(t.Context(), bson.D{{Key: "_id", Value: "seed"}}).Decode(&m); err != nil {
		t.Fatalf("read the seed marker: %v", err)
	}
	return m
}

func TestSeed(t *testing.T) {
	t.Parallel()
	docs := bundledDocuments(t, 1)

	t.Run("IntoEmptyDatabaseWritesEveryDocument", func(t *testing.T) {
		t.Parallel()
		db := storetest.New(t)
		got, err := db.Seed(t.Context(), docs, storetest.Fixed)
		if err != nil || got != store.Seeded {
			t.Fatalf("Seed = %q, %v; want %q, nil", got, err, store.Seeded)
		}
		wantCounts(t, db, docs)

		m := readMarker(t, rawDatabase(t, db))
		if m.FinishedAt == nil || !m.FinishedAt.Equal(storetest.Fixed) {
			t.Errorf("marker finishedAt = %v; want %v", m.FinishedAt, storetest.Fixed)
		}
		want := docs.Organizations[0]
		o, err := db.OrganizationBySlug(t.Context(), want.Slug)
		if err != nil {
			t.Fatalf("OrganizationBySlug(%q): %v", want.Slug, err)
		}
		if o.ID != want.ID || o.Name != want.Name || o.NameKey != want.NameKey || len(o.PartnerIDs) != len(want.PartnerIDs) {
			t.Errorf("seeded organization = %s %q %q partners %v; want %s %q %q partners %v",
				o.ID, o.Name, o.NameKey, o.PartnerIDs, want.ID, want.Name, want.NameKey, want.PartnerIDs)
		}
	})

	t.Run("SecondSeedChangesNothing", func(t *testing.T) {
		t.Parallel()
		db := storetest.New(t)
		if got, err := db.Seed(t.Context(), docs, storetest.Fixed); err != nil || got != store.Seeded {
			t.Fatalf("first Seed = %q, %v; want %q, nil", got, err, store.Seeded)
		}
		raw := rawDatabase(t, db)
		slug := docs.Organizations[3].Slug
		const curated = "Renamed by a curator"
		if _, err := raw.Collection("organizations").UpdateOne(t.Context(),
			bson.D{{Key: "slug", Value: slug}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: curated}}}}); err != nil {
			t.Fatalf("rename %s by hand: %v", slug, err)
		}

		db.Commands.Reset()
		got, err := db.Seed(t.Context(), docs, storetest.Fixed.Add(time.Hour))
		if err != nil || got != store.AlreadySeeded {
			t.Fatalf("second Seed = %q, %v; want %q, nil", got, err, store.AlreadySeeded)
		}
		if w := writeCommands(db.Commands.ByName()); len(w) > 0 {
			t.Errorf("second Seed sent write commands %v (all: %v); want none", w, db.Commands.Commands())
		}
		wantCounts(t, db, docs)
		o, err := db.OrganizationBySlug(t.Context(), slug)
		if err != nil {
			t.Fatalf("OrganizationBySlug(%q): %v", slug, err)
		}
		if o.Name != curated {
			t.Errorf("name after the second Seed = %q; want the curator's %q", o.Name, curated)
		}
		if m := readMarker(t, raw); m.FinishedAt == nil || !m.FinishedAt.Equal(storetest.Fixed) {
			t.Errorf("marker finishedAt after the second Seed = %v; want the first Seed's %v", m.FinishedAt, storetest.Fixed)
		}
	})

	t.Run("DatabaseWithOtherDataIsLeftAlone", func(t *testing.T) {
		t.Parallel()
		db := storetest.New(t)
		raw := rawDatabase(t, db)
		mine := &model.Organization{
			ID: "organization:written-by-hand", Slug: "written-by-hand", Name: "Written By Hand",
			NameKey: "written by hand", Kind: model.OrganizationKindMember, CreatedAt: storetest.Fixed, UpdatedAt: storetest.Fixed,
		}
		if _, err := raw.Collection("organizations").InsertOne(t.Context(), mine); err != nil {
			t.Fatalf("insert by hand: %v", err)
		}

		db.Commands.Reset()
		got, err := db.Seed(t.Context(), docs, storetest.Fixed)
		if err != nil || got != store.HasData {
			t.Fatalf("Seed = %q, %v; want %q, nil", got, err, store.HasData)
		}
		if w := writeCommands(db.Commands.ByName()); len(w) > 0 {
			t.Errorf("Seed sent write commands %v (all: %v); want none", w, db.Commands.Commands())
		}
		wantCounts(t, db, model.Documents{Organizations: []*model.Organization{mine}})
		n, err := raw.Collection("meta").CountDocuments(t.Context(), bson.D{})
		if err != nil {
			t.Fatalf("count meta: %v", err)
		}
		if n != 0 {
			t.Errorf("meta holds %d documents; want 0 (no marker)", n)
		}
	})

	t.Run("SeedCutShortIsFinishedByTheNext", func(t *testing.T) {
		t.Parallel()
		db := storetest.New(t)
		raw := rawDatabase(t, db)
		started := storetest.Fixed.Add(-time.Minute)
		if _, err := raw.Collection("meta").InsertOne(t.Context(),
			bson.D{{Key: "_id", Value: "seed"}, {Key: "startedAt", Value: started}}); err != nil {
			t.Fatalf("insert the marker by hand: %v", err)
		}
		// The crash came after the states and part of the organizations. The organizations
		// written before it carry a name that the data set does not, to show that they are
		// left as they are.
		var states []any
		for _, s := range docs.States {
			states = append(states, s)
		}
		if _, err := raw.Collection("states").InsertMany(t.Context(), states); err != nil {
			t.Fatalf("insert states by hand: %v", err)
		}
		const before = "Written before the crash"
		written := docs.Organizations[:20]
		var orgs []any
		for _, o := range written {
			c := *o
			c.Name = before
			orgs = append(orgs, &c)
		}
		if _, err := raw.Collection("organizations").InsertMany(t.Context(), orgs); err != nil {
			t.Fatalf("insert organizations by hand: %v", err)
		}

		got, err := db.Seed(t.Context(), docs, storetest.Fixed)
		if err != nil || got != store.Seeded {
			t.Fatalf("Seed = %q, %v; want %q, nil", got, err, store.Seeded)
		}
		wantCounts(t, db, docs)
		for _, w := range written {
			o, err := db.OrganizationBySlug(t.Context(), w.Slug)
			if err != nil {
				t.Fatalf("OrganizationBySlug(%q): %v", w.Slug, err)
			}
			if o.Name != before {
				t.Errorf("%s name = %q; want %q, as written before the crash", w.Slug, o.Name, before)
			}
		}
		last := docs.Organizations[len(docs.Organizations)-1]
		if o, err := db.OrganizationBySlug(t.Context(), last.Slug); err != nil || o.Name != last.Name {
			t.Errorf("OrganizationBySlug(%q) = %v, %v; want it named %q", last.Slug, o, err, last.Name)
		}
		m := readMarker(t, raw)
		if !m.StartedAt.Equal(started) || m.FinishedAt == nil || !m.FinishedAt.Equal(storetest.Fixed) {
			t.Errorf("marker = started %v, finished %v; want started %v, finished %v", m.StartedAt, m.FinishedAt, started, storetest.Fixed)
		}

		got, err = db.Seed(t.Context(), docs, storetest.Fixed)
		if err != nil || got != store.AlreadySeeded {
			t.Errorf("Seed after the finished one = %q, %v; want %q, nil", got, err, store.AlreadySeeded)
		}
	})
}
