package graph

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const entitiesQuery = `query($r: [_Any!]!) { _entities(representations: $r) {
  __typename
  ... on Organization { id name }
  ... on Alliance { id name }
  ... on State { code name }
  ... on Event { id name }
  ... on Hub { id name }
} }`

// TestEntities sends a router's batch of 100 representations of every entity type, with unknown
// keys and malformed representations mixed in, and checks each answer in place: the entity, null
// for a key that names nothing, and null with an error of its own for a malformed one, never
// failing the others.
func TestEntities(t *testing.T) {
	s := newTestServer(t, 1)

	type want struct {
		typename, key, name string // typename "" means null
		malformed           bool
	}
	var reps []map[string]any
	var wants []want
	add := func(rep map[string]any, w want) { reps = append(reps, rep); wants = append(wants, w) }
	known := []struct{ typename, keyField, key, name string }{
		{"Alliance", "id", "alliance:indigenous-environmental-network", "Indigenous Environmental Network"},
		{"Organization", "id", "organization:the-ruckus-society", "The Ruckus Society"},
		{"State", "code", "NM", "New Mexico"},
		{"Event", "id", "event:cop22-marrakech-2016", "COP22, UN Climate Change Conference"},
		{"Hub", "id", "hub:albuquerque-resistance-hub-sample", "Sample: Albuquerque Resistance Hub"},
		{"Organization", "id", "organization:it-takes-roots", "It Takes Roots to Grow the Resistance"},
		{"State", "code", "QC", "Quebec"},
	}
	for i := 0; len(reps) < 100; i++ {
		switch i % 10 {
		case 7:
			add(map[string]any{"__typename": "Organization", "id": fmt.Sprintf("organization:no-such-%d", i)}, want{})
		case 8:
			add(map[string]any{"__typename": "State", "code": "ZZ"}, want{})
		case 9:
			malformed := []map[string]any{
				{"__typename": "Organization"},
				{"__typename": "Hub", "id": 42},
				{"__typename": "State", "id": "state:NY"},
				{"id": "organization:it-takes-roots"},
				{"__typename": "Starship", "id": "ncc-1701"},
			}
			add(malformed[(i/10)%len(malformed)], want{malformed: true})
		default:
			k := known[i%7]
			add(map[string]any{"__typename": k.typename, k.keyField: k.key}, want{k.typename, k.key, k.name, false})
		}
	}

	out := s.post(entitiesQuery, map[string]any{"r": reps})
	var data struct {
		Entities []map[string]any `json:"_entities"`
	}
	if err := json.Unmarshal(out.Data, &data); err != nil {
		t.Fatal(err)
	}
	if len(data.Entities) != len(reps) {
		t.Fatalf("got %d entities for %d representations", len(data.Entities), len(reps))
	}
	errorAt := map[int]string{}
	for _, e := range out.Errors {
		if len(e.Path) != 2 || e.Path[0] != "_entities" {
			t.Errorf("error without an _entities index in its path: %+v", e)
			continue
		}
		i := int(e.Path[1].(float64))
		errorAt[i] = fmt.Sprint(e.Extensions["code"])
	}
	for i, w := range wants {
		got := data.Entities[i]
		switch {
		case w.malformed:
			if got != nil {
				t.Errorf("representation %d %v is malformed: got %v; want null", i, reps[i], got)
			}
			if errorAt[i] != "BAD_USER_INPUT" {
				t.Errorf("representation %d %v is malformed: error code %q; want BAD_USER_INPUT", i, reps[i], errorAt[i])
			}
		case w.typename == "":
			if got != nil || errorAt[i] != "" {
				t.Errorf("representation %d %v names nothing: got %v, error %q; want null and no error", i, reps[i], got, errorAt[i])
			}
		default:
			key := got["id"]
			if w.typename == "State" {
				key = got["code"]
			}
			if got == nil || got["__typename"] != w.typename || key != w.key || got["name"] != w.name {
				t.Errorf("representation %d: got %v; want %s %s %q", i, got, w.typename, w.key, w.name)
			}
			if errorAt[i] != "" {
				t.Errorf("representation %d: unexpected error %q", i, errorAt[i])
			}
		}
	}
}

