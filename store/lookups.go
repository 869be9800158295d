package store

import (
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"

	"rootsgraph/model"
)

// A Ref names a reference field: documents of one type that point at documents of another.
// Looking documents up by a Ref follows an edge backwards through the field's multikey index.
type Ref struct {
	coll  string
	field string
}

// The reference fields that lookups can follow backwards, each declared once: declaring one
// puts it in References.
var (
	OrganizationsByAlliance          = backRef(organizationsColl, "allianceIds")
	OrganizationsByPartner           = backRef(organizationsColl, "partnerIds")
	OrganizationsByState             = backRef(organizationsColl, "stateId")
	OrganizationsByOrganizedEvent    = backRef(organizationsColl, "organizedEventIds")
	OrganizationsByParticipatedEvent = backRef(organizationsColl, "participatedEventIds")
	AlliancesByOrganizedEvent        = backRef(alliancesColl, "organizedEventIds")
	AlliancesByParticipatedEvent     = backRef(alliancesColl, "participatedEventIds")
	AlliancesByAlliance              = backRef(alliancesColl, "allianceIds")
	HubsByState                      = backRef(hubsColl, "stateId")
	HubsByHost                       = backRef(hubsColl, "hostIds")
	HubsByEvent                      = backRef(hubsColl, "eventIds")
	HubsByAlliance                   = backRef(hubsColl, "allianceIds")
	EventsByState                    = backRef(eventsColl, "stateId")
)

// References is the one list of the reference fields that lookups follow backwards, in the order
// they are declared above: the loaders make a loader for each, and the tests check that each has
// an index and that each document type reads it in memory (model's Values).
var References []Ref

// backRef declares a reference field and adds it to References.
func backRef(coll, field string) Ref {
	r := Ref{coll, field}
	References = append(References, r)
	return r
}

// ReferencesIn returns the references held by the documents of c, in References' order.
func ReferencesIn(c Collection) []Ref {
	var out []Ref
	for _, r := range References {
		if r.Collection() == c {
			out = append(out, r)
		}
	}
	return out
}

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

// Match selects the documents whose field holds one of values: "_id" for lookups by id, or a
// reference field for following an edge backwards.
type Match struct {
	Field  string
	Values []string
}

// ByID is the Match of the documents with the given ids.
func ByID(ids ...string) Match { return Match{Field: "_id", Values: ids} }

// On is the Match of the documents whose ref field points at one of ids.
func (r Ref) On(ids ...string) Match { return Match{Field: r.field, Values: ids} }

// Collection returns the collection whose documents hold the reference.
func (r Ref) Collection() Collection { return Collection(r.coll) }

// findMatching returns, in list order, the documents that any of matches selects: one command,
// whatever the number of matches and values (or the collection's snapshot, read once per request;
// a lookup of one id is one find by _id unless the snapshot is already read).
func findMatching[T any](ctx context.Context, s *Store, coll string, matches []Match) ([]*T, error) {
	if !oneID(matches) || viewHolds(ctx, coll) {
		if all, ok, err := whole(ctx, s, coll); ok {
			if err != nil {
				return nil, err
			}
			return decodeDocs[T](matchingInMemory(all, coll, matches))
		}
	}
	var clauses bson.A
	most := 0 // the most documents the filter can match, when it asks only for ids
	for _, m := range matches {
		if len(m.Values) > 0 {
			clauses = append(clauses, in(m.Field, m.Values))
		}
		if m.Field == "_id" && most >= 0 {
			most += len(m.Values)
		} else {
			most = -1
		}
	}
	var filter bson.D
	switch len(clauses) {
	case 0:
		return nil, nil
	case 1:
		filter = clauses[0].(bson.D)
	default:
		filter = bson.D{{Key: "$or", Value: clauses}}
	}
	return findAll[T](ctx, s.coll(coll), filter, sortBy(sortFields[coll]), 0, max(most, 0))
}

// bySlug returns the one document with the given slug, or ErrNotFound (from the collection's
// snapshot when the request reads through one: on FerretDB a find by slug reads every document).
func bySlug[T any](ctx context.Context, s *Store, coll, slug string) (*T, error) {
	if all, ok, err := whole(ctx, s, coll); ok {
		if err != nil {
			return nil, err
		}
		for _, d := range all {
			if slices.Equal(d.Values("slug"), []string{slug}) {
				docs, err := decodeDocs[T]([]rawDoc{d})
				if err != nil {
					return nil, err
				}
				return docs[0], nil
			}
		}
		return nil, ErrNotFound
	}
	return findOne[T](ctx, s.coll(coll), bson.D{{Key: "slug", Value: slug}})
}

// selected reports whether any of matches selects d, as the database would: one of the match
// field's values is one of the match's values.
func selected(d model.Document, matches []Match) bool {
	return slices.ContainsFunc(matches, func(m Match) bool {
		return slices.ContainsFunc(d.Values(m.Field), func(v string) bool { return slices.Contains(m.Values, v) })
	})
}

