package store_test

import (
	"math"
	"slices"
	"testing"

	"rootsgraph/model"
	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

// Lengths on the mean-radius Earth (6371.0088 km), worked out by hand: one degree of a great
// circle is 6371.0088 × π / 180 km, and half a great circle, the distance to the antipodes,
// 6371.0088 × π km.
const (
	oneDegreeKm         = 111.19508
	halfCircumferenceKm = 20015.114
)

// TestGeoDistanceKm checks the haversine distance against values worked out by hand.
func TestGeoDistanceKm(t *testing.T) {
	cases := []struct {
		name                   string
		lat1, lng1, lat2, lng2 float64
		want, tolerance        float64
	}{
		{"SamePoint", 35.0844, -106.6504, 35.0844, -106.6504, 0, 1e-9},
		{"OneDegreeOfLatitude", 0, 0, 1, 0, oneDegreeKm, 0.001},
		{"OneDegreeOfLatitudeFarNorth", 60, 25, 61, 25, oneDegreeKm, 0.001},
		{"OneDegreeOfLongitudeAtTheEquator", 0, 10, 0, 11, oneDegreeKm, 0.001},
		// At 60° a degree of longitude is cos 60° = half as long; the great circle is a touch shorter
		// than the parallel.
		{"OneDegreeOfLongitudeAt60", 60, 0, 60, 1, 55.5975, 0.01},
		{"LondonParis", 51.5074, -0.1278, 48.8566, 2.3522, 343.5, 0.5},
		{"AntipodesOnTheEquator", 0, 0, 0, 180, halfCircumferenceKm, 0.01},
		{"AntipodesAnywhere", 35, -106, -35, 74, halfCircumferenceKm, 0.01},
		{"PoleToPole", 90, 0, -90, 0, halfCircumferenceKm, 0.01},
		{"AcrossTheAntimeridian", 0, 179.5, 0, -179.5, oneDegreeKm, 0.001},
		{"AcrossTheAntimeridianBackwards", 0, -179.5, 0, 179.5, oneDegreeKm, 0.001},
		{"AntimeridianBothSpellings", -16.8, 180, -16.8, -180, 0, 1e-6},
		{"ThePoleAtAnyLongitude", 90, 0, 90, 123, 0, 1e-6},
		{"OverThePole", 89.5, 0, 89.5, 180, oneDegreeKm, 0.001},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := store.DistanceKm(c.lat1, c.lng1, c.lat2, c.lng2)
			if math.Abs(got-c.want) > c.tolerance {
				t.Errorf("DistanceKm(%v, %v, %v, %v) = %.4f; want %.4f ± %v", c.lat1, c.lng1, c.lat2, c.lng2, got, c.want, c.tolerance)
			}
			if back := store.DistanceKm(c.lat2, c.lng2, c.lat1, c.lng1); math.Abs(back-got) > 1e-9 {
				t.Errorf("the distance back is %.6f; the distance there is %.6f", back, got)
			}
		})
	}
}

