package store

import (
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"rootsgraph/model"
)

// rawDoc is a stored document read where it lies, in BSON: the in-memory filter, order and
// lookups of snapshots read its fields without decoding it, and only the documents a read
// returns are decoded. It reads a field as the model's Values does (TestRawValuesAreTheModels
// checks every field of every bundled document against the decoded one).
type rawDoc bsoncore.Document

// IsNode makes a rawDoc a model.Node.
func (rawDoc) IsNode() {}

// GetID returns the document's _id.
func (d rawDoc) GetID() string {
	s, _ := bsoncore.Document(d).Lookup("_id").StringValueOK()
	return s
}

// Values returns the values of the field with the given stored name, as model's Values do: one
// for a scalar (a string, a boolean as "true" or "false", a time in model.SortTime), each string
// of a list; nil for a field the document does not have.
func (d rawDoc) Values(field string) []string {
	v, err := bsoncore.Document(d).LookupErr(field)
	if err != nil {
		return nil
	}
	switch v.Type {
	case bsoncore.TypeString:
		return []string{v.StringValue()}
	case bsoncore.TypeBoolean:
		return []string{strconv.FormatBool(v.Boolean())}
	case bsoncore.TypeDateTime:
		return []string{time.UnixMilli(v.DateTime()).UTC().Format(model.SortTime)}
	case bsoncore.TypeArray:
		vals, _ := v.Array().Values()
		out := make([]string, 0, len(vals))
		for _, el := range vals {
			if s, ok := el.StringValueOK(); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Point returns the document's lat and lng, and false unless it has both.
func (d rawDoc) Point() (lat, lng float64, ok bool) {
	la, okLat := bsoncore.Document(d).Lookup("lat").DoubleOK()
	ln, okLng := bsoncore.Document(d).Lookup("lng").DoubleOK()
	return la, ln, okLat && okLng
}

// splitDocs returns the documents of BSON documents stored one after another.
func splitDocs(data []byte) ([]rawDoc, error) {
	var out []rawDoc
	for len(data) > 0 {
		doc, rest, ok := bsoncore.ReadDocument(data)
		if !ok {
			return nil, errSnapshotCut
		}
		out = append(out, rawDoc(doc))
		data = rest
	}
	return out, nil
}

// decodeDocs decodes the documents a read returns.
func decodeDocs[T any](docs []rawDoc) ([]*T, error) {
	out := make([]*T, len(docs))
	for i, d := range docs {
		out[i] = new(T)
		if err := bson.Unmarshal(d, out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// sortDocs sorts documents in order, by its field, ties broken by id.
func sortDocs(docs []rawDoc, order Order) {
	SortByKey(docs, func(d rawDoc) Key { return KeyOf(d, order.Field) }, order)
}
