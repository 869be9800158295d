package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"rootsgraph/model"
	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

const cja = "alliance:climate-justice-alliance"

// cachedStore opens db's database as the server does, keeping reference data for ttl on the
// given clock, with its commands counted.
func cachedStore(t *testing.T, db *storetest.DB, ttl time.Duration, now func() time.Time) (*store.Store, *storetest.Counter) {
	t.Helper()
	counter := &storetest.Counter{}
	s, err := store.Open(t.Context(), store.Config{URI: db.URI, Database: db.Name, Monitor: counter.Monitor(),
		Exclusive: true, ReferenceTTL: ttl, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s, counter
}

func allianceName(t *testing.T, s *store.Store) string {
	t.Helper()
	as, err := s.ReadAlliances(t.Context(), store.ByID(cja))
	if err != nil || len(as) != 1 {
		t.Fatalf("ReadAlliances(%s) = %v, %v", cja, as, err)
	}
	return as[0].Name
}

func rename(t *testing.T, s *store.Store, name string) {
	t.Helper()
	as, err := s.FindAlliances(t.Context(), store.ByID(cja))
	if err != nil || len(as) != 1 {
		t.Fatalf("FindAlliances: %v, %v", as, err)
	}
	after := *as[0]
	after.Name = name
	if err := s.Write(t.Context(), store.NewOperation(curator, "updateAlliance", time.Now()), as[0], &after); err != nil {
		t.Fatalf("rename to %q: %v", name, err)
	}
}

// TestReferenceDataFromMemory: with reference data kept, the states and alliances are read once
// (one find each) and then answered from memory exactly as the database answers them; a write
// through the store is seen by the next read, one through another instance within the TTL; and
// no caller can change the kept copy.
func TestReferenceDataFromMemory(t *testing.T) {
	t.Parallel()
	db := storetest.Seeded(t, 1)
	var clock atomic.Int64
	clock.Store(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	s, counter := cachedStore(t, db, 10*time.Second, now)

	matches := [][]store.Match{
		{store.ByID("state:NM", "state:QC", "state:ZZ")},
		{store.ByID(cja), store.AlliancesByParticipatedEvent.On("event:peoples-climate-march-2017")},
		{store.AlliancesByOrganizedEvent.On("event:peoples-climate-march-2014")},
	}
	for i, m := range matches {
		wantStates, err := db.FindStates(t.Context(), m...)
		if err != nil {
			t.Fatal(err)
		}
		wantAlliances, err := db.FindAlliances(t.Context(), m...)
		if err != nil {
			t.Fatal(err)
		}
		gotStates, err := s.ReadStates(t.Context(), m...)
		if err != nil {
			t.Fatal(err)
		}
		gotAlliances, err := s.ReadAlliances(t.Context(), m...)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(ids(gotStates)) != fmt.Sprint(ids(wantStates)) || fmt.Sprint(ids(gotAlliances)) != fmt.Sprint(ids(wantAlliances)) {
			t.Errorf("matches %d: from memory %v %v; the database answers %v %v", i, ids(gotStates), ids(gotAlliances), ids(wantStates), ids(wantAlliances))
		}
	}
	if n := len(wantNonEmpty(t, s)); n == 0 {
		t.Fatal("no alliance organizes or takes part in an event: the matches above test nothing")
	}
	if got := counter.ByName()["find"]; got != 2 {
		t.Errorf("%d finds for %d reads; want 2, one per collection, then memory", got, 2*len(matches)+1)
	}

	as, _ := s.ReadAlliances(t.Context(), store.ByID(cja))
	as[0].Name = "Changed by a caller"
	if got := allianceName(t, s); got != "Climate Justice Alliance" {
		t.Errorf("a caller's change reached the kept copy: %q", got)
	}

	rename(t, s, "Renamed Here")
	if got := allianceName(t, s); got != "Renamed Here" {
		t.Errorf("after a write through this store, the alliance is %q; want the new name", got)
	}

	rename(t, db.Store, "Renamed Elsewhere")
	if got := allianceName(t, s); got != "Renamed Here" {
		t.Errorf("within the TTL, another instance's write shows already (%q): is anything kept?", got)
	}
	clock.Add(int64(10 * time.Second))
	if got := allianceName(t, s); got != "Renamed Elsewhere" {
		t.Errorf("once the TTL passed, the alliance is %q; want another instance's write seen", got)
	}
}

func wantNonEmpty(t *testing.T, s *store.Store) []*model.Alliance {
	t.Helper()
	as, err := s.ReadAlliances(t.Context(), store.AlliancesByParticipatedEvent.On("event:peoples-climate-march-2017"))
	if err != nil {
		t.Fatal(err)
	}
	return as
}

func ids[T interface{ GetID() string }](docs []*T) []string {
	var out []string
	for _, d := range docs {
		out = append(out, (*d).GetID())
	}
	return out
}

// TestReferenceDataUnderConcurrentWrites: 16 readers read an alliance over and over while a
// writer renames it 40 times through the same store. A read that starts after a rename has
// returned never shows an older name.
func TestReferenceDataUnderConcurrentWrites(t *testing.T) {
	t.Parallel()
	db := storetest.Seeded(t, 1)
	s, _ := cachedStore(t, db, time.Hour, nil)
	const renames, readers = 40, 16
	var done atomic.Int64 // renames that have returned
	var stop atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan string, readers)
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				before := done.Load()
				as, err := s.ReadAlliances(context.Background(), store.ByID(cja))
				if err != nil || len(as) != 1 {
					errs <- fmt.Sprintf("read: %v, %v", as, err)
					return
				}
				var n int64
				if as[0].Name != "Climate Justice Alliance" {
					fmt.Sscanf(as[0].Name, "Rename %d", &n)
				}
				if n < before {
					errs <- fmt.Sprintf("a read started after rename %d returned shows %q", before, as[0].Name)
					return
				}
			}
		}()
	}
	for i := int64(1); i <= renames; i++ {
		rename(t, s, fmt.Sprintf("Rename %d", i))
		done.Store(i)
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
