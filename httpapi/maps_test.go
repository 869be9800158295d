package httpapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"rootsgraph/httpapi/apitest"
	"rootsgraph/loaders"
	"rootsgraph/model"
	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

// This file tests the map features (within, near, distanceKm and the GeoJSON layers) over a
// hand-made data set whose records sit at known points: ordinary US cities, both sides of the
// antimeridian in the South Pacific and the Aleutians, and both poles.

// mapPlace is a hub or organization of the hand-made data set.
type mapPlace struct {
	slug, name, state string
	lat, lng          float64
}

var mapHubPlaces = []mapPlace{
	// Two hubs at the same point, whose names sort the other way round from their ids.
	{"abq-a", "Zia Hub", "NM", 35.0844, -106.6504},
	{"abq-b", "Albuquerque Hub", "NM", 35.0844, -106.6504},
	{"santa-fe", "Santa Fe Hub", "NM", 35.687, -105.9378},
	{"gallup", "Gallup Hub", "NM", 35.5281, -108.7426},
	{"el-paso", "El Paso Hub", "TX", 31.7619, -106.485},
	{"phoenix", "Phoenix Hub", "AZ", 33.4484, -112.074},
	{"denver", "Denver Hub", "CO", 39.7392, -104.9903},
	{"los-angeles", "Los Angeles Hub", "CA", 34.0522, -118.2437},
	{"new-york", "New York Hub", "NY", 40.7128, -74.006},
	// The South Pacific, across the antimeridian.
	{"suva", "Suva-like Hub", "AS", -18.1248, 178.4501},
	{"taveuni", "Taveuni-like Hub", "AS", -16.8, -179.9},
	{"apia", "Apia-like Hub", "AS", -13.8333, -171.7667},
	{"niue", "Niue-like Hub", "AS", -19.0544, -169.8672},
	{"port-vila", "Port Vila-like Hub", "AS", -17.7333, 168.3273},
	{"dateline-east", "Dateline East Hub", "AS", -5, 180},
	{"dateline-west", "Dateline West Hub", "AS", -5, -180},
	{"edge-170", "Edge 170 Hub", "AS", -10, 170},
	{"edge-minus-170", "Edge Minus 170 Hub", "AS", -10, -170},
	// The Aleutians, across the antimeridian in the north.
	{"attu", "Attu-like Hub", "AK", 52.93, 172.91},
	{"adak", "Adak-like Hub", "AK", 51.88, -176.65},
	// Around the north pole, at every quarter of the globe, and one a little further off.
	{"pole-w135", "Pole W135 Hub", "NU", 89.5, -135},
	{"pole-w45", "Pole W45 Hub", "NU", 89.5, -45},
	{"pole-e45", "Pole E45 Hub", "NU", 89.5, 45},
	{"pole-e135", "Pole E135 Hub", "NU", 89.5, 135},
	{"pole-180", "Pole 180 Hub", "NU", 89.5, 180},
	{"arctic-88", "Arctic Hub", "NU", 88.5, 0},
	// Around the south pole.
	{"south-pole-a", "South Pole A Hub", "AS", -89.5, 0},
	{"south-pole-b", "South Pole B Hub", "AS", -89.6, 120},
}

var mapOrganizationPlaces = []mapPlace{
	{"abq-collective", "Albuquerque Collective", "NM", 35.0844, -106.6504},
	{"santa-fe-council", "Santa Fe Council", "NM", 35.687, -105.9378},
	{"el-paso-union", "El Paso Union", "TX", 31.7619, -106.485},
	{"new-york-circle", "New York Circle", "NY", 40.7128, -74.006},
	{"suva-network", "Suva-like Network", "AS", -18.1248, 178.4501},
	{"taveuni-circle", "Taveuni-like Circle", "AS", -16.8, -179.9},
	{"apia-council", "Apia-like Council", "AS", -13.8333, -171.7667},
	{"niue-project", "Niue-like Project", "AS", -19.0544, -169.8672},
	{"pole-station", "Pole Station Collective", "NU", 89.5, 90},
}

// mapNowhere is the slug of an organization without coordinates, in New Mexico: never on a map.
const mapNowhere = "nowhere-collective"

