package store

import (
	"context"
	"errors"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"rootsgraph/model"
)

// Upgrade brings documents written by an earlier release up to the current shape, and changes
// nothing on a current database, so it is safe to run at every start. Run it before
// EnsureIndexes: the audit trail's unique claim index needs every entry to have a claim.
//
//   - Records from before versions existed get version 1, so that an update can name the version
//     it read.
//   - Audit entries from before claims get one of their own (they were all complete).
//   - The change journal and the write locks of the release before are dropped: claims replace
//     both.
//   - Partnerships recorded on both partners are recorded once, on the partner whose id sorts
//     first (see model.PartnershipOwner); a partnership that either side listed is kept.
func (s *Store) Upgrade(ctx context.Context, now time.Time) error {
	for _, c := range []string{alliancesColl, organizationsColl, eventsColl, hubsColl} {
		r, err := s.coll(c).UpdateMany(ctx, bson.D{{Key: "version", Value: bson.D{{Key: "$exists", Value: false}}}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "version", Value: 1}}}})
		if err != nil {
			return dbErr("upgrade "+c, err)
		}
		if r.ModifiedCount > 0 {
			if err := s.changed(ctx, c); err != nil {
				return err
			}
		}
	}
	if err := s.claimOldEntries(ctx); err != nil {
		return err
	}
	for _, c := range []string{operationsColl, locksColl} {
		if err := s.coll(c).Drop(ctx); err != nil {
			return dbErr("upgrade: drop "+c, err)
		}
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		return err
	}
	return s.partnershipsOnce(ctx, now)
}

// auditID is an audit entry's id alone.
type auditID struct {
	ID bson.ObjectID `bson:"_id"`
}

func (auditID) partialDocument() {}

func (s *Store) claimOldEntries(ctx context.Context) error {
	entries, err := findAll[auditID](ctx, s.coll(auditColl), bson.D{{Key: "claim", Value: bson.D{{Key: "$exists", Value: false}}}}, nil, 0, 0)
	if err != nil {
		return err
	}
	for _, e := range entries {
		_, err := s.coll(auditColl).UpdateOne(ctx, bson.D{{Key: "_id", Value: e.ID}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "claim", Value: "before-claims/" + e.ID.Hex()}}}})
		if err != nil {
			return dbErr("upgrade audit", err)
		}
	}
	return nil
}

// partnershipsOnce records every partnership on its owner only.
func (s *Store) partnershipsOnce(ctx context.Context, now time.Time) error {
	orgs, err := findAll[model.Organization](ctx, s.coll(organizationsColl), bson.D{}, nil, 0, 0)
	if err != nil || len(orgs) == 0 {
		return err
	}
	owned := map[string][]string{}
	for _, o := range orgs {
		for _, p := range o.PartnerIDs {
			owner, other := model.PartnershipOwner(o.ID, p)
			owned[owner] = append(owned[owner], other)
		}
	}
	op := NewOperation(Actor{Name: "upgrade", Role: RoleAdmin}, "upgrade", now)
	for _, o := range orgs {
		want := model.OwnedPartners(o.ID, owned[o.ID])
		// Another instance starting at the same time may be doing the same: a conflict means
		// someone wrote the record since it was read, so read it again.
		for try := 0; ; try++ {
			cur, err := findOne[model.Organization](ctx, s.coll(organizationsColl), bson.D{{Key: "_id", Value: o.ID}})
			if err != nil {
				return err
			}
			if slices.Equal(cur.PartnerIDs, want) {
				break
			}
			next := *cur
			next.PartnerIDs = want
			err = s.Write(ctx, op, cur, &next)
			if err == nil || (errors.Is(err, ErrConflict) && try < maxRetries) {
				continue
			}
			return err
		}
	}
	return nil
}
