package graph

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"rootsgraph/apitest"
	"rootsgraph/model"
)

// This file tests the map features (within, near, distanceKm) over the hand-made data set of
// apitest/maps.go, whose records sit at known points. (httpapi's geojson_test.go tests the
// GeoJSON layers over the same data set.)

// newMapServer serves the hand-made map data set.
func newMapServer(t *testing.T) *testServer {
	t.Helper()
	db := apitest.SeedMaps(t)
	return serve(t, db, db.Store)
}

// haversineKm is the test's own great-circle distance on the mean-radius Earth, written apart from
// store.DistanceKm (atan2 form) so that the two check each other.
func haversineKm(lat1, lng1, lat2, lng2 float64) float64 {
	const earthKm = 6371.0088
	toRad := func(d float64) float64 { return d * math.Pi / 180 }
	s1 := math.Sin(toRad(lat2-lat1) / 2)
	s2 := math.Sin(toRad(lng2-lng1) / 2)
	h := s1*s1 + math.Cos(toRad(lat1))*math.Cos(toRad(lat2))*s2*s2
	return 2 * earthKm * math.Atan2(math.Sqrt(h), math.Sqrt(1-h))
}

// mapPlacesOf returns the hand-made places of hubs or organizations, by id.
func mapPlacesOf(field string) map[string]apitest.MapPlace {
	places, id := apitest.MapHubPlaces, model.HubID
	if field == "organizations" {
		places, id = apitest.MapOrganizationPlaces, model.OrganizationID
	}
	out := map[string]apitest.MapPlace{}
	for _, p := range places {
		out[id(p.Slug)] = p
	}
	return out
}

// inNameOrder returns ids ordered as lists sort them by default: by name key, then by id.
func inNameOrder(field string, ids []string) []string {
	places := mapPlacesOf(field)
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b string) int {
		return cmp.Or(cmp.Compare(model.NameKey(places[a].Name), model.NameKey(places[b].Name)), cmp.Compare(a, b))
	})
	return out
}

func mapHubIDs(slugs ...string) []string {
	out := make([]string, len(slugs))
	for i, s := range slugs {
		out[i] = model.HubID(s)
	}
	return out
}

func mapOrganizationIDs(slugs ...string) []string {
	out := make([]string, len(slugs))
	for i, s := range slugs {
		out[i] = model.OrganizationID(s)
	}
	return out
}

// checkNodesAtTheirPlaces checks that every node has the coordinates it was given.
func checkNodesAtTheirPlaces(t *testing.T, field string, edges []apitest.MapEdge) {
	t.Helper()
	places := mapPlacesOf(field)
	for _, e := range edges {
		p, ok := places[e.Node.ID]
		if !ok {
			t.Errorf("%s holds %s, which has no place", field, e.Node.ID)
			continue
		}
		if e.Node.Lat == nil || e.Node.Lng == nil || *e.Node.Lat != p.Lat || *e.Node.Lng != p.Lng {
			t.Errorf("%s at %v, %v; want %v, %v", e.Node.ID, e.Node.Lat, e.Node.Lng, p.Lat, p.Lng)
		}
	}
}

