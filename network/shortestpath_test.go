package network

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestShortestPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		graph    *Graph
		from, to string
		maxDepth int
		nodes    []string // nil when there is no path
		edges    []Edge
		calls    [][]string
	}{
		{
			name:  "SameNode",
			graph: path4(), from: "b", to: "b", maxDepth: 3,
			nodes: []string{"b"},
			edges: []Edge{},
			calls: [][]string{},
		},
		{
			name:  "Adjacent",
			graph: path4(), from: "a", to: "b", maxDepth: 3,
			nodes: []string{"a", "b"},
			edges: []Edge{link("a", "b")},
			calls: [][]string{{"a"}},
		},
		{
			// Frontiers of one node each: the sides take turns.
			name:  "ThreeHops",
			graph: path4(), from: "a", to: "d", maxDepth: 3,
			nodes: []string{"a", "b", "c", "d"},
			edges: []Edge{link("a", "b"), link("b", "c"), link("c", "d")},
			calls: [][]string{{"a"}, {"d"}, {"b"}},
		},
		{
			name:  "EdgesOrientedAlongThePath",
			graph: path4(), from: "d", to: "a", maxDepth: 3,
			nodes: []string{"d", "c", "b", "a"},
			edges: []Edge{link("d", "c"), link("c", "b"), link("b", "a")},
			calls: [][]string{{"d"}, {"a"}, {"c"}},
		},
		{
			name:  "NoneWithinMaxDepth",
			graph: path4(), from: "a", to: "d", maxDepth: 2,
			calls: [][]string{{"a"}, {"d"}},
		},
		{
			name:  "MaxDepth0",
			graph: path4(), from: "a", to: "b", maxDepth: 0,
			calls: [][]string{},
		},
		{
			// b's side runs dry after one step: a–b is a whole component.
			name:  "Disconnected",
			graph: twoParts(), from: "x", to: "a", maxDepth: 5,
			calls: [][]string{{"x"}, {"a"}, {"b"}},
		},
		{
			name:  "IsolatedTarget",
			graph: twoParts(), from: "x", to: "m", maxDepth: 5,
			calls: [][]string{{"x"}, {"m"}},
		},
		{
			name:  "UnknownTarget",
			graph: path4(), from: "a", to: "nobody", maxDepth: 5,
			calls: [][]string{{"a"}, {"nobody"}},
		},
		{
			// Each step adds one hop, alternately from each end; the sixth meets at p3.
			name:  "PathOfLength6",
			graph: path7(), from: "p0", to: "p6", maxDepth: 6,
			nodes: []string{"p0", "p1", "p2", "p3", "p4", "p5", "p6"},
			edges: []Edge{
				link("p0", "p1"), link("p1", "p2"), link("p2", "p3"), link("p3", "p4"), link("p4", "p5"), link("p5", "p6"),
			},
			calls: [][]string{{"p0"}, {"p6"}, {"p1"}, {"p5"}, {"p2"}, {"p4"}},
		},
		{
			name:  "PathOfLength6WithMaxDepth5",
			graph: path7(), from: "p0", to: "p6", maxDepth: 5,
			calls: [][]string{{"p0"}, {"p6"}, {"p1"}, {"p5"}, {"p2"}},
		},
		{
			// After the hub's four leaves, the single-node side of far is expanded twice in a
			// row.
			name:  "SmallerFrontierGoesNext",
			graph: starTail(), from: "hub", to: "far", maxDepth: 4,
			nodes: []string{"hub", "l1", "m", "far"},
			edges: []Edge{link("hub", "l1"), link("l1", "m"), link("m", "far")},
			calls: [][]string{{"hub"}, {"far"}, {"m"}},
		},
		{
			name:  "LeafToLeafThroughTheHub",
			graph: star(), from: "l3", to: "l1", maxDepth: 4,
			nodes: []string{"l3", "hub", "l1"},
			edges: []Edge{link("l3", "hub"), link("hub", "l1")},
			calls: [][]string{{"l3"}, {"l1"}},
		},
		{
			name:  "TriangleTail",
			graph: triangleTail(), from: "d", to: "a", maxDepth: 4,
			nodes: []string{"d", "c", "a"},
			edges: []Edge{link("d", "c"), link("c", "a")},
			calls: [][]string{{"d"}, {"a"}},
		},
		{
			// s a y t and s b x t are both shortest; a < b decides, although from t's side x
			// is the smaller neighbour.
			name:  "Cycle6ChoosesSmallestIDsFromTheStart",
			graph: cycle6(), from: "s", to: "t", maxDepth: 6,
			nodes: []string{"s", "a", "y", "t"},
			edges: []Edge{link("s", "a"), link("a", "y"), link("y", "t")},
			calls: [][]string{{"s"}, {"t"}, {"a", "b"}},
		},
		{
			// Read from t, x < y decides: not the reverse of the path from s.
			name:  "Cycle6Reversed",
			graph: cycle6(), from: "t", to: "s", maxDepth: 6,
			nodes: []string{"t", "x", "b", "s"},
			edges: []Edge{link("t", "x"), link("x", "b"), link("b", "s")},
			calls: [][]string{{"t"}, {"s"}, {"x", "y"}},
		},
		{
			// Of the alliance and event edges between a and b, the smaller kind.
			name:  "MultiEdgeSmallestKind",
			graph: multi(), from: "c", to: "a", maxDepth: 2,
			nodes: []string{"c", "b", "a"},
			edges: []Edge{link("c", "b"), {From: "b", To: "a", Kind: "alliance"}},
			calls: [][]string{{"c"}, {"a"}},
		},
	}
	for _, tt := range tests {
		for _, ex := range expanders {
			t.Run(tt.name+"/"+ex.name, func(t *testing.T) {
				t.Parallel()
				rec := record(t, ex.of(tt.graph))
				nodes, edges, err := ShortestPath(t.Context(), tt.from, tt.to, tt.maxDepth, rec.expand)
				if err != nil {
					t.Fatalf("got error %v; want none", err)
				}
				checkStrings(t, "nodes", nodes, tt.nodes)
				checkEdges(t, "edges", edges, tt.edges)
				if tt.nodes == nil && (nodes != nil || edges != nil) {
					t.Errorf("got %q, %v; want nil, nil", nodes, edges)
				}
				checkCalls(t, rec.calls, tt.calls)
			})
		}
	}
}

