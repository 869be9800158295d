package model_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"rootsgraph/model"
	"rootsgraph/store"
)

// documents are a document of each collection, for reading fields by their stored names.
func documents() map[store.Collection]model.Document {
	return map[store.Collection]model.Document{
		store.AllianceCollection:     &model.Alliance{},
		store.OrganizationCollection: &model.Organization{},
		store.StateCollection:        &model.State{},
		store.EventCollection:        &model.Event{},
		store.HubCollection:          &model.Hub{},
	}
}

// fill gives every string-like field of doc (strings, pointers to strings, lists of strings,
// enums and lists of enums) a value made of its stored name, and returns those values by name.
func fill(doc model.Document) map[string][]string {
	want := map[string][]string{}
	v := reflect.ValueOf(doc).Elem()
	for i := range v.NumField() {
		f, sf := v.Field(i), v.Type().Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("bson"), ",")
		if name == "" || name == "-" {
			continue
		}
		val := "value-of-" + name
		switch {
		case f.Kind() == reflect.String:
			f.SetString(val)
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.String:
			p := reflect.New(f.Type().Elem())
			p.Elem().SetString(val)
			f.Set(p)
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			s := reflect.MakeSlice(f.Type(), 2, 2)
			s.Index(0).SetString(val)
			s.Index(1).SetString(val + "-2")
			f.Set(s)
			want[name] = []string{val, val + "-2"}
			continue
		default:
			continue
		}
		want[name] = []string{val}
	}
	return want
}

// TestValuesReadTheStoredFields checks the in-memory field lookup (Values, which filters lists
// already loaded and groups reference lookups) against the documents' bson tags: every field it
// reads is the field of that stored name, and every reference the store follows
// (store.References) is read, so that forgetting one fails here instead of leaving reverse lists
// empty.
func TestValuesReadTheStoredFields(t *testing.T) {
	for coll, doc := range documents() {
		want := fill(doc)
		for name, vals := range want {
			if got := doc.Values(name); got != nil && !slices.Equal(got, vals) {
				t.Errorf("%s: Values(%q) = %q; the field stored as %q holds %q", coll, name, got, name, vals)
			}
		}
		for _, r := range store.ReferencesIn(coll) {
			if got := doc.Values(r.Field()); !slices.Equal(got, want[r.Field()]) {
				t.Errorf("%s: Values(%q) = %q; want the reference field's %q", coll, r.Field(), got, want[r.Field()])
			}
		}
		// The fields every list filters or orders on.
		for _, name := range []string{"_id", "sample", "nameKey"} {
			if doc.Values(name) == nil {
				t.Errorf("%s: Values(%q) is nil", coll, name)
			}
		}
	}
	o := &model.Organization{CreatedAt: time.Date(2017, 4, 29, 12, 0, 0, 0, time.UTC)}
	if got := o.Values("createdAt"); len(got) != 1 || !strings.HasPrefix(got[0], "2017-04-29T12:00:00") {
		t.Errorf("Values(createdAt) = %q", got)
	}
}
