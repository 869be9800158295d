package loaders

import "rootsgraph/graph/model"

// idOf returns a document's global id.
func idOf(d any) string {
	if n, ok := d.(model.Node); ok {
		return n.GetID()
	}
	return ""
}

// refValues returns the ids that a document's reference field holds.
func refValues(d any, field string) []string {
	one := func(p *string) []string {
		if p == nil {
			return nil
		}
		return []string{*p}
	}
	switch d := d.(type) {
	case *model.Organization:
		switch field {
		case "allianceIds":
			return d.AllianceIDs
		case "partnerIds":
			return d.PartnerIDs
		case "stateId":
			return one(d.StateID)
		case "organizedEventIds":
			return d.OrganizedEventIDs
		case "participatedEventIds":
			return d.ParticipatedEventIDs
		}
	case *model.Alliance:
		switch field {
		case "organizedEventIds":
			return d.OrganizedEventIDs
		case "participatedEventIds":
			return d.ParticipatedEventIDs
		}
	case *model.Hub:
		switch field {
		case "stateId":
			return []string{d.StateID}
		case "hostIds":
			return d.HostIDs
		case "eventIds":
			return d.EventIDs
		}
	case *model.Event:
		if field == "stateId" {
			return one(d.StateID)
		}
	}
	panic("loaders: no reference field " + field + " on this document type")
}