// TestShortestPath_AgreesWithBruteForce checks every ordered pair of every test graph against
// the lexicographically smallest of all its shortest paths, listed one by one.
func TestShortestPath_AgreesWithBruteForce(t *testing.T) {
	t.Parallel()
	graphs := map[string]*Graph{
		"Path": path4(), "Path7": path7(), "Star": star(), "StarTail": starTail(), "TriangleTail": triangleTail(),
		"Cycle4": cycle4(), "Cycle6": cycle6(), "TwoParts": twoParts(), "Multi": multi(),
	}
	for name, g := range graphs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, from := range g.Nodes() {
				for _, to := range g.Nodes() {
					rec := record(t, GraphExpander(g))
					nodes, _, err := ShortestPath(t.Context(), from, to, 10, rec.expand)
					if err != nil {
						t.Fatalf("%s to %s: got error %v; want none", from, to, err)
					}
					var want []string
					if paths := allShortestPaths(g, from, to); len(paths) > 0 {
						want = paths[0]
					}
					checkStrings(t, fmt.Sprintf("%s to %s", from, to), nodes, want)
					if want != nil && len(rec.calls) != len(want)-1 {
						t.Errorf("%s to %s: got %d expand calls; want %d, one per edge", from, to, len(rec.calls), len(want)-1)
					}
				}
			}
		})
	}
}

func TestShortestPath_NeverMoreCallsThanMaxDepth(t *testing.T) {
	t.Parallel()
	for maxDepth := range 9 {
		t.Run(fmt.Sprint("MaxDepth", maxDepth), func(t *testing.T) {
			t.Parallel()
			rec := record(t, GraphExpander(path7()))
			nodes, _, err := ShortestPath(t.Context(), "p0", "p6", maxDepth, rec.expand)
			if err != nil {
				t.Fatalf("got error %v; want none", err)
			}
			if found, want := nodes != nil, maxDepth >= 6; found != want {
				t.Errorf("found: got %v; want %v", found, want)
			}
			if want := min(maxDepth, 6); len(rec.calls) != want {
				t.Errorf("expand calls: got %d; want %d", len(rec.calls), want)
			}
		})
	}
}

func TestShortestPath_ExpanderError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	inner := GraphExpander(path7())
	calls := 0
	failThird := func(ctx context.Context, frontier []string) ([]Edge, error) {
		calls++
		if calls == 3 {
			return nil, boom
		}
		return inner(ctx, frontier)
	}
	nodes, edges, err := ShortestPath(t.Context(), "p0", "p6", 6, failThird)
	if !errors.Is(err, boom) {
		t.Errorf("error: got %v; want %v", err, boom)
	}
	if nodes != nil || edges != nil {
		t.Errorf("got %q, %v; want nil, nil", nodes, edges)
	}
	if calls != 3 {
		t.Errorf("expand calls: got %d; want 3", calls)
	}
}

func TestShortestPath_CancelledContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rec := record(t, GraphExpander(path4()))
	if _, _, err := ShortestPath(ctx, "a", "d", 3, rec.expand); !errors.Is(err, context.Canceled) {
		t.Errorf("error: got %v; want %v", err, context.Canceled)
	}
	checkCalls(t, rec.calls, [][]string{})
}

// TestNeverAnEmptyFrontier runs searches that exhaust a side, stop at an unknown or isolated id,
// or start from no seeds at all, with an Expander that fails the test on an empty frontier.
func TestNeverAnEmptyFrontier(t *testing.T) {
	t.Parallel()
	forbid := func(g *Graph) Expander {
		inner := GraphExpander(g)
		return func(ctx context.Context, frontier []string) ([]Edge, error) {
			if len(frontier) == 0 {
				t.Errorf("expand called with an empty frontier")
			}
			return inner(ctx, frontier)
		}
	}
	g := twoParts()
	for _, pair := range [][2]string{{"x", "a"}, {"a", "x"}, {"m", "x"}, {"x", "m"}, {"nobody", "a"}, {"a", "b"}} {
		if _, _, err := ShortestPath(t.Context(), pair[0], pair[1], 10, forbid(g)); err != nil {
			t.Errorf("%s to %s: got error %v; want none", pair[0], pair[1], err)
		}
	}
	for _, seeds := range [][]string{nil, {"m"}, {"nobody"}, {"a", "x"}, slices.Clone(g.Nodes())} {
		if _, _, _, err := Neighbourhood(t.Context(), seeds, 10, 100, forbid(g)); err != nil {
			t.Errorf("seeds %q: got error %v; want none", seeds, err)
		}
	}
}
