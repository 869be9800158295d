package dataset

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"rootsgraph/graph/model"
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

func (c *checker) sources(sources []Source) {
	if len(sources) == 0 {
		c.fail("sources", "at least one source is required: say where the facts come from")
	}
	for i, s := range sources {
		c.required(fmt.Sprintf("sources[%d].title", i), s.Title, 500)
		if s.URL != "" {
			c.url(fmt.Sprintf("sources[%d].url", i), s.URL)
		}
	}
}

func (c *checker) url(field, raw string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.fail(field, "%q is not an http(s) URL", raw)
	}
}

func enum[T ~string](c *checker, field string, values []T, valid func(T) bool) {
	seen := map[T]bool{}
	for _, v := range values {
		if !valid(v) {
			c.fail(field, "%q is not one of the allowed values", v)
		}
		if seen[v] {
			c.fail(field, "%q is listed twice", v)
		}
		seen[v] = true
	}
}

func (c *checker) refs(field string, refs []string, known map[string]bool, what string) {
	seen := map[string]bool{}
	for _, r := range refs {
		if !known[r] {
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
	if lat < -90 || lat > 90 {
		c.fail("lat", "%v is not a latitude between -90 and 90", lat)
	}
	if lng < -180 || lng > 180 {
		c.fail("lng", "%v is not a longitude between -180 and 180", lng)
	}
	if state != nil {
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

// Validate checks every record and every reference of the set and returns all problems found,
// or nil when there are none.
func (s *Set) Validate() ValidationError {
	c := &checker{}
	states := map[string]*State{}
	seen := map[string]bool{}
	for i := range s.States {
		st := &s.States[i]
		c.at(StatesFile, i, st.Code)
		if len(st.Code) != 2 || strings.ToUpper(st.Code) != st.Code {
			c.fail("code", "%q is not a two-letter upper-case postal code", st.Code)
		}
		if states[st.Code] != nil {
			c.fail("code", "%q is used by another state", st.Code)
		}
		states[st.Code] = st
		c.slugField(seen, st.Slug)
		c.required("name", st.Name, 200)
		c.required("region", st.Region, 100)
		if st.Country != "US" && st.Country != "CA" {
			c.fail("country", "%q is neither US nor CA", st.Country)
		}
		enum(c, "type", []model.StateType{model.StateType(st.Type)}, model.StateType.IsValid)
		c.point(st.Lat, st.Lng, st)
		if st.BBox[0] >= st.BBox[2] || st.BBox[1] >= st.BBox[3] {
			c.fail("bbox", "must be [west, south, east, north] with west < east and south < north")
		}
		c.sources(st.Sources)
	}

	events := map[string]bool{}
	seen = map[string]bool{}
	for i, e := range s.Events {
		c.at(EventsFile, i, e.Slug)
		c.slugField(seen, e.Slug)
		events[e.Slug] = true
		c.required("name", e.Name, 200)
		c.required("place", e.Place, 200)
		enum(c, "kind", []model.EventKind{model.EventKind(e.Kind)}, model.EventKind.IsValid)
		start, end := c.date("startDate", e.StartDate), c.date("endDate", e.EndDate)
		if end.Before(start) {
			c.fail("endDate", "%s is before the start date %s", e.EndDate, e.StartDate)
		}
		if len(e.Country) != 2 || strings.ToUpper(e.Country) != e.Country {
			c.fail("country", "%q is not a two-letter ISO 3166 country code", e.Country)
		}
		st := c.state(states, e.State)
		if st != nil && st.Country != e.Country {
			c.fail("country", "%q does not match the country of %s", e.Country, st.Name)
		}
		c.optionalPoint(e.Lat, e.Lng, st)
		c.sources(e.Sources)
	}

	alliances := map[string]bool{}
	seen = map[string]bool{}
	for i, a := range s.Alliances {
		c.at(AlliancesFile, i, a.Slug)
		c.slugField(seen, a.Slug)
		alliances[a.Slug] = true
		c.required("name", a.Name, 200)
		if a.Website != "" {
			c.url("website", a.Website)
		}
		c.refs("organized", a.Organized, events, "event")
		c.refs("participated", a.Participated, events, "event")
		c.sources(a.Sources)
	}

	orgs := map[string]bool{}
	for _, o := range s.Organizations {
		orgs[o.Slug] = true
	}
	seen = map[string]bool{}
	for i, o := range s.Organizations {
		c.at(OrganizationsFile, i, o.Slug)
		c.slugField(seen, o.Slug)
		c.required("name", o.Name, 200)
		kind := model.OrganizationKind(o.Kind)
		enum(c, "kind", []model.OrganizationKind{kind}, model.OrganizationKind.IsValid)
		switch {
		case o.PartnerRole != "" && kind != model.OrganizationKindPartner:
			c.fail("partnerRole", "only a PARTNER has a partner role")
		case o.PartnerRole != "":
			enum(c, "partnerRole", []model.PartnerRole{model.PartnerRole(o.PartnerRole)}, model.PartnerRole.IsValid)
		}
		if o.Website != "" {
			c.url("website", o.Website)
		}
		c.optionalPoint(o.Lat, o.Lng, c.state(states, o.State))
		c.refs("alliances", o.Alliances, alliances, "alliance")
		c.refs("partners", o.Partners, orgs, "organization")
		if slices.Contains(o.Partners, o.Slug) {
			c.fail("partners", "an organization cannot partner with itself")
		}
		c.refs("organized", o.Organized, events, "event")
		c.refs("participated", o.Participated, events, "event")
		enum(c, "communities", asEnum[model.Community](o.Communities), model.Community.IsValid)
		enum(c, "issues", asEnum[model.Issue](o.Issues), model.Issue.IsValid)
		enum(c, "generations", asEnum[model.Generation](o.Generations), model.Generation.IsValid)
		c.sources(o.Sources)
	}

	seen = map[string]bool{}
	for i, h := range s.Hubs {
		c.at(HubsFile, i, h.Slug)
		c.slugField(seen, h.Slug)
		c.required("name", h.Name, 200)
		c.required("city", h.City, 200)
		enum(c, "setting", []model.HubSetting{model.HubSetting(h.Setting)}, model.HubSetting.IsValid)
		st := c.state(states, h.State)
		if h.State == "" {
			c.fail("state", "is required")
		}
		c.point(h.Lat, h.Lng, st)
		if len(h.Activities) == 0 {
			c.fail("activities", "at least one activity is required")
		}
		enum(c, "activities", asEnum[model.HubActivity](h.Activities), model.HubActivity.IsValid)
		if len(h.Hosts) == 0 {
			c.fail("hosts", "at least one host organization is required")
		}
		c.refs("hosts", h.Hosts, orgs, "organization")
		c.refs("events", h.Events, events, "event")
		c.sources(h.Sources)
	}
	if len(c.problems) == 0 {
		return nil
	}
	return c.problems
}

// state returns the state with the given code, reporting an unknown code; nil for an empty code.
func (c *checker) state(states map[string]*State, code string) *State {
	if code == "" {
		return nil
	}
	st := states[code]
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
