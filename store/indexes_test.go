package store_test

import (
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

// TestIndexesCoverEveryQuery lists, per collection, the field every query filters or sorts on
// first (reference lookups, keyset lists in each order, map boxes, slugs) and checks that an
// index begins with it, so that on MongoDB no query the API sends needs a collection scan.
func TestIndexesCoverEveryQuery(t *testing.T) {
	db := storetest.New(t)
	client, err := mongo.Connect(options.Client().ApplyURI(db.URI))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(t.Context())
	needs := map[string][]string{
		// by slug; list orders NAME, STATE, CREATED, UPDATED; reference lookups; boxes.
		"organizations": {"slug", "nameKey", "stateSort", "createdAt", "updatedAt",
			"allianceIds", "partnerIds", "stateId", "organizedEventIds", "participatedEventIds", "lat"},
		"hubs":      {"slug", "nameKey", "stateSort", "createdAt", "updatedAt", "stateId", "hostIds", "eventIds", "lat"},
		"events":    {"slug", "startDate", "stateSort", "createdAt", "updatedAt", "stateId"},
		"alliances": {"slug", "nameKey"},
		"states":    {"slug", "code", "nameKey"},
		// the audit trail by any one of its filters (newest first by _id), by claim (unique: one
		// write per version) and by pending (Settle); keys by hash.
		"audit": {"entity", "actor", "action", "operation", "at", "claim", "pending"},
		"keys":  {"hash"},
	}
	// Every reference lookups follow (store.References) needs one too.
	for _, r := range store.References {
		needs[string(r.Collection())] = append(needs[string(r.Collection())], r.Field())
	}
	for coll, fields := range needs {
		specs, err := client.Database(db.Name).Collection(coll).Indexes().ListSpecifications(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var leading []string
		for _, s := range specs {
			var keys bson.D
			if err := bson.Unmarshal(s.KeysDocument, &keys); err == nil && len(keys) > 0 {
				leading = append(leading, keys[0].Key)
			}
		}
		for _, f := range fields {
			if !slices.Contains(leading, f) {
				t.Errorf("%s: no index begins with %s (indexes begin with %v)", coll, f, leading)
			}
		}
	}
}
