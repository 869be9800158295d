package dataset_test

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"rootsgraph/dataset"
	"rootsgraph/model"
)

// readSet reads a data set from a folder under testdata, or the bundled one for "".
func readSet(t *testing.T, folder string) *dataset.Set {
	t.Helper()
	fsys := dataset.Bundled()
	if folder != "" {
		fsys = os.DirFS("testdata/" + folder)
	}
	set, err := dataset.Read(fsys)
	if err != nil {
		t.Fatalf("read %q: %v", folder, err)
	}
	return set
}

// documents turns a set that must be valid into documents.
func documents(t *testing.T, set *dataset.Set, now time.Time) model.Documents {
	t.Helper()
	docs, err := set.Documents(now)
	if err != nil {
		t.Fatalf("Documents: %v", err)
	}
	return docs
}

var now = time.Date(2017, 4, 28, 12, 0, 0, 0, time.UTC)

func TestBundled(t *testing.T) {
	set := readSet(t, "")

	t.Run("IsValid", func(t *testing.T) {
		if problems := set.Validate(); problems != nil {
			t.Fatalf("the bundled data set has problems:\n%v", problems)
		}
	})

	t.Run("TheFourAlliances", func(t *testing.T) {
		var got []string
		for _, a := range set.Alliances {
			got = append(got, a.Name)
		}
		want := []string{
			"Climate Justice Alliance",
			"Grassroots Global Justice Alliance",
			"Indigenous Environmental Network",
			"Right to the City Alliance",
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("alliances %q; want %q", got, want)
		}
	})

	t.Run("StatesAndProvinces", func(t *testing.T) {
		if got, want := len(set.States), 69; got != want {
			t.Errorf("%d states and provinces; want %d", got, want)
		}
		for _, s := range set.States {
			if s.Sample {
				t.Errorf("state %s is marked sample; reference data is not", s.Code)
			}
		}
	})

	t.Run("EventDatesMatchThePublicRecord", func(t *testing.T) {
		// From the table in FACTS.md. The caravan ran in July 2016 between the two conventions:
		// from the opening of the Republican one in Cleveland (18 July) to the close of the
		// Democratic one in Philadelphia (28 July).
		want := map[string][2]string{
			"peoples-climate-march-2014": {"2014-09-21", "2014-09-21"},
			"cop21-paris-2015":           {"2015-11-30", "2015-12-12"},
			"cop22-marrakech-2016":       {"2016-11-07", "2016-11-18"},
			"peoples-caravan-2016":       {"2016-07-18", "2016-07-28"},
			"peoples-climate-march-2017": {"2017-04-29", "2017-04-29"},
			"may-day-2017":               {"2017-05-01", "2017-05-01"},
		}
		if got := len(set.Events); got != len(want) {
			t.Errorf("%d events; want %d", got, len(want))
		}
		for _, e := range set.Events {
			w, ok := want[e.Slug]
			if !ok {
				t.Errorf("event %q is not in the public record", e.Slug)
				continue
			}
			if got := [2]string{e.StartDate, e.EndDate}; got != w {
				t.Errorf("%s runs %s to %s; want %s to %s", e.Slug, got[0], got[1], w[0], w[1])
			}
			delete(want, e.Slug)
		}
		for slug := range want {
			t.Errorf("event %q is missing", slug)
		}
	})

	t.Run("SampleMembersInThirtyStatesAndCanada", func(t *testing.T) {
		country := map[string]string{}
		for _, s := range set.States {
			country[s.Code] = s.Country
		}
		members := 0
		in := map[string]map[string]bool{"US": {}, "CA": {}}
		for _, o := range set.Organizations {
			// The real members are the public part of the roster, with their sources
			// (dataset/roster's tests); the sample stands for the rest of the coalition's claim.
			if o.Kind != string(model.OrganizationKindMember) || !o.Sample {
				continue
			}
			members++
			if c := country[o.State]; c != "" {
				in[c][o.State] = true
			} else {
				t.Errorf("member %s is in %q, not a US state or Canadian province", o.Slug, o.State)
			}
		}
		if members < 150 {
			t.Errorf("%d members; want at least 150", members)
		}
		if got := len(in["US"]); got != 30 {
			t.Errorf("members are in %d US states %v; want exactly 30", got, slices.Sorted(maps.Keys(in["US"])))
		}
		if got := len(in["CA"]); got == 0 {
			t.Errorf("members are in no Canadian province; want at least one")
		}
	})

	t.Run("SampleHubsInSmallTownsAndLargeCities", func(t *testing.T) {
		if got := len(set.Hubs); got < 20 {
			t.Errorf("%d hubs; want at least 20", got)
		}
		settings := map[string]int{}
		for _, h := range set.Hubs {
			settings[h.Setting]++
			if !h.Sample {
				t.Errorf("hub %s is not marked sample; no hub is public yet", h.Slug)
			}
		}
		for _, s := range []model.HubSetting{model.HubSettingSmallTown, model.HubSettingLargeCity} {
			if settings[string(s)] == 0 {
				t.Errorf("no hub is in a %s; want some (settings: %v)", s, settings)
			}
		}
	})

	t.Run("FactsAreNotSample", func(t *testing.T) {
		for _, a := range set.Alliances {
			if a.Sample {
				t.Errorf("alliance %s is marked sample; it is a fact of the announcement", a.Slug)
			}
		}
		for _, e := range set.Events {
			if e.Sample {
				t.Errorf("event %s is marked sample; it is a fact of the public record", e.Slug)
			}
		}
		roles := map[string]string{}
		for _, o := range set.Organizations {
			if o.Kind == string(model.OrganizationKindMember) || o.Kind == string(model.OrganizationKindAlly) {
				continue // the roster's, with their own sources (dataset/roster)
			}
			roles[o.Slug] = o.Kind + " " + o.PartnerRole
			if o.Sample {
				t.Errorf("%s %s is marked sample; it is a fact of the announcement", o.Kind, o.Slug)
			}
		}
		want := map[string]string{
			"it-takes-roots":                  "COALITION ",
			"center-for-story-based-strategy": "PARTNER WORKS_ALONGSIDE",
			"the-ruckus-society":              "PARTNER WORKS_ALONGSIDE",
			"movement-for-black-lives":        "PARTNER COLLABORATES",
			"peoples-climate-movement":        "PARTNER COLLABORATES",
			"design-action-collective":        "PARTNER COLLABORATES",
		}
		if !maps.Equal(roles, want) {
			t.Errorf("coalition and partners %v; want %v", roles, want)
		}
	})

	t.Run("IDsAreTypeAndSlug", func(t *testing.T) {
		docs := documents(t, set, now)
		ids := map[string]bool{}
		check := func(got, want string) {
			t.Helper()
			if got != want {
				t.Errorf("id %q; want %q", got, want)
			}
			if ids[got] {
				t.Errorf("id %q is used twice", got)
			}
			ids[got] = true
		}
		for _, s := range docs.States {
			check(s.ID, "state:"+s.Code)
		}
		for _, a := range docs.Alliances {
			check(a.ID, "alliance:"+a.Slug)
		}
		for _, o := range docs.Organizations {
			check(o.ID, "organization:"+o.Slug)
		}
		for _, e := range docs.Events {
			check(e.ID, "event:"+e.Slug)
		}
		for _, h := range docs.Hubs {
			check(h.ID, "hub:"+h.Slug)
		}
		if !ids["state:NY"] || !ids["organization:it-takes-roots"] || !ids["event:may-day-2017"] {
			t.Errorf("state:NY, organization:it-takes-roots or event:may-day-2017 is missing")
		}
		// Every reference names a document of the set.
		refs := func(what string, list ...string) {
			t.Helper()
			for _, id := range list {
				if !ids[id] {
					t.Errorf("%s refers to %q, which no document has", what, id)
				}
			}
		}
		for _, o := range docs.Organizations {
			refs(o.ID, o.AllianceIDs...)
			refs(o.ID, o.PartnerIDs...)
			refs(o.ID, o.OrganizedEventIDs...)
			refs(o.ID, o.ParticipatedEventIDs...)
			if o.StateID != nil {
				refs(o.ID, *o.StateID)
			}
		}
		for _, h := range docs.Hubs {
			refs(h.ID, h.StateID)
			refs(h.ID, h.HostIDs...)
			refs(h.ID, h.EventIDs...)
		}
	})
}

