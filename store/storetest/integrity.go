package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"rootsgraph/model"
	"rootsgraph/store"
)

// Instance opens another store on db's database, as a second server instance would: shared, not
// exclusive, so that it completes another process's unfinished change only once it is older than
// claimTimeout. It is closed when the test ends.
func (db *DB) Instance(t testing.TB, claimTimeout time.Duration) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := store.Open(ctx, store.Config{URI: db.URI, Database: db.Name, ClaimTimeout: claimTimeout})
	if err != nil {
		t.Fatalf("open another instance: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// Problems checks, from scratch, everything that must hold of the stored data whatever the
// writers did and wherever they stopped, and returns what does not:
//   - no change is left claimed and unfinished;
//   - each partnership is recorded once, on the partner whose id sorts first;
//   - no reference names a record that does not exist;
//   - every hub's copy of its hosts' fields is what its hosts hold now, and every record's copy
//     of its state's country and region is the state's;
//   - every version of every record after the first, and every record written after the seed,
//     has its audit entry, whose after-image is that version;
//   - a snapshot that is current holds exactly its collection's documents (store.SnapshotProblems).
func Problems(ctx context.Context, s *store.Store) ([]string, error) {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	all, err := s.All(ctx)
	if err != nil {
		return nil, err
	}
	// A snapshot that says it is current holds what the collection does.
	snaps, err := s.SnapshotProblems(ctx)
	if err != nil {
		return nil, err
	}
	out = append(out, snaps...)
	entries, err := s.Audit(ctx, store.AuditPage{})
	if err != nil {
		return nil, err
	}
	exists := map[string]bool{}
	states := map[string]*model.State{}
	for _, d := range all.States {
		exists[d.ID] = true
		states[d.ID] = d
	}
	// A record's copy of its state's country and region (for filters) is the state's.
	place := func(id string, stateID *string, country, region *string) {
		if stateID == nil || states[*stateID] == nil {
			return
		}
		st := states[*stateID]
		if (country != nil && *country != st.Country) || region == nil || *region != st.Region {
			add("%s copies country %v, region %v from %s, which has %s, %s", id, deref(country), deref(region), st.ID, st.Country, st.Region)
		}
	}
	for _, d := range all.Alliances {
		exists[d.ID] = true
	}
	for _, d := range all.Organizations {
		exists[d.ID] = true
	}
	for _, d := range all.Events {
		exists[d.ID] = true
	}
	for _, d := range all.Hubs {
		exists[d.ID] = true
	}
	refs := func(from, field string, ids []string) {
		for _, id := range ids {
			if !exists[id] {
				add("%s.%s names %s, which does not exist", from, field, id)
			}
		}
	}
	// A citation gives sources to an edge the record has, once per edge and role, with at least
	// one source: removing an edge removes what was said about it.
	cites := func(from string, cs []*model.Citation, alliances, organized, participated []string) {
		seen := map[string]bool{}
		for _, c := range cs {
			if !slices.Contains(model.EdgeList(c.Role, alliances, organized, participated), c.To) {
				add("%s cites sources for its %s edge to %s, which it does not have", from, c.Role, c.To)
			}
			if seen[c.Role+" "+c.To] {
				add("%s cites its %s edge to %s twice", from, c.Role, c.To)
			}
			seen[c.Role+" "+c.To] = true
			if len(c.Sources) == 0 {
				add("%s cites no source for its %s edge to %s", from, c.Role, c.To)
			}
		}
	}
	orgs := map[string]*model.Organization{}
	for _, o := range all.Organizations {
		orgs[o.ID] = o
		for _, p := range o.PartnerIDs {
			if owner, _ := model.PartnershipOwner(o.ID, p); owner != o.ID {
				add("%s records its partnership with %s, which only %s may record", o.ID, p, p)
			}
		}
		refs(o.ID, "partnerIds", o.PartnerIDs)
		refs(o.ID, "allianceIds", o.AllianceIDs)
		refs(o.ID, "organizedEventIds", o.OrganizedEventIDs)
		refs(o.ID, "participatedEventIds", o.ParticipatedEventIDs)
		cites(o.ID, o.Citations, o.AllianceIDs, o.OrganizedEventIDs, o.ParticipatedEventIDs)
		if o.StateID != nil {
			refs(o.ID, "stateId", []string{*o.StateID})
		}
		place(o.ID, o.StateID, o.Country, o.Region)
	}
	for _, a := range all.Alliances {
		refs(a.ID, "organizedEventIds", a.OrganizedEventIDs)
		refs(a.ID, "participatedEventIds", a.ParticipatedEventIDs)
		refs(a.ID, "allianceIds", a.AllianceIDs)
		cites(a.ID, a.Citations, a.AllianceIDs, a.OrganizedEventIDs, a.ParticipatedEventIDs)
	}
	for _, e := range all.Events {
		place(e.ID, e.StateID, nil, e.Region)
	}
	for _, h := range all.Hubs {
		place(h.ID, &h.StateID, &h.Country, &h.Region)
		refs(h.ID, "hostIds", h.HostIDs)
		refs(h.ID, "eventIds", h.EventIDs)
		hosts := make([]*model.Organization, 0, len(h.HostIDs))
		for _, id := range h.HostIDs {
			hosts = append(hosts, orgs[id])
		}
		want := *h
		want.SetHostFields(hosts)
		if !slices.Equal(h.AllianceIDs, want.AllianceIDs) || !slices.Equal(h.Communities, want.Communities) ||
			!slices.Equal(h.Issues, want.Issues) {
			add("%s copies %v %v %v from its hosts, which hold %v %v %v", h.ID, h.AllianceIDs, h.Communities, h.Issues,
				want.AllianceIDs, want.Communities, want.Issues)
		}
	}

	// The audit trail: the versions each record's entries wrote, in the record's current life.
	written := map[string]map[int]int{} // entity → version written → entries
	for _, e := range entries {
		if e.Pending {
			add("the change of %s from version %d by %s (%s) is claimed and unfinished", e.Entity, e.From, e.Actor, e.Action)
		}
		if e.After == nil {
			continue
		}
		var after struct {
			Version   int       `bson:"version"`
			CreatedAt time.Time `bson:"createdAt"`
		}
		if err := bson.Unmarshal(e.After, &after); err != nil {
			return nil, err
		}
		key := e.Entity + "@" + after.CreatedAt.UTC().Format(time.RFC3339Nano)
		if written[key] == nil {
			written[key] = map[int]int{}
		}
		written[key][after.Version]++
	}
	check := func(d store.Writable) {
		versions := written[d.GetID()+"@"+d.GetCreatedAt().UTC().Format(time.RFC3339Nano)]
		first := 2 // version 1 of a seeded record was not written by a change
		if versions[1] > 0 {
			first = 1
		}
		for v := first; v <= d.GetVersion(); v++ {
			switch versions[v] {
			case 1:
			case 0:
				add("%s version %d has no audit entry", d.GetID(), v)
			default:
				add("%s version %d has %d audit entries", d.GetID(), v, versions[v])
			}
		}
	}
	all.Each(func(d model.Document) {
		if w, ok := d.(store.Writable); ok { // the states are not written by changes
			check(w)
		}
	})
	return out, nil
}

func deref(p *string) string {
	if p == nil {
		return "(none)"
	}
	return *p
}

// CheckIntegrity fails the test with every problem Problems finds.
func CheckIntegrity(t testing.TB, s *store.Store) {
	t.Helper()
	problems, err := Problems(t.Context(), s)
	if err != nil {
		t.Fatalf("check the data: %v", err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
