package graph

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestHubAlliancesAreTheirHosts: a hub's alliances, as a map widget's legend reads them, are the
// alliances its host organizations are members of, each once, by name.
func TestHubAlliancesAreTheirHosts(t *testing.T) {
	s := newTestServer(t, 1)
	var data struct {
		Hubs struct {
			Edges []struct {
				Node struct {
					Name      string
					Alliances []struct{ ID, Name string }
					Hosts     struct {
						Edges []struct {
							Node struct{ Alliances []struct{ ID string } }
						}
					}
				}
			}
		}
	}
	raw := s.mustQuery(`{ hubs(first: 100) { edges { node { name alliances { id name }
	  hosts(first: 100) { edges { node { alliances { id } } } } } } } }`, nil)
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	withAlliances := 0
	for _, e := range data.Hubs.Edges {
		h := e.Node
		var want, got, names []string
		for _, host := range h.Hosts.Edges {
			for _, a := range host.Node.Alliances {
				if !slices.Contains(want, a.ID) {
					want = append(want, a.ID)
				}
			}
		}
		for _, a := range h.Alliances {
			got = append(got, a.ID)
			names = append(names, a.Name)
		}
		if slices.Sort(want); !slices.Equal(slices.Sorted(slices.Values(got)), want) {
			t.Errorf("%s: alliances %q; its hosts are members of %q", h.Name, got, want)
		}
		if !slices.IsSorted(names) {
			t.Errorf("%s: alliances %q; want them by name", h.Name, names)
		}
		if len(got) > 0 {
			withAlliances++
		}
	}
	if len(data.Hubs.Edges) == 0 || withAlliances == 0 {
		t.Fatalf("%d hubs, %d with alliances; the bundled data has hubs whose hosts are members", len(data.Hubs.Edges), withAlliances)
	}
}
