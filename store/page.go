package store

import (
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"

	"rootsgraph/model"
)

// Key is a position in a sorted list: the value of the sort field and the id that breaks ties.
type Key struct {
	Value string
	ID    string
}

// Less reports whether k sorts before o in ascending order.
func (k Key) Less(o Key) bool {
	if k.Value != o.Value {
		return k.Value < o.Value
	}
	return k.ID < o.ID
}

// KeyOf returns a document's position in a list ordered by field: the field's first value (""
// when it has none, which sorts first, as a missing field does in the database) and its id.
func KeyOf(doc model.Document, field string) Key {
	v := ""
	if vs := doc.Values(field); len(vs) > 0 {
		v = vs[0]
	}
	return Key{Value: v, ID: doc.GetID()}
}

// SortByKey sorts items in order by their keys, each key computed once.
func SortByKey[E any](items []E, key func(E) Key, order Order) {
	keyed := make([]struct {
		k Key
		e E
	}, len(items))
	for i, it := range items {
		keyed[i].k, keyed[i].e = key(it), it
	}
	slices.SortFunc(keyed, func(a, b struct {
		k Key
		e E
	}) int {
		switch {
		case order.Before(a.k, b.k):
			return -1
		case order.Before(b.k, a.k):
			return 1
		}
		return 0
	})
	for i := range keyed {
		items[i] = keyed[i].e
	}
}

// Before reports whether k comes before o in a list sorted by order.
func (o Order) Before(k, other Key) bool {
	if o.Desc {
		return other.Less(k)
	}
	return k.Less(other)
}

// Page asks for one page of a sorted list. Paging is by key, not by skip: a page deep in a list
// costs what the first page costs, and cursors stay valid across unrelated writes.
//
// Forward (Backward false): at most Limit documents after After (from the start when nil), in
// list order. Backward: at most Limit documents before Before (from the end when nil), also
// returned in list order.
type Page struct {
	Filter   Filter
	Order    Order
	After    *Key
	Before   *Key
	Backward bool
	Limit    int
}

// query returns the find filter and sort of the page.
func (p Page) query(defaultField string) (bson.D, bson.D) {
	order := p.Order
	if order.Field == "" {
		order.Field = defaultField
	}
	filter := p.Filter.BSON()
	// Reading backwards runs the list in the opposite direction from the cursor.
	reverse := order.Desc != p.Backward
	cursor := p.After
	if p.Backward {
		cursor = p.Before
	}
	if cursor != nil {
		op := "$gt"
		if reverse {
			op = "$lt"
		}
		v := dbValue(order.Field, cursor.Value)
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: order.Field, Value: bson.D{{Key: op, Value: v}}}},
			bson.D{{Key: order.Field, Value: v}, {Key: "_id", Value: bson.D{{Key: op, Value: cursor.ID}}}},
		}})
	}
	dir := 1
	if reverse {
		dir = -1
	}
	return filter, bson.D{{Key: order.Field, Value: dir}, {Key: "_id", Value: dir}}
}

// inListOrder puts a backward page's documents back in list order.
func inListOrder[S ~[]E, E any](p Page, docs S) S {
	if p.Backward {
		slices.Reverse(docs)
	}
	return docs
}

// sortBy returns the sort of a list ordered by field, ties broken by _id.
func sortBy(field string) bson.D {
	return bson.D{{Key: field, Value: 1}, {Key: "_id", Value: 1}}
}
