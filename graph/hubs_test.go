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

// TestAllianceHubsAreTheirMembers: an alliance's hubs are the hubs whose hosts include one of its
// members, each once, and its hubs list pages and filters like any list of hubs.
func TestAllianceHubsAreTheirMembers(t *testing.T) {
	s := newTestServer(t, 1)
	var data struct {
		Alliances struct {
			Edges []struct {
				Node struct {
					Slug string
					Hubs struct {
						TotalCount int
						Edges      []struct{ Node struct{ ID string } }
					}
					Members struct {
						Edges []struct {
							Node struct {
								Hubs struct {
									Edges []struct{ Node struct{ ID string } }
								}
							}
						}
					}
				}
			}
		}
	}
	raw := s.mustQuery(`{ alliances { edges { node { slug
	  hubs(first: 100) { totalCount edges { node { id } } }
	  members(first: 100) { edges { node { hubs(first: 100) { edges { node { id } } } } } } } } } }`, nil)
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	withHubs := 0
	for _, e := range data.Alliances.Edges {
		a := e.Node
		var want, got []string
		for _, m := range a.Members.Edges {
			for _, h := range m.Node.Hubs.Edges {
				if !slices.Contains(want, h.Node.ID) {
					want = append(want, h.Node.ID)
				}
			}
		}
		for _, h := range a.Hubs.Edges {
			got = append(got, h.Node.ID)
		}
		if slices.Sort(want); !slices.Equal(slices.Sorted(slices.Values(got)), want) || a.Hubs.TotalCount != len(want) {
			t.Errorf("%s: hubs %q (totalCount %d); its members host %q", a.Slug, got, a.Hubs.TotalCount, want)
		}
		if len(got) > 0 {
			withHubs++
		}
	}
	if withHubs == 0 {
		t.Fatalf("no alliance has hubs; the bundled data's sample hubs are hosted by members")
	}
	const q = `{ alliance(slug: "climate-justice-alliance") {
	  all: hubs(first: 100) { totalCount }
	  nm: hubs(filter: {states: ["NM"]}) { totalCount edges { node { state { code } } } } } }`
	var f struct {
		Alliance struct {
			All struct{ TotalCount int }
			NM  struct {
				TotalCount int
				Edges      []struct {
					Node struct{ State struct{ Code string } }
				}
			}
		}
	}
	if err := json.Unmarshal(s.mustQuery(q, nil), &f); err != nil {
		t.Fatal(err)
	}
	for _, e := range f.Alliance.NM.Edges {
		if e.Node.State.Code != "NM" {
			t.Errorf("hubs(filter: {states: [NM]}) holds a hub in %s", e.Node.State.Code)
		}
	}
	if f.Alliance.NM.TotalCount == 0 || f.Alliance.NM.TotalCount >= f.Alliance.All.TotalCount {
		t.Errorf("CJA's hubs: %d in all, %d in NM; want some in NM and some elsewhere", f.Alliance.All.TotalCount, f.Alliance.NM.TotalCount)
	}
}
