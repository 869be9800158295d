package network

import "testing"

func TestGraph(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		graph      *Graph
		nodes      []string
		edges      []Edge
		neighbours map[string][]string
	}{
		{
			name:  "Path",
			graph: path4(),
			nodes: []string{"a", "b", "c", "d"},
			edges: []Edge{link("a", "b"), link("b", "c"), link("c", "d")},
			neighbours: map[string][]string{
				"a": {"b"}, "b": {"a", "c"}, "c": {"b", "d"}, "d": {"c"},
			},
		},
		{
			name:  "Star",
			graph: star(),
			nodes: []string{"hub", "l1", "l2", "l3", "l4"},
			edges: []Edge{link("hub", "l1"), link("hub", "l2"), link("hub", "l3"), link("hub", "l4")},
			neighbours: map[string][]string{
				"hub": {"l1", "l2", "l3", "l4"}, "l1": {"hub"}, "l4": {"hub"},
			},
		},
		{
			name:  "EdgesStoredFromSmallerEnd",
			graph: graphOf(link("d", "c"), link("b", "a")),
			nodes: []string{"a", "b", "c", "d"},
			edges: []Edge{link("a", "b"), link("c", "d")},
			neighbours: map[string][]string{
				"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"},
			},
		},
		{
			// Degree counts b once from a although two kinds join them; the alliance edge
			// added again in reverse is the same edge.
			name:  "MultiEdges",
			graph: multi(),
			nodes: []string{"a", "b", "c"},
			edges: []Edge{
				{From: "a", To: "b", Kind: "alliance"},
				{From: "a", To: "b", Kind: "event"},
				link("b", "c"),
			},
			neighbours: map[string][]string{"a": {"b"}, "b": {"a", "c"}, "c": {"b"}},
		},
		{
			name:       "SelfLoopAddsOnlyItsNode",
			graph:      graphOf(Edge{From: "a", To: "a", Kind: "partner"}),
			nodes:      []string{"a"},
			edges:      []Edge{},
			neighbours: map[string][]string{"a": {}},
		},
		{
			name:       "IsolatedAndUnknownNodes",
			graph:      twoParts(),
			nodes:      []string{"a", "b", "c", "d", "m", "x", "y", "z"},
			edges:      []Edge{link("a", "b"), link("c", "d"), link("x", "y"), link("x", "z"), link("y", "z")},
			neighbours: map[string][]string{"m": {}, "nobody": {}, "x": {"y", "z"}},
		},
		{
			name:       "Empty",
			graph:      New(),
			nodes:      []string{},
			edges:      []Edge{},
			neighbours: map[string][]string{"a": {}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkStrings(t, "Nodes", tt.graph.Nodes(), tt.nodes)
			checkEdges(t, "Edges", tt.graph.Edges(), tt.edges)
			for id, want := range tt.neighbours {
				checkStrings(t, "Neighbours("+id+")", tt.graph.Neighbours(id), want)
				if got := tt.graph.Degree(id); got != len(want) {
					t.Errorf("Degree(%q): got %d; want %d", id, got, len(want))
				}
			}
			for _, id := range tt.nodes {
				if !tt.graph.HasNode(id) {
					t.Errorf("HasNode(%q): got false; want true", id)
				}
			}
			if tt.graph.HasNode("nobody") {
				t.Errorf("HasNode(%q): got true; want false", "nobody")
			}
		})
	}
}

func TestGraph_ZeroValueIsUsable(t *testing.T) {
	t.Parallel()
	var g Graph
	if g.HasNode("a") || g.Degree("a") != 0 || len(g.Nodes()) != 0 {
		t.Fatalf("empty zero Graph: got nodes %q; want none", g.Nodes())
	}
	g.AddEdge(link("b", "a"))
	g.AddNode("a")
	checkStrings(t, "Nodes", g.Nodes(), []string{"a", "b"})
	checkEdges(t, "Edges", g.Edges(), []Edge{link("a", "b")})
}

func TestGraph_EmptyListsAreNotNil(t *testing.T) {
	t.Parallel()
	g := New()
	if g.Nodes() == nil || g.Edges() == nil || g.Neighbours("a") == nil || g.Components() == nil {
		t.Errorf("got a nil list from an empty graph; want empty lists")
	}
}
