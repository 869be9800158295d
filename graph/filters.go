package graph

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"rootsgraph/dataset"
	"rootsgraph/model"
	"rootsgraph/store"
)

// This file turns the GraphQL filter and order inputs into store filters and orders, checking
// every value first, so that bad input costs no database command and user text is only ever a
// value: never an operator, never a pattern.

const (
	maxFilterValues = 100
	maxSearch       = 100
)

var (
	statePattern   = regexp.MustCompile(`^[A-Z]{2}$`)
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
	slugPattern    = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// filterBuilder collects clauses and the first problem found.
type filterBuilder struct {
	f   store.Filter
	err error
}

func (b *filterBuilder) fail(format string, args ...any) {
	if b.err == nil {
		b.err = badInput(format, args...)
	}
}

// clause adds a clause on a stored field from the filter argument arg.
func (b *filterBuilder) clause(arg, field string, values []string) {
	if values == nil {
		return
	}
	if len(values) == 0 {
		b.fail("filter %s is an empty list, which nothing matches: omit it to match everything", arg)
		return
	}
	if len(values) > maxFilterValues {
		b.fail("filter %s holds at most %d values; got %d", arg, maxFilterValues, len(values))
		return
	}
	b.f.Clauses = append(b.f.Clauses, store.Clause{Field: field, Values: values})
}

// states adds a clause on stateId from postal codes, which may be given in either case.
func (b *filterBuilder) states(codes []string) {
	if codes == nil {
		return
	}
	ids := make([]string, len(codes))
	for i, c := range codes {
		c = strings.ToUpper(strings.TrimSpace(c))
		if !statePattern.MatchString(c) {
			b.fail("states: %q is not a two-letter postal code such as NM or QC", codes[i])
			return
		}
		if !dataset.StateCodes()[c] {
			b.fail("states: %q is not the code of a US state, district or territory or of a Canadian province or territory: `states { edges { node { code name } } }` lists them", codes[i])
			return
		}
		ids[i] = model.StateID(c)
	}
	b.clause("states", "stateId", ids)
}

func (b *filterBuilder) countries(codes []string) {
	if codes == nil {
		return
	}
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = strings.ToUpper(strings.TrimSpace(c))
		if !countryPattern.MatchString(out[i]) {
			b.fail("country: %q is not a two-letter ISO 3166 country code such as US or CA", c)
			return
		}
	}
	b.clause("country", "country", out)
}

func (b *filterBuilder) regions(regions []string) {
	if regions == nil {
		return
	}
	for _, r := range regions {
		if strings.TrimSpace(r) == "" || len(r) > 60 {
			b.fail("region: %q is not a region name such as West or Prairies", r)
			return
		}
	}
	b.clause("region", "region", regions)
}

func (b *filterBuilder) alliances(ids []string) {
	if ids == nil {
		return
	}
	for _, id := range ids {
		prefix, slug, ok := model.SplitID(id)
		if !ok || prefix != model.AlliancePrefix || !slugPattern.MatchString(slug) {
			b.fail("alliances: %q is not an alliance id such as alliance:climate-justice-alliance", id)
			return
		}
	}
	b.clause("alliances", "allianceIds", ids)
}

func (b *filterBuilder) sample(v *bool) { b.f.Sample = v }

func (b *filterBuilder) search(s *string) {
	if s == nil {
		return
	}
	key := model.NameKey(*s)
	switch {
	case key == "":
		b.fail("search is empty: give 1 to %d characters of a name, or omit it", maxSearch)
	case utf8.RuneCountInString(*s) > maxSearch:
		b.fail("search is longer than %d characters; give part of a name", maxSearch)
	default:
		b.f.Search = key
	}
}

// maxRadiusKm bounds a near filter: beyond it, a map question becomes a whole-network export.
const maxRadiusKm = 2000

func validLat(v float64) bool { return v >= -90 && v <= 90 }
func validLng(v float64) bool { return v >= -180 && v <= 180 }

