package model

import "slices"

// Membership is one alliance's listing of an organization or of another alliance, with the
// listing's own sources. It means "listed at AsOf", not "a member today".
type Membership struct {
	AllianceID string
	// AsOf is the latest of the sources' dates (nil when none gives one).
	AsOf    *string
	Sources []*Source
}

// Participation is a record's part in an event in one role, with the sources that give it.
type Participation struct {
	EventID string
	Role    ParticipationRole
	Sources []*Source
}

// sourcesOf returns the sources cited for the edge to id in role; nil when there are none.
func sourcesOf(cs []*Citation, to, role string) []*Source {
	for _, c := range cs {
		if c.To == to && c.Role == role {
			return c.Sources
		}
	}
	return nil
}

// memberships returns one Membership per alliance id, with the sources cited for it.
func memberships(allianceIDs []string, cs []*Citation) []*Membership {
	out := make([]*Membership, len(allianceIDs))
	for i, id := range allianceIDs {
		m := &Membership{AllianceID: id, Sources: nonNilSources(sourcesOf(cs, id, RoleMember))}
		m.AsOf = LatestDate(m.Sources)
		out[i] = m
	}
	return out
}

// participations returns a record's parts in events: one per organized event, and for an event
// it took part in, a HOST part when a source says it hosted, and a PARTICIPANT part when a source
// says it took part or none says anything (then the record's sources stand for it).
func participations(organized, participated []string, cs []*Citation) []*Participation {
	var out []*Participation
	for _, id := range organized {
		out = append(out, &Participation{id, ParticipationRoleOrganizer, nonNilSources(sourcesOf(cs, id, string(ParticipationRoleOrganizer)))})
	}
	for _, id := range participated {
		host := sourcesOf(cs, id, string(ParticipationRoleHost))
		took := sourcesOf(cs, id, string(ParticipationRoleParticipant))
		if host != nil {
			out = append(out, &Participation{id, ParticipationRoleHost, host})
		}
		if took != nil || host == nil {
			out = append(out, &Participation{id, ParticipationRoleParticipant, nonNilSources(took)})
		}
	}
	return out
}

func nonNilSources(s []*Source) []*Source {
	if s == nil {
		return []*Source{}
	}
	return s
}

// LatestDate returns the latest date among sources (a less precise date counts as its first day:
// "2015" is before "2015-01-02"); nil when none has one.
func LatestDate(sources []*Source) *string {
	var latest *string
	for _, s := range sources {
		if s.Date != nil && (latest == nil || *s.Date > *latest) {
			latest = s.Date
		}
	}
	return latest
}

// pruneCitations drops citations of edges the record no longer has (has reports whether it has
// the edge to an id in a role), so that removing an edge removes what was said about it.
func pruneCitations(cs []*Citation, has func(to, role string) bool) []*Citation {
	out := slices.DeleteFunc(slices.Clone(cs), func(c *Citation) bool { return !has(c.To, c.Role) })
	if len(out) == 0 {
		return nil
	}
	return out
}

// EdgeList returns which of a record's three lists holds the edge that a citation role names:
// alliances for MEMBER, organized for ORGANIZER, participated for PARTICIPANT and HOST (a host
// takes part). The lists may be anything that stands for them: the lists, pointers to them, or
// their names.
func EdgeList[T any](role string, alliances, organized, participated T) T {
	switch role {
	case RoleMember:
		return alliances
	case string(ParticipationRoleOrganizer):
		return organized
	}
	return participated
}

func hasEdge(alliances, organized, participated []string) func(to, role string) bool {
	return func(to, role string) bool {
		return slices.Contains(EdgeList(role, alliances, organized, participated), to)
	}
}

// Memberships returns the organization's memberships, in the order of AllianceIDs.
func (o *Organization) Memberships() []*Membership { return memberships(o.AllianceIDs, o.Citations) }

// Participations returns the organization's parts in events (see participations).
func (o *Organization) Participations() []*Participation {
	return participations(o.OrganizedEventIDs, o.ParticipatedEventIDs, o.Citations)
}

// PruneCitations drops the citations of edges the organization no longer has.
func (o *Organization) PruneCitations() {
	o.Citations = pruneCitations(o.Citations, hasEdge(o.AllianceIDs, o.OrganizedEventIDs, o.ParticipatedEventIDs))
}

// Memberships returns the alliances that list this one as a member, with their sources.
func (a *Alliance) Memberships() []*Membership { return memberships(a.AllianceIDs, a.Citations) }

// Participations returns the alliance's parts in events (see participations).
func (a *Alliance) Participations() []*Participation {
	return participations(a.OrganizedEventIDs, a.ParticipatedEventIDs, a.Citations)
}

// PruneCitations drops the citations of edges the alliance no longer has.
func (a *Alliance) PruneCitations() {
	a.Citations = pruneCitations(a.Citations, hasEdge(a.AllianceIDs, a.OrganizedEventIDs, a.ParticipatedEventIDs))
}

// EdgeSources returns the sources that doc (an organization or an alliance) cites for its edge to
// id in any of roles, without repeating one; nil when it cites none.
func EdgeSources(doc any, to string, roles ...string) []*Source {
	var cs []*Citation
	switch d := doc.(type) {
	case *Organization:
		cs = d.Citations
	case *Alliance:
		cs = d.Citations
	}
	var out []*Source
	for _, role := range roles {
		for _, s := range sourcesOf(cs, to, role) {
			if !slices.ContainsFunc(out, func(o *Source) bool { return sameSource(o, s) }) {
				out = append(out, s)
			}
		}
	}
	return out
}

func sameSource(a, b *Source) bool {
	return a.Title == b.Title && Deref(a.URL) == Deref(b.URL) && Deref(a.Date) == Deref(b.Date) && a.DateApproximate == b.DateApproximate
}

// Cite adds sources to the citation of the edge to id in role (making it when there is none),
// leaving out those it holds already, and reports whether it added any.
func Cite(cs []*Citation, to, role string, sources []*Source) ([]*Citation, bool) {
	out := slices.Clone(cs)
	at := slices.IndexFunc(out, func(c *Citation) bool { return c.To == to && c.Role == role })
	var c Citation
	if at >= 0 {
		c = *out[at]
	} else {
		c = Citation{To: to, Role: role}
	}
	added := false
	for _, s := range sources {
		if !slices.ContainsFunc(c.Sources, func(o *Source) bool { return sameSource(o, s) }) {
			c.Sources = append(slices.Clip(c.Sources), s)
			added = true
		}
	}
	if !added {
		return cs, false
	}
	if at >= 0 {
		out[at] = &c
	} else {
		out = append(out, &c)
	}
	return out, true
}
