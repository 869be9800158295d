package httpapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"rootsgraph/apitest"
	"rootsgraph/loaders"
)

// This file tests the GeoJSON layers over the hand-made map data set of apitest/maps.go: each
// holds what the GraphQL field answers for the same filter.

// newMapServer serves the hand-made map data set, with HTTP caching on.
func newMapServer(t *testing.T) *testServer {
	t.Helper()
	db := apitest.SeedMaps(t)
	srv := New(slog.New(slog.DiscardHandler), db.Store, Options{
		LoaderWait: loaders.DefaultWait, Introspection: true, CacheMaxAge: time.Minute,
	})
	return &testServer{t: t, db: db, handler: srv, logs: &bytes.Buffer{}}
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
func checkLayer(t *testing.T, layer geoJSONLayer, field string, edges []apitest.MapEdge, wantDistance bool) {
	t.Helper()
	var want []apitest.MapEdge
	for _, e := range edges {
		if e.Node.Lat != nil && e.Node.Lng != nil {
			want = append(want, e)
		}
	}
	var got []string
	for _, f := range layer.Features {
		got = append(got, f.ID)
	}
	if !slices.Equal(got, apitest.MapEdgeIDs(want)) {
		t.Fatalf("features %v; GraphQL %s has %v", got, field, apitest.MapEdgeIDs(want))
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
		{"HubsInABox", "/hubs.geojson?bbox=-115,31,-103,38", "hubs", map[string]any{"within": apitest.MapBox(-115, 31, -103, 38)}},
		{"HubsInABoxAcrossTheAntimeridian", "/hubs.geojson?bbox=100,-90,-150,90", "hubs",
			map[string]any{"within": apitest.MapBox(100, -90, -150, 90)}},
		{"OrganizationsInABox", "/organizations.geojson?bbox=-125,30,-100,50", "organizations",
			map[string]any{"within": apitest.MapBox(-125, 30, -100, 50)}},
		{"OrganizationsInABoxAcrossTheAntimeridian", "/organizations.geojson?bbox=100,0,-150,90", "organizations",
			map[string]any{"within": apitest.MapBox(100, 0, -150, 90)}},
		{"HubsNear", "/hubs.geojson?near=35.0844,-106.6504,1000", "hubs",
			map[string]any{"near": apitest.MapCircle(35.0844, -106.6504, 1000)}},
		{"OrganizationsNear", "/organizations.geojson?near=40.7128,-74.006,500", "organizations",
			map[string]any{"near": apitest.MapCircle(40.7128, -74.006, 500)}},
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
			map[string]any{"near": apitest.MapCircle(35.0844, -106.6504, 800), "community": []string{"INDIGENOUS"}}},
		{"HubsNearByActivityAndState", "/hubs.geojson?near=33.749,-84.388,1500&activity=RAPID_RESPONSE&states=GA,AL,LA", "hubs",
			map[string]any{"near": apitest.MapCircle(33.749, -84.388, 1500), "activity": []string{"RAPID_RESPONSE"}, "states": []string{"GA", "AL", "LA"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			edges := apitest.MapList(t, s.handler, c.field, c.filter, nil, 100)
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
			{"/hubs.geojson?bbox=170,-20,-170,0", "hubs", map[string]any{"within": apitest.MapBox(170, -20, -170, 0)}},
			{"/hubs.geojson?near=90,0,100", "hubs", map[string]any{"near": apitest.MapCircle(90, 0, 100)}},
			{"/hubs.geojson?near=-17,179.5,1300", "hubs", map[string]any{"near": apitest.MapCircle(-17, 179.5, 1300)}},
			{"/organizations.geojson?bbox=170,-20,-170,0", "organizations", map[string]any{"within": apitest.MapBox(170, -20, -170, 0)}},
			{"/organizations.geojson", "organizations", nil},
		} {
			edges := apitest.MapList(t, m.handler, c.field, c.filter, nil, 100)
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
