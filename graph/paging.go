package graph

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"rootsgraph/model"
	"rootsgraph/store"
)

// Page sizes: a connection returns defaultFirst items when first and last are omitted, and at
// most maxFirst.
const (
	defaultFirst = 20
	maxFirst     = 100
)

// The lists a cursor can belong to. A cursor names its list and its order, so one taken from
// another list or another order is refused instead of silently paging somewhere else.
const (
	alliancesList     = "alliances"
	organizationsList = "organizations"
	statesList        = "states"
	eventsList        = "events"
	hubsList          = "hubs"
	actorsList        = "actors"
)

// pageArgs are a connection's paging arguments as the client sent them.
type pageArgs struct {
	first  *int
	after  *string
	last   *int
	before *string
}

// listArgs are validated arguments of one connection.
type listArgs struct {
	list     string
	first    int // page size, whichever way
	backward bool
	after    *store.Key
	before   *store.Key
	order    store.Order
	filter   store.Filter
	near     *near // when set, only records within it, and distances on the edges
}

// near is a validated Near filter.
type near struct {
	lat, lng, radiusKm float64
}

// distanceOrder sorts by distance from the near point.
const distanceOrder = "distance"

// distance returns how far a record is from the near point, or false when it has no coordinates.
func (n *near) distance(it any) (float64, bool) {
	p, ok := it.(model.Located)
	if !ok {
		return 0, false
	}
	lat, lng, ok := p.Point()
	if !ok {
		return 0, false
	}
	return store.DistanceKm(n.lat, n.lng, lat, lng), true
}

// cursor is what an opaque cursor string encodes.
type cursor struct {
	List  string `json:"l"`
	Order string `json:"o"`
	Value string `json:"v"`
	ID    string `json:"i"`
}

func orderName(o store.Order) string {
	if o.Desc {
		return "-" + o.Field
	}
	return o.Field
}

