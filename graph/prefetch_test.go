package graph

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	gqlast "github.com/vektah/gqlparser/v2/ast"

	"rootsgraph/graph/exec"
)

// records are the schema's types whose objects the prefetcher walks: the documents, and the
// memberships and parts in events that hold a document's edges.
var records = []string{"Alliance", "Organization", "State", "Event", "Hub", "Membership", "Participation"}

// reachesRecords reports whether a field's type (through lists and non-null) is a record, a
// connection of records, or the Actor union or Node interface of records.
func reachesRecords(s *gqlast.Schema, t *gqlast.Type) bool {
	for t.Elem != nil {
		t = t.Elem
	}
	name := t.NamedType
	if slices.Contains(records, name) || name == "Actor" || name == "Node" {
		return true
	}
	if def := s.Types[name]; def != nil && def.Kind == gqlast.Object && def.Fields.ForName("edges") != nil {
		if edges := def.Fields.ForName("edges").Type; edges != nil {
			edge := s.Types[elemName(edges)]
			return edge != nil && edge.Fields.ForName("node") != nil && reachesRecords(s, edge.Fields.ForName("node").Type)
		}
	}
	return false
}

func elemName(t *gqlast.Type) string {
	for t.Elem != nil {
		t = t.Elem
	}
	return t.NamedType
}

// TestThePrefetcherKnowsEveryEdge: every field of a record that leads to other records has a link
// (links.go), the prefetcher's table, so that a new edge cannot be added to the schema and silently cost a
// database command per object (the loaders' batching would still answer it, at a timing-dependent
// number of commands). And no link is of a field the schema does not have.
func TestThePrefetcherKnowsEveryEdge(t *testing.T) {
	s := exec.NewExecutableSchema(exec.Config{}).Schema()
	for _, typ := range records {
		def := s.Types[typ]
		if def == nil {
			t.Fatalf("the schema has no type %s", typ)
		}
		for _, f := range def.Fields {
			if reachesRecords(s, f.Type) {
				if _, ok := links[typ][f.Name]; !ok {
					t.Errorf("%s.%s leads to records, and no link declares it (declare one in links.go)", typ, f.Name)
				}
			}
		}
	}
	for typ, fields := range links {
		for name := range fields {
			if def := s.Types[typ]; def == nil || def.Fields.ForName(name) == nil {
				t.Errorf("links.go declares %s.%s, which the schema does not have", typ, name)
			}
		}
	}
}

// TestResolversAreTheirLinks reads the resolver files: no resolver is left as the stub gqlgen
// writes for a new field (it panics with "not implemented"), and every resolver of a link's field
// is the one line that calls its link (named for its type and field: organizationPartners), so
// that what the prefetcher fetches and what the resolver answers cannot drift apart.
func TestResolversAreTheirLinks(t *testing.T) {
	files, err := filepath.Glob("*.resolvers.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no resolver files (%v)", err)
	}
	fset := token.NewFileSet()
	bodies := map[string]string{} // "Organization.partners" → the resolver's body
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		src, _ := os.ReadFile(name)
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Body == nil {
				continue
			}
			body := string(src[fset.Position(fn.Body.Lbrace).Offset : fset.Position(fn.Body.Rbrace).Offset+1])
			if strings.Contains(body, "not implemented") {
				t.Errorf("%s: %s is still gqlgen's stub", name, fn.Name.Name)
			}
			star, ok := fn.Recv.List[0].Type.(*ast.StarExpr)
			if !ok {
				continue
			}
			recv, _ := star.X.(*ast.Ident)
			if recv == nil || !strings.HasSuffix(recv.Name, "Resolver") {
				continue
			}
			typ := strings.ToUpper(recv.Name[:1]) + strings.TrimSuffix(recv.Name[1:], "Resolver")
			bodies[typ+"."+strings.ToLower(fn.Name.Name[:1])+fn.Name.Name[1:]] = body
		}
	}
	for typ, fields := range links {
		for field := range fields {
			body, ok := bodies[typ+"."+field]
			if !ok {
				continue // bound to a model method, no resolver (Organization.memberships)
			}
			want := "return " + strings.ToLower(typ[:1]) + typ[1:] + strings.ToUpper(field[:1]) + field[1:] + ".resolve(ctx, obj, "
			if got := strings.TrimSpace(strings.Trim(body, "{}")); !strings.HasPrefix(got, want) || strings.Count(got, "\n") > 0 {
				t.Errorf("the resolver of %s.%s is %q; want the one line %s...)", typ, field, got, want)
			}
		}
	}
}
