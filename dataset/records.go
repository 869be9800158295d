package dataset

import "rootsgraph/model"

// The functions here turn stored documents back into records of the file format: the exporter
// writes them, and an update applies its changes to the record of the document it changes, so that
// a record read, written and read again is the same record (export then import is lossless).

// OrganizationRecord returns the record of an organization document. Its partners are those the
// document records (model.PartnershipOwner); the file format reads a partnership listed on either
// side as one.
func OrganizationRecord(o *model.Organization) Organization {
	r := Organization{
		Slug:         o.Slug,
		Name:         o.Name,
		OtherNames:   o.OtherNames,
		Kind:         string(o.Kind),
		Description:  model.Deref(o.Description),
		Website:      model.Deref(o.Website),
		City:         model.Deref(o.City),
		State:        code(o.StateID),
		Lat:          o.Lat,
		Lng:          o.Lng,
		Alliances:    slugs(o.AllianceIDs),
		Partners:     slugs(o.PartnerIDs),
		Organized:    slugs(o.OrganizedEventIDs),
		Participated: slugs(o.ParticipatedEventIDs),
		Communities:  strs(o.Communities),
		Issues:       strs(o.Issues),
		Generations:  strs(o.Generations),
		Sources:      sourceRecords(o.Sources),
		Sample:       o.Sample,
	}
	r.Memberships, r.Participations = citationRecords(o.Citations)
	if o.PartnerRole != nil {
		r.PartnerRole = string(*o.PartnerRole)
	}
	return r
}

// EventRecord returns the record of an event document.
func EventRecord(e *model.Event) Event {
	return Event{
		Slug:        e.Slug,
		Name:        e.Name,
		Kind:        string(e.Kind),
		StartDate:   string(e.StartDate),
		EndDate:     string(e.EndDate),
		Place:       e.Place,
		City:        model.Deref(e.City),
		State:       code(e.StateID),
		Country:     e.Country,
		Lat:         e.Lat,
		Lng:         e.Lng,
		Description: model.Deref(e.Description),
		Sources:     sourceRecords(e.Sources),
		Sample:      e.Sample,
	}
}

// HubRecord returns the record of a hub document.
func HubRecord(h *model.Hub) Hub {
	return Hub{
		Slug:       h.Slug,
		Name:       h.Name,
		Setting:    string(h.Setting),
		City:       h.City,
		State:      model.StateCode(h.StateID),
		Lat:        h.Lat,
		Lng:        h.Lng,
		Activities: strs(h.Activities),
		Hosts:      slugs(h.HostIDs),
		Events:     slugs(h.EventIDs),
		Sources:    sourceRecords(h.Sources),
		Sample:     h.Sample,
	}
}

// StateRecord returns the record of a state document.
func StateRecord(s *model.State) State {
	r := State{
		Code:     s.Code,
		Slug:     s.Slug,
		Name:     s.Name,
		Country:  s.Country,
		Type:     string(s.Type),
		Region:   s.Region,
		Division: model.Deref(s.Division),
		FIPS:     model.Deref(s.Fips),
		Lat:      s.Lat,
		Lng:      s.Lng,
		Sources:  sourceRecords(s.Sources),
		Sample:   s.Sample,
	}
	copy(r.BBox[:], s.BBox)
	return r
}

// AllianceRecord returns the record of an alliance document.
func AllianceRecord(a *model.Alliance) Alliance {
	r := Alliance{
		Slug:         a.Slug,
		Name:         a.Name,
		Acronym:      model.Deref(a.Acronym),
		Description:  model.Deref(a.Description),
		Organized:    slugs(a.OrganizedEventIDs),
		Participated: slugs(a.ParticipatedEventIDs),
		Alliances:    slugs(a.AllianceIDs),
		Sources:      sourceRecords(a.Sources),
		Sample:       a.Sample,
	}
	r.Memberships, r.Participations = citationRecords(a.Citations)
	return r
}

// citationRecords returns the records' form of a document's citations, memberships first, each
// in the order stored.
func citationRecords(cs []*model.Citation) (ms []Membership, ps []Participation) {
	for _, c := range cs {
		_, slug, _ := model.SplitID(c.To)
		if c.Role == model.RoleMember {
			ms = append(ms, Membership{Alliance: slug, Sources: sourceRecords(c.Sources)})
		} else {
			ps = append(ps, Participation{Event: slug, Role: c.Role, Sources: sourceRecords(c.Sources)})
		}
	}
	return ms, ps
}

func code(stateID *string) string {
	if stateID == nil {
		return ""
	}
	return model.StateCode(*stateID)
}

// slugs returns the slugs of global ids; nil for none, as a file that lists nothing omits the
// field.
func slugs(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		_, out[i], _ = model.SplitID(id)
	}
	return out
}

func sourceRecords(in []*model.Source) []Source {
	out := make([]Source, len(in))
	for i, s := range in {
		out[i] = Source{Title: s.Title, URL: model.Deref(s.URL), Date: model.Deref(s.Date)}
		if s.DateApproximate {
			out[i].Date += approximateMark
		}
	}
	return out
}

// strs returns enum values as strings; nil for none.
func strs[T ~string](values []T) []string {
	if len(values) == 0 {
		return nil
	}
	return model.Strings(values)
}