// TestMapWithin shows that within keeps exactly the records in the box, on both sides of the
// antimeridian and across it, in the list's usual order.
func TestMapWithin(t *testing.T) {
	s := newMapServer(t)
	var allHubs, allOrgs []string
	for _, p := range apitest.MapHubPlaces {
		allHubs = append(allHubs, model.HubID(p.Slug))
	}
	for _, p := range apitest.MapOrganizationPlaces {
		allOrgs = append(allOrgs, model.OrganizationID(p.Slug))
	}
	pacific := apitest.MapBox(170, -20, -170, 0)
	southwest := apitest.MapBox(-115, 31, -103, 38)
	cases := []struct {
		name   string
		field  string
		filter map[string]any
		want   []string // in any order; the test sorts them by name
	}{
		{"HubsAcrossTheAntimeridian", "hubs", map[string]any{"within": pacific},
			mapHubIDs("suva", "taveuni", "apia", "dateline-east", "dateline-west", "edge-170", "edge-minus-170")},
		{"HubsAcrossTheAntimeridianInTheNorth", "hubs", map[string]any{"within": apitest.MapBox(170, 40, -170, 60)},
			mapHubIDs("attu", "adak")},
		{"HubsOnTheAntimeridianOnly", "hubs", map[string]any{"within": apitest.MapBox(180, -90, -180, 90)},
			mapHubIDs("dateline-east", "dateline-west", "pole-180")},
		{"HubsInTheSouthwest", "hubs", map[string]any{"within": southwest},
			mapHubIDs("abq-a", "abq-b", "santa-fe", "gallup", "el-paso", "phoenix")},
		{"HubsInTheSouthwestAndNewMexico", "hubs", map[string]any{"within": southwest, "states": []string{"NM"}},
			mapHubIDs("abq-a", "abq-b", "santa-fe", "gallup")},
		{"HubsAroundTheNorthPole", "hubs", map[string]any{"within": apitest.MapBox(-180, 89, 180, 90)},
			mapHubIDs("pole-w135", "pole-w45", "pole-e45", "pole-e135", "pole-180")},
		{"HubsInTheWholeWorld", "hubs", map[string]any{"within": apitest.MapBox(-180, -90, 180, 90)}, allHubs},
		{"HubsInAnEmptyBox", "hubs", map[string]any{"within": apitest.MapBox(0, 0, 1, 1)}, nil},
		{"OrganizationsAcrossTheAntimeridian", "organizations", map[string]any{"within": pacific},
			mapOrganizationIDs("suva-network", "taveuni-circle", "apia-council")},
		{"OrganizationsInTheSouthwest", "organizations", map[string]any{"within": southwest},
			mapOrganizationIDs("abq-collective", "santa-fe-council", "el-paso-union")},
		// The organization without coordinates is in no box, not even the whole world.
		{"OrganizationsInTheWholeWorld", "organizations", map[string]any{"within": apitest.MapBox(-180, -90, 180, 90)}, allOrgs},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := inNameOrder(c.field, c.want)
			for _, size := range []int{100, 2} { // one page, and pages of two (a cursor with the box)
				edges := apitest.MapList(t, s.handler, c.field, c.filter, nil, size)
				if got := apitest.MapEdgeIDs(edges); !slices.Equal(got, want) {
					t.Errorf("pages of %d: %s(filter: %v) = %v; want %v", size, c.field, c.filter, got, want)
				}
				for _, e := range edges {
					if e.DistanceKm != nil {
						t.Errorf("%s has distanceKm %v without near; want null", e.Node.ID, *e.DistanceKm)
					}
				}
				checkNodesAtTheirPlaces(t, c.field, edges)
			}
		})
	}
}

// nearWant returns, by the test's own haversine, the ids of the places within radiusKm of the
// centre, nearest first (ties by id), and their distances. It fails the test when a place lies
// within half a kilometre of the circle, where the data would not say what the answer should be.
func nearWant(t *testing.T, field string, states []string, lat, lng, radiusKm float64) ([]string, map[string]float64) {
	t.Helper()
	var ids []string
	dist := map[string]float64{}
	for id, p := range mapPlacesOf(field) {
		if states != nil && !slices.Contains(states, p.State) {
			continue
		}
		d := haversineKm(lat, lng, p.Lat, p.Lng)
		if math.Abs(d-radiusKm) < 0.5 {
			t.Fatalf("test data: %s is %.3f km from the centre, too close to the radius %v", id, d, radiusKm)
		}
		if d <= radiusKm {
			ids = append(ids, id)
			dist[id] = d
		}
	}
	slices.SortFunc(ids, func(a, b string) int {
		if math.Abs(dist[a]-dist[b]) > 1e-6 {
			return cmp.Compare(dist[a], dist[b])
		}
		return cmp.Compare(a, b)
	})
	return ids, dist
}

// checkNear checks a near answer: exactly the places in the circle, nearest first, each with its
// distance.
func checkNear(t *testing.T, field string, edges []apitest.MapEdge, want []string, dist map[string]float64) {
	t.Helper()
	if got := apitest.MapEdgeIDs(edges); !slices.Equal(got, want) {
		t.Errorf("%s: %v; want %v, nearest first", field, got, want)
	}
	for _, e := range edges {
		if e.DistanceKm == nil {
			t.Errorf("%s has no distanceKm", e.Node.ID)
			continue
		}
		if math.Abs(*e.DistanceKm-dist[e.Node.ID]) > 0.01 {
			t.Errorf("%s distanceKm %.4f; want %.4f", e.Node.ID, *e.DistanceKm, dist[e.Node.ID])
		}
	}
	checkNodesAtTheirPlaces(t, field, edges)
}

