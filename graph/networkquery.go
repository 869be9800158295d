package graph

import (
	"context"
	"math"
	"slices"

	"rootsgraph/loaders"
	"rootsgraph/model"
	"rootsgraph/network"
	"rootsgraph/store"
)

// networkQuery answers network(from:, depth:, via:, include:, limit:).
func (r *Resolver) networkQuery(ctx context.Context, from []string, depth, limit *int, via []model.EdgeKind, include []model.NetworkNodeKind) (*model.Network, error) {
	d, lim := 1, 200
	if depth != nil {
		d = *depth
	}
	if limit != nil {
		lim = *limit
	}
	switch {
	case len(from) == 0:
		return nil, badInput("from is empty: give the ids of the records to start from")
	case len(from) > maxFirst:
		return nil, badInput("from holds at most %d ids; got %d", maxFirst, len(from))
	case d < 0 || d > maxNetworkDepth:
		return nil, badInput("depth must be between 0 and %d; got %d", maxNetworkDepth, d)
	case lim < 1 || lim > maxNetworkLimit:
		return nil, badInput("limit must be between 1 and %d; got %d", maxNetworkLimit, lim)
	}
	spec := newNetSpec(via, include)
	for _, id := range from {
		if !spec.allows(id) {
			return nil, badInput("%q is not the id of a node this network includes (an organization or alliance, or an event or hub when included)", id)
		}
	}
	l := loaders.For(ctx)
	b := newNetBuilder(spec)
	seeds := slices.Compact(slices.Sorted(slices.Values(from)))
	if err := b.loadNodes(ctx, l, seeds); err != nil {
		return nil, err
	}
	var known []string
	for _, id := range seeds {
		if _, ok := b.docs[id]; ok {
			known = append(known, id)
		}
	}
	dist, edges, truncated, err := network.Neighbourhood(ctx, known, d, lim, b.hopExpander(l))
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(dist))
	for id := range dist {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if err := b.loadNodes(ctx, l, ids); err != nil {
		return nil, err
	}
	out := &model.Network{Truncated: truncated, Nodes: []*model.NetworkNode{}, Edges: []*model.NetworkEdge{}}
	// A record asked for by id is a node even when archived; others that are archived are not.
	in := func(id string) bool {
		doc, ok := b.docs[id]
		return ok && (!archived(doc) || slices.Contains(seeds, id))
	}
	for _, id := range ids {
		if !in(id) {
			continue // a reference to nothing, or to an archived record
		}
		depth := dist[id]
		out.Nodes = append(out.Nodes, b.node(id, &depth))
	}
	for _, e := range edges {
		if in(e.From) && in(e.To) {
			out.Edges = append(out.Edges, b.edge(e))
		}
	}
	return out, nil
}

// pathQuery answers path(from:, to:, via:, include:, maxDepth:).
func (r *Resolver) pathQuery(ctx context.Context, from, to string, via []model.EdgeKind, include []model.NetworkNodeKind, maxDepth *int) (*model.NetworkPath, error) {
	d := 6
	if maxDepth != nil {
		d = *maxDepth
	}
	if d < 1 || d > maxPathDepth {
		return nil, badInput("maxDepth must be between 1 and %d; got %d", maxPathDepth, d)
	}
	spec := newNetSpec(via, include)
	for _, id := range []string{from, to} {
		if !spec.allows(id) {
			return nil, badInput("%q is not the id of a node this network includes", id)
		}
	}
	l := loaders.For(ctx)
	b := newNetBuilder(spec)
	if err := b.loadNodes(ctx, l, []string{from, to}); err != nil {
		return nil, err
	}
	if b.docs[from] == nil || b.docs[to] == nil {
		return nil, nil
	}
	nodes, edges, err := network.ShortestPath(ctx, from, to, d, b.hopExpander(l))
	if err != nil || nodes == nil {
		return nil, err
	}
	if err := b.loadNodes(ctx, l, nodes); err != nil {
		return nil, err
	}
	out := &model.NetworkPath{Length: len(edges)}
	for i, id := range nodes {
		out.Nodes = append(out.Nodes, b.node(id, &i))
	}
	for _, e := range edges {
		out.Edges = append(out.Edges, b.edge(e))
	}
	return out, nil
}

// WholeNetwork is the entire network of the records a spec includes, for measures and exports.
type WholeNetwork struct {
	Graph *network.Graph
	b     *netBuilder
}

// Node describes one node of the whole network.
func (w *WholeNetwork) Node(id string) *model.NetworkNode { return w.b.node(id, nil) }

