package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Upgrade brings documents written by an earlier release up to the current shape: records from
// before versions existed get version 1, so that an update can name the version it read. It
// changes nothing on a current database and is safe to run at every start.
func (s *Store) Upgrade(ctx context.Context) error {
	for _, c := range []string{alliancesColl, organizationsColl, eventsColl, hubsColl} {
		_, err := s.coll(c).UpdateMany(ctx, bson.D{{Key: "version", Value: bson.D{{Key: "$exists", Value: false}}}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "version", Value: 1}}}})
		if err != nil {
			return dbErr("upgrade "+c, err)
		}
	}
	return nil
}
