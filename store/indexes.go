package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// indexes lists, per collection, every index the queries need: a unique slug; each list order;
// for each reference field a multikey index, followed by the list order, so that following an edge
// backwards reads only the matching documents and returns them already sorted; and lat/lng for
// map boxes.
var indexes = map[string][]mongo.IndexModel{
	alliancesColl: {
		unique("slug"),
		ordered("nameKey"),
		ordered("organizedEventIds", "nameKey"),
		ordered("participatedEventIds", "nameKey"),
		ordered("allianceIds", "nameKey"),
	},
	organizationsColl: {
		unique("slug"),
		ordered("nameKey"),
		ordered("allianceIds", "nameKey"),
		ordered("partnerIds", "nameKey"),
		ordered("stateId", "nameKey"),
		ordered("organizedEventIds", "nameKey"),
		ordered("participatedEventIds", "nameKey"),
		ordered("lat", "lng"),
		ordered("stateSort"),
		ordered("createdAt"),
		ordered("updatedAt"),
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
		ordered("stateSort"),
		ordered("createdAt"),
		ordered("updatedAt"),
	},
	hubsColl: {
		unique("slug"),
		ordered("nameKey"),
		ordered("stateId", "nameKey"),
		ordered("hostIds", "nameKey"),
		ordered("eventIds", "nameKey"),
		ordered("allianceIds", "nameKey"),
		ordered("lat", "lng"),
		ordered("stateSort"),
		ordered("createdAt"),
		ordered("updatedAt"),
	},
	keysColl: keyIndexes,
	// The audit trail is read newest first (by _id), narrowed by any one of these.
	auditColl: {
		ordered("entity"),
		ordered("actor"),
		ordered("action"),
		ordered("collection"),
		ordered("operation"),
		ordered("at"),
		// One write per version of a record: the claim that makes concurrency optimistic.
		unique("claim"),
		ordered("pending"),
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

// EnsureIndexes creates every index the queries need that the database does not have yet, so it
// is safe to call at every start. It asks for the missing ones only: MongoDB would accept the
// existing ones again, but the embedded FerretDB v1.24.2 panics on a createIndexes that names an
// index it loaded from disk (seen on every restart over the same data folder).
func (s *Store) EnsureIndexes(ctx context.Context) error {
	for coll, models := range indexes {
		specs, err := s.coll(coll).Indexes().ListSpecifications(ctx)
		if err != nil {
			return fmt.Errorf("list indexes on %s: %w", coll, err)
		}
		have := make(map[string]bool, len(specs))
		for _, spec := range specs {
			have[spec.Name] = true
		}
		var missing []mongo.IndexModel
		for _, m := range models {
			if !have[indexName(m)] {
				missing = append(missing, m)
			}
		}
		if len(missing) == 0 {
			continue
		}
		if _, err := s.coll(coll).Indexes().CreateMany(ctx, missing); err != nil {
			return fmt.Errorf("create indexes on %s: %w", coll, err)
		}
	}
	return nil
}

// indexName returns the name an index model was given (every model here is named).
func indexName(m mongo.IndexModel) string {
	var o options.IndexOptions
	for _, set := range m.Options.List() {
		_ = set(&o)
	}
	if o.Name == nil {
		return ""
	}
	return *o.Name
}
