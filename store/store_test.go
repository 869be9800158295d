package store_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"rootsgraph/model"
	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// oneFind is what the counter holds after a query that took one round trip: a single find, with
// no getMore for a second batch and no killCursors for a cursor left open.
var oneFind = map[string]int{"find": 1}

// wantOneFind checks that the commands counted since the last reset are exactly one find.
func wantOneFind(t *testing.T, db *storetest.DB, what string) {
	t.Helper()
	if got := db.Commands.ByName(); !maps.Equal(got, oneFind) {
		t.Errorf("%s sent %v (%v); want %v", what, got, db.Commands.Commands(), oneFind)
	}
}

func orgIDs(orgs []*model.Organization) []string {
	out := make([]string, len(orgs))
	for i, o := range orgs {
		out[i] = o.ID
	}
	return out
}

func orgKey(o *model.Organization) store.Key { return store.Key{Value: o.NameKey, ID: o.ID} }

// inListOrder returns the organizations that keep selects, ordered as the store lists them: by
// nameKey, then by id.
func inListOrder(orgs []*model.Organization, keep func(*model.Organization) bool) []string {
	var out []*model.Organization
	for _, o := range orgs {
		if keep(o) {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b *model.Organization) int {
		switch {
		case orgKey(a).Less(orgKey(b)):
			return -1
		case orgKey(b).Less(orgKey(a)):
			return 1
		}
		return 0
	})
	return orgIDs(out)
}

// indexNames returns the sorted index names of each data collection.
func indexNames(t *testing.T, raw *mongo.Database) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, coll := range []string{"states", "alliances", "organizations", "events", "hubs"} {
		specs, err := raw.Collection(coll).Indexes().ListSpecifications(t.Context())
		if err != nil {
			t.Fatalf("list indexes of %s: %v", coll, err)
		}
		for _, s := range specs {
			out[coll] = append(out[coll], s.Name)
		}
		slices.Sort(out[coll])
	}
	return out
}

func TestEnsureIndexes(t *testing.T) {
	t.Parallel()

	t.Run("TwiceIsFine", func(t *testing.T) {
		t.Parallel()
		db := storetest.New(t) // has run EnsureIndexes once already
		raw := rawDatabase(t, db)
		before := indexNames(t, raw)
		for i := range 2 {
			if err := db.EnsureIndexes(t.Context()); err != nil {
				t.Fatalf("EnsureIndexes, call %d after the first: %v", i+1, err)
			}
		}
		if after := indexNames(t, raw); !maps.EqualFunc(after, before, slices.Equal) {
			t.Errorf("indexes after calling EnsureIndexes again: %v; want them as after the first call, %v", after, before)
		}
	})

	t.Run("UniqueSlugRejectsDuplicate", func(t *testing.T) {
		t.Parallel()
		db := storetest.New(t)
		orgs := rawDatabase(t, db).Collection("organizations")
		first := bson.D{{Key: "_id", Value: "organization:same-slug"}, {Key: "slug", Value: "same-slug"}, {Key: "nameKey", Value: "same slug"}}
		if _, err := orgs.InsertOne(t.Context(), first); err != nil {
			t.Fatalf("insert the first organization: %v", err)
		}
		second := bson.D{{Key: "_id", Value: "organization:other-id"}, {Key: "slug", Value: "same-slug"}, {Key: "nameKey", Value: "same slug"}}
		_, err := orgs.InsertOne(t.Context(), second)
		if !mongo.IsDuplicateKeyError(err) {
			t.Errorf("insert a second organization with the same slug: got error %v; want a duplicate-key error", err)
		}
		if n, err := db.Count(t.Context(), store.OrganizationCollection, store.Filter{}); err != nil || n != 1 {
			t.Errorf("Count = %d, %v; want 1, nil", n, err)
		}
	})
}