func encodeCursor(list string, o store.Order, k store.Key) string {
	b, _ := json.Marshal(cursor{List: list, Order: orderName(o), Value: k.Value, ID: k.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// parseList checks a connection's arguments before anything is read: page sizes, cursors (from
// this list, in this order) and the direction of paging.
func parseList(list string, order store.Order, filter store.Filter, p pageArgs) (listArgs, error) {
	a := listArgs{list: list, first: defaultFirst, order: order, filter: filter}
	switch {
	case p.first != nil && p.last != nil:
		return a, badInput("give first or last, not both: first pages forward from after, last pages backward from before")
	case p.first != nil && p.before != nil:
		return a, badInput("before goes with last: page backward with last and before, forward with first and after")
	case p.last != nil && p.after != nil:
		return a, badInput("after goes with first: page forward with first and after, backward with last and before")
	}
	size, name, cursorArg := p.first, "first", "after"
	if p.last != nil || p.before != nil {
		a.backward = true
		size, name, cursorArg = p.last, "last", "before"
	}
	if size != nil {
		switch {
		case *size < 0:
			return a, badInput("%s must be zero or more; got %d", name, *size)
		case *size > maxFirst:
			return a, badInput("%s must be at most %d; got %d: ask for the rest with `%s`", name, maxFirst, *size, cursorArg)
		}
		a.first = *size
	}
	var err error
	if a.after, err = parseCursor("after", p.after, list, order); err != nil {
		return a, err
	}
	if a.before, err = parseCursor("before", p.before, list, order); err != nil {
		return a, err
	}
	return a, nil
}

func parseCursor(arg string, s *string, list string, order store.Order) (*store.Key, error) {
	if s == nil {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*s)
	var c cursor
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID == "" {
		return nil, badInput("%s is not a cursor from this API: pass an edge's cursor or pageInfo's startCursor or endCursor", arg)
	}
	if c.List != list {
		return nil, badInput("%s is a cursor from the %s list; this list holds %s", arg, c.List, list)
	}
	if c.Order != orderName(order) {
		return nil, badInput("%s is a cursor from this list in another order (%s); keep orderBy the same while paging",
			arg, strings.TrimPrefix(c.Order, "-"))
	}
	return &store.Key{Value: c.Value, ID: c.ID}, nil
}

// page is one page of a sorted list, with a cursor per item made on demand.
type page[T any] struct {
	items     []*T
	cursors   model.Cursors
	info      *model.PageInfo
	distances []*float64 // per item, with a near filter
}

// newPage turns fetched items into a page. items are in list order; forward they start after the
// cursor and one item more than the page says a next page exists; backward they end before the
// cursor and one item more says a previous page exists.
func newPage[T any](items []*T, key func(*T) store.Key, a listArgs) page[T] {
	more := len(items) > a.first
	if more && a.backward {
		items = items[len(items)-a.first:]
	} else if more {
		items = items[:a.first]
	}
	info := &model.PageInfo{HasNextPage: more, HasPreviousPage: a.after != nil}
	if a.backward {
		info = &model.PageInfo{HasNextPage: a.before != nil, HasPreviousPage: more}
	}
	p := page[T]{items: items, info: info}
	p.cursors = func(i int) string { return encodeCursor(a.list, a.order, key(items[i])) }
	if a.near != nil {
		p.distances = make([]*float64, len(items))
		for i, it := range items {
			if d, ok := a.near.distance(it); ok {
				d = math.Round(d*1000) / 1000
				p.distances[i] = &d
			}
		}
	}
	if len(items) > 0 {
		start, end := p.cursors(0), p.cursors(len(items)-1)
		p.info.StartCursor, p.info.EndCursor = &start, &end
	}
	return p
}

// pageInMemory filters, sorts and pages a whole list that is already loaded, and knows its total.
func pageInMemory[T any](all []*T, key func(*T) store.Key, match func(*T) bool, a listArgs) (page[T], model.Total) {
	kept := make([]*T, 0, len(all))
	for _, it := range all {
		if match(it) {
			kept = append(kept, it)
		}
	}
	store.SortByKey(kept, key, a.order)
	start, end := 0, len(kept)
	if a.after != nil {
		for start < end && !a.order.Before(*a.after, key(kept[start])) {
			start++
		}
	}
	if a.before != nil {
		end = start
		for end < len(kept) && a.order.Before(key(kept[end]), *a.before) {
			end++
		}
	}
	if a.backward {
		start = max(start, end-a.first-1)
	} else {
		end = min(end, start+a.first+1)
	}
	return newPage(kept[start:end], key, a), model.KnownTotal(len(kept))
}

// pageNear answers a top-level list with a near filter: the database returns every record in the
// circle's bounding box, and the server keeps those within the radius and sorts them.
func pageNear[T any](ctx context.Context, a listArgs, fetch func(context.Context, store.Page) ([]*T, error)) (page[T], model.Total, error) {
	all, err := fetch(ctx, store.Page{Filter: a.filter})
	if err != nil {
		return page[T]{}, model.Total{}, err
	}
	p, total := pageInMemory(all, keyFor[T](a), matchFor[T](a), a)
	return p, total, nil
}

// pageFromStore asks the store for one page (one command, one item more than the page to learn
// whether there is another), and counts the whole list only if the query asks for totalCount.
func pageFromStore[T any](
	ctx context.Context, a listArgs, key func(*T) store.Key,
	fetch func(context.Context, store.Page) ([]*T, error),
	count func(context.Context, store.Filter) (int, error),
) (page[T], model.Total, error) {
	items, err := fetch(ctx, store.Page{
		Filter: a.filter, Order: a.order, After: a.after, Before: a.before, Backward: a.backward, Limit: a.first + 1,
	})
	if err != nil {
		return page[T]{}, model.Total{}, err
	}
	total := model.CountedTotal(func(ctx context.Context) (int, error) { return count(ctx, a.filter) })
	return newPage(items, key, a), total, nil
}

// keyFor returns the sort key of a list's documents, including the distance order of a near filter.
func keyFor[T any](a listArgs) func(*T) store.Key {
	if a.near != nil && a.order.Field == distanceOrder {
		return func(it *T) store.Key {
			d, _ := a.near.distance(it)
			return store.Key{Value: fmt.Sprintf("%012.4f", d), ID: any(it).(model.Node).GetID()}
		}
	}
	return docKey[T](a.order)
}

// matchFor returns the in-memory filter of a list's documents, including a near filter's radius.
func matchFor[T any](a listArgs) func(*T) bool {
	match := docMatch[T](a.filter)
	if a.near == nil {
		return match
	}
	return func(it *T) bool {
		d, ok := a.near.distance(it)
		return ok && d <= a.near.radiusKm && match(it)
	}
}

// docKey returns the sort key of documents in the given order.
func docKey[T any](order store.Order) func(*T) store.Key {
	return func(it *T) store.Key { return store.KeyOf(any(it).(model.Document), order.Field) }
}

// docMatch returns the in-memory filter of documents.
func docMatch[T any](f store.Filter) func(*T) bool {
	return func(it *T) bool { return f.Match(any(it).(model.Document)) }
}

func actorKey(a *model.Actor) store.Key {
	d := (*a).(model.Document)
	return store.Key{Value: d.Values("nameKey")[0], ID: d.GetID()}
}

func allianceConnection(p page[model.Alliance], total model.Total) *model.AllianceConnection {
	c := &model.AllianceConnection{Edges: make([]*model.AllianceEdge, len(p.items)), PageInfo: p.info, Total: total}
	for i, it := range p.items {
		c.Edges[i] = &model.AllianceEdge{Cursors: p.cursors, Index: i, Node: it}
	}
	return c
}

func organizationConnection(p page[model.Organization], total model.Total) *model.OrganizationConnection {
	c := &model.OrganizationConnection{Edges: make([]*model.OrganizationEdge, len(p.items)), PageInfo: p.info, Total: total}
	for i, it := range p.items {
		c.Edges[i] = &model.OrganizationEdge{Cursors: p.cursors, Index: i, Node: it, DistanceKm: p.distance(i)}
	}
	return c
}

func stateConnection(p page[model.State], total model.Total) *model.StateConnection {
	c := &model.StateConnection{Edges: make([]*model.StateEdge, len(p.items)), PageInfo: p.info, Total: total}
	for i, it := range p.items {
		c.Edges[i] = &model.StateEdge{Cursors: p.cursors, Index: i, Node: it}
	}
	return c
}

func eventConnection(p page[model.Event], total model.Total) *model.EventConnection {
	c := &model.EventConnection{Edges: make([]*model.EventEdge, len(p.items)), PageInfo: p.info, Total: total}
	for i, it := range p.items {
		c.Edges[i] = &model.EventEdge{Cursors: p.cursors, Index: i, Node: it}
	}
	return c
}

func hubConnection(p page[model.Hub], total model.Total) *model.HubConnection {
	c := &model.HubConnection{Edges: make([]*model.HubEdge, len(p.items)), PageInfo: p.info, Total: total}
	for i, it := range p.items {
		c.Edges[i] = &model.HubEdge{Cursors: p.cursors, Index: i, Node: it, DistanceKm: p.distance(i)}
	}
	return c
}

func actorConnection(p page[model.Actor], total model.Total) *model.ActorConnection {
	c := &model.ActorConnection{Edges: make([]*model.ActorEdge, len(p.items)), PageInfo: p.info, Total: total}
	for i, it := range p.items {
		c.Edges[i] = &model.ActorEdge{Cursors: p.cursors, Index: i, Node: *it}
	}
	return c
}

// byName is the order of lists sorted by name.
var byName = store.Order{Field: "nameKey"}

// distance returns the distance of the page's i-th item, or nil without a near filter.
func (p page[T]) distance(i int) *float64 {
	if p.distances == nil {
		return nil
	}
	return p.distances[i]
}
