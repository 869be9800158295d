package model

import "strings"

// Type prefixes of global ids. An id is "<prefix>:<slug>"; a state's is "state:<code>".
const (
	AlliancePrefix     = "alliance"
	OrganizationPrefix = "organization"
	StatePrefix        = "state"
	EventPrefix        = "event"
	HubPrefix          = "hub"
)

// AllianceID returns the global id of the alliance with the given slug.
func AllianceID(slug string) string { return AlliancePrefix + ":" + slug }

// OrganizationID returns the global id of the organization with the given slug.
func OrganizationID(slug string) string { return OrganizationPrefix + ":" + slug }

// StateID returns the global id of the state or province with the given postal code.
func StateID(code string) string { return StatePrefix + ":" + strings.ToUpper(code) }

// EventID returns the global id of the event with the given slug.
func EventID(slug string) string { return EventPrefix + ":" + slug }

// HubID returns the global id of the hub with the given slug.
func HubID(slug string) string { return HubPrefix + ":" + slug }

// StateCode returns the postal code of a state's global id ("state:NM" → "NM").
func StateCode(stateID string) string {
	_, code, _ := SplitID(stateID)
	return code
}

// SplitID returns the type prefix and the slug (or state code) of a global id, and false when id
// is not of that form.
func SplitID(id string) (prefix, rest string, ok bool) {
	prefix, rest, ok = strings.Cut(id, ":")
	if !ok || prefix == "" || rest == "" {
		return "", "", false
	}
	return prefix, rest, true
}