var mapStatePlaces = []struct {
	code, name, country string
	kind                model.StateType
	region              string
	lat, lng            float64
}{
	{"NM", "New Mexico", "US", model.StateTypeState, "West", 34.5, -106},
	{"TX", "Texas", "US", model.StateTypeState, "South", 31, -99},
	{"AZ", "Arizona", "US", model.StateTypeState, "West", 34.3, -111.7},
	{"CO", "Colorado", "US", model.StateTypeState, "West", 39, -105.5},
	{"CA", "California", "US", model.StateTypeState, "West", 37, -120},
	{"NY", "New York", "US", model.StateTypeState, "Northeast", 43, -75},
	{"AK", "Alaska", "US", model.StateTypeState, "West", 64, -150},
	{"AS", "American Samoa", "US", model.StateTypeTerritory, "Territories", -14.3, -170.7},
	{"NU", "Nunavut", "CA", model.StateTypeTerritory, "North", 70, -90},
}

// mapDocuments returns the hand-made data set.
func mapDocuments() store.Documents {
	now := storetest.Fixed
	var d store.Documents
	regions := map[string]struct{ country, region string }{}
	for _, s := range mapStatePlaces {
		regions[s.code] = struct{ country, region string }{s.country, s.region}
		d.States = append(d.States, &model.State{
			ID: model.StateID(s.code), Code: s.code, Slug: strings.ToLower(strings.ReplaceAll(s.name, " ", "-")),
			Name: s.name, NameKey: model.NameKey(s.name), Country: s.country, Type: s.kind, Region: s.region,
			Lat: s.lat, Lng: s.lng, BBox: []float64{s.lng - 1, s.lat - 1, s.lng + 1, s.lat + 1},
			Sources: []*model.Source{}, CreatedAt: now, UpdatedAt: now,
		})
	}
	for _, p := range mapHubPlaces {
		d.Hubs = append(d.Hubs, &model.Hub{
			ID: model.HubID(p.slug), Slug: p.slug, Name: p.name, NameKey: model.NameKey(p.name),
			Setting: model.HubSettingSmallTown, City: p.name, StateID: model.StateID(p.state),
			Country: regions[p.state].country, Region: regions[p.state].region,
			StateSort: model.StateSort(p.state, model.NameKey(p.name)), Lat: p.lat, Lng: p.lng,
			Activities: []model.HubActivity{model.HubActivityRapidResponse}, HostIDs: []string{}, EventIDs: []string{},
			AllianceIDs: []string{}, Communities: []model.Community{}, Issues: []model.Issue{},
			Sources: []*model.Source{}, CreatedAt: now, UpdatedAt: now,
		})
	}
	org := func(p mapPlace, lat, lng *float64) *model.Organization {
		country, region := regions[p.state].country, regions[p.state].region
		return &model.Organization{
			ID: model.OrganizationID(p.slug), Slug: p.slug, Name: p.name, NameKey: model.NameKey(p.name),
			Kind: model.OrganizationKindMember, City: &p.name, StateID: new(model.StateID(p.state)),
			Country: &country, Region: &region, StateSort: model.StateSort(p.state, model.NameKey(p.name)),
			Lat: lat, Lng: lng,
			AllianceIDs: []string{}, PartnerIDs: []string{}, OrganizedEventIDs: []string{}, ParticipatedEventIDs: []string{},
			Communities: []model.Community{}, Issues: []model.Issue{}, Generations: []model.Generation{},
			Sources: []*model.Source{}, CreatedAt: now, UpdatedAt: now,
		}
	}
	for _, p := range mapOrganizationPlaces {
		d.Organizations = append(d.Organizations, org(p, new(p.lat), new(p.lng)))
	}
	d.Organizations = append(d.Organizations, org(mapPlace{slug: mapNowhere, name: "Nowhere Collective", state: "NM"}, nil, nil))
	return d
}

