package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// indexes lists, per collection, every index the queries need: a unique slug; the list order;
// and for each reference field a multikey index, followed by the list order, so that following
// an edge backwards reads only the matching documents and returns them already sorted.
var indexes = map[string][]mongo.IndexModel{
	alliancesColl: {
		unique("slug"),
		ordered("nameKey"),
		ordered("organizedEventIds", "nameKey"),
		ordered("participatedEventIds", "nameKey"),
	},
	organizationsColl: {
		unique("slug"),
		ordered("nameKey"),
		ordered("allianceIds", "nameKey"),
		ordered("partnerIds", "nameKey"),
		ordered("stateId", "nameKey"),
		ordered("organizedEventIds", "nameKey"),
		ordered("participatedEventIds", "nameKey"),
	},
	statesColl: {
		unique("slug"),
		unique("code"),
		ordered("nameKey"),
	},
	eventsColl: {
		unique("slug"),
		ordered("startDate"),
		ordered("stateId", "startDate"),
	},
	hubsColl: {
		unique("slug"),
		ordered("nameKey"),
		ordered("stateId", "nameKey"),
		ordered("hostIds", "nameKey"),
		ordered("eventIds", "nameKey"),
	},
}

func unique(field string) mongo.IndexModel {
	return mongo.IndexModel{
		Keys:    bson.D{{Key: field, Value: 1}},
		Options: options.Index().SetUnique(true).SetName(field + "_unique"),
	}
}

// ordered is an index on fields followed by _id, named after its fields.
func ordered(fields ...string) mongo.IndexModel {
	keys := bson.D{}
	name := ""
	for _, f := range fields {
		keys = append(keys, bson.E{Key: f, Value: 1})
		name += f + "_"
	}
	keys = append(keys, bson.E{Key: "_id", Value: 1})
	return mongo.IndexModel{Keys: keys, Options: options.Index().SetName(name + "id")}
}

// EnsureIndexes creates every index the queries need. Creating an index that exists with the
// same keys and options does nothing, so it is safe to call at every start.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	for coll, models := range indexes {
		if _, err := s.coll(coll).Indexes().CreateMany(ctx, models); err != nil {
			return fmt.Errorf("create indexes on %s: %w", coll, err)
		}
	}
	return nil
}
