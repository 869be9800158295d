// Package roster turns the public part of the member roster (members.csv, aliases.csv and
// participation.csv, copied unchanged from the research files, each row with its source) into
// records of the bundled data set, by the decisions written down beside them: which name is which
// record (names.csv), who publishes each site (publishers.csv), which sources are weak
// (caveats.csv) and where the cities are (cities.csv). `go generate ./dataset/roster` rewrites
// dataset/data/organizations.json and alliances.json from them; see dataset/README.md.
package roster

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"rootsgraph/dataset"
	"rootsgraph/model"
)

//go:generate go run ./gen ../data

//go:embed *.csv
var files embed.FS

// Alliances maps the roster's alliance codes to the bundled alliances' slugs.
var Alliances = map[string]string{
	"CJA":  "climate-justice-alliance",
	"GGJ":  "grassroots-global-justice-alliance",
	"RTTC": "right-to-the-city-alliance",
	"IEN":  "indigenous-environmental-network",
}

// Events maps the roster's event codes to the bundled events' slugs.
var Events = map[string]string{
	"pcm-2014":             "peoples-climate-march-2014",
	"cop21-2015":           "cop21-paris-2015",
	"cop22-2016":           "cop22-marrakech-2016",
	"peoples-caravan-2016": "peoples-caravan-2016",
	"pcm-2017":             "peoples-climate-march-2017",
	"may-day-2017":         "may-day-2017",
}

// Roles maps the roster's roles to participation roles.
var Roles = map[string]model.ParticipationRole{
	"organizer":   model.ParticipationRoleOrganizer,
	"participant": model.ParticipationRoleParticipant,
	"host":        model.ParticipationRoleHost,
}

// Member is a row of members.csv.
type Member struct {
	Line                                           int
	Name, City, State, Country, Alliance, Relation string
	SourceURL, SourceDate                          string
}

// Part is a row of participation.csv.
type Part struct {
	Line                      int
	Event, Organization, Role string
	SourceURL, SourceDate     string
}

// Name is a row of names.csv: the record a spelling names ("organization:slug" or
// "alliance:slug"), or "-" for a row left out, and why.
type Name struct {
	Record, Note string
}

// Files is the roster as read from its files.
type Files struct {
	Members    []Member
	Parts      []Part
	Aliases    map[string]string // name -> same_as
	Names      map[string]Name
	Publishers map[string]string // host -> publisher
	Caveats    []Caveat
	Cities     map[[2]string][2]float64 // {city, state} -> {lat, lng}
}

// Caveat marks the rows of a source (of one name, or of every name when Name is empty) as weak.
type Caveat struct {
	SourceURL, Name, Text string
}

// LeftOut is the Record of a name whose rows are left out.
const LeftOut = "-"

// Read reads the roster's files.
func Read() (*Files, error) { return read(files) }

func read(fsys fs.FS) (*Files, error) {
	f := &Files{Aliases: map[string]string{}, Names: map[string]Name{}, Publishers: map[string]string{}, Cities: map[[2]string][2]float64{}}
	steps := []struct {
		name   string
		header string
		row    func(line int, r []string) error
	}{
		{"members.csv", "name,city,state,country,alliance,relation,source_url,source_date", func(line int, r []string) error {
			f.Members = append(f.Members, Member{line, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]})
			if _, ok := Alliances[r[4]]; !ok {
				return fmt.Errorf("unknown alliance %q", r[4])
			}
			return nil
		}},
		{"participation.csv", "event,organization,role,source_url,source_date", func(line int, r []string) error {
			f.Parts = append(f.Parts, Part{line, r[0], r[1], r[2], r[3], r[4]})
			if _, ok := Events[r[0]]; !ok {
				return fmt.Errorf("unknown event %q", r[0])
			}
			if _, ok := Roles[r[2]]; !ok {
				return fmt.Errorf("unknown role %q", r[2])
			}
			return nil
		}},
		{"aliases.csv", "name,same_as", func(_ int, r []string) error { f.Aliases[r[0]] = r[1]; return nil }},
		{"names.csv", "name,record,note", func(_ int, r []string) error {
			if _, dup := f.Names[r[0]]; dup {
				return fmt.Errorf("%q is listed twice", r[0])
			}
			f.Names[r[0]] = Name{r[1], r[2]}
			return nil
		}},
		{"publishers.csv", "host,publisher", func(_ int, r []string) error { f.Publishers[r[0]] = r[1]; return nil }},
		{"caveats.csv", "source_url,name,caveat", func(_ int, r []string) error {
			f.Caveats = append(f.Caveats, Caveat{r[0], r[1], r[2]})
			return nil
		}},
		{"cities.csv", "city,state,lat,lng", func(_ int, r []string) error {
			lat, err1 := strconv.ParseFloat(r[2], 64)
			lng, err2 := strconv.ParseFloat(r[3], 64)
			if err1 != nil || err2 != nil {
				return fmt.Errorf("%q, %q: not coordinates", r[2], r[3])
			}
			f.Cities[[2]string{r[0], r[1]}] = [2]float64{lat, lng}
			return nil
		}},
	}
	for _, s := range steps {
		raw, err := fs.ReadFile(fsys, s.name)
		if err != nil {
			return nil, err
		}
		rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		if len(rows) == 0 || strings.Join(rows[0], ",") != s.header {
			return nil, fmt.Errorf("%s: the header is not %q", s.name, s.header)
		}
		for i, r := range rows[1:] {
			if err := s.row(i+2, r); err != nil {
				return nil, fmt.Errorf("%s line %d: %w", s.name, i+2, err)
			}
		}
	}
	return f, f.check()
}

