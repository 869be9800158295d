package network

import "slices"

// Betweenness returns the betweenness centrality of every node of g: for each node v, the sum
// over pairs of other nodes s, t of the share of the shortest s–t paths that pass through v.
// It is exact (Brandes' algorithm), unweighted, and computed on the simple graph, so several
// edges between two nodes count as one. Values are normalized as NetworkX does by default for
// undirected graphs, divided by (n-1)(n-2)/2, the number of pairs that exclude v, where n counts
// every node of g; so the centre of a star is 1. With n <= 2 every value is 0. Isolated nodes
// are present, with 0.
//
// Nodes are visited in sorted order, so the floating-point sums, and the result, are the same on
// every run.
func (g *Graph) Betweenness() map[string]float64 {
	ids := g.Nodes()
	n := len(ids)
	index := make(map[string]int, n)
	for i, id := range ids {
		index[id] = i
	}
	adj := make([][]int, n)
	for i, id := range ids {
		for nbr := range g.adj[id] {
			adj[i] = append(adj[i], index[nbr])
		}
		slices.Sort(adj[i])
	}

	raw := make([]float64, n)
	var (
		dist  = make([]int, n)
		sigma = make([]float64, n) // number of shortest paths from s
		delta = make([]float64, n) // dependency of s on each node
		pred  = make([][]int, n)
		order = make([]int, 0, n) // nodes in the order BFS reached them
	)
	for s := range n {
		for i := range n {
			dist[i], sigma[i], delta[i], pred[i] = -1, 0, 0, pred[i][:0]
		}
		dist[s], sigma[s] = 0, 1
		order = append(order[:0], s)
		for head := 0; head < len(order); head++ {
			v := order[head]
			for _, w := range adj[v] {
				if dist[w] < 0 {
					dist[w] = dist[v] + 1
					order = append(order, w)
				}
				if dist[w] == dist[v]+1 {
					sigma[w] += sigma[v]
					pred[w] = append(pred[w], v)
				}
			}
		}
		for i := len(order) - 1; i > 0; i-- { // order[0] is s, which gains nothing
			w := order[i]
			for _, v := range pred[w] {
				delta[v] += sigma[v] / sigma[w] * (1 + delta[w])
			}
			raw[w] += delta[w]
		}
	}

	// raw counts every unordered pair twice, once from each end, so dividing by (n-1)(n-2)
	// normalizes by the (n-1)(n-2)/2 pairs.
	scale := 0.0
	if n > 2 {
		scale = 1 / float64((n-1)*(n-2))
	}
	result := make(map[string]float64, n)
	for i, id := range ids {
		result[id] = raw[i] * scale
	}
	return result
}
