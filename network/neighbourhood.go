package network

import (
	"context"
	"fmt"
	"slices"
)

// Neighbourhood explores breadth first from the seed ids up to depth hops, calling expand once
// per hop with that hop's whole frontier (sorted). It keeps at most limit nodes: when adding a
// hop's new nodes would pass the limit, it adds those with the smallest ids up to the limit and
// reports truncated. It returns each kept node's hop distance (seeds 0; seeds count toward the
// limit), and the edges whose both ends were kept. depth 0 returns just the seeds (no expand call).
//
// More precisely:
//   - Seeds are deduplicated; if there are more than limit, the smallest limit are kept and the
//     result is truncated. A limit of 0 or less keeps nothing; a depth below 0 counts as 0.
//   - Only the nodes first reached at a hop, which were kept, form the next frontier, so no node
//     is expanded twice and a cycle costs nothing extra. Exploration stops early when a frontier
//     is empty or once the result is truncated (nothing more could be kept). A hop that starts
//     with exactly limit nodes is still expanded, to tell whether anything was left out.
//   - The edges are those the expand calls returned (canonical, From < To, deduplicated, sorted
//     by (From, To, Kind)) whose both ends were kept. An edge between two nodes of the last hop
//     expanded is not among them: finding it would take one more lookup.
func Neighbourhood(ctx context.Context, seeds []string, depth, limit int, expand Expander) (dist map[string]int, edges []Edge, truncated bool, err error) {
	limit = max(limit, 0)
	frontier := sortedUnique(seeds)
	if len(frontier) > limit {
		frontier, truncated = frontier[:limit], true
	}
	dist = make(map[string]int)
	for _, id := range frontier {
		dist[id] = 0
	}
	seen := make(map[Edge]struct{})
	for hop := 1; hop <= depth && len(frontier) > 0 && !truncated; hop++ {
		s, err := expandFrontier(ctx, expand, frontier)
		if err != nil {
			return nil, nil, false, fmt.Errorf("neighbourhood hop %d: %w", hop, err)
		}
		for _, e := range s.edges {
			seen[e] = struct{}{}
		}
		var next []string // sorted, as s.reached is
		for _, id := range s.reached {
			if _, ok := dist[id]; !ok {
				next = append(next, id)
			}
		}
		if room := limit - len(dist); len(next) > room {
			next, truncated = next[:room], true
		}
		for _, id := range next {
			dist[id] = hop
		}
		frontier = next
	}

	edges = make([]Edge, 0, len(seen))
	for e := range seen {
		_, from := dist[e.From]
		_, to := dist[e.To]
		if from && to {
			edges = append(edges, e)
		}
	}
	slices.SortFunc(edges, compareEdges)
	return dist, edges, truncated, nil
}
