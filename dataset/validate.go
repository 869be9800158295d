package dataset

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"rootsgraph/model"
)

// Problem is one thing wrong with one record of a data set.
type Problem struct {
	File   string // e.g. "organizations.json"
	Record int    // position in the file's array, from 1
	Slug   string
	Field  string
	Reason string
}

func (p Problem) String() string {
	return fmt.Sprintf("%s record %d (%s): %s: %s", p.File, p.Record, p.Slug, p.Field, p.Reason)
}

// ValidationError lists every problem found in a data set.
type ValidationError []Problem

func (e ValidationError) Error() string {
	lines := make([]string, 0, len(e)+1)
	lines = append(lines, fmt.Sprintf("%d problems in the data set:", len(e)))
	for _, p := range e {
		lines = append(lines, "  "+p.String())
	}
	return strings.Join(lines, "\n")
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// checker collects problems while walking a data set.
type checker struct {
	problems ValidationError
	file     string
	record   int
	slug     string
}

func (c *checker) at(file string, record int, slug string) {
	c.file, c.record, c.slug = file, record+1, slug
}

func (c *checker) fail(field, format string, args ...any) {
	c.problems = append(c.problems, Problem{c.file, c.record, c.slug, field, fmt.Sprintf(format, args...)})
}

func (c *checker) required(field, value string, max int) {
	switch {
	case strings.TrimSpace(value) == "":
		c.fail(field, "is required")
	case len(value) > max:
		c.fail(field, "is longer than %d bytes", max)
	}
}

// optional checks the length of a field that may be empty.
func (c *checker) optional(field, value string, max int) {
	if len(value) > max {
		c.fail(field, "is longer than %d bytes", max)
	}
}

func (c *checker) slugField(seen map[string]bool, slug string) {
	switch {
	case !slugPattern.MatchString(slug):
		c.fail("slug", "%q is not a slug: use lower-case letters, digits and single hyphens", slug)
	case len(slug) > 120:
		c.fail("slug", "is longer than 120 bytes")
	case seen[slug]:
		c.fail("slug", "%q is used by another record in the same file", slug)
	}
	seen[slug] = true
}

func (c *checker) sources(sources []Source) { c.sourcesAt("sources", sources) }

func (c *checker) sourcesAt(field string, sources []Source) {
	if len(sources) == 0 {
		c.fail(field, "at least one source is required: say where the facts come from")
	}
	for i, s := range sources {
		at := fmt.Sprintf("%s[%d]", field, i)
		c.required(at+".title", s.Title, 500)
		if s.URL != "" {
			c.url(at+".url", s.URL)
		}
		if s.Date != "" {
			c.sourceDate(at+".date", s.Date)
		}
	}
}

// sourceDate checks a source's date: YYYY, YYYY-MM or YYYY-MM-DD, a real one, with an optional
// trailing "~" for an approximate one.
func (c *checker) sourceDate(field, date string) {
	d := strings.TrimSuffix(date, approximateMark)
	for _, layout := range []string{"2006", "2006-01", "2006-01-02"} {
		if len(d) == len(layout) {
			if _, err := time.Parse(layout, d); err == nil {
				return
			}
		}
	}
	c.fail(field, "%q is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD (with a trailing ~ when approximate)", date)
}

// citations checks the memberships and participations that give some of a record's edges their
// own sources: each names an edge the record lists, once per role.
func (c *checker) citations(ms []Membership, ps []Participation, alliances, organized, participated []string) {
	seen := map[string]bool{}
	for i, m := range ms {
		at := fmt.Sprintf("memberships[%d]", i)
		if !slices.Contains(alliances, m.Alliance) {
			c.fail(at+".alliance", "%q is not in alliances: list the alliance there too", m.Alliance)
		}
		if seen["alliance "+m.Alliance] {
			c.fail(at+".alliance", "%q has a membership already: give it all its sources there", m.Alliance)
		}
		seen["alliance "+m.Alliance] = true
		c.sourcesAt(at+".sources", m.Sources)
	}
	for i, p := range ps {
		at := fmt.Sprintf("participations[%d]", i)
		role := model.ParticipationRole(p.Role)
		enum(c, at+".role", []model.ParticipationRole{role}, model.AllParticipationRole)
		if role.IsValid() && !slices.Contains(model.EdgeList(p.Role, nil, organized, participated), p.Event) {
			hint := model.EdgeList(p.Role, "", "", " (a host takes part)")
			c.fail(at+".event", "%q is not in %s: list the event there too%s", p.Event, model.EdgeList(p.Role, "", "organized", "participated"), hint)
		}
		if key := "event " + p.Event + " " + p.Role; seen[key] {
			c.fail(at+".event", "%q has a %s participation already: give it all its sources there", p.Event, p.Role)
		} else {
			seen[key] = true
		}
		c.sourcesAt(at+".sources", p.Sources)
	}
}

// otherNames checks an organization's other spellings: none empty, none its name, none twice,
// and none holding the CSV list separator.
func (c *checker) otherNames(name string, others []string) {
	seen := map[string]bool{name: true}
	for i, n := range others {
		at := fmt.Sprintf("otherNames[%d]", i)
		c.required(at, n, 200)
		if strings.Contains(n, listSeparator) {
			c.fail(at, "%q holds %q, which separates the names in a CSV cell", n, listSeparator)
		}
		if seen[n] {
			c.fail(at, "%q is the name or another of its other names", n)
		}
		seen[n] = true
	}
}

func (c *checker) url(field, raw string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.fail(field, "%q is not an http(s) URL", raw)
	}
}

