package dataset

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"rootsgraph/model"
)

// Documents validates the set and turns it into the documents the store writes, with every
// reference resolved to a global id and every timestamp set to now. The partner relation is made
// symmetric: when A lists B, B lists A, whichever side the file wrote it on.
func (s *Set) Documents(now time.Time) (model.Documents, error) {
	if problems := s.Validate(); problems != nil {
		return model.Documents{}, problems
	}
	now = now.UTC().Truncate(time.Millisecond)
	states := map[string]State{}
	for _, st := range s.States {
		states[st.Code] = st
	}
	var d model.Documents
	for _, st := range s.States {
		d.States = append(d.States, &model.State{
			ID:        model.StateID(st.Code),
			Code:      st.Code,
			Slug:      st.Slug,
			Name:      st.Name,
			NameKey:   model.NameKey(st.Name),
			Country:   st.Country,
			Type:      model.StateType(st.Type),
			Region:    st.Region,
			Division:  optional(st.Division),
			Fips:      optional(st.FIPS),
			Lat:       st.Lat,
			Lng:       st.Lng,
			BBox:      st.BBox[:],
			Sources:   sources(st.Sources),
			Sample:    st.Sample,
			CreatedAt: now,
			UpdatedAt: now,
		})
	}
	for _, a := range s.Alliances {
		d.Alliances = append(d.Alliances, &model.Alliance{
			ID:                   model.AllianceID(a.Slug),
			Slug:                 a.Slug,
			Name:                 a.Name,
			NameKey:              model.NameKey(a.Name),
			Acronym:              optional(a.Acronym),
			Description:          optional(a.Description),
			OrganizedEventIDs:    ids(model.EventID, a.Organized),
			ParticipatedEventIDs: ids(model.EventID, a.Participated),
			AllianceIDs:          ids(model.AllianceID, a.Alliances),
			Citations:            citations(a.Memberships, a.Participations),
			Sources:              sources(a.Sources),
			Sample:               a.Sample,
			Version:              1,
			CreatedAt:            now,
			UpdatedAt:            now,
		})
	}
	for _, e := range s.Events {
		d.Events = append(d.Events, EventDocument(e, stateOf(states, e.State), now))
	}
	partners := symmetricPartners(s.Organizations)
	for _, o := range s.Organizations {
		o.Partners = partners[o.Slug]
		d.Organizations = append(d.Organizations, OrganizationDocument(o, stateOf(states, o.State), now))
	}
	orgs := map[string]*model.Organization{}
	for _, o := range d.Organizations {
		orgs[o.Slug] = o
	}
	for _, h := range s.Hubs {
		hosts := make([]*model.Organization, 0, len(h.Hosts))
		for _, host := range h.Hosts {
			hosts = append(hosts, orgs[host])
		}
		d.Hubs = append(d.Hubs, HubDocument(h, stateOf(states, h.State), hosts, now))
	}
	return d, nil
}

func stateOf(states map[string]State, code string) *State {
	if st, ok := states[code]; ok {
		return &st
	}
	return nil
}

// EventDocument returns the document of a valid event record located in st (nil when it names no
// state), created and updated at now, at version 1.
func EventDocument(e Event, st *State, now time.Time) *model.Event {
	var region *string
	if st != nil {
		region = optional(st.Region)
	}
	return &model.Event{
		ID:          model.EventID(e.Slug),
		Slug:        e.Slug,
		Name:        e.Name,
		NameKey:     model.NameKey(e.Name),
		Kind:        model.EventKind(e.Kind),
		StartDate:   model.Date(e.StartDate),
		EndDate:     model.Date(e.EndDate),
		Place:       e.Place,
		City:        optional(e.City),
		StateID:     stateID(e.State),
		Country:     e.Country,
		Region:      region,
		StateSort:   model.StateSort(e.State, model.NameKey(e.Name)),
		Lat:         e.Lat,
		Lng:         e.Lng,
		Description: optional(e.Description),
		Sources:     sources(e.Sources),
		Sample:      e.Sample,
		Version:     1,
		CreatedAt:   now,
		UpdatedAt:   now,
	}
}

// OrganizationDocument returns the document of a valid organization record located in st (nil
// when it names no state), created and updated at now, at version 1. It records those of the
// record's partners whose id sorts after its own (model.PartnershipOwner): the others'
// documents record the rest, which is the caller's business.
func OrganizationDocument(o Organization, st *State, now time.Time) *model.Organization {
	var role *model.PartnerRole
	if o.PartnerRole != "" {
		r := model.PartnerRole(o.PartnerRole)
		role = &r
	}
	var country, region *string
	if st != nil {
		country, region = optional(st.Country), optional(st.Region)
	}
	return &model.Organization{
		ID:                   model.OrganizationID(o.Slug),
		Slug:                 o.Slug,
		Name:                 o.Name,
		NameKey:              model.NameKey(o.Name),
		OtherNames:           o.OtherNames,
		OtherNameKeys:        nameKeys(o.OtherNames),
		Kind:                 model.OrganizationKind(o.Kind),
		PartnerRole:          role,
		Description:          optional(o.Description),
		Website:              optional(o.Website),
		City:                 optional(o.City),
		StateID:              stateID(o.State),
		Country:              country,
		Region:               region,
		StateSort:            model.StateSort(o.State, model.NameKey(o.Name)),
		Lat:                  o.Lat,
		Lng:                  o.Lng,
		AllianceIDs:          ids(model.AllianceID, o.Alliances),
		PartnerIDs:           model.OwnedPartners(model.OrganizationID(o.Slug), ids(model.OrganizationID, o.Partners)),
		OrganizedEventIDs:    ids(model.EventID, o.Organized),
		ParticipatedEventIDs: ids(model.EventID, o.Participated),
		Communities:          asEnum[model.Community](o.Communities),
		Issues:               asEnum[model.Issue](o.Issues),
		Generations:          asEnum[model.Generation](o.Generations),
		Citations:            citations(o.Memberships, o.Participations),
		Sources:              sources(o.Sources),
		Sample:               o.Sample,
		Version:              1,
		CreatedAt:            now,
		UpdatedAt:            now,
	}
}