// TestGeoBoxContains checks boxes on either side of the antimeridian and across it, edges included.
func TestGeoBoxContains(t *testing.T) {
	southwest := store.Box{West: -115, South: 31, East: -103, North: 38}
	pacific := store.Box{West: 170, South: -20, East: -170, North: 0} // crosses the antimeridian
	world := store.Box{West: -180, South: -90, East: 180, North: 90}
	meridian := store.Box{West: 10, South: -5, East: 10, North: 5} // a line of longitude
	cases := []struct {
		name     string
		box      store.Box
		lat, lng float64
		want     bool
	}{
		{"Inside", southwest, 35.0844, -106.6504, true},
		{"WestEdge", southwest, 35, -115, true},
		{"EastEdge", southwest, 35, -103, true},
		{"SouthEdge", southwest, 31, -110, true},
		{"NorthEdge", southwest, 38, -110, true},
		{"SouthWestCorner", southwest, 31, -115, true},
		{"NorthEastCorner", southwest, 38, -103, true},
		{"JustWest", southwest, 35, -115.0001, false},
		{"JustEast", southwest, 35, -102.9999, false},
		{"JustSouth", southwest, 30.9999, -110, false},
		{"JustNorth", southwest, 38.0001, -110, false},
		{"FarAway", southwest, -35, 74, false},

		{"AcrossEastOfTheLine", pacific, -18.1248, 178.4501, true},
		{"AcrossWestOfTheLine", pacific, -16.8, -179.9, true},
		{"AcrossOnTheLineAs180", pacific, -5, 180, true},
		{"AcrossOnTheLineAsMinus180", pacific, -5, -180, true},
		{"AcrossWestEdge", pacific, -10, 170, true},
		{"AcrossEastEdge", pacific, -10, -170, true},
		{"AcrossCorner", pacific, -20, -170, true},
		{"AcrossJustOutsideWest", pacific, -10, 169.9999, false},
		{"AcrossJustOutsideEast", pacific, -10, -169.9999, false},
		{"AcrossGreenwichIsNotInside", pacific, -10, 0, false},
		{"AcrossNorthOfIt", pacific, 0.0001, 178, false},
		{"AcrossSouthOfIt", pacific, -20.0001, 178, false},

		{"WorldHoldsTheNorthPole", world, 90, 0, true},
		{"WorldHoldsTheSouthPole", world, -90, 180, true},
		{"WorldHoldsTheAntimeridian", world, 0, -180, true},
		{"LineOfLongitudeOn", meridian, 0, 10, true},
		{"LineOfLongitudeOff", meridian, 0, 10.0001, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.box.Contains(c.lat, c.lng); got != c.want {
				t.Errorf("%+v.Contains(%v, %v) = %v; want %v", c.box, c.lat, c.lng, got, c.want)
			}
		})
	}
}

// destination returns the point radiusKm from (lat, lng) on the given bearing (degrees clockwise
// from north), by the spherical destination-point formula, with the longitude in [-180, 180].
func destination(lat, lng, bearing, radiusKm float64) (float64, float64) {
	rad := math.Pi / 180
	φ1, λ1, θ := lat*rad, lng*rad, bearing*rad
	δ := radiusKm / store.EarthRadiusKm
	φ2 := math.Asin(math.Sin(φ1)*math.Cos(δ) + math.Cos(φ1)*math.Sin(δ)*math.Cos(θ))
	λ2 := λ1 + math.Atan2(math.Sin(θ)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*math.Sin(φ2))
	return φ2 / rad, normalizeLng(λ2 / rad)
}

func normalizeLng(lng float64) float64 {
	lng = math.Mod(lng+180, 360)
	if lng < 0 {
		lng += 360
	}
	return lng - 180
}

// growBox returns the box with every edge moved out by eps degrees.
func growBox(b store.Box, eps float64) store.Box {
	return store.Box{West: b.West - eps, South: b.South - eps, East: b.East + eps, North: b.North + eps}
}

// lngSpan returns how many degrees of longitude a box covers.
func lngSpan(b store.Box) float64 {
	if b.West > b.East {
		return 360 - (b.West - b.East)
	}
	return b.East - b.West
}