func TestFind(t *testing.T) {
	t.Parallel()
	db := loaded(t, 1)
	docs := bundledDocuments(t, 1)
	ctx := t.Context()

	t.Run("ByOneID", func(t *testing.T) {
		want := docs.Organizations[7]
		db.Commands.Reset()
		got, err := db.FindOrganizations(ctx, store.ByID(want.ID))
		if err != nil {
			t.Fatalf("FindOrganizations: %v", err)
		}
		wantOneFind(t, db, "a lookup by one id")
		if ids := orgIDs(got); !slices.Equal(ids, []string{want.ID}) {
			t.Errorf("got %v; want %v", ids, []string{want.ID})
		}
		if got[0].Name != want.Name || got[0].Slug != want.Slug {
			t.Errorf("got %q (%s); want %q (%s)", got[0].Name, got[0].Slug, want.Name, want.Slug)
		}
	})

	t.Run("ByManyIDs", func(t *testing.T) {
		var ids []string
		for i := 0; i < len(docs.Organizations); i += 9 {
			ids = append(ids, docs.Organizations[i].ID)
		}
		db.Commands.Reset()
		got, err := db.FindOrganizations(ctx, store.ByID(ids...))
		if err != nil {
			t.Fatalf("FindOrganizations: %v", err)
		}
		wantOneFind(t, db, fmt.Sprintf("a lookup by %d ids", len(ids)))
		want := inListOrder(docs.Organizations, func(o *model.Organization) bool { return slices.Contains(ids, o.ID) })
		if g := orgIDs(got); !slices.Equal(g, want) {
			t.Errorf("got %v; want %v", g, want)
		}
	})

	t.Run("UnknownIDsAreAbsent", func(t *testing.T) {
		known := docs.Organizations[0].ID
		got, err := db.FindOrganizations(ctx, store.ByID("organization:no-such-org", known, "organization:nor-this-one"))
		if err != nil {
			t.Fatalf("FindOrganizations: %v", err)
		}
		if g := orgIDs(got); !slices.Equal(g, []string{known}) {
			t.Errorf("got %v; want %v", g, []string{known})
		}
		got, err = db.FindOrganizations(ctx, store.ByID("organization:no-such-org"))
		if err != nil || len(got) != 0 {
			t.Errorf("lookup of an unknown id = %v, %v; want nothing, nil", orgIDs(got), err)
		}
	})

	t.Run("OtherTypesByID", func(t *testing.T) {
		states, err := db.FindStates(ctx, store.ByID("state:NY", "state:QC"))
		if err != nil || len(states) != 2 || states[0].Code != "NY" || states[1].Code != "QC" {
			t.Errorf("FindStates(NY, QC) = %v, %v; want New York then Quebec", states, err)
		}
		events, err := db.FindEvents(ctx, store.ByID("event:may-day-2017", "event:peoples-climate-march-2014"))
		if err != nil || len(events) != 2 || events[0].Slug != "peoples-climate-march-2014" || events[1].Slug != "may-day-2017" {
			t.Errorf("FindEvents = %v, %v; want the 2014 march, then May Day 2017 (by start date)", events, err)
		}
	})

	t.Run("RefInListOrder", func(t *testing.T) {
		alliance := docs.Alliances[1].ID
		db.Commands.Reset()
		got, err := db.FindOrganizations(ctx, store.OrganizationsByAlliance.On(alliance))
		if err != nil {
			t.Fatalf("FindOrganizations: %v", err)
		}
		wantOneFind(t, db, "a lookup by one alliance")
		want := inListOrder(docs.Organizations, func(o *model.Organization) bool { return slices.Contains(o.AllianceIDs, alliance) })
		if len(want) < 2 {
			t.Fatalf("the bundled data set has %d members of %s; the test needs at least 2", len(want), alliance)
		}
		if g := orgIDs(got); !slices.Equal(g, want) {
			t.Errorf("members of %s: got %v; want %v", alliance, g, want)
		}
	})

	t.Run("RefOnManyIDs", func(t *testing.T) {
		states := []string{"state:NY", "state:CA", "state:QC"}
		got, err := db.FindOrganizations(ctx, store.OrganizationsByState.On(states...))
		if err != nil {
			t.Fatalf("FindOrganizations: %v", err)
		}
		want := inListOrder(docs.Organizations, func(o *model.Organization) bool {
			return o.StateID != nil && slices.Contains(states, *o.StateID)
		})
		if g := orgIDs(got); !slices.Equal(g, want) {
			t.Errorf("organizations in %v: got %v; want %v", states, g, want)
		}
	})

	t.Run("SeveralMatchesAreOneCommand", func(t *testing.T) {
		byID := []string{docs.Organizations[0].ID, docs.Organizations[50].ID}
		alliance := docs.Alliances[2].ID
		partner := "organization:it-takes-roots"
		db.Commands.Reset()
		got, err := db.FindOrganizations(ctx,
			store.ByID(byID...),
			store.OrganizationsByAlliance.On(alliance),
			store.OrganizationsByPartner.On(partner),
		)
		if err != nil {
			t.Fatalf("FindOrganizations: %v", err)
		}
		wantOneFind(t, db, "three matches in one call")
		want := inListOrder(docs.Organizations, func(o *model.Organization) bool {
			return slices.Contains(byID, o.ID) || slices.Contains(o.AllianceIDs, alliance) || slices.Contains(o.PartnerIDs, partner)
		})
		if g := orgIDs(got); !slices.Equal(g, want) {
			t.Errorf("got %v; want %v", g, want)
		}
	})

	t.Run("NoValuesSendNothing", func(t *testing.T) {
		db.Commands.Reset()
		got, err := db.FindOrganizations(ctx, store.ByID())
		if err != nil || len(got) != 0 {
			t.Errorf("FindOrganizations(ByID()) = %v, %v; want nothing, nil", orgIDs(got), err)
		}
		if n := db.Commands.Total(); n != 0 {
			t.Errorf("sent %d commands (%v); want 0", n, db.Commands.Commands())
		}
	})
}

