// Package network computes on the coalition's network of organizations, alliances, events and
// hubs seen as an undirected multigraph: node ids joined by edges of a kind ("member", "partner",
// "participant", …).
//
// Graph holds a whole graph in memory, for components and betweenness centrality. Neighbourhood and
// ShortestPath never load the whole graph: they explore from a few ids through an Expander, one
// batched lookup per hop, so that a caller backed by a database pays a fixed number of round trips
// however many nodes a hop reaches. GraphExpander runs them over a Graph.
//
// Every result is deterministic: lists are sorted, and where several answers are equally good
// the one through the smallest ids is chosen, so the same data always gives the same answer.
package network