// TestGeoBoxAround checks that the box around a circle holds every point of the circle (360
// bearings), wraps across the antimeridian, spans every longitude near a pole, and is not much
// larger than the circle.
func TestGeoBoxAround(t *testing.T) {
	cases := []struct {
		name         string
		lat, lng     float64
		radiusKm     float64
		wantAllLng   bool // the circle holds a pole: the box must span every longitude
		wantCrossing bool // the box must cross the antimeridian
	}{
		{name: "Albuquerque300", lat: 35.0844, lng: -106.6504, radiusKm: 300},
		{name: "Equator2000", lat: 0, lng: 0, radiusKm: 2000},
		{name: "Tiny", lat: 40.7128, lng: -74.006, radiusKm: 0.5},
		{name: "Lat60", lat: 60, lng: 25, radiusKm: 1000},
		{name: "LatMinus60", lat: -60, lng: -70, radiusKm: 1000},
		{name: "Lat85", lat: 85, lng: 40, radiusKm: 500},
		{name: "Lat85NotReachingThePole", lat: 85, lng: 40, radiusKm: 400},
		{name: "NearAntimeridianEast", lat: -17, lng: 179.9, radiusKm: 500, wantCrossing: true},
		{name: "NearAntimeridianWest", lat: -17, lng: -179.9, radiusKm: 500, wantCrossing: true},
		{name: "AntimeridianFarNorth", lat: 65, lng: 179.9, radiusKm: 1500, wantCrossing: true},
		{name: "NorthPole", lat: 89.99, lng: 0, radiusKm: 10, wantAllLng: true},
		{name: "NorthPoleWide", lat: 89.99, lng: -100, radiusKm: 2000, wantAllLng: true},
		{name: "SouthPole", lat: -89.99, lng: 45, radiusKm: 10, wantAllLng: true},
		{name: "SouthPoleWide", lat: -89.99, lng: 179.9, radiusKm: 2000, wantAllLng: true},
		{name: "CircleOverThePole", lat: 80, lng: 0, radiusKm: 1500, wantAllLng: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			box := store.BoxAround(c.lat, c.lng, c.radiusKm)
			dLat := c.radiusKm / store.EarthRadiusKm * 180 / math.Pi
			minLng, maxLng := math.Inf(1), math.Inf(-1)
			var widest float64 // the circle's own largest longitude offset from its centre
			for bearing := range 360 {
				lat, lng := destination(c.lat, c.lng, float64(bearing), c.radiusKm)
				if d := store.DistanceKm(c.lat, c.lng, lat, lng); math.Abs(d-c.radiusKm) > 1e-6 {
					t.Fatalf("test formula: the point on bearing %d is %.9f km away; want %v", bearing, d, c.radiusKm)
				}
				// A point on the circle's edge may land a rounding error outside a box that touches it:
				// allow 1e-9° (0.1 mm).
				if !growBox(box, 1e-9).Contains(lat, lng) {
					t.Errorf("BoxAround(%v, %v, %v) = %+v leaves out (%.6f, %.6f) on bearing %d",
						c.lat, c.lng, c.radiusKm, box, lat, lng, bearing)
				}
				minLng, maxLng = min(minLng, lng), max(maxLng, lng)
				widest = max(widest, math.Abs(normalizeLng(lng-c.lng)))
			}
			if !box.Contains(c.lat, c.lng) {
				t.Errorf("box %+v leaves out its own centre", box)
			}
			if c.wantAllLng {
				if box.West != -180 || box.East != 180 {
					t.Errorf("box %+v; want it to span every longitude (west -180, east 180)", box)
				}
				if maxLng-minLng < 350 {
					t.Errorf("test data: the circle's points span %.1f° of longitude; want nearly all", maxLng-minLng)
				}
			}
			if crossing := box.West > box.East; crossing != c.wantCrossing {
				t.Errorf("box %+v crosses the antimeridian: %v; want %v", box, crossing, c.wantCrossing)
			}
			// Not absurdly large: no taller than the circle (clipped at the poles); unless it must
			// span every longitude, never wider than a hemisphere; and away from the poles no wider
			// than twice the circle's own span.
			wantSouth, wantNorth := math.Max(c.lat-dLat, -90), math.Min(c.lat+dLat, 90)
			if box.South < wantSouth-1e-9 || box.North > wantNorth+1e-9 {
				t.Errorf("box %+v runs from %.6f to %.6f in latitude; want at most %.6f to %.6f",
					box, box.South, box.North, wantSouth, wantNorth)
			}
			if box.South < -90 || box.North > 90 || box.West < -180 || box.East > 180 {
				t.Errorf("box %+v leaves the globe", box)
			}
			span := lngSpan(box)
			if !c.wantAllLng && span > 180+1e-9 {
				t.Errorf("box %+v spans %.3f° of longitude; want at most a hemisphere (the circle spans %.3f°)", box, span, 2*widest)
			}
			if math.Abs(c.lat)+dLat <= 70 && span > 4*widest+1e-9 {
				t.Errorf("box %+v spans %.3f° of longitude; the circle spans %.3f°: want at most twice that", box, span, 2*widest)
			}
		})
	}
}

