package graph

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"rootsgraph/apitest"
)

const (
	ggj = "alliance:grassroots-global-justice-alliance"
	ien = "alliance:indigenous-environmental-network"
)

// ids returns the ids of every node a query's answer lists, at any depth.
func (s *testServer) ids(query string) []string { return apitest.IDs(s.t, s.mustQuery, query) }

// TestArchivedRecordsLeaveLists archives an organization: it drops out of the top-level list, its
// state's list, its alliance's members and its hub's hosts, and the hub no longer counts its
// alliance, but the organization stays readable by id and by slug. Restoring it brings all back.
func TestArchivedRecordsLeaveLists(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 1)
	k := s.keys()
	lists := map[string]string{
		"top":     `{ organizations(filter: {states: ["NM"]}, first: 100) { edges { node { id } } } }`,
		"state":   `{ state(code: "NM") { organizations(first: 100) { edges { node { id } } } } }`,
		"members": `{ alliance(id: "` + ggj + `") { members(first: 100) { edges { node { id } } } } }`,
		"hosts":   `{ hub(id: "` + apitest.AbqHub + `") { hosts { edges { node { id } } } } }`,
	}
	hubsOfGGJ := `{ hubs(filter: {alliances: ["` + ggj + `"], states: ["NM"]}, first: 100) { edges { node { id } } } }`
	listed := func(want bool) {
		t.Helper()
		for name, q := range lists {
			if got := slices.Contains(s.ids(q), apitest.Embergrove); got != want {
				t.Errorf("%s list holds the organization: %v; want %v", name, got, want)
			}
		}
		// Embergrove is the hub's only GGJ host: the hub counts as GGJ's only through it.
		if got := slices.Contains(s.ids(hubsOfGGJ), apitest.AbqHub); got != want {
			t.Errorf("hubs of GGJ hold %s: %v; want %v", apitest.AbqHub, got, want)
		}
	}
	inNetwork := func() bool {
		var d struct {
			Network struct{ Nodes []struct{ ID string } }
		}
		_ = json.Unmarshal(s.mustQuery(`{ network(from: ["`+apitest.AbqHub+`"], depth: 1, via: [HOSTS], include: [HUB, ORGANIZATION]) { nodes { id } } }`, nil), &d)
		return slices.ContainsFunc(d.Network.Nodes, func(n struct{ ID string }) bool { return n.ID == apitest.Embergrove })
	}
	listed(true)
	if !inNetwork() {
		t.Fatalf("%s is not in its hub's network before archiving", apitest.Embergrove)
	}
	var out struct{ ArchiveOrganization struct{ Archived bool } }
	s.mustWrite(k.Admin, `mutation($v: Int!) { archiveOrganization(id: "`+apitest.Embergrove+`", version: $v) { archived } }`,
		map[string]any{"v": s.version(apitest.Embergrove)}, &out)
	if !out.ArchiveOrganization.Archived {
		t.Fatalf("archiveOrganization answered archived false")
	}
	listed(false)
	if inNetwork() {
		t.Errorf("archived %s is still in its hub's network", apitest.Embergrove)
	}
	data := s.mustQuery(`{ organization(slug: "embergrove-nations-sovereignty-council-sample") { id archived archivedAt }
		node(id: "`+apitest.Embergrove+`") { id } }`, nil)
	if !strings.Contains(string(data), `"archived":true`) || strings.Contains(string(data), `"node":null`) {
		t.Errorf("archived organization not readable by slug and id: %s", data)
	}
	s.mustWrite(k.Admin, `mutation($v: Int!) { restoreOrganization(id: "`+apitest.Embergrove+`", version: $v) { archived } }`,
		map[string]any{"v": s.version(apitest.Embergrove)}, nil)
	listed(true)
}

// TestEdgesKeepBothSidesInStep checks the changes that reach beyond one record: a partnership is
// listed by both partners and removed from both; a new membership reaches the hubs the member
// hosts (hub filters by alliance), and leaving takes it away.
func TestEdgesKeepBothSidesInStep(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 1)
	k := s.keys()
	partnersOf := func(id string) []string {
		return s.ids(`{ organization(id: "` + id + `") { partners { edges { node { id } } } } }`)
	}
	s.mustWrite(k.Curator, `mutation { addPartnership(organization: "`+apitest.OrgA+`", partner: "`+apitest.OrgB+`") { id } }`, nil, nil)
	if !slices.Contains(partnersOf(apitest.OrgA), apitest.OrgB) || !slices.Contains(partnersOf(apitest.OrgB), apitest.OrgA) {
		t.Errorf("after addPartnership: %s lists %v, %s lists %v; want each other", apitest.OrgA, partnersOf(apitest.OrgA), apitest.OrgB, partnersOf(apitest.OrgB))
	}
	s.mustWrite(k.Curator, `mutation { removePartnership(organization: "`+apitest.OrgB+`", partner: "`+apitest.OrgA+`") { id } }`, nil, nil)
	if slices.Contains(partnersOf(apitest.OrgA), apitest.OrgB) || slices.Contains(partnersOf(apitest.OrgB), apitest.OrgA) {
		t.Errorf("after removePartnership: %s lists %v, %s lists %v; want neither", apitest.OrgA, partnersOf(apitest.OrgA), apitest.OrgB, partnersOf(apitest.OrgB))
	}

	cjaHubs := `{ hubs(filter: {alliances: ["` + apitest.CJA + `"], states: ["NM"]}, first: 100) { edges { node { id } } } }`
	if slices.Contains(s.ids(cjaHubs), apitest.AbqHub) {
		t.Fatalf("%s already counts as a CJA hub; the test needs one that does not", apitest.AbqHub)
	}
	s.mustWrite(k.Curator, `mutation { addMembership(organization: "`+apitest.Ironroot+`", alliance: "`+apitest.CJA+`") { id } }`, nil, nil)
	if !slices.Contains(s.ids(cjaHubs), apitest.AbqHub) {
		t.Errorf("after its host joined CJA, %s is not among CJA's hubs", apitest.AbqHub)
	}
	s.mustWrite(k.Curator, `mutation { removeMembership(organization: "`+apitest.Ironroot+`", alliance: "`+apitest.CJA+`") { id } }`, nil, nil)
	if slices.Contains(s.ids(cjaHubs), apitest.AbqHub) {
		t.Errorf("after its host left CJA, %s is still among CJA's hubs", apitest.AbqHub)
	}

	// A host added to a hub brings its alliances; the last host cannot be removed.
	s.mustWrite(k.Curator, `mutation { addHost(hub: "`+apitest.AbqHub+`", organization: "organization:it-takes-roots") { id } }`, nil, nil)
	hosts := s.ids(`{ hub(id: "` + apitest.AbqHub + `") { hosts { edges { node { id } } } } }`)
	if !slices.Contains(hosts, "organization:it-takes-roots") {
		t.Errorf("hosts after addHost: %v", hosts)
	}
	for _, h := range []string{apitest.Embergrove, apitest.Ironroot} {
		s.mustWrite(k.Curator, `mutation { removeHost(hub: "`+apitest.AbqHub+`", organization: "`+h+`") { id } }`, nil, nil)
	}
	r := s.postAs(k.Curator, `mutation { removeHost(hub: "`+apitest.AbqHub+`", organization: "organization:it-takes-roots") { id } }`, nil)
	if got := apitest.Codes(r); !slices.Equal(got, []string{"BAD_USER_INPUT"}) || r.Errors[0].Extensions["field"] != "organization" {
		t.Errorf("removing the last host: %+v; want BAD_USER_INPUT on organization", r.Errors)
	}
}

