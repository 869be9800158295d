package network

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
)

// The hand-built graphs the tests share. Every want in the tests was worked out by hand on them.

// link is an edge of the default kind, "partner".
func link(from, to string) Edge { return Edge{From: from, To: to, Kind: "partner"} }

func graphOf(edges ...Edge) *Graph {
	g := New()
	for _, e := range edges {
		g.AddEdge(e)
	}
	return g
}

// path4 is a–b–c–d.
func path4() *Graph { return graphOf(link("a", "b"), link("b", "c"), link("c", "d")) }

// path7 is p0–p1–…–p6, a path of length 6.
func path7() *Graph {
	g := New()
	for i := range 6 {
		g.AddEdge(link(fmt.Sprint("p", i), fmt.Sprint("p", i+1)))
	}
	return g
}

// star is hub joined to l1, l2, l3, l4.
func star() *Graph {
	return graphOf(link("hub", "l1"), link("hub", "l2"), link("hub", "l3"), link("hub", "l4"))
}

// starTail is star with a tail l1–m–far.
func starTail() *Graph {
	g := star()
	g.AddEdge(link("l1", "m"))
	g.AddEdge(link("m", "far"))
	return g
}

// triangleTail is the triangle a, b, c with a tail c–d.
func triangleTail() *Graph {
	return graphOf(link("a", "b"), link("b", "c"), link("a", "c"), link("c", "d"))
}

// cycle6 is the cycle s–a–y–t–x–b–s. Between s and t (and between a and x, b and y) there are two
// shortest paths; the ids are chosen so that the path through the smallest ids read from s
// (s a y t) differs from the one a search picking the smallest neighbour of t would build
// (s b x t).
func cycle6() *Graph {
	return graphOf(link("s", "a"), link("a", "y"), link("y", "t"), link("t", "x"), link("x", "b"), link("b", "s"))
}

// cycle4 is a–b–c–d–a.
func cycle4() *Graph { return graphOf(link("a", "b"), link("b", "c"), link("c", "d"), link("d", "a")) }

// twoParts is the triangle x, y, z, the pairs a–b and c–d, and the isolated node m.
func twoParts() *Graph {
	g := graphOf(link("x", "y"), link("y", "z"), link("x", "z"), link("a", "b"), link("c", "d"))
	g.AddNode("m")
	return g
}

// multi joins a and b by an "alliance" and an "event" edge (the alliance added twice, once in
// reverse) and b to c by a "partner" edge.
func multi() *Graph {
	return graphOf(
		Edge{From: "a", To: "b", Kind: "event"},
		Edge{From: "a", To: "b", Kind: "alliance"},
		Edge{From: "b", To: "a", Kind: "alliance"},
		link("b", "c"),
	)
}

// recorder wraps an Expander, recording the frontier of every call and failing the test when a
// frontier is empty, unsorted or holds an id twice.
type recorder struct {
	t     *testing.T
	next  Expander
	mu    sync.Mutex
	calls [][]string
}

func record(t *testing.T, next Expander) *recorder {
	t.Helper()
	return &recorder{t: t, next: next, calls: [][]string{}}
}

func (r *recorder) expand(ctx context.Context, frontier []string) ([]Edge, error) {
	r.mu.Lock()
	r.calls = append(r.calls, slices.Clone(frontier))
	r.mu.Unlock()
	if len(frontier) == 0 {
		r.t.Errorf("expand called with an empty frontier")
	}
	if !slices.IsSorted(frontier) || len(slices.Compact(slices.Clone(frontier))) != len(frontier) {
		r.t.Errorf("expand called with frontier %q; want sorted distinct ids", frontier)
	}
	return r.next(ctx, frontier)
}

// scrambled wraps an Expander whose answers it makes as awkward as the contract allows: every
// edge reversed, listed twice, in reverse order, with a self-loop and an edge that touches no node
// of the frontier. Results must not change.
func scrambled(next Expander) Expander {
	return func(ctx context.Context, frontier []string) ([]Edge, error) {
		edges, err := next(ctx, frontier)
		if err != nil {
			return nil, err
		}
		out := []Edge{{From: frontier[0], To: frontier[0], Kind: "self"}, {From: "zz-1", To: "zz-2", Kind: "stray"}}
		for _, e := range slices.Backward(edges) {
			out = append(out, Edge{From: e.To, To: e.From, Kind: e.Kind}, e)
		}
		return out, nil
	}
}

// expanders are the two ways each exploration test runs: a plain Expander over the graph and a
// scrambled one.
var expanders = []struct {
	name string
	of   func(*Graph) Expander
}{
	{"Plain", GraphExpander},
	{"Scrambled", func(g *Graph) Expander { return scrambled(GraphExpander(g)) }},
}

func checkStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %q; want %q", what, got, want)
	}
}

func checkEdges(t *testing.T, what string, got, want []Edge) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %v; want %v", what, got, want)
	}
}

func checkCalls(t *testing.T, got, want [][]string) {
	t.Helper()
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("expand calls: got %q; want %q", got, want)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