// walk pages through every organization, limit at a time, checking that each page is one find.
func walk(t *testing.T, db *storetest.DB, limit int) []*model.Organization {
	t.Helper()
	var all []*model.Organization
	var after *store.Key
	for page := 1; ; page++ {
		db.Commands.Reset()
		got, err := db.Organizations(t.Context(), store.Page{Limit: limit, After: after})
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		wantOneFind(t, db, fmt.Sprintf("page %d of %d", page, limit))
		if len(got) > limit {
			t.Fatalf("page %d holds %d organizations; want at most %d", page, len(got), limit)
		}
		if len(got) == 0 {
			return all
		}
		all = append(all, got...)
		k := orgKey(got[len(got)-1])
		after = &k
		if page > 1000 {
			t.Fatalf("more than 1000 pages of %d; the walk does not advance", limit)
		}
	}
}

func TestOrganizationsPaging(t *testing.T) {
	t.Parallel()
	db := loaded(t, 1)
	docs := bundledDocuments(t, 1)
	want := inListOrder(docs.Organizations, func(*model.Organization) bool { return true })

	t.Run("WholeListInOneCall", func(t *testing.T) {
		db.Commands.Reset()
		got, err := db.Organizations(t.Context(), store.Page{})
		if err != nil {
			t.Fatalf("Organizations: %v", err)
		}
		wantOneFind(t, db, "the whole list")
		if g := orgIDs(got); !slices.Equal(g, want) {
			t.Errorf("got %v; want %v", g, want)
		}
	})

	for _, limit := range []int{1, 7, 50, 200} {
		t.Run(fmt.Sprintf("PagesOf%d", limit), func(t *testing.T) {
			got := orgIDs(walk(t, db, limit))
			if !slices.Equal(got, want) {
				t.Errorf("walked %d organizations %v; want %d %v", len(got), got, len(want), want)
			}
		})
	}
}

// loaded returns a database of its own holding the bundled data set scaled n times, written with
// one insertMany per collection: the same documents as storetest.Seeded(t, n), in a fraction of
// the time. Seed writes one upsert per document, which the embedded server answers in about
// 15 ms each (seeding the tenfold data set takes over 20 s, inserting it under one), and Seed has
// tests of its own; the tests of reads only need the documents there.
func loaded(t *testing.T, n int) *storetest.DB {
	t.Helper()
	db := storetest.New(t)
	raw := rawDatabase(t, db)
	docs := bundledDocuments(t, n)
	for coll, list := range map[string][]any{
		"states":        asAny(docs.States),
		"alliances":     asAny(docs.Alliances),
		"organizations": asAny(docs.Organizations),
		"events":        asAny(docs.Events),
		"hubs":          asAny(docs.Hubs),
	} {
		if _, err := raw.Collection(coll).InsertMany(t.Context(), list); err != nil {
			t.Fatalf("insert %s: %v", coll, err)
		}
	}
	wantCounts(t, db, docs)
	db.Commands.Reset()
	return db
}