// newMapServer serves the hand-made data set, with HTTP caching on.
func newMapServer(t *testing.T) *testServer {
	t.Helper()
	db := storetest.New(t)
	if out, err := db.Seed(t.Context(), mapDocuments(), storetest.Fixed); err != nil || out != store.Seeded {
		t.Fatalf("seed the map data set: %v, %v", out, err)
	}
	db.Commands.Reset()
	srv := New(slog.New(slog.DiscardHandler), db.Store, Options{
		LoaderWait: loaders.DefaultWait, Introspection: true, CacheMaxAge: time.Minute,
	})
	return &testServer{t: t, db: db, handler: srv, logs: &bytes.Buffer{}}
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

// mapNode is a hub or organization as the map queries ask for it.
type mapNode struct {
	ID   string   `json:"id"`
	Name string   `json:"name"`
	Kind string   `json:"kind"` // organizations only
	Lat  *float64 `json:"lat"`
	Lng  *float64 `json:"lng"`
}

type mapEdge struct {
	Cursor     string   `json:"cursor"`
	DistanceKm *float64 `json:"distanceKm"`
	Node       mapNode  `json:"node"`
}

type mapConnection struct {
	TotalCount int       `json:"totalCount"`
	Edges      []mapEdge `json:"edges"`
	PageInfo   struct {
		HasNextPage bool    `json:"hasNextPage"`
		EndCursor   *string `json:"endCursor"`
	} `json:"pageInfo"`
}

const mapConnectionFields = `totalCount edges { cursor distanceKm node { id name lat lng } } pageInfo { hasNextPage endCursor }`

// mapListQuery returns the query of one page of hubs or organizations.
func mapListQuery(field string) string {
	typ, fields := "HubFilter", mapConnectionFields
	order := "HubOrder"
	if field == "organizations" {
		typ, order = "OrganizationFilter", "OrganizationOrder"
		fields = strings.Replace(fields, "node { id name", "node { id name kind", 1)
	}
	return fmt.Sprintf(`query($filter: %s, $orderBy: %s, $first: Int, $after: String) {
	  %s(filter: $filter, orderBy: $orderBy, first: $first, after: $after) { %s }
	}`, typ, order, field, fields)
}

// postQuery posts a query to h and decodes the answer.
func postQuery(t *testing.T, h http.Handler, query string, variables map[string]any) (int, apitest.Response) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out apitest.Response
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, rec.Body)
	}
	return rec.Code, out
}

// mapList returns every edge of hubs or organizations that pass filter, in list order, paging
// with pages of pageSize; it checks that totalCount is the same on every page and counts the list.
func mapList(t *testing.T, h http.Handler, field string, filter, orderBy map[string]any, pageSize int) []mapEdge {
	t.Helper()
	var all []mapEdge
	vars := map[string]any{"filter": filter, "first": pageSize}
	if orderBy != nil {
		vars["orderBy"] = orderBy
	}
	total := -1
	for range 100 {
		status, resp := postQuery(t, h, mapListQuery(field), vars)
		if status != http.StatusOK || len(resp.Errors) > 0 {
			t.Fatalf("%s(filter: %v): status %d, errors %+v", field, filter, status, resp.Errors)
		}
		var data map[string]mapConnection
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			t.Fatalf("decode %s: %v", field, err)
		}
		c := data[field]
		if total >= 0 && c.TotalCount != total {
			t.Errorf("totalCount %d on a later page; %d on the first", c.TotalCount, total)
		}
		total = c.TotalCount
		all = append(all, c.Edges...)
		if !c.PageInfo.HasNextPage {
			if total != len(all) {
				t.Errorf("%s(filter: %v): totalCount %d; the pages hold %d", field, filter, total, len(all))
			}
			return all
		}
		vars["after"] = *c.PageInfo.EndCursor
	}
	t.Fatalf("%s(filter: %v): more than 100 pages", field, filter)
	return nil
}

func mapEdgeIDs(edges []mapEdge) []string {
	out := make([]string, len(edges))
	for i, e := range edges {
		out[i] = e.Node.ID
	}
	return out
}

// mapPlacesOf returns the hand-made places of hubs or organizations, by id.
func mapPlacesOf(field string) map[string]mapPlace {
	places, id := mapHubPlaces, model.HubID
	if field == "organizations" {
		places, id = mapOrganizationPlaces, model.OrganizationID
	}
	out := map[string]mapPlace{}
	for _, p := range places {
		out[id(p.slug)] = p
	}
	return out
}

