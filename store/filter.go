package store

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"rootsgraph/model"
)

// Filter narrows a list. Its parts combine with AND; a clause matches a document whose field holds
// any of the clause's values. The same Filter runs in the database (BSON) and in memory (Match),
// on lists already loaded, with the same meaning.
type Filter struct {
	Clauses []Clause
	// Sample, when set, keeps only sample records (true) or only facts (false).
	Sample *bool
	// Search keeps records whose name key, or one of whose other names' keys, contains it (see
	// model.NameKey); matched literally.
	Search string
	// EndsFrom and StartsTo bound events by date, "YYYY-MM-DD", inclusive; empty for no bound.
	EndsFrom, StartsTo string
	// Within keeps records whose coordinates lie in the box; records without coordinates never do.
	Within *Box
	// WithArchived keeps archived records, which every list leaves out otherwise.
	WithArchived bool
}

// Clause matches a document whose field holds one of Values.
type Clause struct {
	Field  string
	Values []string
}

// Empty reports whether the filter keeps everything.
func (f Filter) Empty() bool {
	return len(f.Clauses) == 0 && f.Sample == nil && f.Search == "" && f.EndsFrom == "" && f.StartsTo == "" &&
		f.Within == nil && f.WithArchived
}

// BSON returns the filter as a MongoDB query document, in the portable subset: $in on fields
// (multikey on arrays), equality, a range on dates, and a regular expression made only of the
// quoted search text, so that user text never becomes an operator or a pattern.
func (f Filter) BSON() bson.D {
	d := bson.D{}
	for _, c := range f.Clauses {
		d = append(d, in(c.Field, c.Values)...)
	}
	if f.Sample != nil {
		d = append(d, bson.E{Key: "sample", Value: *f.Sample})
	}
	if f.Search != "" {
		// Under $and, so that it cannot collide with the $or of a box across the antimeridian.
		re := bson.D{{Key: "$regex", Value: regexp.QuoteMeta(f.Search)}}
		d = append(d, bson.E{Key: "$and", Value: bson.A{bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "nameKey", Value: re}}, bson.D{{Key: "otherNameKeys", Value: re}},
		}}}}})
	}
	if f.EndsFrom != "" {
		d = append(d, bson.E{Key: "endDate", Value: bson.D{{Key: "$gte", Value: f.EndsFrom}}})
	}
	if f.StartsTo != "" {
		d = append(d, bson.E{Key: "startDate", Value: bson.D{{Key: "$lte", Value: f.StartsTo}}})
	}
	if f.Within != nil {
		d = append(d, f.Within.bson()...)
	}
	if !f.WithArchived {
		// $ne rather than false: a record written before archiving existed has no such field.
		d = append(d, bson.E{Key: "archived", Value: bson.D{{Key: "$ne", Value: true}}})
	}
	return d
}

// Match reports whether a document passes the filter: the in-memory twin of BSON.
func (f Filter) Match(doc model.Document) bool {
	if !f.WithArchived && slices.Contains(doc.Values("archived"), "true") {
		return false
	}
	for _, c := range f.Clauses {
		if !slices.ContainsFunc(doc.Values(c.Field), func(v string) bool { return slices.Contains(c.Values, v) }) {
			return false
		}
	}
	if f.Sample != nil && !slices.Contains(doc.Values("sample"), strconv.FormatBool(*f.Sample)) {
		return false
	}
	if f.Search != "" && !slices.ContainsFunc(append(doc.Values("nameKey"), doc.Values("otherNameKeys")...), func(k string) bool { return strings.Contains(k, f.Search) }) {
		return false
	}
	if f.EndsFrom != "" && !slices.ContainsFunc(doc.Values("endDate"), func(d string) bool { return d >= f.EndsFrom }) {
		return false
	}
	if f.StartsTo != "" && !slices.ContainsFunc(doc.Values("startDate"), func(d string) bool { return d <= f.StartsTo }) {
		return false
	}
	if f.Within != nil {
		p, ok := doc.(model.Located)
		lat, lng, has := 0.0, 0.0, false
		if ok {
			lat, lng, has = p.Point()
		}
		if !has || !f.Within.Contains(lat, lng) {
			return false
		}
	}
	return true
}

// Order is how a list is sorted: by one stored field, ties broken by _id, both in Direction.
type Order struct {
	Field string
	Desc  bool
}

// isTimeField reports whether a sort field holds times; its cursor values are model.SortTime
// strings, turned into times for the database.
func isTimeField(field string) bool { return field == "createdAt" || field == "updatedAt" }

// dbValue turns a cursor value into the value the database compares the field with.
func dbValue(field, v string) any {
	if isTimeField(field) {
		if t, err := time.Parse(model.SortTime, v); err == nil {
			return t
		}
	}
	return v
}
