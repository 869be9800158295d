package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rootsgraph/graph/model"
)

// A Ref names a reference field: documents of one type that point at documents of another.
// Looking documents up by a Ref follows an edge backwards through the field's multikey index.
type Ref struct {
	coll  string
	field string
}

// The reference fields that lookups can follow backwards.
var (
	OrganizationsByAlliance          = Ref{organizationsColl, "allianceIds"}
	OrganizationsByPartner           = Ref{organizationsColl, "partnerIds"}
	OrganizationsByState             = Ref{organizationsColl, "stateId"}
	OrganizationsByOrganizedEvent    = Ref{organizationsColl, "organizedEventIds"}
	OrganizationsByParticipatedEvent = Ref{organizationsColl, "participatedEventIds"}
	AlliancesByOrganizedEvent        = Ref{alliancesColl, "organizedEventIds"}
	AlliancesByParticipatedEvent     = Ref{alliancesColl, "participatedEventIds"}
	HubsByState                      = Ref{hubsColl, "stateId"}
	HubsByHost                       = Ref{hubsColl, "hostIds"}
	HubsByEvent                      = Ref{hubsColl, "eventIds"}
	EventsByState                    = Ref{eventsColl, "stateId"}
)

// Field returns the name of the reference field.
func (r Ref) Field() string { return r.field }

// sortFields is the field each collection's lists are ordered by (ties broken by _id).
var sortFields = map[string]string{
	alliancesColl:     "nameKey",
	organizationsColl: "nameKey",
	statesColl:        "nameKey",
	hubsColl:          "nameKey",
	eventsColl:        "startDate",
}

// byIDs returns the documents with the given ids, in no particular order; ids that name nothing
// are absent from the result. One command, whatever the number of ids.
func byIDs[T any](ctx context.Context, s *Store, coll string, ids []string) ([]*T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return findAll[T](ctx, s.coll(coll), in("_id", ids), nil, 0)
}

// byRef returns the documents whose ref field points at one of ids, in list order. One command,
// whatever the number of ids.
func byRef[T any](ctx context.Context, s *Store, ref Ref, ids []string) ([]*T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return findAll[T](ctx, s.coll(ref.coll), in(ref.field, ids), sortBy(sortFields[ref.coll]), 0)
}

// bySlug returns the one document with the given slug, or ErrNotFound.
func bySlug[T any](ctx context.Context, s *Store, coll, slug string) (*T, error) {
	return findOne[T](ctx, s.coll(coll), bson.D{{Key: "slug", Value: slug}})
}

// list returns one page of a whole collection in list order.
func list[T any](ctx context.Context, s *Store, coll string, p Page) ([]*T, error) {
	field := sortFields[coll]
	filter := bson.D{}
	if p.After != nil {
		filter = keyset(field, *p.After)
	}
	return findAll[T](ctx, s.coll(coll), filter, sortBy(field), p.Limit)
}

// AlliancesByID returns the alliances with the given ids, in no particular order.
func (s *Store) AlliancesByID(ctx context.Context, ids []string) ([]*model.Alliance, error) {
	return byIDs[model.Alliance](ctx, s, alliancesColl, ids)
}

// OrganizationsByID returns the organizations with the given ids, in no particular order.
func (s *Store) OrganizationsByID(ctx context.Context, ids []string) ([]*model.Organization, error) {
	return byIDs[model.Organization](ctx, s, organizationsColl, ids)
}

// StatesByID returns the states and provinces with the given ids, in no particular order.
func (s *Store) StatesByID(ctx context.Context, ids []string) ([]*model.State, error) {
	return byIDs[model.State](ctx, s, statesColl, ids)
}

// EventsByID returns the events with the given ids, in no particular order.
func (s *Store) EventsByID(ctx context.Context, ids []string) ([]*model.Event, error) {
	return byIDs[model.Event](ctx, s, eventsColl, ids)
}

// HubsByID returns the hubs with the given ids, in no particular order.
func (s *Store) HubsByID(ctx context.Context, ids []string) ([]*model.Hub, error) {
	return byIDs[model.Hub](ctx, s, hubsColl, ids)
}

// OrganizationsByRef returns the organizations whose ref field points at one of ids, by name.
func (s *Store) OrganizationsByRef(ctx context.Context, ref Ref, ids []string) ([]*model.Organization, error) {
	if err := ref.check(organizationsColl); err != nil {
		return nil, err
	}
	return byRef[model.Organization](ctx, s, ref, ids)
}

// AlliancesByRef returns the alliances whose ref field points at one of ids, by name.
func (s *Store) AlliancesByRef(ctx context.Context, ref Ref, ids []string) ([]*model.Alliance, error) {
	if err := ref.check(alliancesColl); err != nil {
		return nil, err
	}
	return byRef[model.Alliance](ctx, s, ref, ids)
}

// HubsByRef returns the hubs whose ref field points at one of ids, by name.
func (s *Store) HubsByRef(ctx context.Context, ref Ref, ids []string) ([]*model.Hub, error) {
	if err := ref.check(hubsColl); err != nil {
		return nil, err
	}
	return byRef[model.Hub](ctx, s, ref, ids)
}

