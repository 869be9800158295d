package graph

import (
	"context"
	"encoding/base64"
	"encoding/json"

	"rootsgraph/graph/model"
	"rootsgraph/store"
)

// Page sizes: a connection returns defaultFirst items when first is omitted, and at most maxFirst.
const (
	defaultFirst = 20
	maxFirst     = 100
)

// The lists a cursor can belong to. A cursor names its list, so one taken from another list is
// refused instead of silently paging somewhere else.
const (
	alliancesList     = "alliances"
	organizationsList = "organizations"
	statesList        = "states"
	eventsList        = "events"
	hubsList          = "hubs"
	actorsList        = "actors"
)

// pageArgs are validated paging arguments.
type pageArgs struct {
	first int
	after *store.Key
}

// cursor is what an opaque cursor string encodes.
type cursor struct {
	List  string `json:"l"`
	Value string `json:"v"`
	ID    string `json:"i"`
}

func encodeCursor(list string, k store.Key) string {
	b, _ := json.Marshal(cursor{List: list, Value: k.Value, ID: k.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// parsePage checks first and after for a connection of the given list.
func parsePage(list string, first *int, after *string) (pageArgs, error) {
	args := pageArgs{first: defaultFirst}
	if first != nil {
		switch {
		case *first < 0:
			return args, badInput("first must be zero or more; got %d", *first)
		case *first > maxFirst:
			return args, badInput("first must be at most %d; got %d: ask for the rest with `after`", maxFirst, *first)
		}
		args.first = *first
	}
	if after != nil {
		b, err := base64.RawURLEncoding.DecodeString(*after)
		var c cursor
		if err != nil || json.Unmarshal(b, &c) != nil || c.ID == "" {
			return args, badInput("after is not a cursor from this API: pass a cursor or pageInfo.endCursor from a previous page")
		}
		if c.List != list {
			return args, badInput("after is a cursor from the %s list; this list holds %s", c.List, list)
		}
		args.after = &store.Key{Value: c.Value, ID: c.ID}
	}
	return args, nil
}

// page is one page of a sorted list, with a cursor per item.
type page[T any] struct {
	items   []*T
	cursors []string
	info    *model.PageInfo
}

// newPage turns fetched items into a page. items are in list order and start after args.after;
// when more than args.first of them are given, the rest only say that a next page exists.
func newPage[T any](list string, items []*T, key func(*T) store.Key, args pageArgs) page[T] {
	hasNext := len(items) > args.first
	if hasNext {
		items = items[:args.first]
	}
	p := page[T]{items: items, cursors: make([]string, len(items)), info: &model.PageInfo{
		HasNextPage:     hasNext,
		HasPreviousPage: args.after != nil,
	}}
	for i, it := range items {
		p.cursors[i] = encodeCursor(list, key(it))
	}
	if len(items) > 0 {
		p.info.StartCursor = &p.cursors[0]
		p.info.EndCursor = &p.cursors[len(items)-1]
	}
	return p
}

// pageInMemory pages a whole list that is already loaded and sorted, and knows its total.
func pageInMemory[T any](list string, all []*T, key func(*T) store.Key, args pageArgs) (page[T], model.Total) {
	start := 0
	if args.after != nil {
		for start < len(all) && !args.after.Less(key(all[start])) {
			start++
		}
	}
	end := min(len(all), start+args.first+1)
	return newPage(list, all[start:end], key, args), model.KnownTotal(len(all))
}

// pageFromStore asks the store for one page (one command, one item more than the page to learn
// whether there is a next one), and counts the whole list only if the query asks for totalCount.
func pageFromStore[T any](
	ctx context.Context, list string, args pageArgs, key func(*T) store.Key,
	fetch func(context.Context, store.Page) ([]*T, error),
	count func(context.Context) (int, error),
) (page[T], model.Total, error) {
	items, err := fetch(ctx, store.Page{After: args.after, Limit: args.first + 1})
	if err != nil {
		return page[T]{}, model.Total{}, err
	}
	return newPage(list, items, key, args), model.CountedTotal(count), nil
}

// Sort keys of each type, matching the store's list order.
func allianceKey(a *model.Alliance) store.Key         { return store.Key{Value: a.NameKey, ID: a.ID} }
func organizationKey(o *model.Organization) store.Key { return store.Key{Value: o.NameKey, ID: o.ID} }
func stateKey(s *model.State) store.Key               { return store.Key{Value: s.NameKey, ID: s.ID} }
func eventKey(e *model.Event) store.Key               { return store.Key{Value: string(e.StartDate), ID: e.ID} }
func hubKey(h *model.Hub) store.Key                   { return store.Key{Value: h.NameKey, ID: h.ID} }

func actorKey(a *model.Actor) store.Key {
	switch a := (*a).(type) {
	case *model.Organization:
		return organizationKey(a)
	case *model.Alliance:
		return allianceKey(a)
	}
	return store.Key{}
}

func allianceConnection(p page[model.Alliance], total model.Total) *model.AllianceConnection {
	c := &model.AllianceConnection{Edges: make([]*model.AllianceEdge, len(p.items)), PageInfo: p.info, Total: total}
	for i, it := range p.items {
		c.Edges[i] = &model.AllianceEdge{Cursor: p.cursors[i], Node: it}
	}
	return c
}

func organizationConnection(p page[model.Organization], total model.Total) *model.OrganizationConnection {
	c := &model.OrganizationConnection{Edges: make([]*model.OrganizationEdge, len(p.items)), PageInfo: p.info, Total: total}
	for i, it := range p.items {
		c.Edges[i] = &model.OrganizationEdge{Cursor: p.cursors[i], Node: it}
	}
	return c
}

func stateConnection(p page[model.State], total model.Total) *model.StateConnection {
	c := &model.StateConnection{Edges: make([]*model.StateEdge, len(p.items)), PageInfo: p.info, Total: total}
	for i, it := range p.items {
		c.Edges[i] = &model.StateEdge{Cursor: p.cursors[i], Node: it}
	}
	return c
}

func eventConnection(p page[model.Event], total model.Total) *model.EventConnection {
	c := &model.EventConnection{Edges: make([]*model.EventEdge, len(p.items)), PageInfo: p.info, Total: total}
	for i, it := range p.items {
		c.Edges[i] = &model.EventEdge{Cursor: p.cursors[i], Node: it}
	}
	return c
}

func hubConnection(p page[model.Hub], total model.Total) *model.HubConnection {
	c := &model.HubConnection{Edges: make([]*model.HubEdge, len(p.items)), PageInfo: p.info, Total: total}
	for i, it := range p.items {
		c.Edges[i] = &model.HubEdge{Cursor: p.cursors[i], Node: it}
	}
	return c
}

func actorConnection(p page[model.Actor], total model.Total) *model.ActorConnection {
	c := &model.ActorConnection{Edges: make([]*model.ActorEdge, len(p.items)), PageInfo: p.info, Total: total}
	for i, it := range p.items {
		c.Edges[i] = &model.ActorEdge{Cursor: p.cursors[i], Node: *it}
	}
	return c
}
