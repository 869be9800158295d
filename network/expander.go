package network

import (
	"context"
	"slices"
)

// Expander returns every edge incident to any node of frontier (one batched lookup per call; the
// caller's implementation may read a database). Edges may lead to nodes not seen before.
//
// Neighbourhood and ShortestPath call it with a sorted frontier of distinct ids, never an empty
// one. They ignore edges it returns that touch no node of the frontier, and self-loops, and
// accept edges in either direction and in any order.
type Expander func(ctx context.Context, frontier []string) ([]Edge, error)

// GraphExpander returns an Expander over g: for a frontier it returns the edges of g incident to
// any of its nodes, each once, with From < To, sorted by (From, To, Kind). Ids g does not hold
// have no edges. It reads g when called, so g must not change while it is in use.
func GraphExpander(g *Graph) Expander {
	return func(ctx context.Context, frontier []string) ([]Edge, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		set := make(map[Edge]struct{})
		for _, id := range frontier {
			for nbr, kinds := range g.adj[id] {
				for kind := range kinds {
					set[Edge{From: id, To: nbr, Kind: kind}.canonical()] = struct{}{}
				}
			}
		}
		return sortedEdges(set), nil
	}
}

// step is what one call of an Expander taught about a frontier.
type step struct {
	// edges holds, in canonical form, the returned edges that touch the frontier; no self-loops.
	edges []Edge
	// reached holds the ids joined to the frontier by those edges, the frontier's own included
	// when two of its nodes are joined, sorted and distinct.
	reached []string
}

// expandFrontier calls expand once with frontier (sorted, distinct, not empty) and keeps what the
// Expander contract promises: edges touching the frontier.
func expandFrontier(ctx context.Context, expand Expander, frontier []string) (step, error) {
	if err := ctx.Err(); err != nil {
		return step{}, err
	}
	found, err := expand(ctx, frontier)
	if err != nil {
		return step{}, err
	}
	in := make(map[string]bool, len(frontier))
	for _, id := range frontier {
		in[id] = true
	}
	var s step
	reached := make(map[string]bool)
	for _, e := range found {
		if e.From == e.To || !in[e.From] && !in[e.To] {
			continue
		}
		s.edges = append(s.edges, e.canonical())
		if in[e.From] {
			reached[e.To] = true
		}
		if in[e.To] {
			reached[e.From] = true
		}
	}
	for id := range reached {
		s.reached = append(s.reached, id)
	}
	slices.Sort(s.reached)
	return s, nil
}

// sortedUnique returns the distinct ids of ids, sorted, in a new slice.
func sortedUnique(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
