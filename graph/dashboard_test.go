package graph

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"rootsgraph/apitest"
	"rootsgraph/model"
	"rootsgraph/store/storetest"
)

// The dashboard asks for lists narrowed by filters and sorted by orderBy, pages through them both
// ways, and draws coverage. These tests show what each filter field keeps, that paging never
// loses or repeats an item whatever the filter, order and page size, that bad input is refused
// before the database is asked anything, and what coverage counts and costs.

// TestDashboardFilters asks each list for a few items of each filter field, alone and combined,
// and compares the answers with golden files. Where total is set, the totalCount was also worked
// out from dataset/data/*.json by hand (a python script), independently of the server.
func TestDashboardFilters(t *testing.T) {
	const page = `totalCount pageInfo { hasNextPage } edges { node { name`
	cases := []struct {
		name      string
		query     string
		variables map[string]any
		golden    string
		path      []string // where the connection whose totalCount is checked is
		total     int
	}{
		// Organizations, one field at a time.
		{
			name:   "Organizations/Kind",
			query:  `{ organizations(first: 3, filter: {kind: [PARTNER]}) { ` + page + ` kind partnerRole } } } }`,
			golden: "kind", path: []string{"organizations"}, total: 5,
		},
		{
			name:   "Organizations/KindAnyOf",
			query:  `{ organizations(first: 3, filter: {kind: [COALITION, PARTNER]}) { ` + page + ` kind } } } }`,
			golden: "kind-any-of", path: []string{"organizations"}, total: 6,
		},
		{
			name: "Organizations/Alliance",
			query: `{ organizations(first: 3, filter: {alliances: ["alliance:indigenous-environmental-network"]}) {
			  ` + page + ` alliances { acronym } } } } }`,
			golden: "alliance", path: []string{"organizations"}, total: 55,
		},
		{
			name: "Organizations/AlliancesAnyOf",
			query: `{ organizations(first: 3, filter: {alliances: ["alliance:indigenous-environmental-network",
			  "alliance:right-to-the-city-alliance"]}) { ` + page + ` alliances { acronym } } } } }`,
			golden: "alliances-any-of", path: []string{"organizations"}, total: 129,
		},
		{
			name:   "Organizations/State",
			query:  `{ organizations(first: 3, filter: {states: ["NM"]}) { ` + page + ` state { code } } } } }`,
			golden: "state", path: []string{"organizations"}, total: 8,
		},
		{
			name:   "Organizations/StatesInLowerCase",
			query:  `{ organizations(first: 3, filter: {states: ["nm", "qc"]}) { ` + page + ` state { code } } } } }`,
			golden: "states-lower-case", path: []string{"organizations"}, total: 10,
		},
		{
			name:   "Organizations/Country",
			query:  `{ organizations(first: 3, filter: {country: ["CA"]}) { ` + page + ` state { code country } } } } }`,
			golden: "country", path: []string{"organizations"}, total: 10,
		},
		{
			name:   "Organizations/Region",
			query:  `{ organizations(first: 5, filter: {region: ["Prairies"]}) { ` + page + ` state { code region } } } } }`,
			golden: "region", path: []string{"organizations"}, total: 3,
		},
		{
			name:   "Organizations/RegionsAnyOf",
			query:  `{ organizations(first: 3, filter: {region: ["Northeast", "Midwest"]}) { ` + page + ` state { code region } } } } }`,
			golden: "regions-any-of", path: []string{"organizations"}, total: 65,
		},
		{
			name:   "Organizations/Community",
			query:  `{ organizations(first: 3, filter: {community: [PACIFIC_ISLANDER]}) { ` + page + ` communities } } } }`,
			golden: "community", path: []string{"organizations"}, total: 12,
		},
		{
			name:   "Organizations/Issue",
			query:  `{ organizations(first: 3, filter: {issue: [MUSLIM_COMMUNITIES]}) { ` + page + ` issues } } } }`,
			golden: "issue", path: []string{"organizations"}, total: 17,
		},
		{
			name:   "Organizations/Generation",
			query:  `{ organizations(first: 3, filter: {generation: [VETERAN]}) { ` + page + ` generations } } } }`,
			golden: "generation", path: []string{"organizations"}, total: 97,
		},
		{
			name:   "Organizations/SampleOnly",
			query:  `{ organizations(first: 3, filter: {sample: true}) { ` + page + ` sample } } } }`,
			golden: "sample-true", path: []string{"organizations"}, total: 160,
		},
		{
			name:   "Organizations/FactsOnly",
			query:  `{ organizations(first: 10, filter: {sample: false}) { ` + page + ` sample } } } }`,
			golden: "sample-false", path: []string{"organizations"}, total: 105,
		},
		// Search: part of the name, ignoring case, accents and runs of spaces.
		{
			name:   "Organizations/SearchIgnoresCase",
			query:  `{ organizations(first: 5, filter: {search: "RIVER"}) { ` + page + ` } } } }`,
			golden: "search-case", path: []string{"organizations"}, total: 4,
		},
		{
			name:   "Organizations/SearchFoldsSpaces",
			query:  `{ organizations(first: 3, filter: {search: "  CLEAN   air "}) { ` + page + ` } } } }`,
			golden: "search-spaces", path: []string{"organizations"}, total: 9,
		},
		{
			// No bundled name has an accent, so the accent is on the search side: "sámple:"
			// folds to "sample:", which every sample name starts with.
			name:   "Organizations/SearchIgnoresAccents",
			query:  `{ organizations(first: 2, filter: {search: "SÁMPLE:"}) { ` + page + ` } } } }`,
			golden: "search-accents", path: []string{"organizations"}, total: 160,
		},
		{
			name:   "Organizations/SearchWithApostrophe",
			query:  `{ organizations(first: 2, filter: {search: "people's"}) { ` + page + ` } } } }`,
			golden: "search-apostrophe", path: []string{"organizations"}, total: 1,
		},
		{
			name:      "Organizations/Search100CharactersIsAllowed",
			query:     `query($s: String) { organizations(first: 2, filter: {search: $s}) { ` + page + ` } } } }`,
			variables: map[string]any{"s": strings.Repeat("é", 100)},
			golden:    "search-100", path: []string{"organizations"}, total: 0,
		},
		// Combinations: AND across fields, OR within a list.
		{
			name: "Organizations/KindAndStatesAndCommunity",
			query: `{ organizations(first: 4, filter: {kind: [MEMBER], states: ["CA", "NY"], community: [LATINO]}) {
			  ` + page + ` kind state { code } communities } } } }`,
			golden: "combined-kind-states-community", path: []string{"organizations"}, total: 11,
		},
		{
			name: "Organizations/AlliancesAndIssuesAndGenerationAndSample",
			query: `{ organizations(first: 3, filter: {alliances: ["alliance:climate-justice-alliance",
			  "alliance:grassroots-global-justice-alliance"], issue: [HOUSING, LABOR], generation: [YOUTH], sample: true}) {
			  ` + page + ` alliances { acronym } issues generations sample } } } }`,
			golden: "combined-alliances-issues", path: []string{"organizations"}, total: 49,
		},
		{
			name:   "Organizations/SearchAndCountry",
			query:  `{ organizations(first: 5, filter: {search: "circle", country: ["CA"]}) { ` + page + ` state { code } } } } }`,
			golden: "combined-search-country", path: []string{"organizations"}, total: 2,
		},
		// Hubs.
		{
			name:   "Hubs/Setting",
			query:  `{ hubs(first: 3, filter: {setting: [SMALL_TOWN]}) { ` + page + ` setting } } } }`,
			golden: "hubs-setting", path: []string{"hubs"}, total: 12,
		},
		{
			name:   "Hubs/Activity",
			query:  `{ hubs(first: 3, filter: {activity: [VISIONING]}) { ` + page + ` activities } } } }`,
			golden: "hubs-activity", path: []string{"hubs"}, total: 11,
		},
		{
			name: "Hubs/AllianceOfTheirHosts",
			query: `{ hubs(first: 3, filter: {alliances: ["alliance:indigenous-environmental-network"]}) {
			  ` + page + ` hosts { edges { node { name alliances { acronym } } } } } } } }`,
			golden: "hubs-alliances", path: []string{"hubs"}, total: 11,
		},
		{
			name: "Hubs/CommunityOfTheirHosts",
			query: `{ hubs(first: 3, filter: {community: [PACIFIC_ISLANDER]}) {
			  ` + page + ` hosts { edges { node { name communities } } } } } } }`,
			golden: "hubs-community", path: []string{"hubs"}, total: 2,
		},
		{
			name:   "Hubs/States",
			query:  `{ hubs(first: 5, filter: {states: ["MI", "nm"]}) { ` + page + ` state { code } } } } }`,
			golden: "hubs-states", path: []string{"hubs"}, total: 4,
		},
		{
			name: "Hubs/SettingAndActivityAndAlliance",
			query: `{ hubs(first: 5, filter: {setting: [LARGE_CITY], activity: [RAPID_RESPONSE],
			  alliances: ["alliance:right-to-the-city-alliance"]}) { ` + page + ` setting activities } } } }`,
			golden: "hubs-combined", path: []string{"hubs"}, total: 5,
		},
		// Events.
		{
			name:   "Events/Kind",
			query:  `{ events(filter: {kind: [MARCH]}) { ` + page + ` kind startDate } } } }`,
			golden: "events-kind", path: []string{"events"}, total: 2,
		},
		{
			name:   "Events/Country",
			query:  `{ events(filter: {country: ["US"]}) { ` + page + ` country } } } }`,
			golden: "events-country", path: []string{"events"}, total: 4,
		},
		{
			name:   "Events/EndingFrom",
			query:  `{ events(filter: {from: "2016-01-01"}) { ` + page + ` startDate endDate } } } }`,
			golden: "events-from", path: []string{"events"}, total: 4,
		},
		{
			name:   "Events/StartingTo",
			query:  `{ events(filter: {to: "2015-12-31"}) { ` + page + ` startDate endDate } } } }`,
			golden: "events-to", path: []string{"events"}, total: 2,
		},
		{
			name:   "Events/OverlappingARange",
			query:  `{ events(filter: {from: "2015-12-01", to: "2016-11-10"}) { ` + page + ` startDate endDate } } } }`,
			golden: "events-range", path: []string{"events"}, total: 3,
		},
		{
			name:   "Events/OnOneDay",
			query:  `{ events(filter: {from: "2017-04-29", to: "2017-04-29"}) { ` + page + ` startDate endDate } } } }`,
			golden: "events-one-day", path: []string{"events"}, total: 1,
		},
		// Nested connections take the same filters.
		{
			name: "Nested/AllianceMembers",
			query: `{ alliance(slug: "climate-justice-alliance") { acronym
			  members(filter: {states: ["CA"]}) { ` + page + ` state { code } } } } } }`,
			golden: "nested-alliance-members", path: []string{"alliance", "members"}, total: 9,
		},
		{
			name: "Nested/StateOrganizations",
			query: `{ state(code: "CA") { code
			  organizations(filter: {alliances: ["alliance:indigenous-environmental-network"]}) { ` + page + ` alliances { acronym } } } } } }`,
			golden: "nested-state-organizations", path: []string{"state", "organizations"}, total: 4,
		},
		{
			name: "Nested/OrganizationPartners",
			query: `{ organization(slug: "it-takes-roots") { name
			  climate: partners(filter: {search: "CLIMATE"}) { ` + page + ` } } }
			  partners: partners(filter: {kind: [PARTNER]}, orderBy: {field: NAME, direction: DESC}, first: 3) { ` + page + ` kind } } }
			  none: partners(filter: {sample: true}) { ` + page + ` } } } } }`,
			golden: "nested-organization-partners", path: []string{"organization", "partners"}, total: 5,
		},
		{
			name: "Nested/StateHubs",
			query: `{ state(code: "MI") { code
			  hubs(filter: {setting: [SMALL_TOWN]}) { ` + page + ` setting } } } } }`,
			golden: "nested-state-hubs", path: []string{"state", "hubs"}, total: 1,
		},
		// Orders.
		{
			name:   "Order/NameDescending",
			query:  `{ organizations(first: 5, orderBy: {field: NAME, direction: DESC}) { ` + page + ` } } } }`,
			golden: "order-name-desc",
		},
		{
			name: "Order/StateAscending",
			query: `{ first: organizations(first: 5, orderBy: {field: STATE, direction: ASC}) { ` + page + ` state { code } } } }
			  last: organizations(last: 8, orderBy: {field: STATE}) { ` + page + ` state { code } } } } }`,
			golden: "order-state",
		},
		{
			// Every record is seeded at the same instant, so ties are broken by id.
			name:   "Order/Created",
			query:  `{ organizations(first: 5, orderBy: {field: CREATED}) { ` + page + ` id createdAt } } } }`,
			golden: "order-created",
		},
		{
			name:   "Order/EventsByName",
			query:  `{ events(orderBy: {field: NAME}) { ` + page + ` startDate } } } }`,
			golden: "order-events-name",
		},
	}
	// "((" rather than "(": real names hold "(" (an acronym), none holds two.
	literal := []string{".*", "$where", "((", `{"$gt": ""}`, "^s", "[a-z]", `\`, "sample: a.*", "sample|circle"}

	s := newTestServer(t, 1)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.t = t
			data := s.mustQuery(c.query, c.variables)
			apitest.CheckGolden(t, "dashboard-"+c.golden, data)
			if c.path != nil {
				if got := connectionAt(t, data, c.path).TotalCount; got != c.total {
					t.Errorf("%s.totalCount %d; want %d (counted in the data files)", strings.Join(c.path, "."), got, c.total)
				}
			}
		})
	}
	// Search text is a value, never a pattern or an operator: no name holds these characters, so
	// nothing matches, where a pattern would match everything.
	for _, text := range literal {
		t.Run("Organizations/SearchIsLiteral/"+text, func(t *testing.T) {
			s.t = t
			const q = `query($s: String) { organizations(first: 1, filter: {search: $s}) { totalCount }
			  hubs(first: 1, filter: {search: $s}) { totalCount } events(first: 1, filter: {search: $s}) { totalCount } }`
			var got map[string]struct{ TotalCount int }
			if err := json.Unmarshal(s.mustQuery(q, map[string]any{"s": text}), &got); err != nil {
				t.Fatal(err)
			}
			for list, c := range got {
				if c.TotalCount != 0 {
					t.Errorf("%s with search %q: totalCount %d; want 0 (no name contains it)", list, text, c.TotalCount)
				}
			}
		})
	}
}

// TestDashboardPagingProperty draws filters, orders and page sizes at random (from a fixed seed,
// so every run is the same), pages through the list forward with first and after and backward
// with last and before, and checks that together the pages hold every matching item exactly
// once, in order, against an oracle computed here from the data files by the documented rules.
//
// A page of organizations costs about 45 ms on the embedded database, so page sizes are drawn
// from those that take at most dashMaxPages pages, and totalCount is asked on the first page
// only: small pages are drawn for short lists.
func TestDashboardPagingProperty(t *testing.T) {
	docs := storetest.Bundled(t, 1)
	s := newTestServer(t, 1)
	r := rand.New(rand.NewPCG(2017, 429))

	const vars = `$filter: OrganizationFilter, $orderBy: OrganizationOrder, $first: Int, $after: String, $last: Int, $before: String, $count: Boolean!`
	const args = `filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before`
	const sel = `totalCount @include(if: $count) pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } }`
	lists := []struct {
		name       string
		query      string
		path       []string
		iterations int
		within     func(*model.Organization) bool
	}{
		{
			name:       "Organizations",
			query:      `query(` + vars + `) { organizations(` + args + `) { ` + sel + ` } }`,
			path:       []string{"organizations"},
			iterations: 40,
			within:     func(*model.Organization) bool { return true },
		},
		{
			name: "AllianceMembers",
			query: `query(` + vars + `) { alliance(slug: "climate-justice-alliance") {
			  members(` + args + `) { ` + sel + ` } } }`,
			path:       []string{"alliance", "members"},
			iterations: 10,
			within: func(o *model.Organization) bool {
				return slices.Contains(o.AllianceIDs, "alliance:climate-justice-alliance")
			},
		},
	}
	for _, l := range lists {
		for i := range l.iterations {
			f := dashRandomFilter(r, docs)
			o := dashRandomOrder(r)
			var want []string
			for _, org := range slices.SortedFunc(slices.Values(docs.Organizations), o.compare) {
				if l.within(org) && f.matches(org) {
					want = append(want, org.ID)
				}
			}
			// A page size from 1 to 25, at most one more than the list (so that most lists take
			// more than one page) and large enough for at most dashMaxPages pages.
			least := max(1, (len(want)+dashMaxPages-1)/dashMaxPages)
			most := max(least, min(25, len(want)+1))
			size := min(25, least+r.IntN(most-least+1))
			t.Run(fmt.Sprintf("%s/%02d", l.name, i), func(t *testing.T) {
				s.t = t
				t.Logf("filter %s, orderBy %v, page size %d: %d match", f, o, size, len(want))
				dashPageThrough(t, s, l.query, l.path, f.input(), o.input(), size, want)
			})
		}
	}
}

// dashMaxPages bounds the pages of one direction in TestDashboardPagingProperty where page sizes
// up to 25 allow it.
const dashMaxPages = 4

// dashPageThrough pages forward and then backward through a list and compares both with want.
func dashPageThrough(t *testing.T, s *testServer, query string, path []string, filter, orderBy map[string]any, size int, want []string) {
	t.Helper()
	wantPages := max(1, (len(want)+size-1)/size)
	fetch := func(extra map[string]any) connection {
		t.Helper()
		vars := map[string]any{"filter": filter, "count": false}
		if orderBy != nil {
			vars["orderBy"] = orderBy
		}
		maps.Copy(vars, extra)
		p := connectionAt(t, s.mustQuery(query, vars), path)
		if vars["count"] == true && p.TotalCount != len(want) {
			t.Fatalf("totalCount %d; want %d", p.TotalCount, len(want))
		}
		if len(p.Edges) > size {
			t.Fatalf("%d edges on a page of %d", len(p.Edges), size)
		}
		if len(p.Edges) > 0 && (p.PageInfo.StartCursor == nil || *p.PageInfo.StartCursor != p.Edges[0].Cursor ||
			p.PageInfo.EndCursor == nil || *p.PageInfo.EndCursor != p.Edges[len(p.Edges)-1].Cursor) {
			t.Fatalf("startCursor and endCursor are not the cursors of the first and last edges")
		}
		return p
	}

	var forward []string
	pages := 0
	extra := map[string]any{"first": size, "count": true}
	for {
		p := fetch(extra)
		pages++
		forward = append(forward, p.ids()...)
		if !p.PageInfo.HasNextPage {
			break
		}
		if len(p.Edges) != size || pages > wantPages {
			t.Fatalf("forward page %d: %d edges and hasNextPage; want %d edges on each of %d pages", pages, len(p.Edges), size, wantPages)
		}
		extra = map[string]any{"first": size, "after": *p.PageInfo.EndCursor}
	}
	if !slices.Equal(forward, want) {
		t.Errorf("forward, first %d with after: %v; want %v", size, forward, want)
	}
	if pages != wantPages {
		t.Errorf("forward: %d pages; want %d", pages, wantPages)
	}

	var backward [][]string
	extra = map[string]any{"last": size}
	for {
		p := fetch(extra)
		backward = append(backward, p.ids())
		if !p.PageInfo.HasPreviousPage {
			break
		}
		if len(p.Edges) != size || len(backward) > wantPages {
			t.Fatalf("backward page %d: %d edges and hasPreviousPage; want %d edges on each of %d pages", len(backward), len(p.Edges), size, wantPages)
		}
		extra = map[string]any{"last": size, "before": *p.PageInfo.StartCursor}
	}
	slices.Reverse(backward)
	if got := slices.Concat(backward...); !slices.Equal(got, want) {
		t.Errorf("backward, last %d with before, pages put back in order: %v; want %v", size, got, want)
	}
	if len(backward) != wantPages {
		t.Errorf("backward: %d pages; want %d", len(backward), wantPages)
	}
}

// dashFold is a name as lists sort and search it, by the documented rule: accents removed, case
// ignored, runs of spaces taken as one.
func dashFold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	if out, _, err := transform.String(t, s); err == nil {
		s = out
	}
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// dashOrgFilter is an OrganizationFilter as the oracle reads it; a nil field does not narrow.
type dashOrgFilter struct {
	Kind, Alliances, States, Country, Region, Community, Issue, Generation []string
	Sample                                                                 *bool
	Search                                                                 *string
}

func (f dashOrgFilter) input() map[string]any {
	out := map[string]any{}
	for name, v := range map[string][]string{
		"kind": f.Kind, "alliances": f.Alliances, "states": f.States, "country": f.Country, "region": f.Region,
		"community": f.Community, "issue": f.Issue, "generation": f.Generation,
	} {
		if v != nil {
			out[name] = v
		}
	}
	if f.Sample != nil {
		out["sample"] = *f.Sample
	}
	if f.Search != nil {
		out["search"] = *f.Search
	}
	return out
}

func (f dashOrgFilter) String() string {
	b, _ := json.Marshal(f.input())
	return string(b)
}

// matches is the documented meaning of a filter: every field given must hold, and a list field
// holds when the record has any of its values.
func (f dashOrgFilter) matches(o *model.Organization) bool {
	anyOf := func(want, have []string) bool {
		return want == nil || slices.ContainsFunc(have, func(v string) bool { return slices.Contains(want, v) })
	}
	var code, country, region []string
	if o.StateID != nil {
		code = []string{strings.TrimPrefix(*o.StateID, "state:")}
		country, region = []string{*o.Country}, []string{*o.Region}
	}
	var states []string // postal codes may be given in either case
	for _, s := range f.States {
		states = append(states, strings.ToUpper(s))
	}
	return anyOf(f.Kind, []string{string(o.Kind)}) &&
		anyOf(f.Alliances, o.AllianceIDs) &&
		anyOf(states, code) &&
		anyOf(f.Country, country) &&
		anyOf(f.Region, region) &&
		anyOf(f.Community, dashStrings(o.Communities)) &&
		anyOf(f.Issue, dashStrings(o.Issues)) &&
		anyOf(f.Generation, dashStrings(o.Generations)) &&
		(f.Sample == nil || *f.Sample == o.Sample) &&
		(f.Search == nil || slices.ContainsFunc(append([]string{o.Name}, o.OtherNames...), func(n string) bool {
			return strings.Contains(dashFold(n), dashFold(*f.Search))
		}))
}

func dashStrings[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// dashRandomFilter draws a filter: each field with probability 1/4, its values drawn from those
// the data holds (states sometimes in lower case, searches cut from a real name).
func dashRandomFilter(r *rand.Rand, docs model.Documents) dashOrgFilter {
	distinct := func(values func(yield func(string) bool)) []string {
		return slices.Compact(slices.Sorted(values))
	}
	orgValues := func(of func(*model.Organization) []string) []string {
		return distinct(func(yield func(string) bool) {
			for _, o := range docs.Organizations {
				for _, v := range of(o) {
					if !yield(v) {
						return
					}
				}
			}
		})
	}
	stateValues := func(of func(*model.State) string) []string {
		return distinct(func(yield func(string) bool) {
			for _, s := range docs.States {
				if !yield(of(s)) {
					return
				}
			}
		})
	}
	pick := func(pool []string) []string {
		n := 1 + r.IntN(min(3, len(pool)))
		out := make([]string, 0, n)
		for _, i := range r.Perm(len(pool))[:n] {
			out = append(out, pool[i])
		}
		return out
	}
	maybe := func() bool { return r.IntN(4) == 0 }

	var f dashOrgFilter
	if maybe() {
		f.Kind = pick(orgValues(func(o *model.Organization) []string { return []string{string(o.Kind)} }))
	}
	if maybe() {
		f.Alliances = pick(orgValues(func(o *model.Organization) []string { return o.AllianceIDs }))
	}
	if maybe() {
		// States where organizations are, and now and then one where none is.
		f.States = pick(orgValues(func(o *model.Organization) []string {
			if o.StateID == nil {
				return nil
			}
			return []string{strings.TrimPrefix(*o.StateID, "state:")}
		}))
		if r.IntN(4) == 0 {
			f.States = append(f.States, docs.States[r.IntN(len(docs.States))].Code)
		}
		if r.IntN(2) == 0 {
			for i := range f.States {
				f.States[i] = strings.ToLower(f.States[i])
			}
		}
	}
	if maybe() {
		f.Country = pick(stateValues(func(s *model.State) string { return s.Country }))
	}
	if maybe() {
		f.Region = pick(stateValues(func(s *model.State) string { return s.Region }))
	}
	if maybe() {
		f.Community = pick(orgValues(func(o *model.Organization) []string { return dashStrings(o.Communities) }))
	}
	if maybe() {
		f.Issue = pick(orgValues(func(o *model.Organization) []string { return dashStrings(o.Issues) }))
	}
	if maybe() {
		f.Generation = pick(orgValues(func(o *model.Organization) []string { return dashStrings(o.Generations) }))
	}
	if maybe() {
		b := r.IntN(2) == 0
		f.Sample = &b
	}
	if maybe() {
		for {
			name := []rune(docs.Organizations[r.IntN(len(docs.Organizations))].Name)
			n := 1 + r.IntN(min(4, len(name)))
			start := r.IntN(len(name) - n + 1)
			search := string(name[start : start+n])
			if strings.TrimSpace(search) == "" {
				continue
			}
			switch r.IntN(3) {
			case 0:
				search = strings.ToUpper(search)
			case 1:
				search = strings.ToLower(search)
			}
			f.Search = &search
			break
		}
	}
	return f
}

// dashOrgOrder is an OrganizationOrder; Field "" stands for orderBy omitted.
type dashOrgOrder struct{ Field, Direction string }

func dashRandomOrder(r *rand.Rand) dashOrgOrder {
	fields := []string{"", "NAME", "STATE", "CREATED", "UPDATED"}
	return dashOrgOrder{Field: fields[r.IntN(len(fields))], Direction: []string{"ASC", "DESC"}[r.IntN(2)]}
}

func (o dashOrgOrder) String() string {
	if o.Field == "" {
		return "omitted"
	}
	return o.Field + " " + o.Direction
}

func (o dashOrgOrder) input() map[string]any {
	if o.Field == "" {
		return nil
	}
	return map[string]any{"field": o.Field, "direction": o.Direction}
}

// compare is the documented order: by name ignoring case and accents; or by state code, then
// name, with those without a state after every state; or by creation or update time; ties by id.
// DESC runs the whole list the other way.
func (o dashOrgOrder) compare(a, b *model.Organization) int {
	byName := func() int { return strings.Compare(dashFold(a.Name), dashFold(b.Name)) }
	var c int
	switch o.Field {
	case "", "NAME":
		c = byName()
	case "STATE":
		code := func(o *model.Organization) string {
			if o.StateID == nil {
				return ""
			}
			return strings.TrimPrefix(*o.StateID, "state:")
		}
		c = cmp.Or(
			cmp.Compare(dashBoolRank(code(a) == ""), dashBoolRank(code(b) == "")),
			strings.Compare(code(a), code(b)),
			byName())
	case "CREATED":
		c = a.CreatedAt.Compare(b.CreatedAt)
	case "UPDATED":
		c = a.UpdatedAt.Compare(b.UpdatedAt)
	}
	c = cmp.Or(c, strings.Compare(a.ID, b.ID))
	if o.Field != "" && o.Direction == "DESC" {
		c = -c
	}
	return c
}

func dashBoolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestDashboardBadInput shows that arguments the API cannot use are refused with BAD_USER_INPUT
// and a message that says what to change, before the database is asked anything: a top-level
// list sends no command at all, a nested one no more than its parent's lookup costs alone.
func TestDashboardBadInput(t *testing.T) {
	s := newTestServer(t, 1)
	endCursor := func(query string, path ...string) string {
		t.Helper()
		p := connectionAt(t, s.mustQuery(query, nil), path)
		if p.PageInfo.EndCursor == nil {
			t.Fatalf("%s: no endCursor", query)
		}
		return *p.PageInfo.EndCursor
	}
	const page = `pageInfo { endCursor } edges { node { id } }`
	byName := endCursor(`{ organizations(first: 1) { `+page+` } }`, "organizations")
	hubCursor := endCursor(`{ hubs(first: 1) { `+page+` } }`, "hubs")
	noID := base64.RawURLEncoding.EncodeToString([]byte(`{"l":"organizations","o":"nameKey","v":"a"}`))

	const vars = `$filter: OrganizationFilter, $orderBy: OrganizationOrder, $first: Int, $after: String, $last: Int, $before: String`
	const args = `filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before`
	// Every case is tried on the top-level list and on one nested list; a few on two more.
	some := []string{"CursorFromAnotherList", "FirstAbove100", "StateName"}
	lists := []struct {
		name   string
		query  string
		parent string   // the same query without the list: what the lookups above it cost
		only   []string // the cases tried on it, when not all
	}{
		{"Organizations", `query(` + vars + `) { organizations(` + args + `) { totalCount edges { node { id } } } }`, "", nil},
		{"AllianceMembers", `query(` + vars + `) { alliance(slug: "climate-justice-alliance") { id
		  members(` + args + `) { totalCount edges { node { id } } } } }`, `{ alliance(slug: "climate-justice-alliance") { id } }`, nil},
		{"StateOrganizations", `query(` + vars + `) { state(code: "CA") { id
		  organizations(` + args + `) { totalCount edges { node { id } } } } }`, `{ state(code: "CA") { id } }`, some},
		{"OrganizationPartners", `query(` + vars + `) { organization(slug: "it-takes-roots") { id
		  partners(` + args + `) { totalCount edges { node { id } } } } }`, `{ organization(slug: "it-takes-roots") { id } }`, some},
	}
	byArgs := []struct {
		name      string
		variables map[string]any
		message   []string // words that say what to change
	}{
		{"MalformedCursor", map[string]any{"after": "garbage"}, []string{"after", "not a cursor", "endCursor"}},
		{"CursorWithoutID", map[string]any{"last": 2, "before": noID}, []string{"before", "not a cursor"}},
		{"CursorFromAnotherList", map[string]any{"first": 2, "after": hubCursor}, []string{"after", "hubs", "organizations"}},
		{"CursorFromAnotherOrder", map[string]any{"first": 2, "after": byName, "orderBy": map[string]any{"field": "STATE"}},
			[]string{"after", "another order", "orderBy"}},
		{"CursorFromTheOtherDirection", map[string]any{"first": 2, "after": byName, "orderBy": map[string]any{"field": "NAME", "direction": "DESC"}},
			[]string{"after", "another order", "orderBy"}},
		{"FirstAbove100", map[string]any{"first": 101}, []string{"first", "at most 100", "101", "after"}},
		{"FirstNegative", map[string]any{"first": -1}, []string{"first", "zero or more", "-1"}},
		{"LastAbove100", map[string]any{"last": 101}, []string{"last", "at most 100", "before"}},
		{"LastNegative", map[string]any{"last": -5}, []string{"last", "zero or more"}},
		{"FirstAndLast", map[string]any{"first": 2, "last": 2}, []string{"first", "last", "not both"}},
		{"FirstWithBefore", map[string]any{"first": 2, "before": byName}, []string{"before", "last"}},
		{"LastWithAfter", map[string]any{"last": 2, "after": byName}, []string{"after", "first"}},
		{"SearchEmpty", map[string]any{"filter": map[string]any{"search": ""}}, []string{"search", "empty"}},
		{"SearchOnlySpaces", map[string]any{"filter": map[string]any{"search": " \t  "}}, []string{"search", "empty"}},
		{"SearchOf101Characters", map[string]any{"filter": map[string]any{"search": strings.Repeat("a", 101)}}, []string{"search", "100"}},
		{"EmptyStates", map[string]any{"filter": map[string]any{"states": []string{}}}, []string{"states", "empty list"}},
		{"EmptyCommunity", map[string]any{"filter": map[string]any{"community": []string{}}}, []string{"community", "empty list"}},
		{"StateName", map[string]any{"filter": map[string]any{"states": []string{"NM", "New York"}}}, []string{"states", `"New York"`, "postal code"}},
		{"AllianceSlug", map[string]any{"filter": map[string]any{"alliances": []string{"climate"}}},
			[]string{"alliances", `"climate"`, "alliance:climate-justice-alliance"}},
		{"CountryOfThreeLetters", map[string]any{"filter": map[string]any{"country": []string{"USA"}}}, []string{"country", `"USA"`, "US"}},
		{"RegionBlank", map[string]any{"filter": map[string]any{"region": []string{" "}}}, []string{"region"}},
		{"StatesAbove100Values", map[string]any{"filter": map[string]any{"states": slices.Repeat([]string{"NY"}, 101)}}, []string{"at most 100", "101"}},
	}
	type badCase struct {
		name      string
		query     string
		variables map[string]any
		parent    string
		message   []string
	}
	var cases []badCase
	for _, l := range lists {
		for _, a := range byArgs {
			if l.only != nil && !slices.Contains(l.only, a.name) {
				continue
			}
			cases = append(cases, badCase{l.name + "/" + a.name, l.query, a.variables, l.parent, a.message})
		}
	}
	cases = append(cases,
		badCase{name: "Events/FromAfterTo", query: `{ events(filter: {from: "2017-01-01", to: "2016-01-01"}) { totalCount } }`,
			message: []string{"from", "2017-01-01", "after", "to", "2016-01-01"}},
		badCase{name: "StateEvents/FromAfterTo", query: `{ state(code: "NY") { id events(filter: {from: "2017-01-01", to: "2016-01-01"}) { totalCount } } }`,
			parent: `{ state(code: "NY") { id } }`, message: []string{"from", "after", "to"}},
		badCase{name: "Hubs/AllianceSlug", query: `{ hubs(filter: {alliances: ["climate"]}) { totalCount } }`,
			message: []string{"alliances", `"climate"`}},
		badCase{name: "StateHubs/StateName", query: `{ state(code: "MI") { id hubs(filter: {states: ["Michigan"]}) { totalCount } } }`,
			parent: `{ state(code: "MI") { id } }`, message: []string{"states", `"Michigan"`, "postal code"}},
		badCase{name: "Events/CountryOfThreeLetters", query: `{ events(filter: {country: ["USA"]}) { totalCount } }`,
			message: []string{"country", `"USA"`}},
		badCase{name: "Coverage/StateName", query: `{ coverage(dimension: STATE, filter: {states: ["New York"]}) { key } }`,
			message: []string{"states", `"New York"`, "postal code"}},
		badCase{name: "Coverage/AllianceSlug", query: `{ coverage(dimension: ALLIANCE, filter: {alliances: ["climate"]}) { key } }`,
			message: []string{"alliances", `"climate"`}},
		badCase{name: "Coverage/CountryOfThreeLetters", query: `{ coverage(dimension: COUNTRY, filter: {country: ["USA"]}) { key } }`,
			message: []string{"country", `"USA"`}},
		badCase{name: "CoverageGaps/StateName", query: `{ coverageGaps(filter: {states: ["ny", "Quebec"]}) { organizations } }`,
			message: []string{"states", `"Quebec"`}},
	)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.t = t
			allowed := 0
			if c.parent != "" {
				s.mustQuery(c.parent, nil) // reads any snapshot a write outdated, so the next is current
				s.db.Commands.Reset()
				s.mustQuery(c.parent, nil)
				allowed = s.db.Commands.Total()
			}
			s.db.Commands.Reset()
			out := s.post(c.query, c.variables)
			if got := s.db.Commands.Total(); got != allowed {
				t.Errorf("%d database commands; want %d, what the lookups above the list cost (sent: %v)", got, allowed, s.db.Commands.Commands())
			}
			if len(out.Errors) == 0 {
				t.Fatalf("no error; want one with code BAD_USER_INPUT (data %s)", apitest.Truncate(out.Data, 300))
			}
			e := out.Errors[0]
			if got := e.Extensions["code"]; got != "BAD_USER_INPUT" {
				t.Errorf("extensions.code %v; want BAD_USER_INPUT (message %q)", got, e.Message)
			}
			for _, word := range c.message {
				if !strings.Contains(e.Message, word) {
					t.Errorf("message %q; want it to name %q", e.Message, word)
				}
			}
		})
	}
}

// TestCoverage compares coverage by every dimension, with and without filters, and coverage
// gaps with golden files; checks the counts against the data files, counted here; and shows that
// coverage costs a fixed number of database commands, the same on ten times the data.
func TestCoverage(t *testing.T) {
	docs := storetest.Bundled(t, 1)
	const fields = `key label organizations hubs events`
	cases := []struct {
		name      string
		dimension string
		filter    map[string]any
		selection string
		golden    string
	}{
		{"State", "STATE", nil, fields + ` state { code }`, "state"},
		{"Alliance", "ALLIANCE", nil, fields + ` alliance { id acronym }`, "alliance"},
		{"Community", "COMMUNITY", nil, fields, "community"},
		{"Issue", "ISSUE", nil, fields, "issue"},
		{"Region", "REGION", nil, fields, "region"},
		{"Country", "COUNTRY", nil, fields, "country"},
		{"State/SampleOnly", "STATE", map[string]any{"sample": true}, fields + ` state { code }`, "state-sample"},
		{"State/AllianceHasNoEvents", "STATE", map[string]any{"alliances": []string{"alliance:right-to-the-city-alliance"}}, fields + ` state { code }`, "state-alliance"},
		{"State/Canada", "STATE", map[string]any{"country": []string{"CA"}}, fields + ` state { code country }`, "state-canada"},
		{"Alliance/Alliance", "ALLIANCE", map[string]any{"alliances": []string{"alliance:indigenous-environmental-network"}}, fields, "alliance-alliance"},
		{"Alliance/FactsOnly", "ALLIANCE", map[string]any{"sample": false}, fields, "alliance-facts"},
		{"Alliance/NewYork", "ALLIANCE", map[string]any{"states": []string{"ny"}}, fields, "alliance-new-york"},
		{"Community/Issue", "COMMUNITY", map[string]any{"issue": []string{"HOUSING"}}, fields, "community-issue"},
		{"Region/Canada", "REGION", map[string]any{"country": []string{"CA"}}, fields, "region-canada"},
		{"Country/Canada", "COUNTRY", map[string]any{"country": []string{"CA"}}, fields, "country-canada"},
		{"Country/South", "COUNTRY", map[string]any{"region": []string{"South"}}, fields, "country-south"},
	}

	s := newTestServer(t, 1)
	const query = `query($d: CoverageDimension!, $f: CoverageFilter) { coverage(dimension: $d, filter: $f) { %s } }`
	buckets := map[string][]covBucket{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.t = t
			data := s.mustQuery(fmt.Sprintf(query, c.selection), map[string]any{"d": c.dimension, "f": c.filter})
			apitest.CheckGolden(t, "coverage-"+c.golden, data)
			var out struct{ Coverage []covBucket }
			if err := json.Unmarshal(data, &out); err != nil {
				t.Fatal(err)
			}
			buckets[c.name] = out.Coverage
		})
	}

	// The counts, worked out here from the data files.
	t.Run("State/CountsAreTheData", func(t *testing.T) {
		b := buckets["State"]
		if len(b) != len(docs.States) || len(b) != 69 {
			t.Fatalf("%d buckets; want one per state and province, 69", len(b))
		}
		sum := 0
		for _, st := range docs.States {
			i := slices.IndexFunc(b, func(b covBucket) bool { return b.Key == st.Code })
			if i < 0 {
				t.Errorf("no bucket for %s", st.Code)
				continue
			}
			got := b[i]
			if got.State == nil || got.State.Code != st.Code || got.Label != st.Name {
				t.Errorf("bucket %s: label %q, state %v; want %q and state %s", st.Code, got.Label, got.State, st.Name, st.Code)
			}
			orgs := dashCount(docs.Organizations, func(o *model.Organization) bool { return o.StateID != nil && *o.StateID == st.ID })
			hubs := dashCount(docs.Hubs, func(h *model.Hub) bool { return h.StateID == st.ID })
			events := dashCount(docs.Events, func(e *model.Event) bool { return e.StateID != nil && *e.StateID == st.ID })
			if got.Organizations != orgs || got.Hubs != hubs || got.Events == nil || *got.Events != events {
				t.Errorf("bucket %s: %d organizations, %d hubs, %v events; want %d, %d, %d", st.Code, got.Organizations, got.Hubs, dashInt(got.Events), orgs, hubs, events)
			}
			sum += got.Organizations
		}
		withState := dashCount(docs.Organizations, func(o *model.Organization) bool { return o.StateID != nil })
		if sum != withState || sum != 204 {
			t.Errorf("organizations over all states %d; want %d, those with a state (204: 160 sample, 44 real)", sum, withState)
		}
	})
	t.Run("State/SampleOnly/CountsAreTheData", func(t *testing.T) {
		for _, b := range buckets["State/SampleOnly"] {
			orgs := dashCount(docs.Organizations, func(o *model.Organization) bool { return o.Sample && o.StateID != nil && *o.StateID == "state:"+b.Key })
			if b.Organizations != orgs || b.Events == nil || *b.Events != 0 {
				t.Errorf("bucket %s: %d organizations, %v events; want %d and 0 (every event is a fact)", b.Key, b.Organizations, dashInt(b.Events), orgs)
			}
		}
	})
	t.Run("State/Canada/OnlyCanada", func(t *testing.T) {
		b := buckets["State/Canada"]
		canadian := dashCount(docs.States, func(s *model.State) bool { return s.Country == "CA" })
		if len(b) != canadian {
			t.Errorf("%d buckets; want %d, the provinces and territories", len(b), canadian)
		}
		sum := 0
		for _, b := range b {
			if b.State == nil || b.State.Country != "CA" {
				t.Errorf("bucket %s is not in Canada (%v)", b.Key, b.State)
			}
			sum += b.Organizations
		}
		if sum != 10 {
			t.Errorf("organizations over Canada %d; want 10", sum)
		}
	})
	t.Run("EventsAreNullWithAFilterEventsDoNotHave", func(t *testing.T) {
		for _, name := range []string{"State/AllianceHasNoEvents", "Alliance/Alliance", "Community", "Issue", "Community/Issue"} {
			for _, b := range buckets[name] {
				if b.Events != nil {
					t.Errorf("%s, bucket %s: events %d; want null", name, b.Key, *b.Events)
				}
			}
		}
	})
	t.Run("Alliance/CountsAreTheData", func(t *testing.T) {
		b := buckets["Alliance"]
		if len(b) != 4 {
			t.Fatalf("%d buckets; want the 4 alliances", len(b))
		}
		for i, a := range slices.SortedFunc(slices.Values(docs.Alliances), func(a, b *model.Alliance) int { return strings.Compare(a.Name, b.Name) }) {
			orgs := dashCount(docs.Organizations, func(o *model.Organization) bool { return slices.Contains(o.AllianceIDs, a.ID) })
			hubs := dashCount(docs.Hubs, func(h *model.Hub) bool { return slices.Contains(h.AllianceIDs, a.ID) })
			events := len(slices.Compact(slices.Sorted(slices.Values(slices.Concat(a.OrganizedEventIDs, a.ParticipatedEventIDs)))))
			got := b[i]
			if got.Key != a.ID || got.Alliance == nil || got.Alliance.ID != a.ID || got.Label != a.Name {
				t.Errorf("bucket %d: %s %q; want %s %q, by name", i, got.Key, got.Label, a.ID, a.Name)
			}
			if got.Organizations != orgs || got.Hubs != hubs || got.Events == nil || *got.Events != events {
				t.Errorf("bucket %s: %d organizations, %d hubs, %v events; want %d, %d, %d", a.ID, got.Organizations, got.Hubs, dashInt(got.Events), orgs, hubs, events)
			}
		}
	})
	t.Run("EveryValueOfTheDimensionHasABucket", func(t *testing.T) {
		regions := map[string]bool{}
		for _, st := range docs.States {
			regions[st.Region] = true
		}
		for name, want := range map[string]int{
			"Community":      len(model.AllCommunity),
			"Issue":          len(model.AllIssue),
			"Region":         len(regions),
			"Country":        4, // the US and Canada, and France and Morocco where events were held
			"Country/Canada": 1,
			"Region/Canada":  5,
		} {
			if got := len(buckets[name]); got != want {
				t.Errorf("%s: %d buckets; want %d", name, got, want)
			}
		}
		for _, name := range []string{"Region", "Country"} {
			sum := 0
			for _, b := range buckets[name] {
				sum += b.Organizations
			}
			if sum != 204 {
				t.Errorf("%s: %d organizations over all buckets; want 204, those with a state", name, sum)
			}
		}
	})
	t.Run("Issue/Labels", func(t *testing.T) {
		// WOMENS_RIGHTS is the one value whose label needs an apostrophe.
		for _, b := range buckets["Issue"] {
			if b.Key == "WOMENS_RIGHTS" && b.Label != "Women's rights" {
				t.Errorf("label of WOMENS_RIGHTS %q; want %q", b.Label, "Women's rights")
			}
		}
	})

	// Gaps are the states and provinces without an organization or without a hub.
	for _, c := range []struct {
		name   string
		filter map[string]any
		golden string
	}{
		{"Gaps", nil, "gaps"},
		{"Gaps/RightToTheCityInTheUS", map[string]any{"alliances": []string{"alliance:right-to-the-city-alliance"}, "country": []string{"US"}}, "gaps-filtered"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s.t = t
			data := s.mustQuery(`query($f: CoverageFilter) {
			  coverageGaps(filter: $f) { state { code name } organizations hubs }
			  coverage(dimension: STATE, filter: $f) { key organizations hubs } }`, map[string]any{"f": c.filter})
			var out struct {
				CoverageGaps json.RawMessage
				Coverage     []covBucket
			}
			var gaps []struct {
				State               struct{ Code string }
				Organizations, Hubs int
			}
			if err := json.Unmarshal(data, &out); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(out.CoverageGaps, &gaps); err != nil {
				t.Fatal(err)
			}
			apitest.CheckGolden(t, "coverage-"+c.golden, map[string]any{"coverageGaps": out.CoverageGaps})
			var want, got []string
			for _, b := range out.Coverage {
				if b.Organizations == 0 || b.Hubs == 0 {
					want = append(want, fmt.Sprintf("%s %d %d", b.Key, b.Organizations, b.Hubs))
				}
			}
			for _, g := range gaps {
				got = append(got, fmt.Sprintf("%s %d %d", g.State.Code, g.Organizations, g.Hubs))
			}
			if !slices.Equal(got, want) {
				t.Errorf("gaps %v; want the STATE buckets without an organization or a hub, %v", got, want)
			}
		})
	}

	// What coverage costs: one aggregate per measure it counts and one read of the dimension's
	// domain where the data holds it, whatever the size of the data.
	// Through snapshots (snap): two finds by _id for each collection read whole, once.
	counts := []struct {
		name  string
		query string
		want  map[string]int
		why   string
		snap  int
	}{
		{
			name:  "State",
			query: `{ coverage(dimension: STATE) { key organizations hubs events state { code name } } }`,
			want:  map[string]int{"aggregate": 3, "find": 1},
			why: `aggregate organizations, aggregate hubs and aggregate events, each $group by stateId;
			find states, the domain (every bucket's state comes from it: the loader is primed)`,
			snap: 4,
		},
		{
			name:  "Alliance",
			query: `{ coverage(dimension: ALLIANCE) { key organizations hubs events alliance { acronym } } }`,
			want:  map[string]int{"aggregate": 2, "find": 2},
			why: `aggregate organizations and aggregate hubs ($unwind allianceIds, $group); find alliances,
			the domain, which lists each alliance's events; find the events that are not archived, to
			count each alliance's among them`,
			snap: 4,
		},
		{
			name:  "Alliance/WithAnEventFilter",
			query: `{ coverage(dimension: ALLIANCE, filter: {states: ["NY"]}) { key organizations hubs events } }`,
			want:  map[string]int{"aggregate": 2, "find": 2},
			why:   `as without a filter: the events found are those that pass the filter`,
			snap:  4,
		},
		{
			name:  "Community",
			query: `{ coverage(dimension: COMMUNITY) { key organizations hubs events } }`,
			want:  map[string]int{"aggregate": 2},
			why:   `aggregate organizations and aggregate hubs ($unwind communities); the domain is the enum, events are not counted`,
			snap:  2,
		},
		{
			name:  "Gaps",
			query: `{ coverageGaps { state { code } organizations hubs } }`,
			want:  map[string]int{"aggregate": 2, "find": 1},
			why:   `aggregate organizations and aggregate hubs by stateId; find states`,
			snap:  3,
		},
	}
	for _, scale := range []int{1, 10} {
		srv := s
		if scale > 1 {
			srv = newTestServer(t, scale)
		}
		direct, _ := withoutSnapshots(t, srv)
		for _, c := range counts {
			t.Run(fmt.Sprintf("Commands/%s/%dx", c.name, scale), func(t *testing.T) {
				for _, run := range []struct {
					s    *testServer
					want map[string]int
				}{{srv, map[string]int{"find": 2 * c.snap}}, {direct, c.want}} {
					run.s.t = t
					run.s.mustQuery(c.query, nil) // the snapshots are read again after a write
					run.s.db.Commands.Reset()
					run.s.mustQuery(c.query, nil)
					if got := run.s.db.Commands.ByName(); !maps.Equal(got, run.want) {
						t.Errorf("snapshots %v: commands %v; want %v (%s)\nsent:\n%s", run.s == srv, got, run.want, c.why, strings.Join(run.s.db.Commands.Commands(), "\n"))
					}
				}
			})
		}
	}
}

// dashCount counts the items that match.
func dashCount[T any](items []T, match func(T) bool) int {
	n := 0
	for _, it := range items {
		if match(it) {
			n++
		}
	}
	return n
}

// dashInt shows an optional count.
func dashInt(p *int) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

// covBucket is a CoverageBucket as the tests read it.
type covBucket struct {
	Key           string
	Label         string
	State         *struct{ Code, Country string }
	Alliance      *struct{ ID string }
	Organizations int
	Hubs          int
	Events        *int
}
