package network

import (
	"cmp"
	"maps"
	"slices"
	"strings"
)

// Edge is an undirected edge of a kind between two node ids. Several edges of different kinds
// may join the same two nodes (a multigraph); an edge of the same kind between the same pair,
// in either direction, is the same edge.
type Edge struct {
	From, To string
	Kind     string
}

// canonical returns e with its ends ordered From <= To, the form in which edges are stored,
// deduplicated and reported.
func (e Edge) canonical() Edge {
	if e.To < e.From {
		e.From, e.To = e.To, e.From
	}
	return e
}

// compareEdges orders edges by (From, To, Kind).
func compareEdges(a, b Edge) int {
	return cmp.Or(strings.Compare(a.From, b.From), strings.Compare(a.To, b.To), strings.Compare(a.Kind, b.Kind))
}

// sortedEdges returns the edges of set sorted by (From, To, Kind), never nil.
func sortedEdges(set map[Edge]struct{}) []Edge {
	edges := make([]Edge, 0, len(set))
	for e := range set {
		edges = append(edges, e)
	}
	slices.SortFunc(edges, compareEdges)
	return edges
}

// Graph is an undirected multigraph held in memory. The zero value is an empty graph ready to
// use. A Graph may be read from several goroutines at once, but not while it is being changed.
//
// Self-loops are not kept: an edge from a node to itself adds the node and nothing else, since a
// node is never its own neighbour (an organization does not ally with itself).
type Graph struct {
	// adj[a][b] is the set of kinds of the edges between a and b. The same set is shared by
	// adj[a][b] and adj[b][a], so the two directions never disagree. Every node has an entry,
	// an isolated one an empty map, and adj[a][a] never exists.
	adj map[string]map[string]map[string]struct{}
}

// New returns an empty graph.
func New() *Graph {
	return &Graph{adj: make(map[string]map[string]map[string]struct{})}
}

// AddNode adds the node id if the graph does not hold it yet.
func (g *Graph) AddNode(id string) {
	if g.adj == nil {
		g.adj = make(map[string]map[string]map[string]struct{})
	}
	if _, ok := g.adj[id]; !ok {
		g.adj[id] = make(map[string]map[string]struct{})
	}
}

// AddEdge adds e and both its ends. Adding an edge the graph already holds, in either direction,
// changes nothing; a self-loop adds only its node.
func (g *Graph) AddEdge(e Edge) {
	g.AddNode(e.From)
	g.AddNode(e.To)
	if e.From == e.To {
		return
	}
	kinds, ok := g.adj[e.From][e.To]
	if !ok {
		kinds = make(map[string]struct{})
		g.adj[e.From][e.To] = kinds
		g.adj[e.To][e.From] = kinds
	}
	kinds[e.Kind] = struct{}{}
}

// HasNode reports whether the graph holds the node id.
func (g *Graph) HasNode(id string) bool {
	_, ok := g.adj[id]
	return ok
}

// Nodes returns the ids of every node, sorted.
func (g *Graph) Nodes() []string {
	return sortedKeys(g.adj)
}

// Edges returns every edge once, with From < To, sorted by (From, To, Kind).
func (g *Graph) Edges() []Edge {
	set := make(map[Edge]struct{})
	for from, nbrs := range g.adj {
		for to, kinds := range nbrs {
			if from < to {
				for kind := range kinds {
					set[Edge{From: from, To: to, Kind: kind}] = struct{}{}
				}
			}
		}
	}
	return sortedEdges(set)
}

// Neighbours returns the distinct ids joined to id by at least one edge, sorted; none for a node
// the graph does not hold.
func (g *Graph) Neighbours(id string) []string {
	return sortedKeys(g.adj[id])
}

// sortedKeys returns the keys of m sorted, as an empty list rather than nil when there are none,
// like every list the package returns, so that callers serializing it get [] and not null.
func sortedKeys[V any](m map[string]V) []string {
	keys := slices.AppendSeq(make([]string, 0, len(m)), maps.Keys(m))
	slices.Sort(keys)
	return keys
}

// Degree returns the number of distinct neighbours of id, so two edges of different kinds to the
// same node count once; 0 for a node the graph does not hold.
func (g *Graph) Degree(id string) int {
	return len(g.adj[id])
}