// enum checks that each of values is one of all (the GraphQL enum's values, as gqlgen lists them)
// and none is listed twice; a wrong one's message lists the allowed ones.
func enum[T ~string](c *checker, field string, values []T, all []T) {
	seen := map[T]bool{}
	for _, v := range values {
		if !slices.Contains(all, v) {
			names := make([]string, len(all))
			for i, a := range all {
				names[i] = string(a)
			}
			c.fail(field, "%q is not one of %s", v, strings.Join(names, ", "))
		}
		if seen[v] {
			c.fail(field, "%q is listed twice", v)
		}
		seen[v] = true
	}
}

func (c *checker) refs(field string, slugs []string, refs Refs, file, what string) {
	seen := map[string]bool{}
	for _, r := range slugs {
		if !refs.Has(file, r) {
			c.fail(field, "no %s has the slug %q", what, r)
		}
		if seen[r] {
			c.fail(field, "%q is listed twice", r)
		}
		seen[r] = true
	}
}

// point checks a coordinate pair and, when the record names a state, that it lies in the state's
// bounding box.
func (c *checker) point(lat, lng float64, state *State) {
	inRange := true
	if lat < -90 || lat > 90 {
		c.fail("lat", "%v is not a latitude between -90 and 90", lat)
		inRange = false
	}
	if lng < -180 || lng > 180 {
		c.fail("lng", "%v is not a longitude between -180 and 180", lng)
		inRange = false
	}
	if state != nil && inRange {
		b := state.BBox
		if lng < b[0] || lat < b[1] || lng > b[2] || lat > b[3] {
			c.fail("lat/lng", "(%v, %v) is outside %s", lat, lng, state.Name)
		}
	}
}

func (c *checker) date(field, s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		c.fail(field, "%q is not a date of the form YYYY-MM-DD", s)
	}
	return d
}

// Refs answers what validating one record asks about the others: which states exist, and which
// slugs each kind of record has. A data set answers from its own files; a mutation answers from
// the database.
type Refs interface {
	// State returns the state or province with the given code, or nil.
	State(code string) *State
	// Has reports whether a record of the kind (a file name, e.g. OrganizationsFile) has the slug.
	Has(file, slug string) bool
}

// setRefs answers from the records of a data set.
type setRefs struct {
	states map[string]*State
	slugs  map[string]map[string]bool
}

func (r *setRefs) State(code string) *State   { return r.states[code] }
func (r *setRefs) Has(file, slug string) bool { return r.slugs[file][slug] }

func (s *Set) refs() *setRefs {
	r := &setRefs{states: map[string]*State{}, slugs: map[string]map[string]bool{}}
	for i := range s.States {
		if r.states[s.States[i].Code] == nil {
			r.states[s.States[i].Code] = &s.States[i]
		}
	}
	add := func(file, slug string) {
		if r.slugs[file] == nil {
			r.slugs[file] = map[string]bool{}
		}
		r.slugs[file][slug] = true
	}
	for _, a := range s.Alliances {
		add(AlliancesFile, a.Slug)
	}
	for _, o := range s.Organizations {
		add(OrganizationsFile, o.Slug)
	}
	for _, e := range s.Events {
		add(EventsFile, e.Slug)
	}
	for _, h := range s.Hubs {
		add(HubsFile, h.Slug)
	}
	return r
}

