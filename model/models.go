// Package model holds the domain types: the documents the store reads and writes, which are also
// the Go types that the GraphQL schema binds to. Fields that refer to other documents keep the
// other document's global id; resolvers follow them through the per-request loaders.
package model

import (
	"slices"
	"time"
)

// Source says where a record's facts (or one of its edges) come from, and when the source said so.
type Source struct {
	Title string  `bson:"title" json:"title"`
	URL   *string `bson:"url,omitempty" json:"url,omitempty"`
	// Date is the date the source shows or implies: YYYY, YYYY-MM or YYYY-MM-DD.
	Date *string `bson:"date,omitempty" json:"date,omitempty"`
	// DateApproximate says the source only implies Date, or gives a span that Date begins.
	DateApproximate bool `bson:"dateApproximate,omitempty" json:"dateApproximate,omitempty"`
}

// Citation gives the sources of one of a record's edges, apart from the record's own: a
// membership of an alliance (Role "MEMBER", To the alliance's id) or a part in an event (Role
// ORGANIZER, PARTICIPANT or HOST, To the event's id; a host is among the event's participants).
// An edge without a citation rests on the record's sources.
type Citation struct {
	To      string    `bson:"to"`
	Role    string    `bson:"role"`
	Sources []*Source `bson:"sources"`
}

// RoleMember is the Citation role of a membership.
const RoleMember = "MEMBER"

