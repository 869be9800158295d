package network

import (
	"context"
	"errors"
	"maps"
	"testing"
)

func TestNeighbourhood(t *testing.T) {
	t.Parallel()
	allOfStar := []Edge{link("hub", "l1"), link("hub", "l2"), link("hub", "l3"), link("hub", "l4")}
	tests := []struct {
		name      string
		graph     *Graph
		seeds     []string
		depth     int
		limit     int
		dist      map[string]int
		edges     []Edge
		truncated bool
		calls     [][]string
	}{
		{
			name:  "Depth0IsTheSeeds",
			graph: path4(), seeds: []string{"b"}, depth: 0, limit: 10,
			dist:  map[string]int{"b": 0},
			edges: []Edge{},
			calls: [][]string{},
		},
		{
			name:  "NegativeDepthIsDepth0",
			graph: path4(), seeds: []string{"b"}, depth: -1, limit: 10,
			dist:  map[string]int{"b": 0},
			edges: []Edge{},
			calls: [][]string{},
		},
		{
			name:  "Depth1",
			graph: path4(), seeds: []string{"b"}, depth: 1, limit: 10,
			dist:  map[string]int{"b": 0, "a": 1, "c": 1},
			edges: []Edge{link("a", "b"), link("b", "c")},
			calls: [][]string{{"b"}},
		},
		{
			name:  "Depth2",
			graph: path4(), seeds: []string{"a"}, depth: 2, limit: 10,
			dist:  map[string]int{"a": 0, "b": 1, "c": 2},
			edges: []Edge{link("a", "b"), link("b", "c")},
			calls: [][]string{{"a"}, {"b"}},
		},
		{
			// d is expanded to learn that nothing lies beyond it; then the frontier is
			// empty and the search stops although depth allows more.
			name:  "DepthBeyondTheGraph",
			graph: path4(), seeds: []string{"a"}, depth: 10, limit: 10,
			dist:  map[string]int{"a": 0, "b": 1, "c": 2, "d": 3},
			edges: []Edge{link("a", "b"), link("b", "c"), link("c", "d")},
			calls: [][]string{{"a"}, {"b"}, {"c"}, {"d"}},
		},
		{
			// Seeds are deduplicated and sorted into one frontier. b–c joins two nodes of the
			// last hop, so no lookup returned it.
			name:  "SeveralSeeds",
			graph: path4(), seeds: []string{"d", "a", "d"}, depth: 1, limit: 10,
			dist:  map[string]int{"a": 0, "d": 0, "b": 1, "c": 1},
			edges: []Edge{link("a", "b"), link("c", "d")},
			calls: [][]string{{"a", "d"}},
		},
		{
			name:  "CycleVisitsEachNodeOnce",
			graph: cycle6(), seeds: []string{"s"}, depth: 3, limit: 10,
			dist: map[string]int{"s": 0, "a": 1, "b": 1, "x": 2, "y": 2, "t": 3},
			edges: []Edge{
				link("a", "s"), link("a", "y"), link("b", "s"), link("b", "x"), link("t", "x"), link("t", "y"),
			},
			calls: [][]string{{"s"}, {"a", "b"}, {"x", "y"}},
		},
		{
			name:  "CycleBeyondItsDiameter",
			graph: cycle6(), seeds: []string{"s"}, depth: 5, limit: 10,
			dist: map[string]int{"s": 0, "a": 1, "b": 1, "x": 2, "y": 2, "t": 3},
			edges: []Edge{
				link("a", "s"), link("a", "y"), link("b", "s"), link("b", "x"), link("t", "x"), link("t", "y"),
			},
			calls: [][]string{{"s"}, {"a", "b"}, {"x", "y"}, {"t"}},
		},
		{
			// a–b joins two nodes of the last hop: not looked up.
			name:  "TriangleTailFromTheTail",
			graph: triangleTail(), seeds: []string{"d"}, depth: 2, limit: 10,
			dist:  map[string]int{"d": 0, "c": 1, "a": 2, "b": 2},
			edges: []Edge{link("a", "c"), link("b", "c"), link("c", "d")},
			calls: [][]string{{"d"}, {"c"}},
		},
		{
			name:  "TriangleTailOneHopFurther",
			graph: triangleTail(), seeds: []string{"d"}, depth: 3, limit: 10,
			dist:  map[string]int{"d": 0, "c": 1, "a": 2, "b": 2},
			edges: []Edge{link("a", "b"), link("a", "c"), link("b", "c"), link("c", "d")},
			calls: [][]string{{"d"}, {"c"}, {"a", "b"}},
		},
		{
			name:  "MultiEdgesEveryKind",
			graph: multi(), seeds: []string{"a"}, depth: 1, limit: 10,
			dist:  map[string]int{"a": 0, "b": 1},
			edges: []Edge{{From: "a", To: "b", Kind: "alliance"}, {From: "a", To: "b", Kind: "event"}},
			calls: [][]string{{"a"}},
		},
		{
			// The hub counts toward the limit of 3, leaving room for the two smallest of the
			// four leaves; edges to the leaves left out are dropped, and nothing more is
			// looked up.
			name:  "TruncatedKeepsSmallestIDs",
			graph: star(), seeds: []string{"hub"}, depth: 2, limit: 3,
			dist:      map[string]int{"hub": 0, "l1": 1, "l2": 1},
			edges:     []Edge{link("hub", "l1"), link("hub", "l2")},
			truncated: true,
			calls:     [][]string{{"hub"}},
		},
		{
			name:  "ExactlyAtTheLimit",
			graph: star(), seeds: []string{"hub"}, depth: 2, limit: 5,
			dist:  map[string]int{"hub": 0, "l1": 1, "l2": 1, "l3": 1, "l4": 1},
			edges: allOfStar,
			calls: [][]string{{"hub"}, {"l1", "l2", "l3", "l4"}},
		},
		{
			// Full after hop 1; hop 2 is still looked up and finds m, which does not fit.
			name:  "FullThenMoreBeyond",
			graph: starTail(), seeds: []string{"hub"}, depth: 2, limit: 5,
			dist:      map[string]int{"hub": 0, "l1": 1, "l2": 1, "l3": 1, "l4": 1},
			edges:     allOfStar,
			truncated: true,
			calls:     [][]string{{"hub"}, {"l1", "l2", "l3", "l4"}},
		},
		{
			name:  "SeedsOverTheLimit",
			graph: path4(), seeds: []string{"c", "a", "b"}, depth: 1, limit: 2,
			dist:      map[string]int{"a": 0, "b": 0},
			edges:     []Edge{},
			truncated: true,
			calls:     [][]string{},
		},
		{
			name:  "Limit0KeepsNothing",
			graph: path4(), seeds: []string{"a"}, depth: 1, limit: 0,
			dist:      map[string]int{},
			edges:     []Edge{},
			truncated: true,
			calls:     [][]string{},
		},
		{
			name:  "NoSeeds",
			graph: path4(), seeds: nil, depth: 3, limit: 10,
			dist:  map[string]int{},
			edges: []Edge{},
			calls: [][]string{},
		},
		{
			name:  "UnknownSeed",
			graph: path4(), seeds: []string{"nobody"}, depth: 3, limit: 10,
			dist:  map[string]int{"nobody": 0},
			edges: []Edge{},
			calls: [][]string{{"nobody"}},
		},
	}
	for _, tt := range tests {
		for _, ex := range expanders {
			t.Run(tt.name+"/"+ex.name, func(t *testing.T) {
				t.Parallel()
				rec := record(t, ex.of(tt.graph))
				dist, edges, truncated, err := Neighbourhood(t.Context(), tt.seeds, tt.depth, tt.limit, rec.expand)
				if err != nil {
					t.Fatalf("got error %v; want none", err)
				}
				if !maps.Equal(dist, tt.dist) {
					t.Errorf("dist: got %v; want %v", dist, tt.dist)
				}
				checkEdges(t, "edges", edges, tt.edges)
				if truncated != tt.truncated {
					t.Errorf("truncated: got %v; want %v", truncated, tt.truncated)
				}
				checkCalls(t, rec.calls, tt.calls)
			})
		}
	}
}

func TestNeighbourhood_ExpanderError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	inner := GraphExpander(path4())
	calls := 0
	failSecond := func(ctx context.Context, frontier []string) ([]Edge, error) {
		calls++
		if calls == 2 {
			return nil, boom
		}
		return inner(ctx, frontier)
	}
	dist, edges, truncated, err := Neighbourhood(t.Context(), []string{"a"}, 3, 10, failSecond)
	if !errors.Is(err, boom) {
		t.Errorf("error: got %v; want %v", err, boom)
	}
	if dist != nil || edges != nil || truncated {
		t.Errorf("got %v, %v, %v; want nil, nil, false", dist, edges, truncated)
	}
	if calls != 2 {
		t.Errorf("expand calls: got %d; want 2", calls)
	}
}

func TestNeighbourhood_CancelledContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rec := record(t, GraphExpander(path4()))
	if _, _, _, err := Neighbourhood(ctx, []string{"a"}, 2, 10, rec.expand); !errors.Is(err, context.Canceled) {
		t.Errorf("error: got %v; want %v", err, context.Canceled)
	}
	checkCalls(t, rec.calls, [][]string{})
}
