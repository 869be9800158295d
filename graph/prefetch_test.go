package graph

import (
	"slices"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"rootsgraph/graph/exec"
)

// records are the schema's types whose objects the prefetcher walks: the documents, and the
// memberships and parts in events that hold a document's edges.
var records = []string{"Alliance", "Organization", "State", "Event", "Hub", "Membership", "Participation"}

// reachesRecords reports whether a field's type (through lists and non-null) is a record, a
// connection of records, or the Actor union or Node interface of records.
func reachesRecords(s *ast.Schema, t *ast.Type) bool {
	for t.Elem != nil {
		t = t.Elem
	}
	name := t.NamedType
	if slices.Contains(records, name) || name == "Actor" || name == "Node" {
		return true
	}
	if def := s.Types[name]; def != nil && def.Kind == ast.Object && def.Fields.ForName("edges") != nil {
		if edges := def.Fields.ForName("edges").Type; edges != nil {
			edge := s.Types[elemName(edges)]
			return edge != nil && edge.Fields.ForName("node") != nil && reachesRecords(s, edge.Fields.ForName("node").Type)
		}
	}
	return false
}

func elemName(t *ast.Type) string {
	for t.Elem != nil {
		t = t.Elem
	}
	return t.NamedType
}

// TestThePrefetcherKnowsEveryEdge: every field of a record that leads to other records is in the
// prefetcher's table, so that a new edge cannot be added to the schema and silently cost a
// database command per object (the loaders' batching would still answer it, at a timing-dependent
// number of commands). And nothing in the table is a field the schema does not have.
func TestThePrefetcherKnowsEveryEdge(t *testing.T) {
	s := exec.NewExecutableSchema(exec.Config{}).Schema()
	for _, typ := range records {
		def := s.Types[typ]
		if def == nil {
			t.Fatalf("the schema has no type %s", typ)
		}
		for _, f := range def.Fields {
			if reachesRecords(s, f.Type) {
				if _, ok := edges[typ][f.Name]; !ok {
					t.Errorf("%s.%s leads to records, and the prefetcher's table (edges in prefetch.go) does not know it", typ, f.Name)
				}
			}
		}
	}
	for typ, fields := range edges {
		for name := range fields {
			if def := s.Types[typ]; def == nil || def.Fields.ForName(name) == nil {
				t.Errorf("the prefetcher's table has %s.%s, which the schema does not", typ, name)
			}
		}
	}
}