func (b *filterBuilder) within(in *model.BoundingBox) {
	if in == nil {
		return
	}
	switch {
	case !validLat(in.North) || !validLat(in.South):
		b.fail("within: latitudes must be between -90 and 90; got north %v, south %v", in.North, in.South)
	case in.South > in.North:
		b.fail("within: south (%v) is north of north (%v)", in.South, in.North)
	case !validLng(in.East) || !validLng(in.West):
		b.fail("within: longitudes must be between -180 and 180; got west %v, east %v (a box across the antimeridian has west > east)", in.West, in.East)
	default:
		b.f.Within = &store.Box{West: in.West, South: in.South, East: in.East, North: in.North}
	}
}

// near checks a Near filter; the database narrows by the circle's bounding box.
func (b *filterBuilder) near(in *model.Near) *near {
	if in == nil {
		return nil
	}
	switch {
	case !validLat(in.Lat) || !validLng(in.Lng):
		b.fail("near: the centre must have a latitude between -90 and 90 and a longitude between -180 and 180; got %v, %v", in.Lat, in.Lng)
	case !(in.RadiusKm > 0) || in.RadiusKm > maxRadiusKm:
		b.fail("near: radiusKm must be more than 0 and at most %d; got %v", maxRadiusKm, in.RadiusKm)
	case b.f.Within != nil:
		b.fail("give within or near, not both")
	default:
		box := store.BoxAround(in.Lat, in.Lng, in.RadiusKm)
		b.f.Within = &box
		return &near{lat: in.Lat, lng: in.Lng, radiusKm: in.RadiusKm}
	}
	return nil
}

func enumClause[T ~string](b *filterBuilder, arg, field string, values []T) {
	if values == nil {
		return
	}
	b.clause(arg, field, model.Strings(values))
}

// organizationFilter checks an organization filter and returns it as a store filter, with its
// near circle when it has one.
func organizationFilter(in *model.OrganizationFilter) (store.Filter, *near, error) {
	b := &filterBuilder{}
	if in == nil {
		return b.f, nil, nil
	}
	enumClause(b, "kind", "kind", in.Kind)
	b.alliances(in.Alliances)
	b.states(in.States)
	b.countries(in.Country)
	b.regions(in.Region)
	enumClause(b, "community", "communities", in.Community)
	enumClause(b, "issue", "issues", in.Issue)
	enumClause(b, "generation", "generations", in.Generation)
	b.sample(in.Sample)
	b.search(in.Search)
	b.within(in.Within)
	n := b.near(in.Near)
	return b.f, n, b.err
}

// hubFilter checks a hub filter and returns it as a store filter, with its near circle when it
// has one.
func hubFilter(in *model.HubFilter) (store.Filter, *near, error) {
	b := &filterBuilder{}
	if in == nil {
		return b.f, nil, nil
	}
	enumClause(b, "setting", "setting", in.Setting)
	enumClause(b, "activity", "activities", in.Activity)
	b.alliances(in.Alliances)
	b.states(in.States)
	b.countries(in.Country)
	b.regions(in.Region)
	enumClause(b, "community", "communities", in.Community)
	enumClause(b, "issue", "issues", in.Issue)
	b.sample(in.Sample)
	b.search(in.Search)
	b.within(in.Within)
	n := b.near(in.Near)
	return b.f, n, b.err
}

// eventFilter checks an event filter and returns it as a store filter.
func eventFilter(in *model.EventFilter) (store.Filter, error) {
	b := &filterBuilder{}
	if in == nil {
		return b.f, nil
	}
	enumClause(b, "kind", "kind", in.Kind)
	b.states(in.States)
	b.countries(in.Country)
	b.regions(in.Region)
	b.sample(in.Sample)
	b.search(in.Search)
	if in.From != nil {
		b.f.EndsFrom = string(*in.From)
	}
	if in.To != nil {
		b.f.StartsTo = string(*in.To)
	}
	if in.From != nil && in.To != nil && *in.From > *in.To {
		b.fail("from (%s) is after to (%s)", *in.From, *in.To)
	}
	return b.f, b.err
}

