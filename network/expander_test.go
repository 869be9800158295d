package network

import (
	"context"
	"errors"
	"testing"
)

func TestGraphExpander(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		graph    *Graph
		frontier []string
		want     []Edge
	}{
		{
			name:     "OneNode",
			graph:    path4(),
			frontier: []string{"c"},
			want:     []Edge{link("b", "c"), link("c", "d")},
		},
		{
			// b–c touches both nodes of the frontier and is listed once.
			name:     "EdgeBetweenFrontierNodesOnce",
			graph:    path4(),
			frontier: []string{"b", "c"},
			want:     []Edge{link("a", "b"), link("b", "c"), link("c", "d")},
		},
		{
			name:     "EveryKind",
			graph:    multi(),
			frontier: []string{"a"},
			want:     []Edge{{From: "a", To: "b", Kind: "alliance"}, {From: "a", To: "b", Kind: "event"}},
		},
		{
			name:     "IsolatedAndUnknownNodes",
			graph:    twoParts(),
			frontier: []string{"m", "nobody"},
			want:     []Edge{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := GraphExpander(tt.graph)(t.Context(), tt.frontier)
			if err != nil {
				t.Fatalf("got error %v; want none", err)
			}
			checkEdges(t, "edges", got, tt.want)
		})
	}
}

func TestGraphExpander_CancelledContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := GraphExpander(path4())(ctx, []string{"a"}); !errors.Is(err, context.Canceled) {
		t.Errorf("got error %v; want %v", err, context.Canceled)
	}
}
