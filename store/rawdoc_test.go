package store_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"rootsgraph/dataset"
	"rootsgraph/model"
	"rootsgraph/store"
)

// TestRawValuesAreTheModels: reading a stored document's field in BSON (what the in-memory
// filters, orders and lookups of snapshots do) gives what the decoded document's Values gives,
// for every field that Values reads, of every document of the bundled data; and a document's
// point is its coordinates.
func TestRawValuesAreTheModels(t *testing.T) {
	set, err := dataset.Read(dataset.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	docs, err := set.Documents(time.Date(2017, 4, 28, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	// Archive one of each kind that can be, so that the optional time and the flag are read too.
	now := time.Date(2020, 1, 2, 3, 4, 5, 6e6, time.UTC)
	docs.Organizations[0].Archived, docs.Organizations[0].ArchivedAt = true, &now
	docs.Hubs[0].Archived = true
	checked := 0
	check := func(doc model.Document) {
		raw, err := bson.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		r := store.RawDocument(raw)
		if r.GetID() != doc.GetID() {
			t.Errorf("id %q; the document's %q", r.GetID(), doc.GetID())
		}
		v := reflect.ValueOf(doc).Elem()
		for i := range v.NumField() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("bson"), ",")
			want := doc.Values(name)
			if name == "" || name == "-" || want == nil {
				continue
			}
			if got := r.Values(name); !slices.Equal(got, want) {
				t.Errorf("%s %s: %q read in BSON; Values gives %q", doc.GetID(), name, got, want)
			}
			checked++
		}
		if p, ok := doc.(model.Located); ok {
			lat, lng, has := p.Point()
			rlat, rlng, rhas := r.Point()
			if has != rhas || lat != rlat || lng != rlng {
				t.Errorf("%s: point %v %v %v in BSON; the document's %v %v %v", doc.GetID(), rlat, rlng, rhas, lat, lng, has)
			}
		}
	}
	docs.Each(check)
	if checked < 1000 {
		t.Errorf("only %d fields checked", checked)
	}
}