// coverageFilters checks a coverage filter and returns it for organizations, hubs and events;
// eventsApply is false when it uses a field that events do not have.
func coverageFilters(in *model.CoverageFilter) (orgs, hubs, events store.Filter, eventsApply bool, err error) {
	b := &filterBuilder{}
	if in == nil {
		return b.f, b.f, b.f, true, nil
	}
	b.states(in.States)
	b.countries(in.Country)
	b.regions(in.Region)
	b.sample(in.Sample)
	events = b.f
	events.Clauses = append([]store.Clause(nil), b.f.Clauses...)
	b.alliances(in.Alliances)
	enumClause(b, "community", "communities", in.Community)
	enumClause(b, "issue", "issues", in.Issue)
	eventsApply = in.Alliances == nil && in.Community == nil && in.Issue == nil
	return b.f, b.f, events, eventsApply, b.err
}

// orderFields maps the values of every *OrderField enum to the stored field they sort by.
var orderFields = map[string]string{
	"NAME":       "nameKey",
	"STATE":      "stateSort",
	"CREATED":    "createdAt",
	"UPDATED":    "updatedAt",
	"START_DATE": "startDate",
}

// orderOf returns the store order for an orderBy input; def is the list's default field.
func orderOf[F ~string](field F, dir model.SortDirection, def string) store.Order {
	f, ok := orderFields[string(field)]
	if !ok {
		f = def
	}
	return store.Order{Field: f, Desc: dir == model.SortDirectionDesc}
}

// organizationOrder returns the store order of an organization list.
func organizationOrder(in *model.OrganizationOrder) store.Order {
	if in == nil {
		return byName
	}
	return orderOf(in.Field, in.Direction, "nameKey")
}

// hubOrder returns the store order of a hub list.
func hubOrder(in *model.HubOrder) store.Order {
	if in == nil {
		return byName
	}
	return orderOf(in.Field, in.Direction, "nameKey")
}

// eventOrder returns the store order of an event list.
func eventOrder(in *model.EventOrder) store.Order {
	if in == nil {
		return store.Order{Field: "startDate"}
	}
	return orderOf(in.Field, in.Direction, "startDate")
}

// The argument bundles of each kind of connection, as resolvers receive them.
type (
	orgArgs struct {
		filter *model.OrganizationFilter
		order  *model.OrganizationOrder
		pageArgs
	}
	hubArgs struct {
		filter *model.HubFilter
		order  *model.HubOrder
		pageArgs
	}
	eventArgs struct {
		filter *model.EventFilter
		order  *model.EventOrder
		pageArgs
	}
)

func (a orgArgs) parse() (listArgs, error) {
	f, n, err := organizationFilter(a.filter)
	if err != nil {
		return listArgs{}, err
	}
	return withNear(parseList(organizationsList, nearOrder(organizationOrder(a.order), a.order == nil, n), f, a.pageArgs))(n)
}

func (a hubArgs) parse() (listArgs, error) {
	f, n, err := hubFilter(a.filter)
	if err != nil {
		return listArgs{}, err
	}
	return withNear(parseList(hubsList, nearOrder(hubOrder(a.order), a.order == nil, n), f, a.pageArgs))(n)
}

// nearOrder sorts a list with a near filter nearest first, unless orderBy says otherwise.
func nearOrder(o store.Order, defaulted bool, n *near) store.Order {
	if n != nil && defaulted {
		return store.Order{Field: distanceOrder}
	}
	return o
}

func withNear(a listArgs, err error) func(*near) (listArgs, error) {
	return func(n *near) (listArgs, error) {
		a.near = n
		return a, err
	}
}

func (a eventArgs) parse() (listArgs, error) {
	f, err := eventFilter(a.filter)
	if err != nil {
		return listArgs{}, err
	}
	return parseList(eventsList, eventOrder(a.order), f, a.pageArgs)
}
