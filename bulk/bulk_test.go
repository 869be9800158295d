package bulk_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"rootsgraph/bulk"
	"rootsgraph/dataset"
	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var curator = store.Actor{Name: "cli:test", Role: store.RoleAdmin}

func read(t *testing.T, name, body string) *dataset.File {
	t.Helper()
	f, err := dataset.ReadFile(name, strings.NewReader(body))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return f
}

func importFile(t *testing.T, db *storetest.DB, f *dataset.File, opts bulk.Options) (bulk.Summary, error) {
	t.Helper()
	opts.Actor, opts.Now = curator, time.Now()
	return bulk.Import(t.Context(), db.Store, f, opts)
}

// writes returns the write commands the database received since the last Reset.
func writes(db *storetest.DB) []string {
	var out []string
	for _, c := range db.Commands.Commands() {
		name, _, _ := strings.Cut(c, " ")
		if slices.Contains([]string{"insert", "update", "delete"}, name) {
			out = append(out, c)
		}
	}
	return out
}

const goodAndBad = `slug,name,kind,state,lat,lng,alliances,partners,communities,source1_title,source1_url
roots-one,Roots One,MEMBER,NM,35.08,-106.65,climate-justice-alliance,roots-two,INDIGENOUS,Roster 2026,https://example.org/roster
roots-two,Roots Two,MEMBER,AZ,33.45,-112.07,,roots-one,,Roster 2026,https://example.org/roster
roots-three,Roots Three,MEMBER,ZZ,,,no-such-alliance,,,Roster 2026,ftp://example.org
roots-four,Roots Four,MEMBER,NY,,,,,,Roster 2026,https://example.org/roster
`

// TestImportWithABadRowWritesNothing imports a file whose third row is wrong in three ways:
// every problem is reported with its line, and nothing at all is written.
func TestImportWithABadRowWritesNothing(t *testing.T) {
	t.Parallel()
	db := storetest.Seeded(t, 1)
	f := read(t, "organizations.csv", goodAndBad)
	_, err := importFile(t, db, f, bulk.Options{})
	var rejected bulk.Rejected
	if !errors.As(err, &rejected) {
		t.Fatalf("import: %v; want the file rejected", err)
	}
	var got []string
	for _, p := range rejected {
		got = append(got, p.String())
	}
	for _, want := range []string{
		`line 4 (roots-three): state: no state or province has the code "ZZ"`,
		`line 4 (roots-three): alliances: no alliance has the slug "no-such-alliance"`,
		`line 4 (roots-three): sources[0].url: "ftp://example.org" is not an http(s) URL`,
	} {
		if !slices.Contains(got, want) {
			t.Errorf("problems %q lack %q", got, want)
		}
	}
	if len(got) != 3 {
		t.Errorf("%d problems (%q); want 3", len(got), got)
	}
	if w := writes(db); len(w) > 0 {
		t.Errorf("a rejected import wrote: %v", w)
	}
}

