package network

import (
	"cmp"
	"slices"
	"strings"
)

// Components returns the connected components of g, each a sorted list of ids. The largest come
// first; components of equal size are ordered by their smallest id. An isolated node is a
// component of its own.
func (g *Graph) Components() [][]string {
	seen := make(map[string]bool, len(g.adj))
	comps := [][]string{}
	for _, start := range g.Nodes() {
		if seen[start] {
			continue
		}
		seen[start] = true
		comp := []string{start}
		for i := 0; i < len(comp); i++ {
			for next := range g.adj[comp[i]] {
				if !seen[next] {
					seen[next] = true
					comp = append(comp, next)
				}
			}
		}
		slices.Sort(comp)
		comps = append(comps, comp)
	}
	slices.SortFunc(comps, func(a, b []string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a[0], b[0]))
	})
	return comps
}
