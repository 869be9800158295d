package httpapi

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"rootsgraph/apierr"
	"rootsgraph/graph"
	"rootsgraph/model"
)

// The GeoJSON layers a map widget loads directly (Leaflet's L.geoJSON, MapLibre's geojson source):
//
//	GET /hubs.geojson?bbox=west,south,east,north&activity=RAPID_RESPONSE
//	GET /organizations.geojson?near=35.08,-106.65,300&community=INDIGENOUS
//
// Each answers an application/geo+json FeatureCollection (RFC 7946: coordinates are
// [longitude, latitude]) of the records that pass the same filters as the GraphQL fields, given
// as query parameters; lists are comma-separated or repeated. bbox crosses the antimeridian when
// west > east. Records without coordinates are left out.

type featureCollection struct {
	Type     string    `json:"type"`
	Features []feature `json:"features"`
}

type feature struct {
	Type       string         `json:"type"`
	ID         string         `json:"id"`
	Geometry   point          `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type point struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

func newFeature(id string, lat, lng float64, props map[string]any) feature {
	props["id"] = id
	return feature{Type: "Feature", ID: id, Geometry: point{Type: "Point", Coordinates: [2]float64{lng, lat}}, Properties: props}
}

// geoParams reads bbox and near.
func geoParams(q url.Values) (*model.BoundingBox, *model.Near, error) {
	var box *model.BoundingBox
	b, err := floatsParam(q, "bbox", 4, "west,south,east,north in degrees")
	if err != nil {
		return nil, nil, err
	}
	if b != nil {
		box = &model.BoundingBox{West: b[0], South: b[1], East: b[2], North: b[3]}
	}
	var near *model.Near
	n, err := floatsParam(q, "near", 3, "lat,lng,radiusKm")
	if err != nil {
		return nil, nil, err
	}
	if n != nil {
		near = &model.Near{Lat: n[0], Lng: n[1], RadiusKm: n[2]}
	}
	return box, near, nil
}

func hubFilterFromQuery(q url.Values) (*model.HubFilter, error) {
	box, near, err := geoParams(q)
	if err != nil {
		return nil, err
	}
	c, err := coverageFilterFromQuery(q)
	if err != nil {
		return nil, err
	}
	f := &model.HubFilter{
		Alliances: c.Alliances, States: c.States, Country: c.Country, Region: c.Region,
		Community: c.Community, Issue: c.Issue, Sample: c.Sample,
		Search: stringParam(q, "search"), Within: box, Near: near,
	}
	if f.Setting, err = enumParam[model.HubSetting](q, "setting"); err != nil {
		return nil, err
	}
	if f.Activity, err = enumParam[model.HubActivity](q, "activity"); err != nil {
		return nil, err
	}
	return f, nil
}

func organizationFilterFromQuery(q url.Values) (*model.OrganizationFilter, error) {
	box, near, err := geoParams(q)
	if err != nil {
		return nil, err
	}
	c, err := coverageFilterFromQuery(q)
	if err != nil {
		return nil, err
	}
	f := &model.OrganizationFilter{
		Alliances: c.Alliances, States: c.States, Country: c.Country, Region: c.Region,
		Community: c.Community, Issue: c.Issue, Sample: c.Sample,
		Search: stringParam(q, "search"), Within: box, Near: near,
	}
	if f.Kind, err = enumParam[model.OrganizationKind](q, "kind"); err != nil {
		return nil, err
	}
	if f.Generation, err = enumParam[model.Generation](q, "generation"); err != nil {
		return nil, err
	}
	return f, nil
}

// handleHubsGeoJSON answers /hubs.geojson.
func handleHubsGeoJSON(resolver *graph.Resolver, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		filter, err := hubFilterFromQuery(r.URL.Query())
		if err == nil {
			err = onlyParams(r.URL.Query(), hubParams)
		}
		if err != nil {
			apierr.Write(w, apierr.BadUserInput, err.Error())
			return
		}
		hubs, err := resolver.AllHubs(r.Context(), filter)
		if writeResolverError(w, r, logger, err) {
			return
		}
		var hostIDs []string
		for _, h := range hubs.Items {
			hostIDs = append(hostIDs, h.HostIDs...)
		}
		names, err := resolver.OrganizationNames(r.Context(), hostIDs)
		if writeResolverError(w, r, logger, err) {
			return
		}
		fc := featureCollection{Type: "FeatureCollection", Features: make([]feature, 0, len(hubs.Items))}
		for i, h := range hubs.Items {
			hosts := make([]string, 0, len(h.HostIDs))
			for _, id := range h.HostIDs {
				if n, ok := names[id]; ok {
					hosts = append(hosts, n)
				}
			}
			props := map[string]any{
				"name": h.Name, "kind": "hub", "setting": h.Setting, "city": h.City,
				"state": model.StateCode(h.StateID), "activities": h.Activities, "hosts": hosts, "sample": h.Sample,
			}
			addDistance(props, hubs.DistancesKm, i)
			fc.Features = append(fc.Features, newFeature(h.ID, h.Lat, h.Lng, props))
		}
		writeGeoJSON(w, fc)
	})
}

// handleOrganizationsGeoJSON answers /organizations.geojson.
func handleOrganizationsGeoJSON(resolver *graph.Resolver, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		filter, err := organizationFilterFromQuery(r.URL.Query())
		if err == nil {
			err = onlyParams(r.URL.Query(), orgParams)
		}
		if err != nil {
			apierr.Write(w, apierr.BadUserInput, err.Error())
			return
		}
		orgs, err := resolver.AllOrganizations(r.Context(), filter)
		if writeResolverError(w, r, logger, err) {
			return
		}
		fc := featureCollection{Type: "FeatureCollection", Features: make([]feature, 0, len(orgs.Items))}
		for i, o := range orgs.Items {
			lat, lng, ok := o.Point()
			if !ok {
				continue
			}
			props := map[string]any{
				"name": o.Name, "kind": o.Kind, "city": o.City, "state": model.StateCode(model.Deref(o.StateID)),
				"alliances": o.AllianceIDs, "communities": o.Communities, "issues": o.Issues,
				"website": o.Website, "sample": o.Sample,
			}
			addDistance(props, orgs.DistancesKm, i)
			fc.Features = append(fc.Features, newFeature(o.ID, lat, lng, props))
		}
		writeGeoJSON(w, fc)
	})
}

func addDistance(props map[string]any, distances []*float64, i int) {
	if distances != nil && distances[i] != nil {
		props["distanceKm"] = *distances[i]
	}
}

func writeGeoJSON(w http.ResponseWriter, fc featureCollection) {
	b, err := json.Marshal(fc)
	if err != nil {
		apierr.Write(w, apierr.Internal, fmt.Sprintf("the layer could not be written: %v", err))
		return
	}
	w.Header().Set("Content-Type", "application/geo+json")
	_, _ = w.Write(b)
}