// Validate checks every record and every reference of the set and returns all problems found,
// or nil when there are none.
func (s *Set) Validate() ValidationError {
	c := &checker{}
	refs := s.refs()
	seen := map[string]bool{}
	codes := map[string]bool{}
	for i := range s.States {
		st := &s.States[i]
		c.at(StatesFile, i, st.Code)
		if codes[st.Code] {
			c.fail("code", "%q is used by another state", st.Code)
		}
		codes[st.Code] = true
		c.slugField(seen, st.Slug)
		c.state(st)
	}
	for _, f := range []struct {
		file  string
		n     int
		slug  func(int) string
		check func(*checker, int)
	}{
		{EventsFile, len(s.Events), func(i int) string { return s.Events[i].Slug },
			func(c *checker, i int) { c.event(s.Events[i], refs) }},
		{AlliancesFile, len(s.Alliances), func(i int) string { return s.Alliances[i].Slug },
			func(c *checker, i int) { c.alliance(s.Alliances[i], refs) }},
		{OrganizationsFile, len(s.Organizations), func(i int) string { return s.Organizations[i].Slug },
			func(c *checker, i int) { c.organization(s.Organizations[i], refs) }},
		{HubsFile, len(s.Hubs), func(i int) string { return s.Hubs[i].Slug },
			func(c *checker, i int) { c.hub(s.Hubs[i], refs) }},
	} {
		seen := map[string]bool{}
		for i := range f.n {
			c.at(f.file, i, f.slug(i))
			c.slugField(seen, f.slug(i))
			f.check(c, i)
		}
	}
	if len(c.problems) == 0 {
		return nil
	}
	return c.problems
}

// ValidateOrganization checks one organization record against refs, the slug's form included, and
// returns its problems (Record 0), or nil.
func ValidateOrganization(o Organization, refs Refs) ValidationError {
	return validateOne(OrganizationsFile, o.Slug, func(c *checker) { c.organization(o, refs) })
}

// ValidateEvent checks one event record against refs.
func ValidateEvent(e Event, refs Refs) ValidationError {
	return validateOne(EventsFile, e.Slug, func(c *checker) { c.event(e, refs) })
}

// ValidateHub checks one hub record against refs.
func ValidateHub(h Hub, refs Refs) ValidationError {
	return validateOne(HubsFile, h.Slug, func(c *checker) { c.hub(h, refs) })
}

func validateOne(file, slug string, check func(*checker)) ValidationError {
	c := &checker{file: file, slug: slug}
	c.slugField(map[string]bool{}, slug)
	check(c)
	if len(c.problems) == 0 {
		return nil
	}
	return c.problems
}

func (c *checker) state(st *State) {
	if len(st.Code) != 2 || strings.ToUpper(st.Code) != st.Code {
		c.fail("code", "%q is not a two-letter upper-case postal code", st.Code)
	}
	c.required("name", st.Name, 200)
	c.required("region", st.Region, 100)
	if st.Country != "US" && st.Country != "CA" {
		c.fail("country", "%q is neither US nor CA", st.Country)
	}
	enum(c, "type", []model.StateType{model.StateType(st.Type)}, model.AllStateType)
	c.point(st.Lat, st.Lng, st)
	if st.BBox[0] >= st.BBox[2] || st.BBox[1] >= st.BBox[3] {
		c.fail("bbox", "must be [west, south, east, north] with west < east and south < north")
	}
	c.sources(st.Sources)
}

func (c *checker) event(e Event, refs Refs) {
	c.required("name", e.Name, 200)
	c.required("place", e.Place, 200)
	c.optional("city", e.City, 200)
	c.optional("description", e.Description, 5000)
	enum(c, "kind", []model.EventKind{model.EventKind(e.Kind)}, model.AllEventKind)
	start, end := c.date("startDate", e.StartDate), c.date("endDate", e.EndDate)
	if end.Before(start) {
		c.fail("endDate", "%s is before the start date %s", e.EndDate, e.StartDate)
	}
	if len(e.Country) != 2 || strings.ToUpper(e.Country) != e.Country {
		c.fail("country", "%q is not a two-letter ISO 3166 country code", e.Country)
	}
	st := c.knownState(refs, e.State)
	if st != nil && st.Country != e.Country {
		c.fail("country", "%q does not match the country of %s", e.Country, st.Name)
	}
	c.optionalPoint(e.Lat, e.Lng, st)
	c.sources(e.Sources)
}

