package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rootsgraph/model"
)

// CountBy counts the documents of a collection that pass f, per value of field: in the database,
// one aggregate command ($match, $unwind for a list field, $group with $sum), whatever the number
// of values; or over the collection's snapshot. A document counts once for each value its list
// holds.
func (s *Store) CountBy(ctx context.Context, c Collection, f Filter, field string, list bool) (map[string]int, error) {
	counts := map[string]int{}
	_, ok, err := inWhole(ctx, s, c, func(d model.Document) {
		for _, v := range d.Values(field) {
			counts[v]++
		}
	}, f)
	if ok {
		return counts, err
	}
	pipeline := mongo.Pipeline{}
	if m := f.BSON(); len(m) > 0 {
		pipeline = append(pipeline, bson.D{{Key: "$match", Value: m}})
	}
	if list {
		pipeline = append(pipeline, bson.D{{Key: "$unwind", Value: "$" + field}})
	}
	pipeline = append(pipeline, bson.D{{Key: "$group", Value: bson.D{
		{Key: "_id", Value: "$" + field},
		{Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}},
	}}})
	cur, err := s.coll(string(c)).Aggregate(ctx, pipeline, options.Aggregate().SetBatchSize(unboundedBatch))
	if err != nil {
		return nil, dbErr(fmt.Sprintf("count %s by %s", c, field), err)
	}
	var rows []struct {
		Value any `bson:"_id"`
		N     int `bson:"n"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, dbErr(fmt.Sprintf("count %s by %s", c, field), err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		if v, ok := r.Value.(string); ok {
			out[v] += r.N
		}
	}
	return out, nil
}
