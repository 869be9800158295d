package apitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"rootsgraph/model"
	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

// The hand-made map data set, whose records sit at known points: ordinary US cities, both sides of the
// antimeridian in the South Pacific and the Aleutians, and both poles.

// MapPlace is a hub or organization of the hand-made data set.
type MapPlace struct {
	Slug, Name, State string
	Lat, Lng          float64
}

// MapHubPlaces are the hubs of the map data set: ordinary cities, both sides of the antimeridian,
// and both poles.
var MapHubPlaces = []MapPlace{
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

// MapOrganizationPlaces are the organizations of the map data set that have a point.
var MapOrganizationPlaces = []MapPlace{
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

// MapNowhere is the slug of an organization without coordinates, in New Mexico: never on a map.
const MapNowhere = "nowhere-collective"

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

// MapDocuments returns the hand-made data set.
func MapDocuments() model.Documents {
	now := storetest.Fixed
	var d model.Documents
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
	for _, p := range MapHubPlaces {
		d.Hubs = append(d.Hubs, &model.Hub{
			ID: model.HubID(p.Slug), Slug: p.Slug, Name: p.Name, NameKey: model.NameKey(p.Name),
			Setting: model.HubSettingSmallTown, City: p.Name, StateID: model.StateID(p.State),
			Country: regions[p.State].country, Region: regions[p.State].region,
			StateSort: model.StateSort(p.State, model.NameKey(p.Name)), Lat: p.Lat, Lng: p.Lng,
			Activities: []model.HubActivity{model.HubActivityRapidResponse}, HostIDs: []string{}, EventIDs: []string{},
			AllianceIDs: []string{}, Communities: []model.Community{}, Issues: []model.Issue{},
			Sources: []*model.Source{}, CreatedAt: now, UpdatedAt: now,
		})
	}
	org := func(p MapPlace, lat, lng *float64) *model.Organization {
		country, region := regions[p.State].country, regions[p.State].region
		return &model.Organization{
			ID: model.OrganizationID(p.Slug), Slug: p.Slug, Name: p.Name, NameKey: model.NameKey(p.Name),
			Kind: model.OrganizationKindMember, City: &p.Name, StateID: new(model.StateID(p.State)),
			Country: &country, Region: &region, StateSort: model.StateSort(p.State, model.NameKey(p.Name)),
			Lat: lat, Lng: lng,
			AllianceIDs: []string{}, PartnerIDs: []string{}, OrganizedEventIDs: []string{}, ParticipatedEventIDs: []string{},
			Communities: []model.Community{}, Issues: []model.Issue{}, Generations: []model.Generation{},
			Sources: []*model.Source{}, CreatedAt: now, UpdatedAt: now,
		}
	}
	for _, p := range MapOrganizationPlaces {
		d.Organizations = append(d.Organizations, org(p, new(p.Lat), new(p.Lng)))
	}
	d.Organizations = append(d.Organizations, org(MapPlace{Slug: MapNowhere, Name: "Nowhere Collective", State: "NM"}, nil, nil))
	return d
}

// SeedMaps opens a test database holding the hand-made map data set.
func SeedMaps(t testing.TB) *storetest.DB {
	t.Helper()
	db := storetest.New(t)
	if out, err := db.Seed(t.Context(), MapDocuments(), storetest.Fixed); err != nil || out != store.Seeded {
		t.Fatalf("seed the map data set: %v, %v", out, err)
	}
	db.Commands.Reset()
	return db
}

// MapNode is a hub or organization as the map queries ask for it.
type MapNode struct {
	ID   string   `json:"id"`
	Name string   `json:"name"`
	Kind string   `json:"kind"` // organizations only
	Lat  *float64 `json:"lat"`
	Lng  *float64 `json:"lng"`
}

type MapEdge struct {
	Cursor     string   `json:"cursor"`
	DistanceKm *float64 `json:"distanceKm"`
	Node       MapNode  `json:"node"`
}

type MapConnection struct {
	TotalCount int       `json:"totalCount"`
	Edges      []MapEdge `json:"edges"`
	PageInfo   struct {
		HasNextPage bool    `json:"hasNextPage"`
		EndCursor   *string `json:"endCursor"`
	} `json:"pageInfo"`
}

// MapConnectionFields are the fields the map tests ask of a list of hubs or organizations.
const MapConnectionFields = `totalCount edges { cursor distanceKm node { id name lat lng } } pageInfo { hasNextPage endCursor }`

// MapListQuery returns the query of one page of hubs or organizations.
func MapListQuery(field string) string {
	typ, fields := "HubFilter", MapConnectionFields
	order := "HubOrder"
	if field == "organizations" {
		typ, order = "OrganizationFilter", "OrganizationOrder"
		fields = strings.Replace(fields, "node { id name", "node { id name kind", 1)
	}
	return fmt.Sprintf(`query($filter: %s, $orderBy: %s, $first: Int, $after: String) {
	  %s(filter: $filter, orderBy: $orderBy, first: $first, after: $after) { %s }
	}`, typ, order, field, fields)
}

// PostQuery posts a query to h and decodes the answer.
func PostQuery(t testing.TB, h http.Handler, query string, variables map[string]any) (int, Response) {
	t.Helper()
	status, raw := post(h, "", query, variables)
	var out Response
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, raw)
	}
	return status, out
}

// MapList returns every edge of hubs or organizations that pass filter, in list order, paging
// with pages of pageSize; it checks that totalCount is the same on every page and counts the list.
func MapList(t testing.TB, h http.Handler, field string, filter, orderBy map[string]any, pageSize int) []MapEdge {
	t.Helper()
	var all []MapEdge
	vars := map[string]any{"filter": filter, "first": pageSize}
	if orderBy != nil {
		vars["orderBy"] = orderBy
	}
	total := -1
	for range 100 {
		status, resp := PostQuery(t, h, MapListQuery(field), vars)
		if status != http.StatusOK || len(resp.Errors) > 0 {
			t.Fatalf("%s(filter: %v): status %d, errors %+v", field, filter, status, resp.Errors)
		}
		var data map[string]MapConnection
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

// MapEdgeIDs lists the ids of edges' nodes, in order.
func MapEdgeIDs(edges []MapEdge) []string {
	out := make([]string, len(edges))
	for i, e := range edges {
		out[i] = e.Node.ID
	}
	return out
}

// MapBox is a within filter's box.
func MapBox(west, south, east, north float64) map[string]any {
	return map[string]any{"west": west, "south": south, "east": east, "north": north}
}

// MapCircle is a near filter's circle.
func MapCircle(lat, lng, radiusKm float64) map[string]any {
	return map[string]any{"lat": lat, "lng": lng, "radiusKm": radiusKm}
}