// TestAuditTrail makes changes as a curator and reads them back as an admin: who, what, the
// record before and after, filtered by record and paged; a curator may not read the trail.
func TestAuditTrail(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 1)
	k := s.keys()
	s.mustWrite(k.Curator, `mutation($in: CreateOrganizationInput!) { createOrganization(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"slug": "trail-audit-org", "name": "Audit Trail Org", "kind": "MEMBER",
			"partners": []string{apitest.OrgA}, "sources": apitest.Sources()}}, nil)
	s.mustWrite(k.Curator, `mutation { updateOrganization(id: "organization:trail-audit-org", version: 1, input: {city: "Tucson", state: "AZ"}) { id } }`, nil, nil)

	const trail = `query($f: AuditFilter, $first: Int, $after: String) { auditLog(filter: $f, first: $first, after: $after) {
		totalCount pageInfo { hasNextPage endCursor }
		edges { node { actor role action entity operation requestId before after } } } }`
	r := s.postAs(k.Curator, trail, nil)
	if got := apitest.Codes(r); !slices.Equal(got, []string{"FORBIDDEN"}) {
		t.Errorf("a curator reading the audit log: %v; want [FORBIDDEN]", got)
	}
	type entry struct {
		Actor, Role, Action, Entity, Operation string
		RequestID                              *string
		Before, After                          map[string]any
	}
	var out struct {
		AuditLog struct {
			TotalCount int
			PageInfo   struct {
				HasNextPage bool
				EndCursor   string
			}
			Edges []struct{ Node entry }
		}
	}
	s.mustWrite(k.Admin, trail, map[string]any{"f": map[string]any{"entity": "organization:trail-audit-org"}}, &out)
	got := out.AuditLog.Edges
	if out.AuditLog.TotalCount != 2 || len(got) != 2 {
		t.Fatalf("entries of the new organization: %d (%+v); want 2", out.AuditLog.TotalCount, got)
	}
	update, create := got[0].Node, got[1].Node // newest first
	if create.Action != "createOrganization" || create.Before != nil || create.After["name"] != "Audit Trail Org" ||
		create.Actor != "Curator Carla" || create.Role != "curator" || create.RequestID == nil {
		t.Errorf("create entry: %+v", create)
	}
	if update.Action != "updateOrganization" || update.Before["city"] != nil || update.After["city"] != "Tucson" ||
		update.Before["version"] != 1.0 || update.After["version"] != 2.0 || update.After["stateId"] != "state:AZ" {
		t.Errorf("update entry: before %v after %v", update.Before, update.After)
	}
	// The partner that the new organization named records the partnership (its id sorts first),
	// written in the same operation.
	s.mustWrite(k.Admin, trail, map[string]any{"f": map[string]any{"operation": create.Operation}}, &out)
	var entities []string
	for _, e := range out.AuditLog.Edges {
		entities = append(entities, e.Node.Entity)
	}
	slices.Sort(entities)
	if want := []string{apitest.OrgA, "organization:trail-audit-org"}; !slices.Equal(entities, want) {
		t.Errorf("entries of the create operation: %v; want %v", entities, want)
	}
	// Paging: one entry at a time, newest first, without repeats.
	var seen []string
	var after any
	for range 3 {
		s.mustWrite(k.Admin, trail, map[string]any{"f": map[string]any{"actor": "Curator Carla"}, "first": 1, "after": after}, &out)
		for _, e := range out.AuditLog.Edges {
			seen = append(seen, e.Node.Action+" "+e.Node.Entity)
		}
		after = out.AuditLog.PageInfo.EndCursor
	}
	if len(seen) != 3 || seen[0] != "updateOrganization organization:trail-audit-org" || slices.Compact(slices.Clone(seen))[2] != seen[2] {
		t.Errorf("pages of one: %v", seen)
	}
}