// EventsByRef returns the events whose ref field points at one of ids, by start date.
func (s *Store) EventsByRef(ctx context.Context, ref Ref, ids []string) ([]*model.Event, error) {
	if err := ref.check(eventsColl); err != nil {
		return nil, err
	}
	return byRef[model.Event](ctx, s, ref, ids)
}

func (r Ref) check(coll string) error {
	if r.coll != coll {
		return fmt.Errorf("reference %s.%s does not point from %s", r.coll, r.field, coll)
	}
	return nil
}

// AllianceBySlug returns the alliance with the given slug, or ErrNotFound.
func (s *Store) AllianceBySlug(ctx context.Context, slug string) (*model.Alliance, error) {
	return bySlug[model.Alliance](ctx, s, alliancesColl, slug)
}

// OrganizationBySlug returns the organization with the given slug, or ErrNotFound.
func (s *Store) OrganizationBySlug(ctx context.Context, slug string) (*model.Organization, error) {
	return bySlug[model.Organization](ctx, s, organizationsColl, slug)
}

// StateBySlug returns the state or province with the given slug, or ErrNotFound.
func (s *Store) StateBySlug(ctx context.Context, slug string) (*model.State, error) {
	return bySlug[model.State](ctx, s, statesColl, slug)
}

// EventBySlug returns the event with the given slug, or ErrNotFound.
func (s *Store) EventBySlug(ctx context.Context, slug string) (*model.Event, error) {
	return bySlug[model.Event](ctx, s, eventsColl, slug)
}

// HubBySlug returns the hub with the given slug, or ErrNotFound.
func (s *Store) HubBySlug(ctx context.Context, slug string) (*model.Hub, error) {
	return bySlug[model.Hub](ctx, s, hubsColl, slug)
}

// Alliances returns one page of all alliances, by name.
func (s *Store) Alliances(ctx context.Context, p Page) ([]*model.Alliance, error) {
	return list[model.Alliance](ctx, s, alliancesColl, p)
}

// Organizations returns one page of all organizations, by name.
func (s *Store) Organizations(ctx context.Context, p Page) ([]*model.Organization, error) {
	return list[model.Organization](ctx, s, organizationsColl, p)
}

// States returns one page of all states and provinces, by name.
func (s *Store) States(ctx context.Context, p Page) ([]*model.State, error) {
	return list[model.State](ctx, s, statesColl, p)
}

// Events returns one page of all events, by start date.
func (s *Store) Events(ctx context.Context, p Page) ([]*model.Event, error) {
	return list[model.Event](ctx, s, eventsColl, p)
}

// Hubs returns one page of all hubs, by name.
func (s *Store) Hubs(ctx context.Context, p Page) ([]*model.Hub, error) {
	return list[model.Hub](ctx, s, hubsColl, p)
}

// Collection identifies one of the collections for counting.
type Collection string

// The collections that can be counted.
const (
	AllianceCollection     Collection = alliancesColl
	OrganizationCollection Collection = organizationsColl
	StateCollection        Collection = statesColl
	EventCollection        Collection = eventsColl
	HubCollection          Collection = hubsColl
)

// Count returns how many documents the collection holds.
func (s *Store) Count(ctx context.Context, c Collection) (int, error) {
	return count(ctx, s.coll(string(c)), bson.D{})
}

// AllianceStateIDs returns, for each of the given alliances, the ids of the states and provinces
// its members are in, without repeats. One find command for all of them, reading only the two
// reference fields. (A $group on the pair would be the natural query, but the embedded server
// does not evaluate a compound group key.)
func (s *Store) AllianceStateIDs(ctx context.Context, allianceIDs []string) (map[string][]string, error) {
	out := make(map[string][]string, len(allianceIDs))
	if len(allianceIDs) == 0 {
		return out, nil
	}
	filter := append(in("allianceIds", allianceIDs), bson.E{Key: "stateId", Value: bson.D{{Key: "$exists", Value: true}}})
	opts := options.Find().
		SetProjection(bson.D{{Key: "_id", Value: 0}, {Key: "allianceIds", Value: 1}, {Key: "stateId", Value: 1}}).
		SetBatchSize(unboundedBatch)
	cur, err := s.coll(organizationsColl).Find(ctx, filter, opts)
	if err != nil {
		return nil, fmt.Errorf("alliance states: %w", err)
	}
	var rows []struct {
		AllianceIDs []string `bson:"allianceIds"`
		StateID     string   `bson:"stateId"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, fmt.Errorf("alliance states: %w", err)
	}
	wanted := make(map[string]bool, len(allianceIDs))
	for _, id := range allianceIDs {
		wanted[id] = true
	}
	seen := map[[2]string]bool{}
	for _, r := range rows {
		for _, a := range r.AllianceIDs {
			if wanted[a] && !seen[[2]string{a, r.StateID}] {
				seen[[2]string{a, r.StateID}] = true
				out[a] = append(out[a], r.StateID)
			}
		}
	}
	return out, nil
}
