package network

import (
	"maps"
	"slices"
	"testing"
)

func TestBetweenness(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		graph *Graph
		want  map[string]float64
	}{
		{
			// Raw: b lies on a–c and a–d, c on a–d and b–d, so 2 each; over 3·2/2 = 3 pairs.
			name:  "Path",
			graph: path4(),
			want:  map[string]float64{"a": 0, "b": 2.0 / 3, "c": 2.0 / 3, "d": 0},
		},
		{
			// The hub lies on all 4·3/2 = 6 leaf pairs, which is every pair that excludes it.
			name:  "Star",
			graph: star(),
			want:  map[string]float64{"hub": 1, "l1": 0, "l2": 0, "l3": 0, "l4": 0},
		},
		{
			// Each node lies on one of the two paths between its two neighbours: 0.5 raw,
			// over 3 pairs.
			name:  "Cycle4",
			graph: cycle4(),
			want:  map[string]float64{"a": 1.0 / 6, "b": 1.0 / 6, "c": 1.0 / 6, "d": 1.0 / 6},
		},
		{
			// Counting the doubled a–b as two paths would put b on 2/3 of the a–c paths
			// rather than half; on the simple graph it is the plain cycle again.
			name:  "Cycle4WithDoubledEdge",
			graph: graphOf(link("a", "b"), Edge{From: "b", To: "a", Kind: "event"}, link("b", "c"), link("c", "d"), link("d", "a")),
			want:  map[string]float64{"a": 1.0 / 6, "b": 1.0 / 6, "c": 1.0 / 6, "d": 1.0 / 6},
		},
		{
			// Each node: all of the pair of its neighbours (1) and half of each of the two
			// opposite pairs it is not in (2·0.5) = 2 raw, over 5·4/2 = 10 pairs.
			name:  "Cycle6",
			graph: cycle6(),
			want:  map[string]float64{"s": 0.2, "a": 0.2, "y": 0.2, "t": 0.2, "x": 0.2, "b": 0.2},
		},
		{
			// c lies on a–d and b–d: 2 raw over 3.
			name:  "TriangleTail",
			graph: triangleTail(),
			want:  map[string]float64{"a": 0, "b": 0, "c": 2.0 / 3, "d": 0},
		},
		{
			// b lies on a–c only: 1 raw, over 5·4/2 = 10 pairs, since n counts the other
			// component and the isolated node too.
			name: "Disconnected",
			graph: func() *Graph {
				g := graphOf(link("a", "b"), link("b", "c"), link("d", "e"))
				g.AddNode("f")
				return g
			}(),
			want: map[string]float64{"a": 0, "b": 0.1, "c": 0, "d": 0, "e": 0, "f": 0},
		},
		{
			name:  "MultiEdges",
			graph: multi(),
			want:  map[string]float64{"a": 0, "b": 1, "c": 0},
		},
		{"TwoNodes", graphOf(link("a", "b")), map[string]float64{"a": 0, "b": 0}},
		{"OneNode", func() *Graph { g := New(); g.AddNode("a"); return g }(), map[string]float64{"a": 0}},
		{"Empty", New(), map[string]float64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.graph.Betweenness()
			if !maps.EqualFunc(got, tt.want, near) {
				t.Errorf("got %v; want %v", got, tt.want)
			}
			if brute := bruteBetweenness(tt.graph); !maps.EqualFunc(got, brute, near) {
				t.Errorf("got %v; want %v (by counting every shortest path)", got, brute)
			}
		})
	}
}

// bruteBetweenness computes normalized betweenness by listing every shortest path of g.
func bruteBetweenness(g *Graph) map[string]float64 {
	ids := g.Nodes()
	n := len(ids)
	bc := make(map[string]float64, n)
	for _, id := range ids {
		bc[id] = 0
	}
	for i, s := range ids {
		for _, t := range ids[i+1:] {
			paths := allShortestPaths(g, s, t)
			for _, p := range paths {
				for _, v := range p[1 : len(p)-1] {
					bc[v] += 1 / float64(len(paths))
				}
			}
		}
	}
	if n > 2 {
		for id := range bc {
			bc[id] /= float64((n - 1) * (n - 2) / 2)
		}
	}
	return bc
}

// allShortestPaths lists every shortest path of g from s to t, in lexicographic order; none when
// t cannot be reached.
func allShortestPaths(g *Graph, s, t string) [][]string {
	distT := map[string]int{t: 0} // distance to t, by breadth-first search from t
	for queue := []string{t}; len(queue) > 0; queue = queue[1:] {
		for _, nbr := range g.Neighbours(queue[0]) {
			if _, ok := distT[nbr]; !ok {
				distT[nbr] = distT[queue[0]] + 1
				queue = append(queue, nbr)
			}
		}
	}
	if _, ok := distT[s]; !ok {
		return nil
	}
	var paths [][]string
	var walk func(p []string)
	walk = func(p []string) {
		last := p[len(p)-1]
		if last == t {
			paths = append(paths, slices.Clone(p))
			return
		}
		for _, nbr := range g.Neighbours(last) {
			if distT[nbr] == distT[last]-1 {
				walk(append(p, nbr))
			}
		}
	}
	walk([]string{s})
	return paths
}