// oneID reports whether matches ask for at most one document by id.
func oneID(matches []Match) bool {
	n := 0
	for _, m := range matches {
		if m.Field != "_id" {
			return false
		}
		n += len(m.Values)
	}
	return n <= 1
}

// matchingInMemory is findMatching over a whole collection.
func matchingInMemory(all []rawDoc, coll string, matches []Match) []rawDoc {
	var out []rawDoc
	for _, d := range all {
		if selected(d, matches) {
			out = append(out, d)
		}
	}
	sortDocs(out, Order{Field: sortFields[coll]})
	return out
}

// pageInMemory is list over a whole collection: the filter, order, cursor and limit of Page.query,
// with the same meaning.
func pageInMemory(all []rawDoc, p Page, defaultField string) []rawDoc {
	order := p.Order
	if order.Field == "" {
		order.Field = defaultField
	}
	reverse := order.Desc != p.Backward
	cursor := p.After
	if p.Backward {
		cursor = p.Before
	}
	var kept []rawDoc
	for _, d := range all {
		if !p.Filter.Match(d) {
			continue
		}
		if cursor != nil {
			k := KeyOf(d, order.Field)
			if (!reverse && !cursor.Less(k)) || (reverse && !k.Less(*cursor)) {
				continue
			}
		}
		kept = append(kept, d)
	}
	sortDocs(kept, Order{Field: order.Field, Desc: reverse})
	if p.Limit > 0 && len(kept) > p.Limit {
		kept = kept[:p.Limit]
	}
	return inListOrder(p, kept)
}

// list returns one page of a collection in the page's order (by default, the collection's).
func list[T any](ctx context.Context, s *Store, coll string, p Page) ([]*T, error) {
	if all, ok, err := whole(ctx, s, coll); ok {
		if err != nil {
			return nil, err
		}
		return decodeDocs[T](pageInMemory(all, p, sortFields[coll]))
	}
	filter, sort := p.query(sortFields[coll])
	docs, err := findAll[T](ctx, s.coll(coll), filter, sort, p.Limit, 0)
	if err != nil {
		return nil, err
	}
	return inListOrder(p, docs), nil
}

// FindAlliances returns, by name, the alliances that any of matches selects.
func (s *Store) FindAlliances(ctx context.Context, matches ...Match) ([]*model.Alliance, error) {
	return findMatching[model.Alliance](ctx, s, alliancesColl, matches)
}

// FindOrganizations returns, by name, the organizations that any of matches selects.
func (s *Store) FindOrganizations(ctx context.Context, matches ...Match) ([]*model.Organization, error) {
	return findMatching[model.Organization](ctx, s, organizationsColl, matches)
}

// FindStates returns, by name, the states and provinces that any of matches selects.
func (s *Store) FindStates(ctx context.Context, matches ...Match) ([]*model.State, error) {
	return findMatching[model.State](ctx, s, statesColl, matches)
}

// FindEvents returns, by start date, the events that any of matches selects.
func (s *Store) FindEvents(ctx context.Context, matches ...Match) ([]*model.Event, error) {
	return findMatching[model.Event](ctx, s, eventsColl, matches)
}

// FindHubs returns, by name, the hubs that any of matches selects.
func (s *Store) FindHubs(ctx context.Context, matches ...Match) ([]*model.Hub, error) {
	return findMatching[model.Hub](ctx, s, hubsColl, matches)
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

// Alliances returns one page of alliances, by name unless the page says otherwise.
func (s *Store) Alliances(ctx context.Context, p Page) ([]*model.Alliance, error) {
	return list[model.Alliance](ctx, s, alliancesColl, p)
}

// Organizations returns one page of organizations, by name unless the page says otherwise.
func (s *Store) Organizations(ctx context.Context, p Page) ([]*model.Organization, error) {
	return list[model.Organization](ctx, s, organizationsColl, p)
}

// States returns one page of states and provinces, by name unless the page says otherwise.
func (s *Store) States(ctx context.Context, p Page) ([]*model.State, error) {
	return list[model.State](ctx, s, statesColl, p)
}

// Events returns one page of events, by start date unless the page says otherwise.
func (s *Store) Events(ctx context.Context, p Page) ([]*model.Event, error) {
	return list[model.Event](ctx, s, eventsColl, p)
}

// Hubs returns one page of hubs, by name unless the page says otherwise.
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

// Count returns how many documents of the collection pass f.
func (s *Store) Count(ctx context.Context, c Collection, f Filter) (int, error) {
	n, ok, err := inWhole(ctx, s, c, func(d model.Document) {}, f)
	if ok {
		return n, err
	}
	return count(ctx, s.coll(string(c)), f.BSON())
}

// inWhole calls each for every document of c's snapshot that passes f and returns how many did,
// and true; or false when ctx has no read view or the store does not use snapshots.
func inWhole(ctx context.Context, s *Store, c Collection, each func(model.Document), f Filter) (int, bool, error) {
	all, ok, err := whole(ctx, s, string(c))
	if !ok || err != nil {
		return 0, ok, err
	}
	n := 0
	for _, d := range all {
		if f.Match(d) {
			each(d)
			n++
		}
	}
	return n, true, nil
}