// geoHub is a hub at a hand-picked point, for database tests.
func geoHub(slug string, lat, lng float64) *model.Hub {
	name := "Hub " + slug
	return &model.Hub{
		ID: model.HubID(slug), Slug: slug, Name: name, NameKey: model.NameKey(name),
		Setting: model.HubSettingSmallTown, City: slug, StateID: model.StateID("AS"),
		Country: "US", Region: "Territories", StateSort: model.StateSort("AS", model.NameKey(name)),
		Lat: lat, Lng: lng,
		Activities: []model.HubActivity{}, HostIDs: []string{}, EventIDs: []string{},
		AllianceIDs: []string{}, Communities: []model.Community{}, Issues: []model.Issue{},
		Sources: []*model.Source{}, CreatedAt: storetest.Fixed, UpdatedAt: storetest.Fixed,
	}
}

// geoOrganization is an organization at a hand-picked point, or nowhere when lat and lng are nil.
func geoOrganization(slug string, lat, lng *float64) *model.Organization {
	name := "Organization " + slug
	return &model.Organization{
		ID: model.OrganizationID(slug), Slug: slug, Name: name, NameKey: model.NameKey(name),
		Kind: model.OrganizationKindMember, StateSort: model.StateSort("", model.NameKey(name)),
		Lat: lat, Lng: lng,
		AllianceIDs: []string{}, PartnerIDs: []string{}, OrganizedEventIDs: []string{}, ParticipatedEventIDs: []string{},
		Communities: []model.Community{}, Issues: []model.Issue{}, Generations: []model.Generation{},
		Sources: []*model.Source{}, CreatedAt: storetest.Fixed, UpdatedAt: storetest.Fixed,
	}
}