func TestValidateReportsEveryProblem(t *testing.T) {
	set := readSet(t, "invalid")
	type problem struct {
		file   string
		record int
		slug   string
		field  string
		reason string // a part of the reason
	}
	want := []problem{
		{"alliances.json", 2, "unsourced-alliance", "sources", "at least one source"},
		{"events.json", 2, "backwards-event", "endDate", "before the start date"},
		{"organizations.json", 3, "nowhere-org", "state", `"ZZ"`},
		{"organizations.json", 4, "pena-coop", "slug", "used by another record"},
		{"organizations.json", 5, "stray-alliance-org", "alliances", `"no-such-alliance"`},
		{"organizations.json", 6, "odd-kind-org", "kind", `"FRIEND"`},
		{"organizations.json", 7, "bad-website-org", "website", "not an http(s) URL"},
		{"organizations.json", 8, "miscited-org", "otherNames[0]", "is the name"},
		{"organizations.json", 8, "miscited-org", "memberships[0].alliance", "not in alliances"},
		{"organizations.json", 8, "miscited-org", "memberships[0].sources[0].date", `"2015-13" is not a date`},
		{"organizations.json", 8, "miscited-org", "participations[0].role", `"SPEAKER" is not one of ORGANIZER, PARTICIPANT, HOST`},
		{"organizations.json", 8, "miscited-org", "participations[0].sources", "at least one source"},
		{"organizations.json", 8, "miscited-org", "participations[1].event", `"cop21-paris-2015" is not in participated: list the event there too (a host takes part)`},
		{"organizations.json", 8, "miscited-org", "participations[2].event", `"cop22-marrakech-2016" is not in organized: list the event there too`},
		{"hubs.json", 2, "misplaced-hub", "lat/lng", "outside New York"},
	}

	problems := set.Validate()
	found := make([]bool, len(problems))
	for _, w := range want {
		i := slices.IndexFunc(problems, func(p dataset.Problem) bool {
			return p.File == w.file && p.Record == w.record && p.Slug == w.slug && p.Field == w.field &&
				strings.Contains(p.Reason, w.reason)
		})
		if i < 0 {
			t.Errorf("no problem with %s record %d (%s) field %s saying %q", w.file, w.record, w.slug, w.field, w.reason)
			continue
		}
		found[i] = true
	}
	for i, p := range problems {
		if !found[i] {
			t.Errorf("unexpected problem: %v", p)
		}
	}

	t.Run("MessageNamesFileRecordAndField", func(t *testing.T) {
		msg := problems.Error()
		for _, w := range want {
			line := fmt.Sprintf("%s record %d (%s): %s: ", w.file, w.record, w.slug, w.field)
			if !strings.Contains(msg, line) {
				t.Errorf("error message lacks %q; it is:\n%s", line, msg)
			}
		}
		if !strings.HasPrefix(msg, fmt.Sprintf("%d problems", len(want))) {
			t.Errorf("error message begins %q; want it to count %d problems", strings.SplitN(msg, "\n", 2)[0], len(want))
		}
	})

	t.Run("DocumentsReturnsTheProblemsAndNoDocuments", func(t *testing.T) {
		docs, err := set.Documents(now)
		var verr dataset.ValidationError
		if !errors.As(err, &verr) {
			t.Fatalf("Documents error = %v; want a dataset.ValidationError", err)
		}
		if len(verr) != len(problems) {
			t.Errorf("Documents reports %d problems; want the %d of Validate", len(verr), len(problems))
		}
		if n := len(docs.States) + len(docs.Alliances) + len(docs.Organizations) + len(docs.Events) + len(docs.Hubs); n != 0 {
			t.Errorf("Documents returned %d documents with the error; want none", n)
		}
	})
}

