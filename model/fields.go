package model

import (
	"strconv"
	"time"
)

// The functions here read a document's fields by their stored names, so that one table of field
// names serves the database filter (store), its in-memory twin, and the reference loaders.

// SortTime is how times appear in sort keys and cursors: fixed width, so that comparing the
// strings compares the times.
const SortTime = "2006-01-02T15:04:05.000Z"

// Deref returns the string p points at, or "" for nil (an optional field left out).
func Deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func one(p *string) []string {
	if p == nil {
		return nil
	}
	return []string{*p}
}

// Strings returns enum values as plain strings.
func Strings[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

func sortTime(t time.Time) []string { return []string{t.UTC().Format(SortTime)} }

// Values returns the values of the organization's field with the given stored name (one for a
// scalar, any number for a list); nil for a field it does not have.
func (o *Organization) Values(field string) []string {
	switch field {
	case "archived":
		return []string{strconv.FormatBool(o.Archived)}
	case "sample":
		return []string{strconv.FormatBool(o.Sample)}
	case "_id":
		return []string{o.ID}
	case "nameKey":
		return []string{o.NameKey}
	case "otherNameKeys":
		return o.OtherNameKeys
	case "kind":
		return []string{string(o.Kind)}
	case "allianceIds":
		return o.AllianceIDs
	case "partnerIds":
		return o.PartnerIDs
	case "stateId":
		return one(o.StateID)
	case "country":
		return one(o.Country)
	case "region":
		return one(o.Region)
	case "stateSort":
		return []string{o.StateSort}
	case "organizedEventIds":
		return o.OrganizedEventIDs
	case "participatedEventIds":
		return o.ParticipatedEventIDs
	case "communities":
		return Strings(o.Communities)
	case "issues":
		return Strings(o.Issues)
	case "generations":
		return Strings(o.Generations)
	case "createdAt":
		return sortTime(o.CreatedAt)
	case "updatedAt":
		return sortTime(o.UpdatedAt)
	}
	return nil
}

// Values returns the values of the hub's field with the given stored name.
func (h *Hub) Values(field string) []string {
	switch field {
	case "archived":
		return []string{strconv.FormatBool(h.Archived)}
	case "sample":
		return []string{strconv.FormatBool(h.Sample)}
	case "_id":
		return []string{h.ID}
	case "nameKey":
		return []string{h.NameKey}
	case "setting":
		return []string{string(h.Setting)}
	case "activities":
		return Strings(h.Activities)
	case "stateId":
		return []string{h.StateID}
	case "country":
		return []string{h.Country}
	case "region":
		return []string{h.Region}
	case "stateSort":
		return []string{h.StateSort}
	case "hostIds":
		return h.HostIDs
	case "eventIds":
		return h.EventIDs
	case "allianceIds":
		return h.AllianceIDs
	case "communities":
		return Strings(h.Communities)
	case "issues":
		return Strings(h.Issues)
	case "createdAt":
		return sortTime(h.CreatedAt)
	case "updatedAt":
		return sortTime(h.UpdatedAt)
	}
	return nil
}

// Values returns the values of the event's field with the given stored name.
func (e *Event) Values(field string) []string {
	switch field {
	case "archived":
		return []string{strconv.FormatBool(e.Archived)}
	case "sample":
		return []string{strconv.FormatBool(e.Sample)}
	case "_id":
		return []string{e.ID}
	case "nameKey":
		return []string{e.NameKey}
	case "kind":
		return []string{string(e.Kind)}
	case "stateId":
		return one(e.StateID)
	case "country":
		return []string{e.Country}
	case "region":
		return one(e.Region)
	case "stateSort":
		return []string{e.StateSort}
	case "startDate":
		return []string{string(e.StartDate)}
	case "endDate":
		return []string{string(e.EndDate)}
	case "createdAt":
		return sortTime(e.CreatedAt)
	case "updatedAt":
		return sortTime(e.UpdatedAt)
	}
	return nil
}

// Values returns the values of the alliance's field with the given stored name.
func (a *Alliance) Values(field string) []string {
	switch field {
	case "sample":
		return []string{strconv.FormatBool(a.Sample)}
	case "_id":
		return []string{a.ID}
	case "nameKey":
		return []string{a.NameKey}
	case "organizedEventIds":
		return a.OrganizedEventIDs
	case "participatedEventIds":
		return a.ParticipatedEventIDs
	case "allianceIds":
		return a.AllianceIDs
	}
	return nil
}

// Values returns the values of the state's field with the given stored name.
func (s *State) Values(field string) []string {
	switch field {
	case "sample":
		return []string{strconv.FormatBool(s.Sample)}
	case "_id":
		return []string{s.ID}
	case "nameKey":
		return []string{s.NameKey}
	case "code":
		return []string{s.Code}
	case "country":
		return []string{s.Country}
	case "region":
		return []string{s.Region}
	}
	return nil
}

// Document is a stored record whose fields can be read by name.
type Document interface {
	Node
	Values(field string) []string
}

// Located is a record that may have coordinates.
type Located interface {
	// Point returns the record's latitude and longitude, and false when it has none.
	Point() (lat, lng float64, ok bool)
}

// Point returns the organization's coordinates, when known.
func (o *Organization) Point() (float64, float64, bool) {
	if o.Lat == nil || o.Lng == nil {
		return 0, 0, false
	}
	return *o.Lat, *o.Lng, true
}

// Point returns the hub's coordinates.
func (h *Hub) Point() (float64, float64, bool) { return h.Lat, h.Lng, true }

// Point returns the event's coordinates, when known.
func (e *Event) Point() (float64, float64, bool) {
	if e.Lat == nil || e.Lng == nil {
		return 0, 0, false
	}
	return *e.Lat, *e.Lng, true
}