// TestMapNear shows that near keeps exactly the records within the radius by great-circle
// distance, nearest first, with each edge's distance: across the antimeridian and around the
// poles too, at the top level and below a state.
func TestMapNear(t *testing.T) {
	s := newMapServer(t)
	cases := []struct {
		name     string
		field    string
		lat, lng float64
		radiusKm float64
		byHand   []string // the answer worked out by hand from a map, to check the test data
	}{
		{"HubsAroundAlbuquerque", "hubs", 35.0844, -106.6504, 400,
			mapHubIDs("abq-a", "abq-b", "santa-fe", "gallup", "el-paso")},
		{"HubsAroundFiji", "hubs", -17, 179.5, 500, mapHubIDs("taveuni", "suva")},
		{"HubsAroundFijiWide", "hubs", -17, 179.5, 1300,
			mapHubIDs("taveuni", "suva", "apia", "niue", "port-vila", "edge-170")},
		{"HubsAroundSamoa", "hubs", -14, -172, 1000,
			mapHubIDs("apia", "edge-minus-170", "niue", "taveuni")},
		{"HubsAroundTheAleutians", "hubs", 52, 179, 400, mapHubIDs("adak")},
		// At the pole itself every hub at 89.5° is 55.6 km away: a tie, broken by id.
		{"HubsAtTheNorthPole", "hubs", 90, 0, 100,
			mapHubIDs("pole-180", "pole-e135", "pole-e45", "pole-w135", "pole-w45")},
		{"HubsNearTheNorthPole", "hubs", 89.9, -100, 100,
			mapHubIDs("pole-w135", "pole-w45", "pole-180", "pole-e135", "pole-e45")},
		{"HubsNearTheSouthPole", "hubs", -89.99, 60, 80, mapHubIDs("south-pole-b", "south-pole-a")},
		{"HubsWithinTheLargestRadius", "hubs", 35.0844, -106.6504, 2000,
			mapHubIDs("abq-a", "abq-b", "santa-fe", "gallup", "el-paso", "phoenix", "denver", "los-angeles")},
		{"HubsInTheMiddleOfNowhere", "hubs", 0, -30, 2000, nil},
		{"OrganizationsAroundAlbuquerque", "organizations", 35.0844, -106.6504, 400,
			mapOrganizationIDs("abq-collective", "santa-fe-council", "el-paso-union")},
		{"OrganizationsAroundFiji", "organizations", -17, 179.5, 500,
			mapOrganizationIDs("taveuni-circle", "suva-network")},
		{"OrganizationsAtTheNorthPole", "organizations", 90, 0, 100, mapOrganizationIDs("pole-station")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, dist := nearWant(t, c.field, nil, c.lat, c.lng, c.radiusKm)
			if !slices.Equal(want, c.byHand) {
				t.Fatalf("test data: the haversine finds %v; the hand-made answer is %v", want, c.byHand)
			}
			filter := map[string]any{"near": apitest.MapCircle(c.lat, c.lng, c.radiusKm)}
			checkNear(t, c.field, apitest.MapList(t, s.handler, c.field, filter, nil, 100), want, dist)
			// Paging through the distance order gives the same list.
			if edges := apitest.MapList(t, s.handler, c.field, filter, nil, 2); !slices.Equal(apitest.MapEdgeIDs(edges), want) {
				t.Errorf("pages of 2: %v; want %v", apitest.MapEdgeIDs(edges), want)
			}
		})
	}

	t.Run("CatchesEveryLongitudeAroundThePole", func(t *testing.T) {
		edges := apitest.MapList(t, s.handler, "hubs", map[string]any{"near": apitest.MapCircle(89.99, 0, 100)}, nil, 100)
		lngs := map[float64]bool{}
		for _, e := range edges {
			lngs[*e.Node.Lng] = true
		}
		for _, lng := range []float64{-135, -45, 45, 135, 180} {
			if !lngs[lng] {
				t.Errorf("the circle around (89.99, 0) misses the hub at (89.5, %v): got %v", lng, apitest.MapEdgeIDs(edges))
			}
		}
	})

	t.Run("WithAnotherFilter", func(t *testing.T) {
		want, dist := nearWant(t, "hubs", []string{"TX"}, 35.0844, -106.6504, 400)
		filter := map[string]any{"near": apitest.MapCircle(35.0844, -106.6504, 400), "states": []string{"TX"}}
		checkNear(t, "hubs", apitest.MapList(t, s.handler, "hubs", filter, nil, 100), want, dist)
	})

	t.Run("PagesBackward", func(t *testing.T) {
		want, dist := nearWant(t, "hubs", nil, 35.0844, -106.6504, 400)
		query := `query($near: Near) { hubs(filter: {near: $near}, last: 2) { ` + apitest.MapConnectionFields + ` } }`
		status, resp := apitest.PostQuery(t, s.handler, query, map[string]any{"near": apitest.MapCircle(35.0844, -106.6504, 400)})
		if status != http.StatusOK || len(resp.Errors) > 0 {
			t.Fatalf("status %d, errors %+v", status, resp.Errors)
		}
		var data struct {
			Hubs apitest.MapConnection `json:"hubs"`
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			t.Fatal(err)
		}
		checkNear(t, "hubs", data.Hubs.Edges, want[len(want)-2:], dist)
		if data.Hubs.TotalCount != len(want) {
			t.Errorf("totalCount %d; want %d", data.Hubs.TotalCount, len(want))
		}
	})

	t.Run("OrderByNameKeepsTheDistances", func(t *testing.T) {
		want, dist := nearWant(t, "hubs", nil, 35.0844, -106.6504, 400)
		filter := map[string]any{"near": apitest.MapCircle(35.0844, -106.6504, 400)}
		for _, size := range []int{100, 2} {
			edges := apitest.MapList(t, s.handler, "hubs", filter, map[string]any{"field": "NAME"}, size)
			if got := apitest.MapEdgeIDs(edges); !slices.Equal(got, inNameOrder("hubs", want)) {
				t.Errorf("pages of %d by name: %v; want %v", size, got, inNameOrder("hubs", want))
			}
			checkNear(t, "hubs", edges, apitest.MapEdgeIDs(edges), dist)
		}
	})

	nested := []struct {
		name, state, field string
		lat, lng, radiusKm float64
	}{
		{"StateHubsAroundAlbuquerque", "NM", "hubs", 35.0844, -106.6504, 400},
		{"StateHubsAroundFiji", "AS", "hubs", -17, 179.5, 1300},
		{"StateHubsAtTheNorthPole", "NU", "hubs", 90, 0, 100},
		{"StateOrganizationsAroundAlbuquerque", "NM", "organizations", 35.0844, -106.6504, 400},
	}
	for _, c := range nested {
		t.Run(c.name, func(t *testing.T) {
			want, dist := nearWant(t, c.field, []string{c.state}, c.lat, c.lng, c.radiusKm)
			if len(want) < 2 {
				t.Fatalf("test data: only %v in %s near the centre", want, c.state)
			}
			query := fmt.Sprintf(`query($near: Near) { state(code: %q) { code %s(filter: {near: $near}) { %s } } }`,
				c.state, c.field, strings.Replace(apitest.MapConnectionFields, " pageInfo { hasNextPage endCursor }", "", 1))
			status, resp := apitest.PostQuery(t, s.handler, query, map[string]any{"near": apitest.MapCircle(c.lat, c.lng, c.radiusKm)})
			if status != http.StatusOK || len(resp.Errors) > 0 {
				t.Fatalf("status %d, errors %+v", status, resp.Errors)
			}
			var data struct {
				State map[string]json.RawMessage `json:"state"`
			}
			var conn apitest.MapConnection
			if err := json.Unmarshal(resp.Data, &data); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data.State[c.field], &conn); err != nil {
				t.Fatal(err)
			}
			checkNear(t, c.field, conn.Edges, want, dist)
			if conn.TotalCount != len(want) {
				t.Errorf("totalCount %d; want %d", conn.TotalCount, len(want))
			}
		})
	}

	t.Run("StateHubsWithinTheAntimeridianBox", func(t *testing.T) {
		query := `{ state(code: "AS") { hubs(filter: {within: {west: 170, south: -20, east: -170, north: 0}}) { ` +
			apitest.MapConnectionFields + ` } } }`
		status, resp := apitest.PostQuery(t, s.handler, query, nil)
		if status != http.StatusOK || len(resp.Errors) > 0 {
			t.Fatalf("status %d, errors %+v", status, resp.Errors)
		}
		var data struct {
			State struct {
				Hubs apitest.MapConnection `json:"hubs"`
			} `json:"state"`
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			t.Fatal(err)
		}
		want := inNameOrder("hubs", mapHubIDs("suva", "taveuni", "apia", "dateline-east", "dateline-west", "edge-170", "edge-minus-170"))
		if got := apitest.MapEdgeIDs(data.State.Hubs.Edges); !slices.Equal(got, want) {
			t.Errorf("American Samoa's hubs in the box: %v; want %v", got, want)
		}
	})
}