func TestDocuments(t *testing.T) {
	set := readSet(t, "small")
	at := time.Date(2017, 4, 28, 8, 0, 0, 123456789, time.FixedZone("EDT", -4*3600))
	docs := documents(t, set, at)
	orgs := map[string]*model.Organization{}
	for _, o := range docs.Organizations {
		orgs[o.ID] = o
	}

	t.Run("PartnersAreSymmetric", func(t *testing.T) {
		// pena-coop lists river-collective and fourth-org; third-org lists pena-coop and
		// river-collective; fourth-org lists pena-coop back; river-collective lists no one.
		want := map[string][]string{
			"organization:pena-coop":        {"organization:fourth-org", "organization:river-collective", "organization:third-org"},
			"organization:river-collective": {"organization:pena-coop", "organization:third-org"},
			"organization:third-org":        {"organization:pena-coop", "organization:river-collective"},
			"organization:fourth-org":       {"organization:pena-coop"},
		}
		// Each partnership is stored once, on the partner whose id sorts first, and read both ways.
		for id, w := range want {
			o := orgs[id]
			if o == nil {
				t.Errorf("no document %s", id)
				continue
			}
			var read []string
			for _, other := range docs.Organizations {
				if slices.Contains(other.PartnerIDs, id) {
					read = append(read, other.ID)
				}
			}
			for _, p := range o.PartnerIDs {
				if owner, _ := model.PartnershipOwner(id, p); owner != id {
					t.Errorf("%s records its partnership with %s, which %s should record", id, p, p)
				}
				read = append(read, p)
			}
			if got := slices.Sorted(slices.Values(read)); !slices.Equal(got, w) {
				t.Errorf("%s partners, read both ways: %v; want %v", id, got, w)
			}
		}
	})

	t.Run("IDsAndReferences", func(t *testing.T) {
		var got []string
		for _, s := range docs.States {
			got = append(got, s.ID)
		}
		for _, a := range docs.Alliances {
			got = append(got, a.ID)
		}
		for _, e := range docs.Events {
			got = append(got, e.ID)
		}
		for _, h := range docs.Hubs {
			got = append(got, h.ID)
		}
		want := []string{"state:NY", "state:QC", "alliance:test-alliance", "event:test-march", "hub:albany-hub"}
		if !slices.Equal(got, want) {
			t.Errorf("ids %v; want %v", got, want)
		}
		pena := orgs["organization:pena-coop"]
		if pena == nil {
			t.Fatalf("no document organization:pena-coop among %v", slices.Collect(maps.Keys(orgs)))
		}
		if pena.StateID == nil || *pena.StateID != "state:NY" {
			t.Errorf("pena-coop stateId %v; want state:NY", pena.StateID)
		}
		if !slices.Equal(pena.AllianceIDs, []string{"alliance:test-alliance"}) {
			t.Errorf("pena-coop allianceIds %v; want [alliance:test-alliance]", pena.AllianceIDs)
		}
		if !slices.Equal(pena.ParticipatedEventIDs, []string{"event:test-march"}) {
			t.Errorf("pena-coop participatedEventIds %v; want [event:test-march]", pena.ParticipatedEventIDs)
		}
		if fourth := orgs["organization:fourth-org"]; fourth == nil || fourth.StateID != nil {
			t.Errorf("fourth-org (no state) = %+v; want a document with no stateId", fourth)
		}
		hub := docs.Hubs[0]
		if hub.StateID != "state:NY" || !slices.Equal(hub.HostIDs, []string{"organization:pena-coop", "organization:river-collective"}) ||
			!slices.Equal(hub.EventIDs, []string{"event:test-march"}) {
			t.Errorf("hub state %s hosts %v events %v; want state:NY, [organization:pena-coop organization:river-collective], [event:test-march]",
				hub.StateID, hub.HostIDs, hub.EventIDs)
		}
		if a := docs.Alliances[0]; !slices.Equal(a.OrganizedEventIDs, []string{"event:test-march"}) {
			t.Errorf("alliance organizedEventIds %v; want [event:test-march]", a.OrganizedEventIDs)
		}
	})

	t.Run("NameKeyFoldsCaseAccentsAndSpaces", func(t *testing.T) {
		want := map[string]string{
			"organization:pena-coop":        "pena coop",
			"organization:river-collective": "river collective",
			"organization:third-org":        "union ouvriere du quebec",
			"organization:fourth-org":       "fourth org",
		}
		for id, w := range want {
			o := orgs[id]
			if o == nil {
				t.Errorf("no document %s", id)
				continue
			}
			if o.NameKey != w {
				t.Errorf("%s nameKey = %q; want %q", id, o.NameKey, w)
			}
		}
		if got := orgs["organization:pena-coop"].Name; got != "Peña Coop" {
			t.Errorf("name %q; want it kept as written, %q", got, "Peña Coop")
		}
	})

	t.Run("TimestampsAreNowInUTCToTheMillisecond", func(t *testing.T) {
		want := time.Date(2017, 4, 28, 12, 0, 0, 123000000, time.UTC)
		for _, o := range docs.Organizations {
			if !o.CreatedAt.Equal(want) || o.CreatedAt.Location() != time.UTC || !o.UpdatedAt.Equal(want) {
				t.Errorf("%s createdAt %v updatedAt %v; want %v", o.ID, o.CreatedAt, o.UpdatedAt, want)
			}
		}
	})
}