// TestGeoWithinInDatabase shows that a Within filter in the database keeps exactly the hubs in
// the box, across the antimeridian too, and that Match agrees with the database on every hub.
func TestGeoWithinInDatabase(t *testing.T) {
	hubs := []*model.Hub{
		geoHub("albuquerque", 35.0844, -106.6504),
		geoHub("santa-fe", 35.687, -105.9378),
		geoHub("denver", 39.7392, -104.9903),
		geoHub("los-angeles", 34.0522, -118.2437),
		geoHub("west-edge", 35, -115),
		geoHub("south-edge", 31, -110),
		geoHub("suva", -18.1248, 178.4501),
		geoHub("taveuni", -16.8, -179.9),
		geoHub("apia", -13.8333, -171.7667),
		geoHub("niue", -19.0544, -169.8672),
		geoHub("port-vila", -17.7333, 168.3273),
		geoHub("line-east", -5, 180),
		geoHub("line-west", -5, -180),
		geoHub("edge-170", -10, 170),
		geoHub("edge-minus-170", -10, -170),
		geoHub("greenwich", -10, 0),
		geoHub("north-pole", 89.5, 45),
		geoHub("south-pole", -89.5, -135),
	}
	located, nowhere := geoOrganization("located", new(35.0844), new(-106.6504)), geoOrganization("nowhere", nil, nil)
	db := storetest.New(t)
	docs := model.Documents{Hubs: hubs, Organizations: []*model.Organization{located, nowhere}}
	if out, err := db.Seed(t.Context(), docs, storetest.Fixed); err != nil || out != store.Seeded {
		t.Fatalf("seed: %v, %v", out, err)
	}
	all := make([]string, len(hubs))
	for i, h := range hubs {
		all[i] = h.ID
	}
	ids := func(slugs ...string) []string {
		out := make([]string, len(slugs))
		for i, s := range slugs {
			out[i] = model.HubID(s)
		}
		return out
	}
	cases := []struct {
		name string
		box  store.Box
		want []string
	}{
		{"Southwest", store.Box{West: -115, South: 31, East: -103, North: 38},
			ids("albuquerque", "santa-fe", "west-edge", "south-edge")},
		{"AcrossTheAntimeridian", store.Box{West: 170, South: -20, East: -170, North: 0},
			ids("suva", "taveuni", "apia", "line-east", "line-west", "edge-170", "edge-minus-170")},
		{"AcrossTheAntimeridianNarrow", store.Box{West: 179, South: -90, East: -179, North: 90},
			ids("taveuni", "line-east", "line-west")},
		{"OnlyTheAntimeridianItself", store.Box{West: 180, South: -90, East: -180, North: 90},
			ids("line-east", "line-west")},
		{"World", store.Box{West: -180, South: -90, East: 180, North: 90}, all},
		{"Arctic", store.Box{West: -180, South: 66.5, East: 180, North: 90}, ids("north-pole")},
		{"Nothing", store.Box{West: 0, South: 0, East: 1, North: 1}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := store.Filter{Within: &c.box}
			got, err := db.Hubs(t.Context(), store.Page{Filter: f})
			if err != nil {
				t.Fatalf("hubs within %+v: %v", c.box, err)
			}
			gotIDs := make([]string, len(got))
			for i, h := range got {
				gotIDs[i] = h.ID
			}
			slices.Sort(gotIDs)
			want := slices.Sorted(slices.Values(c.want))
			if !slices.Equal(gotIDs, want) {
				t.Errorf("hubs within %+v: %v; want %v", c.box, gotIDs, want)
			}
			for _, h := range hubs {
				inDB := slices.Contains(gotIDs, h.ID)
				if m := f.Match(h); m != inDB {
					t.Errorf("Match(%s at %v, %v) = %v; the database says %v", h.ID, h.Lat, h.Lng, m, inDB)
				}
				if c := c.box.Contains(h.Lat, h.Lng); c != inDB {
					t.Errorf("Contains(%s at %v, %v) = %v; the database says %v", h.ID, h.Lat, h.Lng, c, inDB)
				}
			}
		})
	}

	// Paging by key adds its own $or to the filter; across the antimeridian the box has one too,
	// and both must hold.
	t.Run("PagesAcrossTheAntimeridian", func(t *testing.T) {
		box := store.Box{West: 170, South: -20, East: -170, North: 0}
		f := store.Filter{Within: &box}
		var got []string
		var after *store.Key
		for range 10 {
			page, err := db.Hubs(t.Context(), store.Page{Filter: f, After: after, Limit: 2})
			if err != nil {
				t.Fatalf("page after %v: %v", after, err)
			}
			if len(page) == 0 {
				break
			}
			for _, h := range page {
				got = append(got, h.ID)
			}
			last := page[len(page)-1]
			after = &store.Key{Value: last.NameKey, ID: last.ID}
		}
		var want []string
		for _, h := range hubs {
			if box.Contains(h.Lat, h.Lng) {
				want = append(want, h.ID)
			}
		}
		slices.Sort(want) // names are "Hub <slug>": by name is by id
		if !slices.Equal(got, want) {
			t.Errorf("pages of 2 across the antimeridian: %v; want %v", got, want)
		}
	})

	t.Run("RecordsWithoutCoordinatesAreNeverWithin", func(t *testing.T) {
		world := store.Box{West: -180, South: -90, East: 180, North: 90}
		f := store.Filter{Within: &world}
		got, err := db.Organizations(t.Context(), store.Page{Filter: f})
		if err != nil {
			t.Fatalf("organizations within the world: %v", err)
		}
		if len(got) != 1 || got[0].ID != located.ID {
			t.Errorf("organizations within the whole world: %v; want only %s", orgIDs(got), located.ID)
		}
		if !f.Match(located) {
			t.Error("Match: an organization with coordinates is not within the whole world")
		}
		if f.Match(nowhere) {
			t.Error("Match: an organization without coordinates is within the whole world; want never")
		}
	})
}
