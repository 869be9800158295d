// Package dataset holds the bundled It Takes Roots data set and defines the file format that the
// bundled files, the roster importer and the exporter share.
//
// A data set is a folder (or an embedded file system) of five JSON files, each an array of records:
// states.json, alliances.json, organizations.json, events.json and hubs.json. Records refer to one
// another by slug (states by their postal code), never by database id, so that a curator can write
// a file by hand or from a spreadsheet. The format is documented in dataset/README.md.
package dataset

import (
	"slices"

	"rootsgraph/model"
)

// Source says where a record's facts, or one of its edges, come from, and when.
type Source struct {
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
	// Date is the date the source shows or implies: YYYY, YYYY-MM or YYYY-MM-DD, with a trailing
	// "~" when it is approximate (implied, or the first year of a span); empty when it gives none.
	Date string `json:"date,omitempty"`
}

// Membership gives the sources of one of a record's memberships (its alliance is also in the
// record's alliances): who lists it as a member of that alliance, and when.
type Membership struct {
	Alliance string   `json:"alliance"` // alliance slug
	Sources  []Source `json:"sources"`
}

// Participation gives the sources of one of a record's parts in an event: ORGANIZER (the event is
// also in the record's organized), PARTICIPANT or HOST (in participated).
type Participation struct {
	Event   string   `json:"event"` // event slug
	Role    string   `json:"role"`
	Sources []Source `json:"sources"`
}

// State is a US state, district or territory, or a Canadian province or territory.
type State struct {
	Code     string     `json:"code"`               // USPS or Canada Post code, e.g. "NY", "QC"
	Slug     string     `json:"slug"`               // e.g. "new-york"
	Name     string     `json:"name"`               // e.g. "New York"
	Country  string     `json:"country"`            // "US" or "CA"
	Type     string     `json:"type"`               // STATE, DISTRICT, TERRITORY, PROVINCE
	Region   string     `json:"region"`             // Census region, or Canadian region
	Division string     `json:"division,omitempty"` // Census division (US only)
	FIPS     string     `json:"fips,omitempty"`     // two-digit FIPS code (US only)
	Lat      float64    `json:"lat"`                // approximate centroid
	Lng      float64    `json:"lng"`
	BBox     [4]float64 `json:"bbox"` // approximate [west, south, east, north]
	Sources  []Source   `json:"sources"`
	Sample   bool       `json:"sample"`
}

// Alliance is one of the anchor alliances of the coalition.
type Alliance struct {
	Slug         string   `json:"slug"`
	Name         string   `json:"name"`
	Acronym      string   `json:"acronym,omitempty"`
	Description  string   `json:"description,omitempty"`
	Website      string   `json:"website,omitempty"`
	Organized    []string `json:"organized,omitempty"`    // event slugs this alliance organized
	Participated []string `json:"participated,omitempty"` // event slugs this alliance took part in
	// Alliances are the slugs of the other alliances that list this one as a member.
	Alliances      []string        `json:"alliances,omitempty"`
	Memberships    []Membership    `json:"memberships,omitempty"`
	Participations []Participation `json:"participations,omitempty"`
	Sources        []Source        `json:"sources"`
	Sample         bool            `json:"sample"`
}

// Organization is a member organization, a partner, or the coalition itself.
type Organization struct {
	Slug         string   `json:"slug"`
	Name         string   `json:"name"`
	OtherNames   []string `json:"otherNames,omitempty"`  // other spellings its sources use
	Kind         string   `json:"kind"`                  // COALITION, MEMBER, PARTNER, ALLY
	PartnerRole  string   `json:"partnerRole,omitempty"` // WORKS_ALONGSIDE, COLLABORATES (partners only)
	Description  string   `json:"description,omitempty"`
	Website      string   `json:"website,omitempty"`
	City         string   `json:"city,omitempty"`
	State        string   `json:"state,omitempty"` // state code; empty when not known
	Lat          *float64 `json:"lat,omitempty"`
	Lng          *float64 `json:"lng,omitempty"`
	Alliances    []string `json:"alliances,omitempty"`    // alliance slugs
	Partners     []string `json:"partners,omitempty"`     // organization slugs (the relation is symmetric)
	Organized    []string `json:"organized,omitempty"`    // event slugs
	Participated []string `json:"participated,omitempty"` // event slugs
	Communities  []string `json:"communities,omitempty"`
	Issues       []string `json:"issues,omitempty"`
	Generations  []string `json:"generations,omitempty"`
	// Memberships and Participations give the sources of some of the edges above.
	Memberships    []Membership    `json:"memberships,omitempty"`
	Participations []Participation `json:"participations,omitempty"`
	Sources        []Source        `json:"sources"`
	Sample         bool            `json:"sample"`
}

// Event is a mobilization, march, conference or convention.
type Event struct {
	Slug        string   `json:"slug"`
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`      // MARCH, CONFERENCE, CARAVAN, MOBILIZATION, CONVENTION
	StartDate   string   `json:"startDate"` // YYYY-MM-DD
	EndDate     string   `json:"endDate"`   // YYYY-MM-DD
	Place       string   `json:"place"`     // human-readable place
	City        string   `json:"city,omitempty"`
	State       string   `json:"state,omitempty"` // state code when in the US or Canada
	Country     string   `json:"country"`         // ISO 3166-1 alpha-2
	Lat         *float64 `json:"lat,omitempty"`
	Lng         *float64 `json:"lng,omitempty"`
	Description string   `json:"description,omitempty"`
	Sources     []Source `json:"sources"`
	Sample      bool     `json:"sample"`
}

// Hub is a Resistance Hub in a small town or a large city.
type Hub struct {
	Slug       string   `json:"slug"`
	Name       string   `json:"name"`
	Setting    string   `json:"setting"` // SMALL_TOWN or LARGE_CITY
	City       string   `json:"city"`
	State      string   `json:"state"`
	Lat        float64  `json:"lat"`
	Lng        float64  `json:"lng"`
	Activities []string `json:"activities"` // DIRECT_ACTION_TRAINING, VISIONING, RAPID_RESPONSE, ...
	Hosts      []string `json:"hosts"`      // organization slugs
	Events     []string `json:"events,omitempty"`
	Sources    []Source `json:"sources"`
	Sample     bool     `json:"sample"`
}

// DropUnlistedCitations drops the memberships and participations whose edge the record no longer
// lists (an update that removes an alliance removes what was said about it).
func (o *Organization) DropUnlistedCitations() {
	o.Memberships = slices.DeleteFunc(o.Memberships, func(m Membership) bool { return !slices.Contains(o.Alliances, m.Alliance) })
	o.Participations = slices.DeleteFunc(o.Participations, func(p Participation) bool {
		return !slices.Contains(model.EdgeList(p.Role, nil, o.Organized, o.Participated), p.Event)
	})
}