func asAny[T any](docs []*T) []any {
	out := make([]any, len(docs))
	for i, d := range docs {
		out[i] = d
	}
	return out
}

func TestOrganizationsPagingDeepInTenfoldData(t *testing.T) {
	t.Parallel()
	db := loaded(t, 10)
	ctx := t.Context()

	all, err := db.Organizations(ctx, store.Page{})
	if err != nil {
		t.Fatalf("Organizations: %v", err)
	}
	if len(all) < 1500 {
		t.Fatalf("the tenfold data set lists %d organizations; want at least 1500", len(all))
	}
	for i := 1; i < len(all); i++ {
		if !orgKey(all[i-1]).Less(orgKey(all[i])) {
			t.Fatalf("list out of order at %d: %v before %v", i, orgKey(all[i-1]), orgKey(all[i]))
		}
	}

	deep := len(all) - 300
	after := orgKey(all[deep-1])
	db.Commands.Reset()
	got, err := db.Organizations(ctx, store.Page{After: &after, Limit: 25})
	if err != nil {
		t.Fatalf("Organizations after %v: %v", after, err)
	}
	wantOneFind(t, db, fmt.Sprintf("a page after organization %d", deep))
	if g, w := orgIDs(got), orgIDs(all[deep:deep+25]); !slices.Equal(g, w) {
		t.Errorf("page after %v: got %v; want %v", after, g, w)
	}
}

func TestCount(t *testing.T) {
	t.Parallel()

	t.Run("EmptyDatabase", func(t *testing.T) {
		t.Parallel()
		db := storetest.New(t)
		if n, err := db.Count(t.Context(), store.OrganizationCollection, store.Filter{}); err != nil || n != 0 {
			t.Errorf("Count = %d, %v; want 0, nil", n, err)
		}
	})

	t.Run("BundledData", func(t *testing.T) {
		t.Parallel()
		db := storetest.Seeded(t, 1)
		wantCounts(t, db, bundledDocuments(t, 1))
		db.Commands.Reset()
		if _, err := db.Count(t.Context(), store.HubCollection, store.Filter{}); err != nil {
			t.Fatalf("Count: %v", err)
		}
		if got, want := db.Commands.Total(), 1; got != want {
			t.Errorf("Count sent %d commands (%v); want %d", got, db.Commands.Commands(), want)
		}
	})
}

func TestBySlug(t *testing.T) {
	t.Parallel()
	db := loaded(t, 1)
	ctx := t.Context()

	t.Run("Known", func(t *testing.T) {
		o, err := db.OrganizationBySlug(ctx, "it-takes-roots")
		if err != nil {
			t.Fatalf("OrganizationBySlug: %v", err)
		}
		if o.ID != "organization:it-takes-roots" || o.Kind != model.OrganizationKindCoalition {
			t.Errorf("got %s, kind %s; want organization:it-takes-roots, kind COALITION", o.ID, o.Kind)
		}
		s, err := db.StateBySlug(ctx, "new-york")
		if err != nil || s.ID != "state:NY" {
			t.Errorf("StateBySlug(new-york) = %v, %v; want state:NY", s, err)
		}
	})

	t.Run("UnknownIsNotFound", func(t *testing.T) {
		for _, c := range []struct {
			name string
			find func() error
		}{
			{"Organization", func() error { _, err := db.OrganizationBySlug(ctx, "no-such-slug"); return err }},
			{"Alliance", func() error { _, err := db.AllianceBySlug(ctx, "no-such-slug"); return err }},
			{"State", func() error { _, err := db.StateBySlug(ctx, "no-such-slug"); return err }},
			{"Event", func() error { _, err := db.EventBySlug(ctx, "no-such-slug"); return err }},
			{"Hub", func() error { _, err := db.HubBySlug(ctx, "no-such-slug"); return err }},
		} {
			if err := c.find(); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%sBySlug(no-such-slug): got error %v; want store.ErrNotFound", c.name, err)
			}
		}
	})
}
