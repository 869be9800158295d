package store

import "go.mongodb.org/mongo-driver/v2/bson"

// Key is a position in a sorted list: the value of the sort field and the id that breaks ties.
type Key struct {
	Value string
	ID    string
}

// Less reports whether k sorts before o.
func (k Key) Less(o Key) bool {
	if k.Value != o.Value {
		return k.Value < o.Value
	}
	return k.ID < o.ID
}

// Page asks for at most Limit documents that sort after After (all from the start when After is
// nil), in ascending order of (sort field, _id). Paging by key, not by skip, makes a page deep in a
// list cost what the first page costs, and keeps cursors valid across unrelated writes.
type Page struct {
	After *Key
	Limit int
}

// keyset returns the filter for the documents after k in (field, _id) order.
func keyset(field string, k Key) bson.D {
	return bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: field, Value: bson.D{{Key: "$gt", Value: k.Value}}}},
		bson.D{{Key: field, Value: k.Value}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: k.ID}}}},
	}}}
}

// sortBy returns the sort of a list ordered by field, ties broken by _id.
func sortBy(field string) bson.D {
	return bson.D{{Key: field, Value: 1}, {Key: "_id", Value: 1}}
}