// Alliance is one of the anchor alliances of It Takes Roots.
type Alliance struct {
	ID                   string   `bson:"_id"`
	Slug                 string   `bson:"slug"`
	Name                 string   `bson:"name"`
	NameKey              string   `bson:"nameKey"`
	Acronym              *string  `bson:"acronym,omitempty"`
	Description          *string  `bson:"description,omitempty"`
	OrganizedEventIDs    []string `bson:"organizedEventIds"`
	ParticipatedEventIDs []string `bson:"participatedEventIds"`
	// AllianceIDs are the alliances that list this one as a member.
	AllianceIDs []string    `bson:"allianceIds,omitempty"`
	Citations   []*Citation `bson:"citations,omitempty"`
	Sources     []*Source   `bson:"sources"`
	Sample      bool        `bson:"sample"`
	// Version counts the writes to the record, from 1 (see Organization.Version).
	Version   int       `bson:"version"`
	CreatedAt time.Time `bson:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

// Organization is a member organization, a partner, or the coalition itself.
type Organization struct {
	ID      string `bson:"_id"`
	Slug    string `bson:"slug"`
	Name    string `bson:"name"`
	NameKey string `bson:"nameKey"`
	// OtherNames are other spellings its sources use; search finds them (OtherNameKeys).
	OtherNames    []string         `bson:"otherNames,omitempty"`
	OtherNameKeys []string         `bson:"otherNameKeys,omitempty"`
	Kind          OrganizationKind `bson:"kind"`
	PartnerRole   *PartnerRole     `bson:"partnerRole,omitempty"`
	Description   *string          `bson:"description,omitempty"`
	Website       *string          `bson:"website,omitempty"`
	City          *string          `bson:"city,omitempty"`
	StateID       *string          `bson:"stateId,omitempty"`
	Country       *string          `bson:"country,omitempty"` // the state's, for filters
	Region        *string          `bson:"region,omitempty"`  // the state's, for filters
	StateSort     string           `bson:"stateSort"`         // see StateSort
	Lat           *float64         `bson:"lat,omitempty"`
	Lng           *float64         `bson:"lng,omitempty"`
	AllianceIDs   []string         `bson:"allianceIds"`
	// PartnerIDs are the partnerships recorded on this organization: each partnership is stored
	// once, on the partner whose id sorts first, and read both ways through the partnerIds index
	// (see PartnershipOwner).
	PartnerIDs           []string     `bson:"partnerIds"`
	OrganizedEventIDs    []string     `bson:"organizedEventIds"`
	ParticipatedEventIDs []string     `bson:"participatedEventIds"`
	Communities          []Community  `bson:"communities"`
	Issues               []Issue      `bson:"issues"`
	Generations          []Generation `bson:"generations"`
	Citations            []*Citation  `bson:"citations,omitempty"`
	Sources              []*Source    `bson:"sources"`
	Sample               bool         `bson:"sample"`
	// Version counts the writes to the record, from 1; an update names the version it read and
	// fails with a conflict when the record has moved on (optimistic concurrency).
	Version int `bson:"version"`
	// Archived records drop out of every list but stay resolvable by id and slug.
	Archived   bool       `bson:"archived"`
	ArchivedAt *time.Time `bson:"archivedAt,omitempty"`
	CreatedAt  time.Time  `bson:"createdAt"`
	UpdatedAt  time.Time  `bson:"updatedAt"`
}

// State is a US state, district or territory, or a Canadian province or territory.
type State struct {
	ID       string    `bson:"_id"`
	Code     string    `bson:"code"`
	Slug     string    `bson:"slug"`
	Name     string    `bson:"name"`
	NameKey  string    `bson:"nameKey"`
	Country  string    `bson:"country"`
	Type     StateType `bson:"type"`
	Region   string    `bson:"region"`
	Division *string   `bson:"division,omitempty"`
	Fips     *string   `bson:"fips,omitempty"`
	Lat      float64   `bson:"lat"`
	Lng      float64   `bson:"lng"`
	// BBox is the approximate bounding box, [west, south, east, north].
	BBox      []float64 `bson:"bbox"`
	Sources   []*Source `bson:"sources"`
	Sample    bool      `bson:"sample"`
	CreatedAt time.Time `bson:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

// Event is a mobilization that the coalition organized or took part in.
type Event struct {
	ID          string    `bson:"_id"`
	Slug        string    `bson:"slug"`
	Name        string    `bson:"name"`
	NameKey     string    `bson:"nameKey"`
	Kind        EventKind `bson:"kind"`
	StartDate   Date      `bson:"startDate"`
	EndDate     Date      `bson:"endDate"`
	Place       string    `bson:"place"`
	City        *string   `bson:"city,omitempty"`
	StateID     *string   `bson:"stateId,omitempty"`
	Country     string    `bson:"country"`
	Region      *string   `bson:"region,omitempty"` // the state's, for filters
	StateSort   string    `bson:"stateSort"`        // see StateSort
	Lat         *float64  `bson:"lat,omitempty"`
	Lng         *float64  `bson:"lng,omitempty"`
	Description *string   `bson:"description,omitempty"`
	Sources     []*Source `bson:"sources"`
	Sample      bool      `bson:"sample"`
	// Version counts the writes to the record, from 1 (see Organization.Version).
	Version int `bson:"version"`
	// Archived records drop out of every list but stay resolvable by id and slug.
	Archived   bool       `bson:"archived"`
	ArchivedAt *time.Time `bson:"archivedAt,omitempty"`
	CreatedAt  time.Time  `bson:"createdAt"`
	UpdatedAt  time.Time  `bson:"updatedAt"`
}

// Hub is a Resistance Hub in a small town or a large city.
type Hub struct {
	ID         string        `bson:"_id"`
	Slug       string        `bson:"slug"`
	Name       string        `bson:"name"`
	NameKey    string        `bson:"nameKey"`
	Setting    HubSetting    `bson:"setting"`
	City       string        `bson:"city"`
	StateID    string        `bson:"stateId"`
	Country    string        `bson:"country"`   // the state's, for filters
	Region     string        `bson:"region"`    // the state's, for filters
	StateSort  string        `bson:"stateSort"` // see StateSort
	Lat        float64       `bson:"lat"`
	Lng        float64       `bson:"lng"`
	Activities []HubActivity `bson:"activities"`
	HostIDs    []string      `bson:"hostIds"`
	EventIDs   []string      `bson:"eventIds"`
	// AllianceIDs, Communities and Issues are the union of the hosts' (for filters and coverage);
	// a write that changes a host's lists or a hub's hosts must update them.
	AllianceIDs []string    `bson:"allianceIds"`
	Communities []Community `bson:"communities"`
	Issues      []Issue     `bson:"issues"`
	Sources     []*Source   `bson:"sources"`
	Sample      bool        `bson:"sample"`
	// Version counts the writes to the record, from 1 (see Organization.Version).
	Version int `bson:"version"`
	// Archived records drop out of every list but stay resolvable by id and slug.
	Archived   bool       `bson:"archived"`
	ArchivedAt *time.Time `bson:"archivedAt,omitempty"`
	CreatedAt  time.Time  `bson:"createdAt"`
	UpdatedAt  time.Time  `bson:"updatedAt"`
}

// Versioned is a record that writes go through: it carries the version of its last write.
type Versioned interface {
	Node
	// GetVersion returns the version of the record's last write (from 1).
	GetVersion() int
	// GetCreatedAt returns when the record was made: with the id, it names one life of the
	// record, which a removal ends and an import may begin again.
	GetCreatedAt() time.Time
	// Stamp records a write: the new version, and when (also when the record was made, for
	// version 1).
	Stamp(version int, at time.Time)
}

func stamp(version *int, created, updated *time.Time, v int, at time.Time) {
	*version, *updated = v, at
	if v == 1 {
		*created = at
	}
}

// GetVersion returns the version of the alliance's last write.
func (a *Alliance) GetVersion() int { return a.Version }

// GetCreatedAt returns when the alliance was made.
func (a *Alliance) GetCreatedAt() time.Time { return a.CreatedAt }

// Stamp records a write of the alliance.
func (a *Alliance) Stamp(v int, at time.Time) { stamp(&a.Version, &a.CreatedAt, &a.UpdatedAt, v, at) }

// GetVersion returns the version of the organization's last write.
func (o *Organization) GetVersion() int { return o.Version }

// GetCreatedAt returns when the organization was made.
func (o *Organization) GetCreatedAt() time.Time { return o.CreatedAt }

// Stamp records a write of the organization.
func (o *Organization) Stamp(v int, at time.Time) {
	stamp(&o.Version, &o.CreatedAt, &o.UpdatedAt, v, at)
}

// GetVersion returns the version of the event's last write.
func (e *Event) GetVersion() int { return e.Version }

// GetCreatedAt returns when the event was made.
func (e *Event) GetCreatedAt() time.Time { return e.CreatedAt }

// Stamp records a write of the event.
func (e *Event) Stamp(v int, at time.Time) { stamp(&e.Version, &e.CreatedAt, &e.UpdatedAt, v, at) }

// GetVersion returns the version of the hub's last write.
func (h *Hub) GetVersion() int { return h.Version }

// GetCreatedAt returns when the hub was made.
func (h *Hub) GetCreatedAt() time.Time { return h.CreatedAt }

// Stamp records a write of the hub.
func (h *Hub) Stamp(v int, at time.Time) { stamp(&h.Version, &h.CreatedAt, &h.UpdatedAt, v, at) }

// IsArchived reports whether the organization is archived.
func (o *Organization) IsArchived() bool { return o.Archived }

// IsArchived reports whether the event is archived.
func (e *Event) IsArchived() bool { return e.Archived }

// IsArchived reports whether the hub is archived.
func (h *Hub) IsArchived() bool { return h.Archived }

// SetArchived archives the organization as of at, or restores it (nil).
func (o *Organization) SetArchived(at *time.Time) { o.Archived, o.ArchivedAt = at != nil, at }

// SetArchived archives the event as of at, or restores it (nil).
func (e *Event) SetArchived(at *time.Time) { e.Archived, e.ArchivedAt = at != nil, at }

// SetArchived archives the hub as of at, or restores it (nil).
func (h *Hub) SetArchived(at *time.Time) { h.Archived, h.ArchivedAt = at != nil, at }

// PartnershipOwner returns which of two organizations records their partnership (the one whose
// id sorts first) and the other one. A partnership is one fact, so it is stored in one document,
// and adding or removing it is one atomic write.
func PartnershipOwner(a, b string) (owner, other string) {
	if b < a {
		return b, a
	}
	return a, b
}

// OwnedPartners returns the partners of id that its own document records: those whose id sorts
// after id, sorted and distinct.
func OwnedPartners(id string, partners []string) []string {
	out := []string{}
	for _, p := range sortedSet(partners) {
		if p > id {
			out = append(out, p)
		}
	}
	return out
}

// SetHostFields sets the fields a hub copies from its hosts (alliances, communities, issues: the
// union of theirs, sorted, for filters and coverage), leaving out archived hosts.
func (h *Hub) SetHostFields(hosts []*Organization) {
	var alliances []string
	var communities []Community
	var issues []Issue
	for _, host := range hosts {
		if host == nil || host.Archived {
			continue
		}
		alliances = append(alliances, host.AllianceIDs...)
		communities = append(communities, host.Communities...)
		issues = append(issues, host.Issues...)
	}
	h.AllianceIDs = sortedSet(alliances)
	h.Communities = sortedSet(communities)
	h.Issues = sortedSet(issues)
}

// sortedSet returns the distinct values, sorted, never nil.
func sortedSet[T ~string](values []T) []T {
	out := append([]T{}, values...)
	slices.Sort(out)
	return slices.Compact(out)
}

// IsNode marks Alliance as a Node.
func (Alliance) IsNode() {}

// IsNode marks Organization as a Node.
func (Organization) IsNode() {}

// IsNode marks State as a Node.
func (State) IsNode() {}

// IsNode marks Event as a Node.
func (Event) IsNode() {}

// IsNode marks Hub as a Node.
func (Hub) IsNode() {}

// IsActor marks Organization as an Actor.
func (Organization) IsActor() {}

// IsActor marks Alliance as an Actor.
func (Alliance) IsActor() {}

// GetID returns the global id.
func (a Alliance) GetID() string { return a.ID }

// GetID returns the global id.
func (o Organization) GetID() string { return o.ID }

// GetID returns the global id.
func (s State) GetID() string { return s.ID }

// GetID returns the global id.
func (e Event) GetID() string { return e.ID }

// GetID returns the global id.
func (h Hub) GetID() string { return h.ID }

// IsEntity marks Alliance as a federation entity.
func (Alliance) IsEntity() {}

// IsEntity marks Organization as a federation entity.
func (Organization) IsEntity() {}

// IsEntity marks State as a federation entity.
func (State) IsEntity() {}

// IsEntity marks Event as a federation entity.
func (Event) IsEntity() {}

// IsEntity marks Hub as a federation entity.
func (Hub) IsEntity() {}

// StateSort returns the key that sorts records by state or province code, then by name, with
// those that have no state last.
func StateSort(stateCode, nameKey string) string {
	if stateCode == "" {
		stateCode = "~~" // after every two-letter code
	}
	return stateCode + "\x1f" + nameKey
}