// Nodes returns the node ids, in the graph's order.
func (w *WholeNetwork) Nodes() []string { return w.Graph.Nodes() }

// Edges returns the edges, in the graph's order.
func (w *WholeNetwork) Edges() []network.Edge { return w.Graph.Edges() }

// Edge describes one edge of the whole network.
func (w *WholeNetwork) Edge(e network.Edge) *model.NetworkEdge { return w.b.edge(e) }

// Whole reads the entire network that via and include describe, keeping only the organizations
// that pass orgFilter (nil keeps all): one command per collection it includes.
func (r *Resolver) Whole(ctx context.Context, via []model.EdgeKind, include []model.NetworkNodeKind, orgFilter *model.OrganizationFilter) (*WholeNetwork, error) {
	f, n, err := organizationFilter(orgFilter)
	if err != nil {
		return nil, err
	}
	if n != nil {
		return nil, badInput("near is not available here; use within to keep a region")
	}
	spec := newNetSpec(via, include)
	b := newNetBuilder(spec)
	// The filter keeps organizations; its sample flag keeps the other nodes too, so that asking
	// for facts only (sample: false) gives no sample record of any kind.
	others := store.Page{Filter: store.Filter{Sample: f.Sample}}
	var orgs []*model.Organization
	if spec.include[model.NetworkNodeKindOrganization] {
		if orgs, err = r.Store.Organizations(ctx, store.Page{Filter: f}); err != nil {
			return nil, err
		}
	}
	var docs []any
	for _, o := range orgs {
		docs = append(docs, o)
	}
	if spec.include[model.NetworkNodeKindAlliance] {
		as, err := r.Store.Alliances(ctx, others)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			docs = append(docs, a)
		}
	}
	if spec.include[model.NetworkNodeKindEvent] {
		es, err := r.Store.Events(ctx, others)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			docs = append(docs, e)
		}
	}
	if spec.include[model.NetworkNodeKindHub] {
		hs, err := r.Store.Hubs(ctx, others)
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			docs = append(docs, h)
		}
	}
	g := network.New()
	for _, d := range docs {
		id := d.(model.Node).GetID()
		b.docs[id] = d
		g.AddNode(id)
	}
	for _, d := range docs {
		for _, e := range spec.edgesOf(d) {
			if g.HasNode(e.From) && g.HasNode(e.To) {
				g.AddEdge(e)
			}
		}
	}
	if spec.via[model.EdgeKindCoParticipated] {
		edges, shared := coParticipation(orgs, orgs)
		b.shared = shared
		for _, e := range edges {
			g.AddEdge(e)
		}
	}
	return &WholeNetwork{Graph: g, b: b}, nil
}

// measures answers networkMeasures.
func (r *Resolver) measures(ctx context.Context, via []model.EdgeKind, include []model.NetworkNodeKind, filter *model.OrganizationFilter, top *int) (*model.NetworkMeasures, error) {
	t := 20
	if top != nil {
		t = *top
	}
	if t < 0 || t > maxNetworkLimit {
		return nil, badInput("top must be between 0 and %d; got %d", maxNetworkLimit, t)
	}
	w, err := r.Whole(ctx, via, include, filter)
	if err != nil {
		return nil, err
	}
	g := w.Graph
	comps := g.Components()
	componentOf := map[string]int{}
	out := &model.NetworkMeasures{NodeCount: len(g.Nodes()), EdgeCount: len(g.Edges())}
	for i, c := range comps {
		out.Components = append(out.Components, &model.NetworkComponent{Size: len(c), Nodes: c})
		for _, id := range c {
			componentOf[id] = i
		}
	}
	bc := g.Betweenness()
	ids := g.Nodes()
	slices.SortStableFunc(ids, func(a, b string) int {
		switch {
		case bc[a] > bc[b]:
			return -1
		case bc[a] < bc[b]:
			return 1
		}
		return 0
	})
	for _, id := range ids[:min(t, len(ids))] {
		out.Nodes = append(out.Nodes, &model.NodeMeasure{
			Node:        w.Node(id),
			Degree:      g.Degree(id),
			Betweenness: math.Round(bc[id]*1e6) / 1e6,
			Component:   componentOf[id],
		})
	}
	if out.Components == nil {
		out.Components = []*model.NetworkComponent{}
	}
	if out.Nodes == nil {
		out.Nodes = []*model.NodeMeasure{}
	}
	return out, nil
}
