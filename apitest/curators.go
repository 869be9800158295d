package apitest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

// Keys are API keys of each role, and one revoked, in a test's database.
type Keys struct{ Curator, Admin, Revoked string }

// MakeKeys makes one key of each role and one revoked key in s's database.
func MakeKeys(t testing.TB, s *store.Store) Keys {
	t.Helper()
	ctx := t.Context()
	var k Keys
	var err error
	if k.Curator, _, err = s.CreateKey(ctx, "Curator Carla", store.RoleCurator, time.Now()); err != nil {
		t.Fatal(err)
	}
	if k.Admin, _, err = s.CreateKey(ctx, "Admin Ana", store.RoleAdmin, time.Now()); err != nil {
		t.Fatal(err)
	}
	var revoked *store.APIKey
	if k.Revoked, revoked, err = s.CreateKey(ctx, "Former Fran", store.RoleAdmin, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RevokeKey(ctx, revoked.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	return k
}

// Version reads a record's version.
func Version(t testing.TB, q Query, id string) int {
	t.Helper()
	var d struct {
		Node struct{ Version int } `json:"node"`
	}
	data := q(`query($id: ID!) { node(id: $id) {
		... on Organization { version } ... on Event { version } ... on Hub { version } ... on Alliance { version } } }`,
		map[string]any{"id": id})
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	return d.Node.Version
}

// Writes returns the writes among the commands c counted since its last Reset.
func Writes(c *storetest.Counter) []string {
	var out []string
	for _, cmd := range c.Commands() {
		name, _, _ := strings.Cut(cmd, " ")
		if slices.Contains([]string{"insert", "update", "delete", "findAndModify"}, name) {
			out = append(out, cmd)
		}
	}
	return out
}

// IDs returns the ids of every node a query's answer lists, at any depth.
func IDs(t testing.TB, q Query, query string) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(q(query, nil), &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if n, ok := x["node"].(map[string]any); ok {
				if id, ok := n["id"].(string); ok {
					out = append(out, id)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}
