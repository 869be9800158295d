package model

import "context"

// Cursors returns the opaque cursor of a page's item i. An edge holds its page's and calls it only
// when a query selects the edge's cursor: most select none, and encoding one per edge was work
// for nothing.
type Cursors func(i int) string

// PageInfo is the paging state of a connection.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

// Total is a connection's totalCount: either known when the page was built, or counted by the
// database only when a query asks for it.
type Total struct {
	n     int
	count func(context.Context) (int, error)
}

// KnownTotal is a total that is already known.
func KnownTotal(n int) Total { return Total{n: n} }

// CountedTotal is a total that count computes when, and only if, it is asked for.
func CountedTotal(count func(context.Context) (int, error)) Total { return Total{count: count} }

// Get returns the total.
func (t Total) Get(ctx context.Context) (int, error) {
	if t.count != nil {
		return t.count(ctx)
	}
	return t.n, nil
}

// AllianceConnection is a page of alliances.
type AllianceConnection struct {
	Edges    []*AllianceEdge
	PageInfo *PageInfo
	Total    Total
}

// TotalCount returns how many alliances match, across all pages.
func (c *AllianceConnection) TotalCount(ctx context.Context) (int, error) { return c.Total.Get(ctx) }

// AllianceEdge is an alliance in a page.
type AllianceEdge struct {
	Node    *Alliance
	Cursors Cursors // the page's; Index is this edge's place in it
	Index   int
}

// Cursor returns the edge's opaque cursor.
func (e *AllianceEdge) Cursor() string { return e.Cursors(e.Index) }

// OrganizationConnection is a page of organizations.
type OrganizationConnection struct {
	Edges    []*OrganizationEdge
	PageInfo *PageInfo
	Total    Total
}

// TotalCount returns how many organizations match, across all pages.
func (c *OrganizationConnection) TotalCount(ctx context.Context) (int, error) {
	return c.Total.Get(ctx)
}

// OrganizationEdge is an organization in a page.
type OrganizationEdge struct {
	Node       *Organization
	DistanceKm *float64
	Cursors    Cursors // the page's; Index is this edge's place in it
	Index      int
}

// Cursor returns the edge's opaque cursor.
func (e *OrganizationEdge) Cursor() string { return e.Cursors(e.Index) }

// StateConnection is a page of states and provinces.
type StateConnection struct {
	Edges    []*StateEdge
	PageInfo *PageInfo
	Total    Total
}

// TotalCount returns how many states and provinces match, across all pages.
func (c *StateConnection) TotalCount(ctx context.Context) (int, error) { return c.Total.Get(ctx) }

// StateEdge is a state in a page.
type StateEdge struct {
	Node    *State
	Cursors Cursors // the page's; Index is this edge's place in it
	Index   int
}

// Cursor returns the edge's opaque cursor.
func (e *StateEdge) Cursor() string { return e.Cursors(e.Index) }

// EventConnection is a page of events.
type EventConnection struct {
	Edges    []*EventEdge
	PageInfo *PageInfo
	Total    Total
}

// TotalCount returns how many events match, across all pages.
func (c *EventConnection) TotalCount(ctx context.Context) (int, error) { return c.Total.Get(ctx) }

// EventEdge is an event in a page.
type EventEdge struct {
	Node    *Event
	Cursors Cursors // the page's; Index is this edge's place in it
	Index   int
}

// Cursor returns the edge's opaque cursor.
func (e *EventEdge) Cursor() string { return e.Cursors(e.Index) }

// HubConnection is a page of hubs.
type HubConnection struct {
	Edges    []*HubEdge
	PageInfo *PageInfo
	Total    Total
}

// TotalCount returns how many hubs match, across all pages.
func (c *HubConnection) TotalCount(ctx context.Context) (int, error) { return c.Total.Get(ctx) }

// HubEdge is a hub in a page.
type HubEdge struct {
	Node       *Hub
	DistanceKm *float64
	Cursors    Cursors // the page's; Index is this edge's place in it
	Index      int
}

// Cursor returns the edge's opaque cursor.
func (e *HubEdge) Cursor() string { return e.Cursors(e.Index) }

// ActorConnection is a page of organizations and alliances.
type ActorConnection struct {
	Edges    []*ActorEdge
	PageInfo *PageInfo
	Total    Total
}

// TotalCount returns how many organizations and alliances match, across all pages.
func (c *ActorConnection) TotalCount(ctx context.Context) (int, error) { return c.Total.Get(ctx) }

// ActorEdge is an organization or an alliance in a page.
type ActorEdge struct {
	Node    Actor
	Cursors Cursors // the page's; Index is this edge's place in it
	Index   int
}

// Cursor returns the edge's opaque cursor.
func (e *ActorEdge) Cursor() string { return e.Cursors(e.Index) }