// TestEntitiesCommandCount shows that entity resolution is batched: 100 representations of one
// type cost one database command, of three types three.
func TestEntitiesCommandCount(t *testing.T) {
	s := newTestServer(t, 1)
	orgs := s.mustQuery(`{ organizations(first: 100) { edges { node { id } } } }`, nil)
	var page struct {
		Organizations struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	if err := json.Unmarshal(orgs, &page); err != nil {
		t.Fatal(err)
	}
	var oneType, threeTypes []map[string]any
	for i, e := range page.Organizations.Edges {
		oneType = append(oneType, map[string]any{"__typename": "Organization", "id": e.Node.ID})
		switch i % 3 {
		case 0:
			threeTypes = append(threeTypes, map[string]any{"__typename": "Organization", "id": e.Node.ID})
		case 1:
			threeTypes = append(threeTypes, map[string]any{"__typename": "State", "code": []string{"NY", "CA", "NM", "QC"}[i%4]})
		case 2:
			threeTypes = append(threeTypes, map[string]any{"__typename": "Event", "id": "event:may-day-2017"})
		}
	}
	direct, _ := withoutSnapshots(t, s)
	for _, c := range []struct {
		name     string
		reps     []map[string]any
		want     map[string]int // asking the database: one find per type
		snapWant map[string]int // through snapshots: two finds per type read whole, one for a single id
	}{
		{"OneType", oneType, map[string]int{"find": 1}, map[string]int{"find": 2}},
		{"ThreeTypes", threeTypes, map[string]int{"find": 3}, map[string]int{"find": 5}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if len(c.reps) != 100 {
				t.Fatalf("built %d representations; want 100", len(c.reps))
			}
			for _, run := range []struct {
				s    *testServer
				want map[string]int
			}{{s, c.snapWant}, {direct, c.want}} {
				run.s.t = t
				run.s.mustQuery(entitiesQuery, map[string]any{"r": c.reps})
				run.s.db.Commands.Reset()
				run.s.mustQuery(entitiesQuery, map[string]any{"r": c.reps})
				if got := run.s.db.Commands.ByName(); !maps.Equal(got, run.want) {
					t.Errorf("snapshots %v: commands %v; want %v\n%s", run.s == s, got, run.want, strings.Join(run.s.db.Commands.Commands(), "\n"))
				}
			}
		})
	}
}

// TestServiceSDL shows that _service answers the full SDL, the schema's files as they are, with
// every federation directive. (httpapi's TestServiceWithoutIntrospection shows that it goes on
// answering when introspection is off for the public.)
func TestServiceSDL(t *testing.T) {
	s := newTestServer(t, 1)
	sdlData := s.mustQuery(`{ _service { sdl } }`, nil)
	var svc struct {
		Service struct{ SDL string } `json:"_service"`
	}
	if err := json.Unmarshal(sdlData, &svc); err != nil {
		t.Fatal(err)
	}
	sdl := svc.Service.SDL
	schemaFiles := readSchema(t)
	if strings.TrimSpace(sdl) != strings.TrimSpace(schemaFiles) {
		t.Errorf("_service sdl differs from schema/*.graphqls")
	}
	for _, want := range []string{
		`@link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])`,
		`type Alliance implements Node @key(fields: "id")`,
		`type Organization implements Node @key(fields: "id")`,
		`type State implements Node @key(fields: "code")`,
		`type Event implements Node @key(fields: "id")`,
		`type Hub implements Node @key(fields: "id")`,
		`type PageInfo @shareable`,
		`type Source @shareable`,
	} {
		if !strings.Contains(sdl, want) {
			t.Errorf("_service sdl lacks %s", want)
		}
	}
}

// TestPartnerSubgraphFixture checks, in Go, what composition with the partner fixture relies on:
// the fixture is a Federation 2 subgraph, and every entity it extends is an entity here with the
// same key. (The full composition under Apollo's rules is tools/compose, which needs Node.js.)
func TestPartnerSubgraphFixture(t *testing.T) {
	fixture, err := os.ReadFile("testdata/federation/partner-subgraph.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	ours := []byte(readSchema(t))
	if !strings.Contains(string(fixture), `@link(url: "https://specs.apollo.dev/federation/v2.`) {
		t.Error("the partner fixture does not @link federation v2")
	}
	entity := regexp.MustCompile(`type (\w+)[^{]*@key\(fields: "(\w+)"\)`)
	extended := entity.FindAllStringSubmatch(string(fixture), -1)
	if len(extended) == 0 {
		t.Fatal("the partner fixture extends no entity")
	}
	for _, m := range extended {
		if !regexp.MustCompile(`type ` + m[1] + `\b[^{]*@key\(fields: "` + m[2] + `"\)`).Match(ours) {
			t.Errorf("the partner fixture extends %s by %q, which is not an entity key here", m[1], m[2])
		}
	}
}

// readSchema returns the schema's files (schema/*.graphqls) as gqlgen joins them: in file name
// order, one after the other.
func readSchema(t *testing.T) string {
	t.Helper()
	names, err := filepath.Glob("../schema/*.graphqls")
	if err != nil || len(names) == 0 {
		t.Fatalf("the schema's files: %v (%d found)", err, len(names))
	}
	var parts []string
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, string(b))
	}
	return strings.Join(parts, "\n")
}