func TestScale(t *testing.T) {
	set := readSet(t, "")
	const n = 10
	scaled := set.Scale(n)

	count := func(s *dataset.Set) (sampleOrgs, factOrgs, sampleHubs, factHubs int) {
		for _, o := range s.Organizations {
			if o.Sample {
				sampleOrgs++
			} else {
				factOrgs++
			}
		}
		for _, h := range s.Hubs {
			if h.Sample {
				sampleHubs++
			} else {
				factHubs++
			}
		}
		return
	}
	so, fo, sh, fh := count(set)
	gso, gfo, gsh, gfh := count(scaled)

	t.Run("TenTimesTheSampleData", func(t *testing.T) {
		if gso != n*so || gsh != n*sh {
			t.Errorf("%d sample organizations and %d sample hubs; want %d and %d", gso, gsh, n*so, n*sh)
		}
	})

	t.Run("FactsOnce", func(t *testing.T) {
		if gfo != fo || gfh != fh {
			t.Errorf("%d organizations and %d hubs that are facts; want %d and %d", gfo, gfh, fo, fh)
		}
		if len(scaled.States) != len(set.States) || len(scaled.Alliances) != len(set.Alliances) || len(scaled.Events) != len(set.Events) {
			t.Errorf("%d states, %d alliances, %d events; want %d, %d, %d",
				len(scaled.States), len(scaled.Alliances), len(scaled.Events), len(set.States), len(set.Alliances), len(set.Events))
		}
	})

	t.Run("IsValid", func(t *testing.T) {
		if problems := scaled.Validate(); problems != nil {
			t.Fatalf("the scaled data set has problems:\n%v", problems)
		}
		documents(t, scaled, now)
	})

	t.Run("SlugsAreUnique", func(t *testing.T) {
		seen := map[string]bool{}
		for _, o := range scaled.Organizations {
			if seen[o.Slug] {
				t.Errorf("organization slug %q is used twice", o.Slug)
			}
			seen[o.Slug] = true
		}
		seen = map[string]bool{}
		for _, h := range scaled.Hubs {
			if seen[h.Slug] {
				t.Errorf("hub slug %q is used twice", h.Slug)
			}
			seen[h.Slug] = true
		}
	})

	t.Run("CopiesPointAtCopiesOfTheirGeneration", func(t *testing.T) {
		sample := map[string]bool{}
		for _, o := range scaled.Organizations {
			sample[o.Slug] = o.Sample
		}
		generation := func(slug string) string {
			if i := strings.LastIndex(slug, "-copy-"); i >= 0 {
				return slug[i:]
			}
			return ""
		}
		checked := 0
		check := func(from string, to []string) {
			t.Helper()
			for _, s := range to {
				if sample[s] && generation(s) != generation(from) {
					t.Errorf("%s refers to %s, a copy of another generation", from, s)
				}
				checked++
			}
		}
		for _, o := range scaled.Organizations {
			check(o.Slug, o.Partners)
		}
		for _, h := range scaled.Hubs {
			check(h.Slug, h.Hosts)
		}
		if checked == 0 {
			t.Errorf("no references were checked; the bundled data set should have partners and hosts")
		}
	})

	t.Run("LeavesTheOriginalAlone", func(t *testing.T) {
		again := readSet(t, "")
		if len(set.Organizations) != len(again.Organizations) || len(set.Hubs) != len(again.Hubs) {
			t.Fatalf("the original set has %d organizations and %d hubs after Scale; want %d and %d",
				len(set.Organizations), len(set.Hubs), len(again.Organizations), len(again.Hubs))
		}
		for i, o := range set.Organizations {
			if o.Slug != again.Organizations[i].Slug || !slices.Equal(o.Partners, again.Organizations[i].Partners) {
				t.Errorf("organization %d is %s with partners %v after Scale; want %s with %v",
					i, o.Slug, o.Partners, again.Organizations[i].Slug, again.Organizations[i].Partners)
			}
		}
		for i, h := range set.Hubs {
			if !slices.Equal(h.Hosts, again.Hubs[i].Hosts) {
				t.Errorf("hub %s hosts %v after Scale; want %v", h.Slug, h.Hosts, again.Hubs[i].Hosts)
			}
		}
	})
}

// TestReadRefusesTrailingData shows that a file holding more than its one array (a bad merge, a
// second paste) is refused rather than read up to the first array with the rest silently lost.
func TestReadRefusesTrailingData(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, name := range []string{dataset.StatesFile, dataset.AlliancesFile, dataset.OrganizationsFile, dataset.EventsFile, dataset.HubsFile} {
		fsys[name] = &fstest.MapFile{Data: []byte("[]\n")}
	}
	if _, err := dataset.Read(fsys); err != nil {
		t.Fatalf("Read of five empty arrays: %v; want no error", err)
	}
	fsys[dataset.HubsFile] = &fstest.MapFile{Data: []byte(`[] [{"slug":"lost"}]`)}
	_, err := dataset.Read(fsys)
	if err == nil || !strings.Contains(err.Error(), "hubs.json") {
		t.Errorf("Read with a second array in hubs.json: %v; want an error naming hubs.json", err)
	}
}