// TestMapNearAndWithinBadInput shows that out-of-range boxes and circles are refused as
// BAD_USER_INPUT before any database command.
func TestMapNearAndWithinBadInput(t *testing.T) {
	s := newMapServer(t)
	abq := apitest.MapCircle(35.0844, -106.6504, 100)
	cases := []struct {
		name   string
		filter map[string]any
		want   string // part of the message
	}{
		{"LatitudeAbove90", map[string]any{"near": apitest.MapCircle(91, 0, 100)}, "latitude"},
		{"LatitudeBelowMinus90", map[string]any{"near": apitest.MapCircle(-90.5, 0, 100)}, "latitude"},
		{"LongitudeBelowMinus180", map[string]any{"near": apitest.MapCircle(0, -181, 100)}, "longitude"},
		{"LongitudeAbove180", map[string]any{"near": apitest.MapCircle(0, 180.001, 100)}, "longitude"},
		{"RadiusZero", map[string]any{"near": apitest.MapCircle(0, 0, 0)}, "radiusKm"},
		{"RadiusNegative", map[string]any{"near": apitest.MapCircle(0, 0, -5)}, "radiusKm"},
		{"RadiusAboveTheLimit", map[string]any{"near": apitest.MapCircle(0, 0, 2001)}, "radiusKm"},
		{"SouthNorthOfNorth", map[string]any{"within": apitest.MapBox(-10, 20, 10, 10)}, "south"},
		{"BoxNorthAbove90", map[string]any{"within": apitest.MapBox(-10, 0, 10, 91)}, "latitudes"},
		{"BoxSouthBelowMinus90", map[string]any{"within": apitest.MapBox(-10, -91, 10, 0)}, "latitudes"},
		{"BoxWestBelowMinus180", map[string]any{"within": apitest.MapBox(-181, 0, 10, 10)}, "longitudes"},
		{"BoxEastAbove180", map[string]any{"within": apitest.MapBox(170, 0, 190, 10)}, "longitudes"},
		{"WithinAndNear", map[string]any{"within": apitest.MapBox(-115, 31, -103, 38), "near": abq}, "not both"},
	}
	for _, c := range cases {
		for _, field := range []string{"hubs", "organizations"} {
			t.Run(c.name+"/"+field, func(t *testing.T) {
				s.db.Commands.Reset()
				status, resp := apitest.PostQuery(t, s.handler, apitest.MapListQuery(field), map[string]any{"filter": c.filter})
				if status != http.StatusOK {
					t.Errorf("status %d; want 200 with errors", status)
				}
				if len(resp.Errors) != 1 {
					t.Fatalf("errors %+v; want one", resp.Errors)
				}
				e := resp.Errors[0]
				if e.Extensions["code"] != "BAD_USER_INPUT" {
					t.Errorf("code %v; want BAD_USER_INPUT (%s)", e.Extensions["code"], e.Message)
				}
				if !strings.Contains(e.Message, c.want) {
					t.Errorf("message %q; want it to mention %q", e.Message, c.want)
				}
				if string(resp.Data) != "null" {
					t.Errorf("data %s; want null", resp.Data)
				}
				if n := s.db.Commands.Total(); n != 0 {
					t.Errorf("bad input cost %d database commands (%v); want 0", n, s.db.Commands.Commands())
				}
			})
		}
	}
}
