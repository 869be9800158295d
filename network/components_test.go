package network

import (
	"slices"
	"testing"
)

func TestComponents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		graph *Graph
		want  [][]string
	}{
		{"Path", path4(), [][]string{{"a", "b", "c", "d"}}},
		{"Star", star(), [][]string{{"hub", "l1", "l2", "l3", "l4"}}},
		{
			// The triangle is largest; the two pairs tie and go by first id; the isolated
			// node comes last, on its own.
			name:  "LargestFirstThenByFirstID",
			graph: twoParts(),
			want:  [][]string{{"x", "y", "z"}, {"a", "b"}, {"c", "d"}, {"m"}},
		},
		{
			name:  "MultiEdgesJoinOnce",
			graph: graphOf(Edge{From: "q", To: "p", Kind: "event"}, link("p", "q"), link("k", "j")),
			want:  [][]string{{"j", "k"}, {"p", "q"}},
		},
		{"Empty", New(), [][]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.graph.Components(); !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
}