// TestImportTwiceChangesNothing imports a good file (creating, with partners that list each other
// back), then the same file again: the second run writes nothing.
func TestImportTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	db := storetest.Seeded(t, 1)
	good := strings.Join(slices.Delete(strings.Split(goodAndBad, "\n"), 3, 4), "\n")
	sum, err := importFile(t, db, read(t, "organizations.csv", good), bulk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 3 || sum.Updated != 0 || sum.Unchanged != 0 {
		t.Errorf("first import: %s; want 3 created", sum)
	}
	if got := partners(t, db, "organization:roots-one"); !slices.Equal(got, []string{"organization:roots-two"}) {
		t.Errorf("partners of roots-one after import: %v", got)
	}
	if got := partners(t, db, "organization:roots-two"); !slices.Equal(got, []string{"organization:roots-one"}) {
		t.Errorf("partners of roots-two after import: %v", got)
	}
	db.Commands.Reset()
	sum, err = importFile(t, db, read(t, "organizations.csv", good), bulk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 0 || sum.Updated != 0 || sum.Unchanged != 3 || sum.Writes != 0 {
		t.Errorf("second import: %s (%d writes); want 3 unchanged and nothing written", sum, sum.Writes)
	}
	if w := writes(db); len(w) > 0 {
		t.Errorf("the second import wrote: %v", w)
	}
	// Every write of the first import is in the audit trail: three creations, then the
	// partnership of the two that were new together, recorded on roots-one (whose id sorts
	// first) once both existed.
	n, err := db.CountAudit(t.Context(), store.AuditFilter{Action: "import", Actor: curator.Name})
	if err != nil || n != 4 {
		t.Errorf("audit entries of the import: %d (%v); want 4", n, err)
	}
}

// TestExportImportRoundTrip exports every kind of record in both formats and imports each file
// back: nothing changes, and reading the file back gives the same records.
func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	db := storetest.Seeded(t, 1)
	for _, kind := range []string{"organizations", "events", "hubs"} {
		for _, ext := range []string{".json", ".csv"} {
			t.Run(kind+ext, func(t *testing.T) {
				var buf bytes.Buffer
				n, err := bulk.Export(t.Context(), db.Store, kind+".json", ext == ".csv", false, &buf)
				if err != nil || n == 0 {
					t.Fatalf("export: %d records, %v", n, err)
				}
				f := read(t, kind+ext, buf.String())
				var again bytes.Buffer
				if err := dataset.WriteFile(&again, records(f), ext == ".csv"); err != nil {
					t.Fatal(err)
				}
				if again.String() != buf.String() {
					t.Errorf("the file read and written again differs")
				}
				db.Commands.Reset()
				sum, err := importFile(t, db, f, bulk.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if sum.Unchanged != n || sum.Writes != 0 || len(writes(db)) != 0 {
					t.Errorf("import of the export: %s, %d writes; want %d unchanged and nothing written", sum, sum.Writes, n)
				}
			})
		}
	}
}

func records(f *dataset.File) any {
	switch f.Kind {
	case dataset.OrganizationsFile:
		return f.Organizations
	case dataset.EventsFile:
		return f.Events
	}
	return f.Hubs
}

// TestReplaceSample imports a real roster with --replace-sample: the sample organizations go,
// with every reference to them; sample hubs left without a host go too; the facts stay; and a dry
// run says so without writing.
func TestReplaceSample(t *testing.T) {
	t.Parallel()
	db := storetest.Seeded(t, 1)
	good := strings.Join(slices.Delete(strings.Split(goodAndBad, "\n"), 3, 4), "\n")
	f := read(t, "organizations.csv", good)
	db.Commands.Reset()
	dry, err := importFile(t, db, f, bulk.Options{DryRun: true, ReplaceSample: true})
	if err != nil {
		t.Fatal(err)
	}
	if w := writes(db); len(w) > 0 {
		t.Errorf("a dry run wrote: %v", w)
	}
	sum, err := importFile(t, db, f, bulk.Options{ReplaceSample: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum != dry {
		t.Errorf("import %+v differs from its dry run %+v", sum, dry)
	}
	all, err := db.All(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all.Organizations {
		if o.Sample {
			t.Errorf("sample organization %s is still there", o.ID)
		}
	}
	if len(all.Hubs) != 0 {
		t.Errorf("%d hubs left; every bundled hub is sample and hosted by sample organizations", len(all.Hubs))
	}
	if sum.Created != 3 || sum.Removed != 160 || sum.OthersRemoved != 24 {
		t.Errorf("summary %s; want 3 created, 160 removed, 24 hubs removed", sum)
	}
	// The facts stay: the coalition and its partners.
	if got := partners(t, db, "organization:it-takes-roots"); len(got) != 5 {
		t.Errorf("the coalition's partners after the import: %v; want the announcement's 5", got)
	}
}

// partners returns id's partners as the API reads them: those its document records and those
// whose documents record it.
func partners(t *testing.T, db *storetest.DB, id string) []string {
	t.Helper()
	docs, err := db.FindOrganizations(t.Context(), store.ByID(id), store.OrganizationsByPartner.On(id))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range docs {
		if d.ID == id {
			out = append(out, d.PartnerIDs...)
		} else {
			out = append(out, d.ID)
		}
	}
	slices.Sort(out)
	return out
}

// TestExampleFileImports keeps dataset/examples/organizations.csv, which the format's
// documentation points to, importable into the bundled data.
func TestExampleFileImports(t *testing.T) {
	t.Parallel()
	db := storetest.Seeded(t, 1)
	b, err := os.ReadFile("../dataset/examples/organizations.csv")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := importFile(t, db, read(t, "organizations.csv", string(b)), bulk.Options{DryRun: true})
	if err != nil || sum.Created != 2 {
		t.Errorf("example file: %s, %v; want 2 created", sum, err)
	}
}

// TestImportReportsEveryProblemOfEveryRow: a row wrong in nine ways, some of its cells not even of
// their column's type, is reported nine times, beside the next bad row's problems; a JSON record
// gets the same. Nothing is written, and a long list is cut with a count of the rest.
func TestImportReportsEveryProblemOfEveryRow(t *testing.T) {
	t.Parallel()
	db := storetest.Seeded(t, 1)
	const csvFile = `slug,name,kind,website,state,lat,lng,alliances,communities,issues,sample,source1_title,source1_url
Bad Slug!,,PERSON,notaurl,XX,north,-106.6,no-such-alliance,MARTIAN,NAPPING,maybe,Roster,https://example.org/r
ok-but-far,Far Away,MEMBER,,NM,95,0,,,,false,Roster,https://example.org/r
`
	const jsonFile = `[
  {"slug": "roots-json", "name": 3, "kind": "MEMBER", "state": "NM", "lat": "north", "communities": "LATINO", "bogus": 1,
   "sources": [{"title": "Roster", "url": "https://example.org/r", "extra": 1}]}
]`
	cases := []struct {
		name, body string
		want       []string
	}{
		{"organizations.csv", csvFile, []string{
			`line 2 (Bad Slug!): slug: "Bad Slug!" is not a slug`,
			`line 2 (Bad Slug!): name: is required`,
			`line 2 (Bad Slug!): kind: "PERSON" is not one of COALITION, MEMBER, PARTNER`,
			`line 2 (Bad Slug!): website: "notaurl" is not an http(s) URL`,
			`line 2 (Bad Slug!): state: no state or province has the code "XX"`,
			`line 2 (Bad Slug!): lat: "north" is not a number`,
			`line 2 (Bad Slug!): alliances: no alliance has the slug "no-such-alliance"`,
			`line 2 (Bad Slug!): communities: "MARTIAN" is not one of `,
			`line 2 (Bad Slug!): issues: "NAPPING" is not one of `,
			`line 2 (Bad Slug!): sample: "maybe" is not true or false`,
			`line 3 (ok-but-far): lat: 95 is not a latitude between -90 and 90`,
		}},
		{"organizations.json", jsonFile, []string{
			`line 2 (roots-json): name: is a JSON number, not a string`,
			`line 2 (roots-json): lat: is a JSON string, not a number`,
			`line 2 (roots-json): communities: is a JSON string, not a list`,
			`line 2 (roots-json): bogus: unknown field`,
			`line 2 (roots-json): sources: unknown field "extra"`,
		}},
	}
	for _, c := range cases {
		_, err := importFile(t, db, read(t, c.name, c.body), bulk.Options{})
		var rejected bulk.Rejected
		if !errors.As(err, &rejected) {
			t.Fatalf("%s: import: %v; want the file rejected", c.name, err)
		}
		var got []string
		for _, p := range rejected {
			got = append(got, p.String())
		}
		for _, want := range c.want {
			if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, want) }) {
				t.Errorf("%s: problems lack %q; they are:\n%s", c.name, want, strings.Join(got, "\n"))
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: %d problems; want %d (one per mistake, none about a value already reported unreadable):\n%s",
				c.name, len(got), len(c.want), strings.Join(got, "\n"))
		}
	}
	if w := writes(db); len(w) > 0 {
		t.Errorf("a rejected import wrote: %v", w)
	}

	var many bulk.Rejected
	for i := range bulk.MaxListed + 5 {
		many = append(many, bulk.Problem{Line: i + 2, Slug: "s", Field: "name", Reason: "is required"})
	}
	msg := many.Error()
	if !strings.HasPrefix(msg, fmt.Sprintf("%d problems;", bulk.MaxListed+5)) || !strings.Contains(msg, "... and 5 more") ||
		strings.Count(msg, "\n") != bulk.MaxListed+1 {
		t.Errorf("%d problems are reported as:\n%s", len(many), msg)
	}
}
