package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rootsgraph/model"
)

// SeedOutcome says what Seed did.
type SeedOutcome string

// The outcomes of Seed.
const (
	// Seeded: the database was empty and now holds the data set.
	Seeded SeedOutcome = "seeded"
	// AlreadySeeded: an earlier Seed finished; nothing was written.
	AlreadySeeded SeedOutcome = "already seeded"
	// HasData: the database holds data that no Seed wrote; nothing was written.
	HasData SeedOutcome = "has data"
)

const seedMarkerID = "seed"

type seedMarker struct {
	ID         string     `bson:"_id"`
	StartedAt  time.Time  `bson:"startedAt"`
	FinishedAt *time.Time `bson:"finishedAt,omitempty"`
}

// Seed loads docs into an empty database, once. It never overwrites: a database that an earlier
// Seed finished, or that holds data Seed did not write, is left as it is. A marker document is
// written before the data and completed after it, so that a seed cut short (a crash, a lost
// connection) is finished by the next call; a document is only inserted where its _id is missing, so
// finishing it changes nothing already there.
func (s *Store) Seed(ctx context.Context, docs model.Documents, now time.Time) (SeedOutcome, error) {
	meta := s.coll(metaColl)
	marker, err := findOne[seedMarker](ctx, meta, bson.D{{Key: "_id", Value: seedMarkerID}})
	switch {
	case err == nil && marker.FinishedAt != nil:
		return AlreadySeeded, nil
	case err == nil:
		// A seed was started and not finished: finish it.
	case errors.Is(err, ErrNotFound):
		empty, err := s.empty(ctx)
		if err != nil {
			return "", err
		}
		if !empty {
			return HasData, nil
		}
		if _, err := meta.InsertOne(ctx, seedMarker{ID: seedMarkerID, StartedAt: now}); err != nil {
			return "", fmt.Errorf("seed: write marker: %w", err)
		}
	default:
		return "", fmt.Errorf("seed: %w", err)
	}

	if err := insertMissing(ctx, s.coll(statesColl), docs.States); err != nil {
		return "", err
	}
	if err := insertMissing(ctx, s.coll(alliancesColl), docs.Alliances); err != nil {
		return "", err
	}
	if err := insertMissing(ctx, s.coll(eventsColl), docs.Events); err != nil {
		return "", err
	}
	if err := insertMissing(ctx, s.coll(organizationsColl), docs.Organizations); err != nil {
		return "", err
	}
	if err := insertMissing(ctx, s.coll(hubsColl), docs.Hubs); err != nil {
		return "", err
	}
	if err := s.changed(ctx, snapshotted...); err != nil {
		return "", fmt.Errorf("seed: %w", err)
	}
	if _, err := meta.UpdateOne(ctx, bson.D{{Key: "_id", Value: seedMarkerID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "finishedAt", Value: now}}}}); err != nil {
		return "", fmt.Errorf("seed: complete marker: %w", err)
	}
	return Seeded, nil
}

// empty reports whether none of the data collections holds a document.
func (s *Store) empty(ctx context.Context) (bool, error) {
	for _, c := range []string{statesColl, alliancesColl, organizationsColl, eventsColl, hubsColl} {
		n, err := s.coll(c).CountDocuments(ctx, bson.D{}, options.Count().SetLimit(1))
		if err != nil {
			return false, fmt.Errorf("seed: count %s: %w", c, err)
		}
		if n > 0 {
			return false, nil
		}
	}
	return true, nil
}

// insertMissing writes each document that is not there yet and leaves the others untouched: one
// unordered insertMany, in which a document whose _id exists fails alone with a duplicate-key
// error that is expected and ignored. (An upsert per document would do the same, but the embedded
// server answers each in 15-25 ms, against well under a millisecond per document here.)
func insertMissing[T any](ctx context.Context, c *mongo.Collection, docs []*T) error {
	if len(docs) == 0 {
		return nil
	}
	_, err := c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bulk mongo.BulkWriteException
	if errors.As(err, &bulk) && bulk.WriteConcernError == nil {
		for _, we := range bulk.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return fmt.Errorf("seed %s: %w", c.Name(), err)
			}
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("seed %s: %w", c.Name(), err)
	}
	return nil
}
