package network

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// ShortestPath finds one shortest path from one node to another by bidirectional breadth-first
// search, expanding at each step the side with the smaller frontier (one expand call per step),
// up to maxDepth edges in all. It returns the nodes from..to and the edges between consecutive
// ones, or nil, nil when there is none within maxDepth. Ties are broken deterministically (the
// path through the smallest ids; between two edges of a pair, the smallest kind), so the same data
// always gives the same path. from == to gives the one-node path.
//
// More precisely:
//   - Of all shortest paths it returns the one whose list of node ids, read from from, is
//     smallest in lexicographic order. So the path from b to a need not be the reverse of the path
//     from a to b.
//   - The edges are oriented along the path (edges[i] goes from nodes[i] to nodes[i+1]); each is
//     the one of smallest kind between its two nodes.
//   - Each step adds one to the length searched, so a path of length L costs exactly L expand
//     calls, and no search makes more than maxDepth. When the frontiers are the same size, the
//     side that has taken fewer steps goes next, then the side of from.
//   - from == to returns []string{from} and no edges without calling expand; otherwise a
//     maxDepth below 1 finds nothing.
func ShortestPath(ctx context.Context, from, to string, maxDepth int, expand Expander) (nodes []string, edges []Edge, err error) {
	if from == to {
		return []string{from}, []Edge{}, nil
	}
	fwd, bwd := newSide(from), newSide(to)
	l := make(links)
	for step := 1; fwd.radius+bwd.radius < maxDepth; step++ {
		side, other := fwd, bwd
		if len(bwd.frontier) < len(fwd.frontier) ||
			len(bwd.frontier) == len(fwd.frontier) && bwd.radius < fwd.radius {
			side, other = bwd, fwd
		}
		s, err := expandFrontier(ctx, expand, side.frontier)
		if err != nil {
			return nil, nil, fmt.Errorf("shortest path step %d: %w", step, err)
		}
		for _, e := range s.edges {
			l.add(e)
		}
		met := side.advance(s.reached, other)
		if met {
			return chooseShortest(fwd, bwd, l)
		}
		if len(side.frontier) == 0 {
			return nil, nil, nil // that side's component is exhausted
		}
	}
	return nil, nil, nil
}

// side is one half of a bidirectional search: the ball of nodes within radius hops of its root.
type side struct {
	root     string
	dist     map[string]int // every node within radius hops, with its true distance
	frontier []string       // the nodes at distance radius, sorted
	radius   int
}

func newSide(root string) *side {
	return &side{root: root, dist: map[string]int{root: 0}, frontier: []string{root}}
}

// advance grows s by one hop to the reached ids not yet in it and reports whether the ball now
// meets other's.
func (s *side) advance(reached []string, other *side) (met bool) {
	s.radius++
	s.frontier = s.frontier[:0:0]
	for _, id := range reached {
		if _, ok := s.dist[id]; ok {
			continue
		}
		s.dist[id] = s.radius
		s.frontier = append(s.frontier, id)
		if _, ok := other.dist[id]; ok {
			met = true
		}
	}
	return met
}

// links holds the edges learned so far as the smallest kind joining each pair, in both directions.
type links map[string]map[string]string

func (l links) add(e Edge) {
	l.set(e.From, e.To, e.Kind)
	l.set(e.To, e.From, e.Kind)
}

func (l links) set(a, b, kind string) {
	if l[a] == nil {
		l[a] = make(map[string]string)
	}
	if old, ok := l[a][b]; !ok || kind < old {
		l[a][b] = kind
	}
}

// chooseShortest returns the lexicographically smallest shortest path once the balls of fwd and
// bwd have just met, so that the shortest length is L = fwd.radius + bwd.radius.
//
// A node at position i of a shortest path is at distance i from from and L-i from to. So layer i
// holds the nodes fwd puts at distance i when i <= fwd.radius, and those bwd puts at distance
// L-i beyond; the links between consecutive layers are all known, because every node of the inner
// layers of each ball was expanded. The path is then read greedily from from, taking at each
// position the smallest linked node of the next layer that can still reach to.
func chooseShortest(fwd, bwd *side, l links) ([]string, []Edge, error) {
	n := fwd.radius + bwd.radius
	inLayer := func(id string, i int) bool {
		if i <= fwd.radius {
			d, ok := fwd.dist[id]
			return ok && d == i
		}
		d, ok := bwd.dist[id]
		return ok && d == n-i
	}

	// good[i] holds the nodes of layer i from which to can be reached through layers i+1..n.
	good := make([]map[string]bool, n+1)
	good[n] = map[string]bool{bwd.root: true}
	for i := n - 1; i >= 0; i-- {
		good[i] = make(map[string]bool)
		for id := range good[i+1] {
			for nbr := range l[id] {
				if inLayer(nbr, i) {
					good[i][nbr] = true
				}
			}
		}
	}

	nodes := []string{fwd.root}
	edges := make([]Edge, 0, n)
	for i := range n {
		cur := nodes[i]
		var candidates []string
		for nbr := range l[cur] {
			if good[i+1][nbr] {
				candidates = append(candidates, nbr)
			}
		}
		if len(candidates) == 0 {
			return nil, nil, errors.New("shortest path: expander answers disagree with each other")
		}
		next := slices.Min(candidates)
		nodes = append(nodes, next)
		edges = append(edges, Edge{From: cur, To: next, Kind: l[cur][next]})
	}
	return nodes, edges, nil
}
