package store

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// unboundedBatch is the batch size of queries without a limit whose result size is not known in
// advance: large enough that the whole result comes back in the first reply, so that one query is
// one command on the data sets we serve (ten thousand documents fill most of a 16 MiB reply
// anyway). It is no larger because the embedded server allocates room for a whole batch before it
// reads a document: at 1<<20 that was 8 MiB per command, most of the allocation and of the peak
// memory of a request on the bundled data.
const unboundedBatch = 10000

// in matches documents whose field equals one of values. A single value is asked by equality:
// the embedded server answers a one-element $in by a full scan but an equality by an index.
func in[T any](field string, values []T) bson.D {
	if len(values) == 1 {
		return bson.D{{Key: field, Value: values[0]}}
	}
	return bson.D{{Key: field, Value: bson.D{{Key: "$in", Value: values}}}}
}

// partial marks a document type that declares only some of its collection's fields: queries for
// it ask for those fields alone. Every other type is a whole document (it declares every field
// its collection stores) and is asked for with no projection: the embedded server applies a
// projection document by document after decoding, so one that names every field costs 20 to 40%
// more CPU than none, and transfers the same bytes.
type partial interface{ partialDocument() }

// projections caches, per partial document type, the projection that names exactly its fields.
var projections sync.Map // reflect.Type → bson.D

// projectionOf returns, for a partial document type, a projection of the fields that T declares,
// so that a query transfers only what the Go type can hold; for a whole document, nil.
func projectionOf[T any]() bson.D {
	if _, ok := any(new(T)).(partial); !ok {
		return nil
	}
	t := reflect.TypeFor[T]()
	if p, ok := projections.Load(t); ok {
		return p.(bson.D)
	}
	var p bson.D
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("bson"), ",")
		if name == "" || name == "-" {
			continue
		}
		p = append(p, bson.E{Key: name, Value: 1})
	}
	projections.Store(t, p)
	return p
}

// findAll runs one find command and decodes every result. limit 0 means no limit; then most, when
// not 0, is the most documents the filter can match (the number of ids it asks for).
func findAll[T any](ctx context.Context, c *mongo.Collection, filter any, sort bson.D, limit, most int) ([]*T, error) {
	opts := options.Find()
	if p := projectionOf[T](); p != nil {
		opts.SetProjection(p)
	}
	if len(sort) > 0 {
		opts.SetSort(sort)
	}
	if limit > 0 {
		// A first batch larger than the page, so that the first reply exhausts the cursor and the
		// driver sends no getMore or killCursors. (Measured on the embedded server: a batch size
		// equal to the limit leaves the cursor open and costs a getMore; one more does not.)
		opts.SetLimit(int64(limit)).SetBatchSize(int32(limit + 1))
	} else if most > 0 {
		// One more than can match, for the same reason as above.
		opts.SetBatchSize(int32(min(most+1, unboundedBatch)))
	} else {
		opts.SetBatchSize(unboundedBatch)
	}
	cur, err := c.Find(ctx, filter, opts)
	if err != nil {
		return nil, dbErr(fmt.Sprintf("find %s", c.Name()), err)
	}
	out := make([]*T, 0, 16)
	if err := cur.All(ctx, &out); err != nil {
		return nil, dbErr(fmt.Sprintf("find %s", c.Name()), err)
	}
	return out, nil
}

// findOne returns the one document that matches filter, or ErrNotFound.
func findOne[T any](ctx context.Context, c *mongo.Collection, filter any) (*T, error) {
	var out T
	opts := options.FindOne()
	if p := projectionOf[T](); p != nil {
		opts.SetProjection(p)
	}
	err := c.FindOne(ctx, filter, opts).Decode(&out)
	if err == mongo.ErrNoDocuments {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, dbErr(fmt.Sprintf("find %s", c.Name()), err)
	}
	return &out, nil
}

// count returns how many documents match filter.
func count(ctx context.Context, c *mongo.Collection, filter any) (int, error) {
	n, err := c.CountDocuments(ctx, filter)
	if err != nil {
		return 0, dbErr(fmt.Sprintf("count %s", c.Name()), err)
	}
	return int(n), nil
}
