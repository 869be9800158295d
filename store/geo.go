package store

import (
	"math"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Box is a geographic bounding box in degrees. A box whose West is greater than its East crosses
// the antimeridian: it holds longitudes from West to 180 and from -180 to East.
type Box struct {
	West, South, East, North float64
}

// crosses reports whether the box crosses the antimeridian.
func (b Box) crosses() bool { return b.West > b.East }

// Contains reports whether the point lies in the box, edges included.
func (b Box) Contains(lat, lng float64) bool {
	if lat < b.South || lat > b.North {
		return false
	}
	if b.crosses() {
		return lng >= b.West || lng <= b.East
	}
	return lng >= b.West && lng <= b.East
}

// bson returns the box as ranges on the lat and lng fields (which a compound index serves), in the
// portable subset: no geospatial operators.
func (b Box) bson() bson.D {
	lat := bson.E{Key: "lat", Value: bson.D{{Key: "$gte", Value: b.South}, {Key: "$lte", Value: b.North}}}
	if !b.crosses() {
		return bson.D{lat, {Key: "lng", Value: bson.D{{Key: "$gte", Value: b.West}, {Key: "$lte", Value: b.East}}}}
	}
	return bson.D{lat, {Key: "$or", Value: bson.A{
		bson.D{{Key: "lng", Value: bson.D{{Key: "$gte", Value: b.West}}}},
		bson.D{{Key: "lng", Value: bson.D{{Key: "$lte", Value: b.East}}}},
	}}}
}

// EarthRadiusKm is the mean radius of the Earth.
const EarthRadiusKm = 6371.0088

// DistanceKm returns the great-circle distance between two points, by the haversine formula.
func DistanceKm(lat1, lng1, lat2, lng2 float64) float64 {
	rad := math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLng := (lng2 - lng1) * rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * EarthRadiusKm * math.Asin(math.Min(1, math.Sqrt(a)))
}

// BoxAround returns a box that holds every point within radiusKm of (lat, lng): the database
// narrows by it, and DistanceKm refines. Near a pole the box spans every longitude; across the
// antimeridian it wraps.
func BoxAround(lat, lng, radiusKm float64) Box {
	dLat := radiusKm / EarthRadiusKm * 180 / math.Pi
	south, north := lat-dLat, lat+dLat
	if south <= -90 || north >= 90 {
		return Box{West: -180, South: math.Max(south, -90), East: 180, North: math.Min(north, 90)}
	}
	// The circle's widest longitude span, reached where its meridians touch it (not on the
	// centre's parallel): asin(sin r / cos lat) (J. Matuschek, "Finding points within a distance
	// of a latitude/longitude using bounding coordinates").
	dLng := math.Asin(math.Min(1, math.Sin(radiusKm/EarthRadiusKm)/math.Cos(lat*math.Pi/180))) * 180 / math.Pi
	if dLng >= 180 || radiusKm/EarthRadiusKm >= math.Pi/2 {
		return Box{West: -180, South: south, East: 180, North: north}
	}
	west, east := lng-dLng, lng+dLng
	if west < -180 {
		west += 360
	}
	if east > 180 {
		east -= 360
	}
	return Box{West: west, South: south, East: east, North: north}
}
