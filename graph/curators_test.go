package graph

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"rootsgraph/apitest"
)

// What curators are told when a change is wrong or late.

// TestValidationNamesEachField sends a new organization with several bad fields and expects one
// BAD_USER_INPUT error per field, naming it, and no write.
func TestValidationNamesEachField(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 1)
	k := s.keys()
	cases := []struct {
		name   string
		query  string
		in     map[string]any
		fields []string
	}{
		{"Organization", `mutation($in: CreateOrganizationInput!) { createOrganization(input: $in) { id } }`,
			map[string]any{"slug": "Not A Slug", "name": "", "kind": "MEMBER", "partnerRole": "COLLABORATES",
				"website": "ftp://example.org", "state": "ZZ", "lat": 95.0, "lng": -106.0,
				"alliances": []string{"alliance:no-such-alliance", "organization:not-an-alliance"},
				"partners":  []string{"organization:nobody"}, "sources": []map[string]any{}},
			[]string{"input.alliances", "input.alliances", "input.slug", "input.name", "input.partnerRole", "input.website",
				"input.lat", "input.state", "input.partners", "input.sources"}},
		{"OrganizationSlugTaken", `mutation($in: CreateOrganizationInput!) { createOrganization(input: $in) { id } }`,
			map[string]any{"slug": "the-ruckus-society", "name": "Another Ruckus", "kind": "MEMBER", "sources": apitest.Sources()},
			[]string{"input.slug"}},
		{"OrganizationOutsideItsState", `mutation($in: CreateOrganizationInput!) { createOrganization(input: $in) { id } }`,
			map[string]any{"slug": "out-of-place", "name": "Out of Place", "kind": "MEMBER", "state": "NM",
				"lat": 40.71, "lng": -74.0, "sources": apitest.Sources()},
			[]string{"input.lat"}},
		{"Event", `mutation($in: CreateEventInput!) { createEvent(input: $in) { id } }`,
			map[string]any{"slug": "cop22-marrakech-2016", "name": strings.Repeat("x", 201), "kind": "MARCH", "startDate": "2018-05-02",
				"endDate": "2018-05-01", "place": "", "state": "NM", "country": "CA", "sources": apitest.Sources()},
			[]string{"input.slug", "input.name", "input.place", "input.endDate", "input.country"}},
		{"Hub", `mutation($in: CreateHubInput!) { createHub(input: $in) { id } }`,
			map[string]any{"slug": "new-hub", "name": "New Hub", "setting": "SMALL_TOWN", "city": "", "state": "NM",
				"lat": 35.0, "lng": -190.0, "activities": []string{}, "hosts": []string{}, "events": []string{"event:nope"},
				"sources": apitest.Sources()},
			[]string{"input.city", "input.lng", "input.activities", "input.hosts", "input.events"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.db.Commands.Reset()
			r := s.postAs(k.Curator, c.query, map[string]any{"in": c.in})
			var fields []string
			for _, e := range r.Errors {
				if e.Extensions["code"] != "BAD_USER_INPUT" {
					t.Errorf("code %v; want BAD_USER_INPUT: %s", e.Extensions["code"], e.Message)
				}
				f, _ := e.Extensions["field"].(string)
				if !strings.HasPrefix(e.Message, f+": ") {
					t.Errorf("message %q does not start with its field %q", e.Message, f)
				}
				fields = append(fields, f)
			}
			slices.Sort(fields)
			want := slices.Sorted(slices.Values(c.fields))
			if !slices.Equal(fields, want) {
				t.Errorf("fields %v; want %v\nerrors: %+v", fields, want, r.Errors)
			}
			if w := s.writes(); len(w) > 0 {
				t.Errorf("an invalid change wrote: %v", w)
			}
		})
	}
}

// TestStaleVersionConflicts updates a record, then sends another update naming the version from
// before: CONFLICT, and the record keeps the first update.
func TestStaleVersionConflicts(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 1)
	k := s.keys()
	v := s.version(apitest.OrgA)
	const update = `mutation($v: Int!, $city: String) { updateOrganization(id: "` + apitest.OrgA + `", version: $v, input: {city: $city}) { version city } }`
	var first struct {
		UpdateOrganization struct {
			Version int
			City    string
		}
	}
	s.mustWrite(k.Curator, update, map[string]any{"v": v, "city": "Oakland"}, &first)
	if first.UpdateOrganization.Version != v+1 || first.UpdateOrganization.City != "Oakland" {
		t.Fatalf("after the first update: %+v; want version %d, city Oakland", first, v+1)
	}
	s.db.Commands.Reset()
	r := s.postAs(k.Curator, update, map[string]any{"v": v, "city": "Berkeley"})
	if got := apitest.Codes(r); !slices.Equal(got, []string{"CONFLICT"}) {
		t.Fatalf("codes %v; want [CONFLICT]: %+v", got, r.Errors)
	}
	if !strings.Contains(r.Errors[0].Message, fmt.Sprintf("version %d, not %d", v+1, v)) {
		t.Errorf("message %q does not say which version the record is at", r.Errors[0].Message)
	}
	if w := s.writes(); len(w) > 0 {
		t.Errorf("a stale update wrote: %v", w)
	}
	data := s.mustQuery(`{ organization(id: "`+apitest.OrgA+`") { city version } }`, nil)
	if want := fmt.Sprintf(`{"organization":{"city":"Oakland","version":%d}}`, v+1); string(data) != want {
		t.Errorf("record %s; want %s", data, want)
	}
}