func (c *checker) alliance(a Alliance, refs Refs) {
	c.required("name", a.Name, 200)
	if a.Website != "" {
		c.url("website", a.Website)
	}
	c.refs("organized", a.Organized, refs, EventsFile, "event")
	c.refs("participated", a.Participated, refs, EventsFile, "event")
	c.refs("alliances", a.Alliances, refs, AlliancesFile, "alliance")
	if slices.Contains(a.Alliances, a.Slug) {
		c.fail("alliances", "an alliance cannot be its own member")
	}
	c.citations(a.Memberships, a.Participations, a.Alliances, a.Organized, a.Participated)
	c.sources(a.Sources)
}

func (c *checker) organization(o Organization, refs Refs) {
	c.required("name", o.Name, 200)
	c.otherNames(o.Name, o.OtherNames)
	c.optional("city", o.City, 200)
	c.optional("description", o.Description, 5000)
	kind := model.OrganizationKind(o.Kind)
	enum(c, "kind", []model.OrganizationKind{kind}, model.AllOrganizationKind)
	switch {
	case o.PartnerRole != "" && kind != model.OrganizationKindPartner:
		c.fail("partnerRole", "only a PARTNER has a partner role")
	case o.PartnerRole != "":
		enum(c, "partnerRole", []model.PartnerRole{model.PartnerRole(o.PartnerRole)}, model.AllPartnerRole)
	}
	if o.Website != "" {
		c.url("website", o.Website)
	}
	c.optionalPoint(o.Lat, o.Lng, c.knownState(refs, o.State))
	c.refs("alliances", o.Alliances, refs, AlliancesFile, "alliance")
	c.refs("partners", o.Partners, refs, OrganizationsFile, "organization")
	if slices.Contains(o.Partners, o.Slug) {
		c.fail("partners", "an organization cannot partner with itself")
	}
	c.refs("organized", o.Organized, refs, EventsFile, "event")
	c.refs("participated", o.Participated, refs, EventsFile, "event")
	enum(c, "communities", asEnum[model.Community](o.Communities), model.AllCommunity)
	enum(c, "issues", asEnum[model.Issue](o.Issues), model.AllIssue)
	enum(c, "generations", asEnum[model.Generation](o.Generations), model.AllGeneration)
	c.citations(o.Memberships, o.Participations, o.Alliances, o.Organized, o.Participated)
	c.sources(o.Sources)
}

func (c *checker) hub(h Hub, refs Refs) {
	c.required("name", h.Name, 200)
	c.required("city", h.City, 200)
	enum(c, "setting", []model.HubSetting{model.HubSetting(h.Setting)}, model.AllHubSetting)
	st := c.knownState(refs, h.State)
	if h.State == "" {
		c.fail("state", "is required")
	}
	c.point(h.Lat, h.Lng, st)
	if len(h.Activities) == 0 {
		c.fail("activities", "at least one activity is required")
	}
	enum(c, "activities", asEnum[model.HubActivity](h.Activities), model.AllHubActivity)
	if len(h.Hosts) == 0 {
		c.fail("hosts", "at least one host organization is required")
	}
	c.refs("hosts", h.Hosts, refs, OrganizationsFile, "organization")
	c.refs("events", h.Events, refs, EventsFile, "event")
	c.sources(h.Sources)
}

// knownState returns the state with the given code, reporting an unknown code; nil for an empty
// code.
func (c *checker) knownState(refs Refs, code string) *State {
	if code == "" {
		return nil
	}
	st := refs.State(code)
	if st == nil {
		c.fail("state", "no state or province has the code %q", code)
	}
	return st
}

func (c *checker) optionalPoint(lat, lng *float64, state *State) {
	switch {
	case lat == nil && lng == nil:
	case lat == nil || lng == nil:
		c.fail("lat/lng", "give both or neither")
	default:
		c.point(*lat, *lng, state)
	}
}

func asEnum[T ~string](values []string) []T {
	out := make([]T, len(values))
	for i, v := range values {
		out[i] = T(v)
	}
	return out
}

// ValidateSources checks sources given for one edge (a membership, a part in an event); none is
// fine, as the edge then rests on the record's sources. Fields are named sources[i].title, ...
func ValidateSources(sources []Source) ValidationError {
	if len(sources) == 0 {
		return nil
	}
	c := &checker{}
	c.sourcesAt("sources", sources)
	if len(c.problems) == 0 {
		return nil
	}
	return c.problems
}