// check makes sure every decision the files need is written down: a record for every spelling,
// a publisher for every site.
func (f *Files) check() error {
	var missing []string
	need := func(name string) {
		if _, ok := f.Names[name]; !ok {
			missing = append(missing, fmt.Sprintf("names.csv has no row for %q", name))
		}
	}
	site := func(raw string) {
		if _, ok := f.Publishers[host(raw)]; !ok {
			missing = append(missing, fmt.Sprintf("publishers.csv has no row for %q", host(raw)))
		}
	}
	for _, m := range f.Members {
		need(m.Name)
		site(m.SourceURL)
		if a, ok := f.Aliases[m.Name]; ok {
			need(a)
			if f.Names[a].Record != f.Names[m.Name].Record {
				missing = append(missing, fmt.Sprintf("aliases.csv says %q is %q, names.csv gives them different records", m.Name, a))
			}
		}
	}
	for _, p := range f.Parts {
		need(p.Organization)
		site(p.SourceURL)
	}
	for name, n := range f.Names {
		if n.Record != LeftOut {
			if prefix, _, ok := model.SplitID(n.Record); !ok || (prefix != model.OrganizationPrefix && prefix != model.AlliancePrefix) {
				missing = append(missing, fmt.Sprintf("names.csv: %q names %q, not an organization or alliance id", name, n.Record))
			}
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		return fmt.Errorf("%s", strings.Join(slices.Compact(missing), "; "))
	}
	return nil
}

func host(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Host
}

// Source returns the source of a row: the site's publisher and what the page establishes, in
// our words, with the row's caveat when it is weak; its URL and date.
func (f *Files) Source(name, sourceURL, date, says string) dataset.Source {
	title := f.Publishers[host(sourceURL)] + ": " + says
	for _, c := range f.Caveats {
		if c.SourceURL == sourceURL && (c.Name == "" || c.Name == name) {
			title += " (" + c.Text + ")"
		}
	}
	return dataset.Source{Title: title, URL: sourceURL, Date: date}
}

// Says returns what a participation row establishes, in our words.
func Says(role, event string) string {
	switch role {
	case "organizer":
		return "named as organizing " + event + " or leading its delegation"
	case "host":
		return "named as hosting a stop or gathering of " + event
	}
	return "named as taking part in " + event
}

// coordinatesTitle begins the title of the source of an organization's approximate point.
const coordinatesTitle = "Approximate coordinates: "

// row is one roster row as it bears on one record.
type row struct {
	name, date string
	member     *Member
	part       *Part
}

// Apply puts the roster into set: one record per organization, with its memberships and parts in
// events each citing its rows' sources. Anything an earlier Apply wrote is taken out first, so that
// applying the roster to its own output changes nothing.
func (f *Files) Apply(set *dataset.Set) error {
	rosterURLs := map[string]bool{}
	for _, m := range f.Members {
		rosterURLs[m.SourceURL] = true
	}
	for _, p := range f.Parts {
		rosterURLs[p.SourceURL] = true
	}
	fromRoster := func(s dataset.Source) bool {
		return rosterURLs[s.URL] || strings.HasPrefix(s.Title, coordinatesTitle)
	}

	// What the set holds apart from the roster.
	var base []dataset.Organization
	for _, o := range set.Organizations {
		o.OtherNames, o.Memberships, o.Participations = nil, nil, nil
		o.Sources = slices.DeleteFunc(slices.Clone(o.Sources), fromRoster)
		if len(o.Sources) > 0 {
			base = append(base, o)
		}
	}
	for i := range set.Alliances {
		a := &set.Alliances[i]
		a.Alliances, a.Memberships, a.Participations = nil, nil, nil
	}

	rows := map[string][]row{}
	var order []string
	add := func(name string, r row) {
		rec := f.Names[name].Record
		if rec == LeftOut {
			return
		}
		if _, ok := rows[rec]; !ok {
			order = append(order, rec)
		}
		rows[rec] = append(rows[rec], r)
	}
	for i := range f.Members {
		m := &f.Members[i]
		add(m.Name, row{name: m.Name, date: m.SourceDate, member: m})
	}
	for i := range f.Parts {
		p := &f.Parts[i]
		add(p.Organization, row{name: p.Organization, date: p.SourceDate, part: p})
	}

	index := map[string]int{}
	for i, o := range base {
		index[o.Slug] = i
	}
	alliances := map[string]*dataset.Alliance{}
	for i := range set.Alliances {
		alliances[set.Alliances[i].Slug] = &set.Alliances[i]
	}
	events := map[string]string{}
	for _, e := range set.Events {
		events[e.Slug] = e.Name
	}
	var created []dataset.Organization
	for _, rec := range order {
		prefix, slug, _ := model.SplitID(rec)
		e, err := f.edges(rows[rec], events)
		if err != nil {
			return fmt.Errorf("%s: %w", rec, err)
		}
		if prefix == model.AlliancePrefix {
			a, ok := alliances[slug]
			if !ok {
				return fmt.Errorf("names.csv names %s, which the data set does not have", rec)
			}
			a.Alliances, a.Memberships = e.alliances, e.memberships
			a.Organized, a.Participated = union(a.Organized, e.organized), union(a.Participated, e.participated)
			a.Participations = e.participations
			continue
		}
		o := dataset.Organization{Slug: slug, Sample: false}
		i, exists := index[slug]
		if exists {
			o = base[i]
		} else if len(e.memberships) > 0 {
			o.Kind = string(model.OrganizationKindMember)
		} else {
			o.Kind = string(model.OrganizationKindAlly)
		}
		if err := f.describe(&o, rows[rec], e); err != nil {
			return fmt.Errorf("%s: %w", rec, err)
		}
		if exists {
			base[i] = o
		} else {
			created = append(created, o)
		}
	}
	slices.SortFunc(created, func(a, b dataset.Organization) int { return strings.Compare(a.Slug, b.Slug) })
	// The real records first (the coalition, its partners, then the roster's), then the sample.
	at := slices.IndexFunc(base, func(o dataset.Organization) bool { return o.Sample })
	if at < 0 {
		at = len(base)
	}
	set.Organizations = slices.Concat(base[:at], created, base[at:])
	return nil
}

// edges are what a record's rows say about its edges.
type edges struct {
	alliances, organized, participated []string
	memberships                        []dataset.Membership
	participations                     []dataset.Participation
}

func (f *Files) edges(rows []row, events map[string]string) (edges, error) {
	var e edges
	for _, r := range rows {
		if m := r.member; m != nil {
			slug := Alliances[m.Alliance]
			src := f.Source(m.Name, m.SourceURL, m.SourceDate, m.Relation)
			at := slices.IndexFunc(e.memberships, func(x dataset.Membership) bool { return x.Alliance == slug })
			if at < 0 {
				e.alliances = append(e.alliances, slug)
				e.memberships = append(e.memberships, dataset.Membership{Alliance: slug})
				at = len(e.memberships) - 1
			}
			e.memberships[at].Sources = addSource(e.memberships[at].Sources, src)
			continue
		}
		p := r.part
		slug, role := Events[p.Event], string(Roles[p.Role])
		name, ok := events[slug]
		if !ok {
			return e, fmt.Errorf("the data set has no event %q", slug)
		}
		src := f.Source(p.Organization, p.SourceURL, p.SourceDate, Says(p.Role, name))
		at := slices.IndexFunc(e.participations, func(x dataset.Participation) bool { return x.Event == slug && x.Role == role })
		if at < 0 {
			e.participations = append(e.participations, dataset.Participation{Event: slug, Role: role})
			at = len(e.participations) - 1
			if role == string(model.ParticipationRoleOrganizer) {
				e.organized = union(e.organized, []string{slug})
			} else {
				e.participated = union(e.participated, []string{slug})
			}
		}
		e.participations[at].Sources = addSource(e.participations[at].Sources, src)
	}
	slices.Sort(e.alliances)
	slices.SortFunc(e.memberships, func(a, b dataset.Membership) int { return strings.Compare(a.Alliance, b.Alliance) })
	slices.SortStableFunc(e.participations, func(a, b dataset.Participation) int {
		return strings.Compare(a.Event+" "+a.Role, b.Event+" "+b.Role)
	})
	for _, m := range e.memberships {
		newestFirst(m.Sources)
	}
	for _, p := range e.participations {
		newestFirst(p.Sources)
	}
	return e, nil
}

// describe sets what the rows say about the organization itself: its name (as the most recent
// source spells it), its other spellings, its city and state (from the member rows that give
// them), the city's approximate point, its edges and the pages that name it.
func (f *Files) describe(o *dataset.Organization, rows []row, e edges) error {
	latest := -1
	for i, r := range rows {
		if latest < 0 || dateKey(r.date) > dateKey(rows[latest].date) {
			latest = i
		}
	}
	o.Name = rows[latest].name
	for _, r := range rows {
		if r.name != o.Name && !slices.Contains(o.OtherNames, r.name) {
			o.OtherNames = append(o.OtherNames, r.name)
		}
	}
	slices.Sort(o.OtherNames)
	var city, state, cityDate, stateDate string
	for _, r := range rows {
		m := r.member
		if m == nil {
			continue
		}
		if m.State != "" {
			if state != "" && state != m.State {
				return fmt.Errorf("members.csv lines give two states, %s and %s", state, m.State)
			}
			if state == "" || dateKey(r.date) > dateKey(stateDate) {
				state, stateDate = m.State, r.date
			}
		}
		if m.City != "" && (city == "" || dateKey(r.date) > dateKey(cityDate)) {
			city, cityDate = m.City, r.date
		}
	}
	if city != "" || state != "" {
		o.City, o.State, o.Lat, o.Lng = city, state, nil, nil
	}
	if p, ok := f.Cities[[2]string{city, state}]; ok {
		lat, lng := p[0], p[1]
		o.Lat, o.Lng = &lat, &lng
	}
	o.Alliances = union(o.Alliances, e.alliances)
	o.Organized = union(o.Organized, e.organized)
	o.Participated = union(o.Participated, e.participated)
	o.Memberships, o.Participations = e.memberships, e.participations
	var pages []dataset.Source
	for _, r := range rows {
		u, d := "", r.date
		if r.member != nil {
			u = r.member.SourceURL
		} else {
			u = r.part.SourceURL
		}
		if !slices.ContainsFunc(pages, func(s dataset.Source) bool { return s.URL == u }) {
			pages = append(pages, dataset.Source{Title: f.Publishers[host(u)], URL: u, Date: d})
		}
	}
	newestFirst(pages)
	o.Sources = append(o.Sources, pages...)
	if o.Lat != nil {
		o.Sources = append(o.Sources, dataset.Source{Title: coordinatesTitle + "the centre of " + city + ", " + state +
			", rounded to 0.01 degree (public gazetteer data; the source gives the city, not an address)"})
	}
	return nil
}

// dateKey orders source dates: a less precise date sorts as its first day ("2015" before
// "2015-01"), and no date before any.
func dateKey(date string) string { return strings.TrimSuffix(date, "~") }

func newestFirst(sources []dataset.Source) {
	slices.SortStableFunc(sources, func(a, b dataset.Source) int { return strings.Compare(dateKey(b.Date), dateKey(a.Date)) })
}

func addSource(list []dataset.Source, s dataset.Source) []dataset.Source {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// union returns list with the values of more it lacks appended, in order.
func union(list, more []string) []string {
	out := slices.Clone(list)
	for _, m := range more {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}