// inNameOrder returns ids ordered as lists sort them by default: by name key, then by id.
func inNameOrder(field string, ids []string) []string {
	places := mapPlacesOf(field)
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b string) int {
		return cmp.Or(cmp.Compare(model.NameKey(places[a].name), model.NameKey(places[b].name)), cmp.Compare(a, b))
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

func mapBox(west, south, east, north float64) map[string]any {
	return map[string]any{"west": west, "south": south, "east": east, "north": north}
}

func mapCircle(lat, lng, radiusKm float64) map[string]any {
	return map[string]any{"lat": lat, "lng": lng, "radiusKm": radiusKm}
}

// checkNodesAtTheirPlaces checks that every node has the coordinates it was given.
func checkNodesAtTheirPlaces(t *testing.T, field string, edges []mapEdge) {
	t.Helper()
	places := mapPlacesOf(field)
	for _, e := range edges {
		p, ok := places[e.Node.ID]
		if !ok {
			t.Errorf("%s holds %s, which has no place", field, e.Node.ID)
			continue
		}
		if e.Node.Lat == nil || e.Node.Lng == nil || *e.Node.Lat != p.lat || *e.Node.Lng != p.lng {
			t.Errorf("%s at %v, %v; want %v, %v", e.Node.ID, e.Node.Lat, e.Node.Lng, p.lat, p.lng)
		}
	}
}

// TestMapWithin shows that within keeps exactly the records in the box, on both sides of the
// antimeridian and across it, in the list's usual order.
func TestMapWithin(t *testing.T) {
	s := newMapServer(t)
	var allHubs, allOrgs []string
	for _, p := range mapHubPlaces {
		allHubs = append(allHubs, model.HubID(p.slug))
	}
	for _, p := range mapOrganizationPlaces {
		allOrgs = append(allOrgs, model.OrganizationID(p.slug))
	}
	pacific := mapBox(170, -20, -170, 0)
	southwest := mapBox(-115, 31, -103, 38)
	cases := []struct {
		name   string
		field  string
		filter map[string]any
		want   []string // in any order; the test sorts them by name
	}{
		{"HubsAcrossTheAntimeridian", "hubs", map[string]any{"within": pacific},
			mapHubIDs("suva", "taveuni", "apia", "dateline-east", "dateline-west", "edge-170", "edge-minus-170")},
		{"HubsAcrossTheAntimeridianInTheNorth", "hubs", map[string]any{"within": mapBox(170, 40, -170, 60)},
			mapHubIDs("attu", "adak")},
		{"HubsOnTheAntimeridianOnly", "hubs", map[string]any{"within": mapBox(180, -90, -180, 90)},
			mapHubIDs("dateline-east", "dateline-west", "pole-180")},
		{"HubsInTheSouthwest", "hubs", map[string]any{"within": southwest},
			mapHubIDs("abq-a", "abq-b", "santa-fe", "gallup", "el-paso", "phoenix")},
		{"HubsInTheSouthwestAndNewMexico", "hubs", map[string]any{"within": southwest, "states": []string{"NM"}},
			mapHubIDs("abq-a", "abq-b", "santa-fe", "gallup")},
		{"HubsAroundTheNorthPole", "hubs", map[string]any{"within": mapBox(-180, 89, 180, 90)},
			mapHubIDs("pole-w135", "pole-w45", "pole-e45", "pole-e135", "pole-180")},
		{"HubsInTheWholeWorld", "hubs", map[string]any{"within": mapBox(-180, -90, 180, 90)}, allHubs},
		{"HubsInAnEmptyBox", "hubs", map[string]any{"within": mapBox(0, 0, 1, 1)}, nil},
		{"OrganizationsAcrossTheAntimeridian", "organizations", map[string]any{"within": pacific},
			mapOrganizationIDs("suva-network", "taveuni-circle", "apia-council")},
		{"OrganizationsInTheSouthwest", "organizations", map[string]any{"within": southwest},
			mapOrganizationIDs("abq-collective", "santa-fe-council", "el-paso-union")},
		// The organization without coordinates is in no box, not even the whole world.
		{"OrganizationsInTheWholeWorld", "organizations", map[string]any{"within": mapBox(-180, -90, 180, 90)}, allOrgs},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := inNameOrder(c.field, c.want)
			for _, size := range []int{100, 2} { // one page, and pages of two (a cursor with the box)
				edges := mapList(t, s.handler, c.field, c.filter, nil, size)
				if got := mapEdgeIDs(edges); !slices.Equal(got, want) {
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
		if states != nil && !slices.Contains(states, p.state) {
			continue
		}
		d := haversineKm(lat, lng, p.lat, p.lng)
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
func checkNear(t *testing.T, field string, edges []mapEdge, want []string, dist map[string]float64) {
	t.Helper()
	if got := mapEdgeIDs(edges); !slices.Equal(got, want) {
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
			filter := map[string]any{"near": mapCircle(c.lat, c.lng, c.radiusKm)}
			checkNear(t, c.field, mapList(t, s.handler, c.field, filter, nil, 100), want, dist)
			// Paging through the distance order gives the same list.
			if edges := mapList(t, s.handler, c.field, filter, nil, 2); !slices.Equal(mapEdgeIDs(edges), want) {
				t.Errorf("pages of 2: %v; want %v", mapEdgeIDs(edges), want)
			}
		})
	}

	t.Run("CatchesEveryLongitudeAroundThePole", func(t *testing.T) {
		edges := mapList(t, s.handler, "hubs", map[string]any{"near": mapCircle(89.99, 0, 100)}, nil, 100)
		lngs := map[float64]bool{}
		for _, e := range edges {
			lngs[*e.Node.Lng] = true
		}
		for _, lng := range []float64{-135, -45, 45, 135, 180} {
			if !lngs[lng] {
				t.Errorf("the circle around (89.99, 0) misses the hub at (89.5, %v): got %v", lng, mapEdgeIDs(edges))
			}
		}
	})

	t.Run("WithAnotherFilter", func(t *testing.T) {
		want, dist := nearWant(t, "hubs", []string{"TX"}, 35.0844, -106.6504, 400)
		filter := map[string]any{"near": mapCircle(35.0844, -106.6504, 400), "states": []string{"TX"}}
		checkNear(t, "hubs", mapList(t, s.handler, "hubs", filter, nil, 100), want, dist)
	})

	t.Run("PagesBackward", func(t *testing.T) {
		want, dist := nearWant(t, "hubs", nil, 35.0844, -106.6504, 400)
		query := `query($near: Near) { hubs(filter: {near: $near}, last: 2) { ` + mapConnectionFields + ` } }`
		status, resp := postQuery(t, s.handler, query, map[string]any{"near": mapCircle(35.0844, -106.6504, 400)})
		if status != http.StatusOK || len(resp.Errors) > 0 {
			t.Fatalf("status %d, errors %+v", status, resp.Errors)
		}
		var data struct {
			Hubs mapConnection `json:"hubs"`
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
		filter := map[string]any{"near": mapCircle(35.0844, -106.6504, 400)}
		for _, size := range []int{100, 2} {
			edges := mapList(t, s.handler, "hubs", filter, map[string]any{"field": "NAME"}, size)
			if got := mapEdgeIDs(edges); !slices.Equal(got, inNameOrder("hubs", want)) {
				t.Errorf("pages of %d by name: %v; want %v", size, got, inNameOrder("hubs", want))
			}
			checkNear(t, "hubs", edges, mapEdgeIDs(edges), dist)
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
				c.state, c.field, strings.Replace(mapConnectionFields, " pageInfo { hasNextPage endCursor }", "", 1))
			status, resp := postQuery(t, s.handler, query, map[string]any{"near": mapCircle(c.lat, c.lng, c.radiusKm)})
			if status != http.StatusOK || len(resp.Errors) > 0 {
				t.Fatalf("status %d, errors %+v", status, resp.Errors)
			}
			var data struct {
				State map[string]json.RawMessage `json:"state"`
			}
			var conn mapConnection
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
			mapConnectionFields + ` } } }`
		status, resp := postQuery(t, s.handler, query, nil)
		if status != http.StatusOK || len(resp.Errors) > 0 {
			t.Fatalf("status %d, errors %+v", status, resp.Errors)
		}
		var data struct {
			State struct {
				Hubs mapConnection `json:"hubs"`
			} `json:"state"`
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			t.Fatal(err)
		}
		want := inNameOrder("hubs", mapHubIDs("suva", "taveuni", "apia", "dateline-east", "dateline-west", "edge-170", "edge-minus-170"))
		if got := mapEdgeIDs(data.State.Hubs.Edges); !slices.Equal(got, want) {
			t.Errorf("American Samoa's hubs in the box: %v; want %v", got, want)
		}
	})
}

// TestMapNearAndWithinBadInput shows that out-of-range boxes and circles are refused as
// BAD_USER_INPUT before any database command.
func TestMapNearAndWithinBadInput(t *testing.T) {
	s := newMapServer(t)
	abq := mapCircle(35.0844, -106.6504, 100)
	cases := []struct {
		name   string
		filter map[string]any
		want   string // part of the message
	}{
		{"LatitudeAbove90", map[string]any{"near": mapCircle(91, 0, 100)}, "latitude"},
		{"LatitudeBelowMinus90", map[string]any{"near": mapCircle(-90.5, 0, 100)}, "latitude"},
		{"LongitudeBelowMinus180", map[string]any{"near": mapCircle(0, -181, 100)}, "longitude"},
		{"LongitudeAbove180", map[string]any{"near": mapCircle(0, 180.001, 100)}, "longitude"},
		{"RadiusZero", map[string]any{"near": mapCircle(0, 0, 0)}, "radiusKm"},
		{"RadiusNegative", map[string]any{"near": mapCircle(0, 0, -5)}, "radiusKm"},
		{"RadiusAboveTheLimit", map[string]any{"near": mapCircle(0, 0, 2001)}, "radiusKm"},
		{"SouthNorthOfNorth", map[string]any{"within": mapBox(-10, 20, 10, 10)}, "south"},
		{"BoxNorthAbove90", map[string]any{"within": mapBox(-10, 0, 10, 91)}, "latitudes"},
		{"BoxSouthBelowMinus90", map[string]any{"within": mapBox(-10, -91, 10, 0)}, "latitudes"},
		{"BoxWestBelowMinus180", map[string]any{"within": mapBox(-181, 0, 10, 10)}, "longitudes"},
		{"BoxEastAbove180", map[string]any{"within": mapBox(170, 0, 190, 10)}, "longitudes"},
		{"WithinAndNear", map[string]any{"within": mapBox(-115, 31, -103, 38), "near": abq}, "not both"},
	}
	for _, c := range cases {
		for _, field := range []string{"hubs", "organizations"} {
			t.Run(c.name+"/"+field, func(t *testing.T) {
				s.db.Commands.Reset()
				status, resp := postQuery(t, s.handler, mapListQuery(field), map[string]any{"filter": c.filter})
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

// geoJSONLayer is a GeoJSON FeatureCollection as a map library reads it.
type geoJSONLayer struct {
	Type     string `json:"type"`
	Features []struct {
		Type     string `json:"type"`
		ID       string `json:"id"`
		Geometry struct {
			Type        string    `json:"type"`
			Coordinates []float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

// getGeoJSON fetches a layer and checks that it is GeoJSON.
func getGeoJSON(t *testing.T, h http.Handler, target string) geoJSONLayer {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: status %d; want 200 (%s)", target, rec.Code, rec.Body)
	}
	if got := rec.Header().Get("Content-Type"); got != "application/geo+json" {
		t.Errorf("GET %s: Content-Type %q; want application/geo+json", target, got)
	}
	var layer geoJSONLayer
	dec := json.NewDecoder(rec.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&layer); err != nil {
		t.Fatalf("GET %s: not a FeatureCollection: %v", target, err)
	}
	if layer.Type != "FeatureCollection" {
		t.Errorf("GET %s: type %q; want FeatureCollection", target, layer.Type)
	}
	return layer
}

// checkLayer checks a layer against the GraphQL answer for the same filter: the same records
// (those with coordinates), in the same order, at the same points, with the same distances.
func checkLayer(t *testing.T, layer geoJSONLayer, field string, edges []mapEdge, wantDistance bool) {
	t.Helper()
	var want []mapEdge
	for _, e := range edges {
		if e.Node.Lat != nil && e.Node.Lng != nil {
			want = append(want, e)
		}
	}
	var got []string
	for _, f := range layer.Features {
		got = append(got, f.ID)
	}
	if !slices.Equal(got, mapEdgeIDs(want)) {
		t.Fatalf("features %v; GraphQL %s has %v", got, field, mapEdgeIDs(want))
	}
	for i, f := range layer.Features {
		e := want[i]
		if f.Type != "Feature" {
			t.Errorf("%s: type %q; want Feature", f.ID, f.Type)
		}
		if f.Geometry.Type != "Point" {
			t.Errorf("%s: geometry type %q; want Point", f.ID, f.Geometry.Type)
		}
		if len(f.Geometry.Coordinates) != 2 || f.Geometry.Coordinates[0] != *e.Node.Lng || f.Geometry.Coordinates[1] != *e.Node.Lat {
			t.Errorf("%s: coordinates %v; want [lng, lat] = [%v, %v]", f.ID, f.Geometry.Coordinates, *e.Node.Lng, *e.Node.Lat)
		}
		if f.Properties["id"] != f.ID {
			t.Errorf("%s: properties.id %v; want the feature's id", f.ID, f.Properties["id"])
		}
		if f.Properties["name"] != e.Node.Name {
			t.Errorf("%s: properties.name %v; want %q", f.ID, f.Properties["name"], e.Node.Name)
		}
		wantKind := "hub"
		if field == "organizations" {
			wantKind = e.Node.Kind
		}
		if f.Properties["kind"] != wantKind {
			t.Errorf("%s: properties.kind %v; want %q", f.ID, f.Properties["kind"], wantKind)
		}
		d, has := f.Properties["distanceKm"]
		switch {
		case !wantDistance && has:
			t.Errorf("%s: properties.distanceKm %v without near; want none", f.ID, d)
		case wantDistance && (!has || e.DistanceKm == nil):
			t.Errorf("%s: properties.distanceKm %v, GraphQL %v; want both", f.ID, d, e.DistanceKm)
		case wantDistance && d != *e.DistanceKm:
			t.Errorf("%s: properties.distanceKm %v; GraphQL says %v", f.ID, d, *e.DistanceKm)
		}
	}
}

// TestGeoJSON shows that the GeoJSON layers hold what the GraphQL fields answer for the same
// filter, given as query parameters.
func TestGeoJSON(t *testing.T) {
	s := newTestServer(t, 1)
	cases := []struct {
		name   string
		path   string
		field  string
		filter map[string]any
	}{
		{"Hubs", "/hubs.geojson", "hubs", nil},
		{"Organizations", "/organizations.geojson", "organizations", nil},
		{"HubsInABox", "/hubs.geojson?bbox=-115,31,-103,38", "hubs", map[string]any{"within": mapBox(-115, 31, -103, 38)}},
		{"HubsInABoxAcrossTheAntimeridian", "/hubs.geojson?bbox=100,-90,-150,90", "hubs",
			map[string]any{"within": mapBox(100, -90, -150, 90)}},
		{"OrganizationsInABox", "/organizations.geojson?bbox=-125,30,-100,50", "organizations",
			map[string]any{"within": mapBox(-125, 30, -100, 50)}},
		{"OrganizationsInABoxAcrossTheAntimeridian", "/organizations.geojson?bbox=100,0,-150,90", "organizations",
			map[string]any{"within": mapBox(100, 0, -150, 90)}},
		{"HubsNear", "/hubs.geojson?near=35.0844,-106.6504,1000", "hubs",
			map[string]any{"near": mapCircle(35.0844, -106.6504, 1000)}},
		{"OrganizationsNear", "/organizations.geojson?near=40.7128,-74.006,500", "organizations",
			map[string]any{"near": mapCircle(40.7128, -74.006, 500)}},
		{"HubsByActivity", "/hubs.geojson?activity=VISIONING", "hubs", map[string]any{"activity": []string{"VISIONING"}}},
		{"HubsByActivitiesInLowerCase", "/hubs.geojson?activity=visioning,political_education", "hubs",
			map[string]any{"activity": []string{"VISIONING", "POLITICAL_EDUCATION"}}},
		{"HubsByRepeatedActivity", "/hubs.geojson?activity=VISIONING&activity=POLITICAL_EDUCATION", "hubs",
			map[string]any{"activity": []string{"VISIONING", "POLITICAL_EDUCATION"}}},
		{"HubsByStates", "/hubs.geojson?states=NM,ca,MI", "hubs", map[string]any{"states": []string{"NM", "ca", "MI"}}},
		{"HubsBySample", "/hubs.geojson?sample=true", "hubs", map[string]any{"sample": true}},
		{"HubsOfFactsOnly", "/hubs.geojson?sample=false", "hubs", map[string]any{"sample": false}},
		{"OrganizationsByStates", "/organizations.geojson?states=NY,NM", "organizations",
			map[string]any{"states": []string{"NY", "NM"}}},
		// The facts (the coalition and its partners) have no coordinates: GraphQL lists them, the
		// map layer leaves them out.
		{"OrganizationsOfFactsOnly", "/organizations.geojson?sample=false", "organizations", map[string]any{"sample": false}},
		{"OrganizationsByKindWithoutCoordinates", "/organizations.geojson?kind=PARTNER,coalition", "organizations",
			map[string]any{"kind": []string{"PARTNER", "COALITION"}}},
		{"OrganizationsByKind", "/organizations.geojson?kind=member", "organizations", map[string]any{"kind": []string{"MEMBER"}}},
		{"OrganizationsByGeneration", "/organizations.geojson?generation=VETERAN&states=NM,AZ,TX,CA", "organizations",
			map[string]any{"generation": []string{"VETERAN"}, "states": []string{"NM", "AZ", "TX", "CA"}}},
		{"OrganizationsNearByCommunity", "/organizations.geojson?near=35.0844,-106.6504,800&community=INDIGENOUS", "organizations",
			map[string]any{"near": mapCircle(35.0844, -106.6504, 800), "community": []string{"INDIGENOUS"}}},
		{"HubsNearByActivityAndState", "/hubs.geojson?near=33.749,-84.388,1500&activity=RAPID_RESPONSE&states=GA,AL,LA", "hubs",
			map[string]any{"near": mapCircle(33.749, -84.388, 1500), "activity": []string{"RAPID_RESPONSE"}, "states": []string{"GA", "AL", "LA"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			edges := mapList(t, s.handler, c.field, c.filter, nil, 100)
			layer := getGeoJSON(t, s.handler, c.path)
			checkLayer(t, layer, c.field, edges, c.filter["near"] != nil)
			if len(edges) == 0 && c.name != "HubsOfFactsOnly" {
				t.Errorf("GraphQL finds nothing; the case wants data to compare")
			}
		})
	}

	t.Run("OverTheHandMadeData", func(t *testing.T) {
		m := newMapServer(t)
		for _, c := range []struct {
			path, field string
			filter      map[string]any
		}{
			{"/hubs.geojson?bbox=170,-20,-170,0", "hubs", map[string]any{"within": mapBox(170, -20, -170, 0)}},
			{"/hubs.geojson?near=90,0,100", "hubs", map[string]any{"near": mapCircle(90, 0, 100)}},
			{"/hubs.geojson?near=-17,179.5,1300", "hubs", map[string]any{"near": mapCircle(-17, 179.5, 1300)}},
			{"/organizations.geojson?bbox=170,-20,-170,0", "organizations", map[string]any{"within": mapBox(170, -20, -170, 0)}},
			{"/organizations.geojson", "organizations", nil},
		} {
			edges := mapList(t, m.handler, c.field, c.filter, nil, 100)
			if len(edges) == 0 {
				t.Fatalf("%s: test data: GraphQL finds nothing", c.path)
			}
			checkLayer(t, getGeoJSON(t, m.handler, c.path), c.field, edges, c.filter["near"] != nil)
		}
	})
}

// TestGeoJSONBadInput shows that a bad parameter gets 400 with a BAD_USER_INPUT error in JSON,
// before any database command.
func TestGeoJSONBadInput(t *testing.T) {
	s := newTestServer(t, 1)
	cases := []string{
		"/hubs.geojson?bbox=x",
		"/hubs.geojson?bbox=1,2,3",
		"/hubs.geojson?bbox=1,2,3,4,5",
		"/hubs.geojson?bbox=-10,50,10,40",
		"/hubs.geojson?bbox=-181,0,10,10",
		"/hubs.geojson?bbox=-10,-91,10,10",
		"/hubs.geojson?bbox=NaN,0,10,10",
		"/hubs.geojson?bbox=-Inf,0,10,10",
		"/hubs.geojson?near=35,-106",
		"/hubs.geojson?near=35,-106,0",
		"/hubs.geojson?near=35,-106,-5",
		"/hubs.geojson?near=35,-106,2001",
		"/hubs.geojson?near=91,0,10",
		"/hubs.geojson?near=0,-181,10",
		"/hubs.geojson?near=35,-106,NaN",
		"/hubs.geojson?near=35,-106,100&bbox=-115,31,-103,38",
		"/hubs.geojson?activity=FLYING",
		"/hubs.geojson?setting=VILLAGE",
		"/hubs.geojson?sample=maybe",
		"/hubs.geojson?states=New%20Mexico",
		"/organizations.geojson?bbox=x",
		"/organizations.geojson?near=0,0,0",
		"/organizations.geojson?kind=NOPE",
		"/organizations.geojson?community=ELVES",
		"/organizations.geojson?generation=BOOMER",
		"/organizations.geojson?issue=",
		"/organizations.geojson?country=USA",
	}
	for _, target := range cases {
		t.Run(strings.TrimPrefix(target, "/"), func(t *testing.T) {
			s.db.Commands.Reset()
			rec := httptest.NewRecorder()
			s.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
			if rec.Code != http.StatusBadRequest {
				t.Errorf("status %d; want 400 (%s)", rec.Code, rec.Body)
			}
			if got := rec.Header().Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type %q; want application/json", got)
			}
			var out apitest.Response
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out.Errors) != 1 {
				t.Fatalf("body %s; want one error in JSON (%v)", rec.Body, err)
			}
			if out.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || out.Errors[0].Message == "" {
				t.Errorf("error %+v; want a message and code BAD_USER_INPUT", out.Errors[0])
			}
			if n := s.db.Commands.Total(); n != 0 {
				t.Errorf("bad input cost %d database commands (%v); want 0", n, s.db.Commands.Commands())
			}
		})
	}
}
