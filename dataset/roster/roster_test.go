package roster_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"rootsgraph/dataset"
	"rootsgraph/dataset/roster"
	"rootsgraph/model"
)

// announcement is the title of the coalition's announcement, the one source of the bundled facts
// that has no address in our copy (see dataset/README.md).
const announcement = "It Takes Roots to Grow the Resistance, coalition announcement (April 2017)"

func load(t *testing.T) (*roster.Files, *dataset.Set) {
	t.Helper()
	f, err := roster.Read()
	if err != nil {
		t.Fatal(err)
	}
	set, err := dataset.Read(dataset.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	return f, set
}

// holder is a record that can hold memberships and participations, as the test reads it.
type holder struct {
	id                                 string
	alliances, organized, participated []string
	memberships                        []dataset.Membership
	participations                     []dataset.Participation
}

func holders(set *dataset.Set) map[string]holder {
	out := map[string]holder{}
	for _, o := range set.Organizations {
		if !o.Sample {
			out[model.OrganizationID(o.Slug)] = holder{model.OrganizationID(o.Slug), o.Alliances, o.Organized, o.Participated, o.Memberships, o.Participations}
		}
	}
	for _, a := range set.Alliances {
		out[model.AllianceID(a.Slug)] = holder{model.AllianceID(a.Slug), a.Alliances, a.Organized, a.Participated, a.Memberships, a.Participations}
	}
	return out
}

// cited is one source of one edge: the record, the edge ("alliance:x" or "event:y ROLE"), the
// page and its date.
type cited struct{ record, edge, url, date string }

// fromFiles returns every source of every edge the roster files give, by names.csv, leaving out
// the rows it says to leave out.
func fromFiles(f *roster.Files) map[cited]bool {
	out := map[cited]bool{}
	for _, m := range f.Members {
		if rec := f.Names[m.Name].Record; rec != roster.LeftOut {
			out[cited{rec, model.AllianceID(roster.Alliances[m.Alliance]), m.SourceURL, m.SourceDate}] = true
		}
	}
	for _, p := range f.Parts {
		if rec := f.Names[p.Organization].Record; rec != roster.LeftOut {
			out[cited{rec, model.EventID(roster.Events[p.Event]) + " " + string(roster.Roles[p.Role]), p.SourceURL, p.SourceDate}] = true
		}
	}
	return out
}

// fromData returns every source of every edge the bundled data cites.
func fromData(t *testing.T, set *dataset.Set) map[cited]bool {
	out := map[cited]bool{}
	for id, h := range holders(set) {
		for _, m := range h.memberships {
			if !slices.Contains(h.alliances, m.Alliance) {
				t.Errorf("%s cites a membership of %s that it does not list", id, m.Alliance)
			}
			for _, s := range m.Sources {
				out[cited{id, model.AllianceID(m.Alliance), s.URL, s.Date}] = true
			}
		}
		for _, p := range h.participations {
			list := h.participated
			if p.Role == string(model.ParticipationRoleOrganizer) {
				list = h.organized
			}
			if !slices.Contains(list, p.Event) {
				t.Errorf("%s cites a %s part in %s that it does not list", id, p.Role, p.Event)
			}
			for _, s := range p.Sources {
				out[cited{id, model.EventID(p.Event) + " " + p.Role, s.URL, s.Date}] = true
			}
		}
	}
	return out
}

// TestBundledDataHoldsTheRoster checks the bundled data against the roster files row by row:
// every row not left out is a source (page and date) of the edge it gives, on the record its name
// is, and the data cites nothing that no row gives. Then the counts per alliance and per event.
func TestBundledDataHoldsTheRoster(t *testing.T) {
	f, set := load(t)
	want, got := fromFiles(f), fromData(t, set)
	for c := range want {
		if !got[c] {
			t.Errorf("the roster says %s has %s (%s, %s); the bundled data does not cite it", c.record, c.edge, c.url, c.date)
		}
	}
	for c := range got {
		if !want[c] {
			t.Errorf("the bundled data cites %s for %s of %s (%s); no roster row says so", c.url, c.edge, c.record, c.date)
		}
	}

	// The counts a researcher compares with the files: distinct records per alliance (after
	// merging spellings) and per event and role.
	count := func(cs map[cited]bool) map[string]int {
		seen := map[[2]string]bool{}
		n := map[string]int{}
		for c := range cs {
			keys := []string{c.edge}
			if ev, _, ok := strings.Cut(c.edge, " "); ok {
				keys = append(keys, ev) // the event, whatever the role
			}
			for _, k := range keys {
				if !seen[[2]string{c.record, k}] {
					seen[[2]string{c.record, k}] = true
					n[k]++
				}
			}
		}
		return n
	}
	wantN, gotN := count(want), count(got)
	if !reflect.DeepEqual(wantN, gotN) {
		t.Errorf("records per alliance, event and role: the files give %v, the data %v", wantN, gotN)
	}
	var lines []string
	for k, n := range gotN {
		lines = append(lines, fmt.Sprintf("%s: %d", k, n))
	}
	slices.Sort(lines)
	t.Logf("records per alliance, event and role:\n%s", strings.Join(lines, "\n"))

	// The figures the files' README states, merged: every alliance and event has its rows.
	for code, slug := range roster.Alliances {
		if gotN[model.AllianceID(slug)] == 0 {
			t.Errorf("no member of %s (%s)", slug, code)
		}
	}
	for code, slug := range roster.Events {
		if gotN[model.EventID(slug)] == 0 {
			t.Errorf("no participant in %s (%s)", slug, code)
		}
	}
}

// TestOneRecordPerOrganization checks that the spellings the roster pairs (aliases.csv) are one
// record whose name or other names hold both, that no two real records share a name, and that
// the record's name is the spelling of its most recent source.
func TestOneRecordPerOrganization(t *testing.T) {
	f, set := load(t)
	bySlug := map[string]dataset.Organization{}
	names := map[string]string{}
	for _, o := range set.Organizations {
		bySlug[o.Slug] = o
		for _, n := range append([]string{o.Name}, o.OtherNames...) {
			k := model.NameKey(n)
			if other, dup := names[k]; dup && other != o.Slug {
				t.Errorf("%q names both %s and %s", n, other, o.Slug)
			}
			names[k] = o.Slug
		}
	}
	for a, b := range f.Aliases {
		ra, rb := f.Names[a].Record, f.Names[b].Record
		if ra != rb {
			t.Errorf("aliases %q and %q are two records, %s and %s", a, b, ra, rb)
			continue
		}
		prefix, slug, _ := model.SplitID(ra)
		if prefix == model.AlliancePrefix {
			continue // an alliance keeps the name the announcement gives it
		}
		o := bySlug[slug]
		all := append([]string{o.Name}, o.OtherNames...)
		if !slices.Contains(all, a) || !slices.Contains(all, b) {
			t.Errorf("%s is named %q with other names %q; it should hold %q and %q", slug, o.Name, o.OtherNames, a, b)
		}
	}
	// The most recent source's spelling: a record's name is that of a row with the latest date.
	latest := map[string]string{}
	spelled := map[string][]string{}
	note := func(name, date string) {
		rec := f.Names[name].Record
		d := strings.TrimSuffix(date, "~")
		if d > latest[rec] {
			latest[rec], spelled[rec] = d, nil
		}
		if d == latest[rec] {
			spelled[rec] = append(spelled[rec], name)
		}
	}
	for _, m := range f.Members {
		note(m.Name, m.SourceDate)
	}
	for _, p := range f.Parts {
		note(p.Organization, p.SourceDate)
	}
	for rec, options := range spelled {
		prefix, slug, _ := model.SplitID(rec)
		if rec == roster.LeftOut || prefix != model.OrganizationPrefix {
			continue
		}
		if o := bySlug[slug]; !slices.Contains(options, o.Name) {
			t.Errorf("%s is named %q; its most recent sources (%s) spell it %q", slug, o.Name, latest[rec], options)
		}
	}
}

// TestRealRecordsSayOnlyWhatTheirSourcesSay checks every real record of the bundled files: a
// source with an address (or the announcement, which has none in our copy); every cited edge a
// source with an address; no communities, issues, generations, description or website unless
// the announcement is among its sources; a point only with a city; kind ALLY exactly for real
// organizations with parts in events and no membership; and no real record tied to a sample one.
func TestRealRecordsSayOnlyWhatTheirSourcesSay(t *testing.T) {
	_, set := load(t)
	sample := map[string]bool{}
	for _, o := range set.Organizations {
		sample[o.Slug] = o.Sample
	}
	hasURL := func(ss []dataset.Source) bool {
		return slices.ContainsFunc(ss, func(s dataset.Source) bool { return s.URL != "" })
	}
	fromAnnouncement := func(ss []dataset.Source) bool {
		return slices.ContainsFunc(ss, func(s dataset.Source) bool { return s.Title == announcement })
	}
	real := 0
	for _, o := range set.Organizations {
		if o.Sample {
			if strings.HasPrefix(o.Name, "Sample: ") && len(o.Memberships)+len(o.Participations)+len(o.OtherNames) == 0 {
				continue
			}
			t.Errorf("sample record %s is not plainly marked, or carries real citations", o.Slug)
			continue
		}
		real++
		if !hasURL(o.Sources) && !fromAnnouncement(o.Sources) {
			t.Errorf("%s: no source has an address", o.Slug)
		}
		said := len(o.Communities)+len(o.Issues)+len(o.Generations) > 0 || o.Description != "" || o.Website != ""
		if said && !fromAnnouncement(o.Sources) {
			t.Errorf("%s states communities, issues, generations, a description or a website that no source gives", o.Slug)
		}
		if o.Lat != nil && o.City == "" {
			t.Errorf("%s has a point but no city", o.Slug)
		}
		for _, m := range o.Memberships {
			if !hasURL(m.Sources) {
				t.Errorf("%s: its membership of %s has no source with an address", o.Slug, m.Alliance)
			}
		}
		for _, p := range o.Participations {
			if !hasURL(p.Sources) {
				t.Errorf("%s: its %s part in %s has no source with an address", o.Slug, p.Role, p.Event)
			}
		}
		if (o.Kind == string(model.OrganizationKindAlly)) != (len(o.Alliances) == 0 && len(o.Participations) > 0 && o.Kind != string(model.OrganizationKindPartner)) {
			t.Errorf("%s is a %s with %d alliances and %d parts in events", o.Slug, o.Kind, len(o.Alliances), len(o.Participations))
		}
		for _, p := range o.Partners {
			if sample[p] {
				t.Errorf("real %s partners with sample %s", o.Slug, p)
			}
		}
	}
	for _, h := range set.Hubs {
		for _, host := range h.Hosts {
			if h.Sample != sample[host] {
				t.Errorf("hub %s (sample %v) is hosted by %s (sample %v)", h.Slug, h.Sample, host, sample[host])
			}
		}
	}
	t.Logf("%d real organizations", real)
}

// TestTheBundledDataIsCurrent applies the roster to the bundled data: nothing changes, so the
// checked-in files are what `go generate ./dataset/roster` writes from the roster files.
func TestTheBundledDataIsCurrent(t *testing.T) {
	f, set := load(t)
	before, err := dataset.Read(dataset.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Apply(set); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, set) {
		t.Error("applying the roster changes the bundled data: run go generate ./dataset/roster")
	}
	if problems := set.Validate(); problems != nil {
		t.Error(problems)
	}
}