// HubDocument returns the document of a valid hub record in st, hosted by hosts (the documents of
// its host organizations), created and updated at now, at version 1.
func HubDocument(h Hub, st *State, hosts []*model.Organization, now time.Time) *model.Hub {
	doc := &model.Hub{
		ID:         model.HubID(h.Slug),
		Slug:       h.Slug,
		Name:       h.Name,
		NameKey:    model.NameKey(h.Name),
		Setting:    model.HubSetting(h.Setting),
		City:       h.City,
		StateID:    model.StateID(h.State),
		StateSort:  model.StateSort(h.State, model.NameKey(h.Name)),
		Lat:        h.Lat,
		Lng:        h.Lng,
		Activities: asEnum[model.HubActivity](h.Activities),
		HostIDs:    ids(model.OrganizationID, h.Hosts),
		EventIDs:   ids(model.EventID, h.Events),
		Sources:    sources(h.Sources),
		Sample:     h.Sample,
		Version:    1,
		CreatedAt:  now,
		UpdatedAt:  now,
	}
	if st != nil {
		doc.Country, doc.Region = st.Country, st.Region
	}
	doc.SetHostFields(hosts)
	return doc
}

// symmetricPartners returns, for each organization slug, its partners as either side listed them,
// sorted.
func symmetricPartners(orgs []Organization) map[string][]string {
	out := map[string][]string{}
	add := func(a, b string) {
		if !slices.Contains(out[a], b) {
			out[a] = append(out[a], b)
		}
	}
	for _, o := range orgs {
		for _, p := range o.Partners {
			add(o.Slug, p)
			add(p, o.Slug)
		}
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out
}

// Scale returns a copy of the set with n copies of every sample organization and hub (n=10 makes
// a data set ten times larger), for tests and benchmarks that must show how cost grows with the
// data. Copies keep their references, pointing at the copies of the same generation, and their
// names say which copy they are.
func (s *Set) Scale(n int) *Set {
	out := &Set{States: s.States, Alliances: s.Alliances, Events: s.Events}
	suffix := func(slug string, k int) string {
		if k == 0 {
			return slug
		}
		return fmt.Sprintf("%s-copy-%d", slug, k)
	}
	sample := map[string]bool{}
	for _, o := range s.Organizations {
		sample[o.Slug] = o.Sample
	}
	rename := func(slugs []string, k int) []string {
		out := make([]string, len(slugs))
		for i, sl := range slugs {
			if sample[sl] {
				sl = suffix(sl, k)
			}
			out[i] = sl
		}
		return out
	}
	for k := range n {
		for _, o := range s.Organizations {
			if !o.Sample {
				if k == 0 {
					out.Organizations = append(out.Organizations, o)
				}
				continue
			}
			c := o
			c.Slug = suffix(o.Slug, k)
			if k > 0 {
				c.Name = fmt.Sprintf("%s (copy %d)", o.Name, k)
			}
			c.Partners = rename(o.Partners, k)
			out.Organizations = append(out.Organizations, c)
		}
		for _, h := range s.Hubs {
			if !h.Sample && k > 0 {
				continue
			}
			c := h
			c.Slug = suffix(h.Slug, k)
			if k > 0 {
				c.Name = fmt.Sprintf("%s (copy %d)", h.Name, k)
			}
			c.Hosts = rename(h.Hosts, k)
			out.Hubs = append(out.Hubs, c)
		}
	}
	return out
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func stateID(code string) *string {
	if code == "" {
		return nil
	}
	id := model.StateID(code)
	return &id
}

func ids(id func(string) string, slugs []string) []string {
	out := make([]string, len(slugs))
	for i, s := range slugs {
		out[i] = id(s)
	}
	return out
}

func sources(in []Source) []*model.Source {
	out := make([]*model.Source, len(in))
	for i, s := range in {
		date, approximate := strings.CutSuffix(s.Date, approximateMark)
		out[i] = &model.Source{Title: s.Title, URL: optional(s.URL), Date: optional(date), DateApproximate: approximate}
	}
	return out
}

// approximateMark ends a source's date that is approximate.
const approximateMark = "~"

// citations returns the documents' form of a record's memberships and participations: nil for
// none, so that a record without them stores no field.
func citations(ms []Membership, ps []Participation) []*model.Citation {
	var out []*model.Citation
	for _, m := range ms {
		out = append(out, &model.Citation{To: model.AllianceID(m.Alliance), Role: model.RoleMember, Sources: sources(m.Sources)})
	}
	for _, p := range ps {
		out = append(out, &model.Citation{To: model.EventID(p.Event), Role: p.Role, Sources: sources(p.Sources)})
	}
	return out
}

// nameKeys returns the name keys of names; nil for none.
func nameKeys(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = model.NameKey(n)
	}
	return out
}

// SourceDocuments returns sources as documents hold them.
func SourceDocuments(in []Source) []*model.Source { return sources(in) }
