// Package bulk imports and exports rosters: files of organizations, events or hubs in the data
// set's format (see dataset/README.md). An import is validated whole against the database before
// anything is written, and writes nothing when any record is wrong; it upserts by slug, so running
// the same file twice changes nothing the second time.
package bulk

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"rootsgraph/dataset"
	"rootsgraph/model"
	"rootsgraph/store"
)

// Options say how to import.
type Options struct {
	// DryRun validates and plans, and writes nothing.
	DryRun bool
	// ReplaceSample removes the sample records of the file's kind that the file does not hold,
	// with every reference to them (and the sample hubs left without a host).
	ReplaceSample bool
	// Actor is who the audit trail names.
	Actor store.Actor
	Now   time.Time
	// Progress, when set, hears how many of the planned writes are done.
	Progress func(done, total int)
}

// Summary says what an import did (or, in a dry run, would do) to the records of the file's kind,
// and how many other records it brought in step (partners listing an organization back, hubs
// copying their hosts' fields, references to removed records).
type Summary struct {
	Kind                                 string
	Created, Updated, Unchanged, Removed int
	OthersUpdated, OthersRemoved         int
	// Writes is how many documents were (or would be) written.
	Writes int
}

func (s Summary) String() string {
	kind := strings.TrimSuffix(s.Kind, ".json")
	out := fmt.Sprintf("%s: %d created, %d updated, %d unchanged", kind, s.Created, s.Updated, s.Unchanged)
	if s.Removed > 0 {
		out += fmt.Sprintf(", %d removed", s.Removed)
	}
	if s.OthersUpdated > 0 || s.OthersRemoved > 0 {
		out += fmt.Sprintf("; other records: %d updated, %d removed", s.OthersUpdated, s.OthersRemoved)
	}
	return out
}

// Problem is one thing wrong with the file, or with a record in the database that the import
// would leave wrong.
type Problem struct {
	Line   int // in the file; 0 for a record in the database
	Slug   string
	Field  string
	Reason string
}

func (p Problem) String() string {
	if p.Line == 0 {
		return fmt.Sprintf("database record %s: %s: %s", p.Slug, p.Field, p.Reason)
	}
	return fmt.Sprintf("line %d (%s): %s: %s", p.Line, p.Slug, p.Field, p.Reason)
}

// Rejected is an import refused because of its problems; nothing was written.
type Rejected []Problem

// MaxListed is how many problems Rejected's message lists; it counts them all.
const MaxListed = 200

func (r Rejected) Error() string {
	lines := []string{fmt.Sprintf("%d problems; nothing was written:", len(r))}
	for _, p := range r[:min(len(r), MaxListed)] {
		lines = append(lines, "  "+p.String())
	}
	if len(r) > MaxListed {
		lines = append(lines, fmt.Sprintf("  ... and %d more (fix these and run again, or use --dry-run to see the rest as you go)", len(r)-MaxListed))
	}
	return strings.Join(lines, "\n")
}

// Import validates the file against the database and, unless it is a dry run, writes it.
func Import(ctx context.Context, s *store.Store, f *dataset.File, opts Options) (Summary, error) {
	sum := Summary{Kind: f.Kind}
	cur, err := s.All(ctx)
	if err != nil {
		return sum, err
	}
	set, removed, problems := merge(cur, f, opts.ReplaceSample)
	if len(problems) > 0 {
		return sum, problems
	}
	docs, err := set.Documents(opts.Now)
	if err != nil {
		return sum, rejected(f, err)
	}
	steps, sum := plan(cur, docs, removed, f)
	if opts.DryRun || sum.Writes == 0 {
		return sum, nil
	}
	done := func(n int) {
		if opts.Progress != nil {
			opts.Progress(n, sum.Writes)
		}
	}
	return sum, s.Apply(ctx, opts.Actor, "import", steps, opts.Now, done)
}

// merge returns the data set the database would hold after the import: its records, with the
// file's in place of those with the same slug, and without the removed ones (and every reference
// to them). It reports every problem of the result.
func merge(cur model.Documents, f *dataset.File, replaceSample bool) (*dataset.Set, map[string]bool, Rejected) {
	set := &dataset.Set{}
	for _, d := range cur.States {
		set.States = append(set.States, dataset.StateRecord(d))
	}
	for _, d := range cur.Alliances {
		set.Alliances = append(set.Alliances, dataset.AllianceRecord(d))
	}
	for _, d := range cur.Organizations {
		set.Organizations = append(set.Organizations, dataset.OrganizationRecord(d))
	}
	for _, d := range cur.Events {
		set.Events = append(set.Events, dataset.EventRecord(d))
	}
	for _, d := range cur.Hubs {
		set.Hubs = append(set.Hubs, dataset.HubRecord(d))
	}
	var problems Rejected
	type lineField struct {
		line  int
		field string
	}
	unread := map[lineField]bool{} // the values that could not be read
	for _, p := range f.Problems {
		problems = append(problems, Problem{f.Lines[p.Record], f.Slug(p.Record), p.Field, p.Reason})
		unread[lineField{f.Lines[p.Record], p.Field}] = true
	}
	inFile := map[string]int{}
	for i := range f.Len() {
		slug := f.Slug(i)
		if j, ok := inFile[slug]; ok {
			problems = append(problems, Problem{f.Lines[i], slug, "slug", fmt.Sprintf("%q is also on line %d", slug, f.Lines[j])})
		}
		inFile[slug] = i
	}
	switch f.Kind {
	case dataset.OrganizationsFile:
		set.Organizations = upsert(set.Organizations, f.Organizations, func(o dataset.Organization) string { return o.Slug })
	case dataset.EventsFile:
		set.Events = upsert(set.Events, f.Events, func(e dataset.Event) string { return e.Slug })
	default:
		set.Hubs = upsert(set.Hubs, f.Hubs, func(h dataset.Hub) string { return h.Slug })
	}
	removed := map[string]bool{} // global ids
	if replaceSample {
		removeSuperseded(set, f.Kind, inFile, removed)
	}
	for _, p := range set.Validate() {
		line := 0
		if i, ok := inFile[p.Slug]; ok && p.File == f.Kind {
			line = f.Lines[i]
		}
		slug := p.Slug
		if line == 0 {
			slug = strings.TrimSuffix(p.File, "s.json") + ":" + p.Slug
		}
		if slices.ContainsFunc(strings.Split(p.Field, "/"), func(field string) bool { return unread[lineField{line, field}] }) {
			continue // reported as unreadable; validation saw it empty ("lat/lng: give both" when lat was not a number)
		}
		problems = append(problems, Problem{line, slug, p.Field, p.Reason})
	}
	slices.SortStableFunc(problems, func(a, b Problem) int { return a.Line - b.Line })
	return set, removed, problems
}

// upsert returns records with each of the file's in place of the one with its slug, and the new
// ones after them.
func upsert[T any](records, file []T, slug func(T) string) []T {
	at := map[string]int{}
	for i, r := range records {
		at[slug(r)] = i
	}
	for _, r := range file {
		if i, ok := at[slug(r)]; ok {
			records[i] = r
		} else {
			at[slug(r)] = len(records)
			records = append(records, r)
		}
	}
	return records
}

// removeSuperseded takes out of set the sample records of kind that the file does not hold, then
// every reference to them; hubs left with no host go too when they are sample (a real hub left
// without a host is a problem validation reports).
func removeSuperseded(set *dataset.Set, kind string, inFile map[string]int, removed map[string]bool) {
	superseded := func(slug string, sample bool) bool { _, kept := inFile[slug]; return sample && !kept }
	switch kind {
	case dataset.OrganizationsFile:
		set.Organizations = slices.DeleteFunc(set.Organizations, func(o dataset.Organization) bool {
			if superseded(o.Slug, o.Sample) {
				removed[model.OrganizationID(o.Slug)] = true
				return true
			}
			return false
		})
	case dataset.EventsFile:
		set.Events = slices.DeleteFunc(set.Events, func(e dataset.Event) bool {
			if superseded(e.Slug, e.Sample) {
				removed[model.EventID(e.Slug)] = true
				return true
			}
			return false
		})
	default:
		set.Hubs = slices.DeleteFunc(set.Hubs, func(h dataset.Hub) bool {
			if superseded(h.Slug, h.Sample) {
				removed[model.HubID(h.Slug)] = true
				return true
			}
			return false
		})
	}
	gone := func(prefix func(string) string) func(string) bool {
		return func(slug string) bool { return removed[prefix(slug)] }
	}
	org, event := gone(model.OrganizationID), gone(model.EventID)
	for i := range set.Organizations {
		o := &set.Organizations[i]
		o.Partners = slices.DeleteFunc(o.Partners, org)
		o.Organized = slices.DeleteFunc(o.Organized, event)
		o.Participated = slices.DeleteFunc(o.Participated, event)
	}
	for i := range set.Alliances {
		a := &set.Alliances[i]
		a.Organized = slices.DeleteFunc(a.Organized, event)
		a.Participated = slices.DeleteFunc(a.Participated, event)
	}
	set.Hubs = slices.DeleteFunc(set.Hubs, func(h dataset.Hub) bool {
		if len(h.Hosts) > 0 && len(slices.DeleteFunc(slices.Clone(h.Hosts), org)) == 0 && h.Sample {
			removed[model.HubID(h.Slug)] = true
			return true
		}
		return false
	})
	for i := range set.Hubs {
		h := &set.Hubs[i]
		h.Hosts = slices.DeleteFunc(h.Hosts, org)
		h.Events = slices.DeleteFunc(h.Events, event)
	}
}

// rejected turns a validation error into the import's problems (Documents validates again).
func rejected(f *dataset.File, err error) error {
	if v, ok := err.(dataset.ValidationError); ok {
		var out Rejected
		for _, p := range v {
			out = append(out, Problem{Slug: p.Slug, Field: p.Field, Reason: p.Reason})
		}
		return out
	}
	return err
}

// plan compares what the database holds with what it would hold, and returns the writes in an
// order that never leaves a reference to a record that does not exist, whenever the writing stops:
// events first; then new organizations, listing as partners only organizations that already
// exist; then changed organizations, and the new ones' full partner lists; then alliances and
// hubs; removals last, after every reference to what they remove is gone.
func plan(cur model.Documents, next model.Documents, removed map[string]bool, f *dataset.File) ([]store.Step, Summary) {
	sum := Summary{Kind: f.Kind}
	inFile := map[string]bool{}
	for i := range f.Len() {
		inFile[f.Slug(i)] = true
	}
	count := func(kind string, slug string, created, changed bool) {
		switch {
		case kind != f.Kind || !inFile[slug]:
			if changed {
				sum.OthersUpdated++
			}
		case created:
			sum.Created++
		case changed:
			sum.Updated++
		default:
			sum.Unchanged++
		}
	}
	curOrgs := byID(cur.Organizations)
	// Archived records stay archived, and keep when they were made; hubs copy only from hosts
	// that are not archived.
	for _, o := range next.Organizations {
		if c := curOrgs[o.ID]; c != nil {
			o.CreatedAt, o.Archived, o.ArchivedAt = c.CreatedAt, c.Archived, c.ArchivedAt
		}
	}
	nextOrgs := byID(next.Organizations)
	for _, h := range next.Hubs {
		hosts := make([]*model.Organization, 0, len(h.HostIDs))
		for _, id := range h.HostIDs {
			hosts = append(hosts, nextOrgs[id])
		}
		h.SetHostFields(hosts)
	}

	var events, newOrgs, orgs, alliances, hubs store.Step
	diff(cur.Events, next.Events, func(c, n *model.Event) {
		if c != nil {
			n.CreatedAt, n.Archived, n.ArchivedAt = c.CreatedAt, c.Archived, c.ArchivedAt
		}
		changed := c == nil || !same(c, n)
		count(dataset.EventsFile, n.Slug, c == nil, changed)
		if changed {
			events.Changes = append(events.Changes, change(c, n))
		}
	})
	diff(cur.Organizations, next.Organizations, func(c, n *model.Organization) {
		changed := c == nil || !same(c, n)
		count(dataset.OrganizationsFile, n.Slug, c == nil, changed)
		switch {
		case !changed:
		case c == nil:
			first := *n
			first.PartnerIDs = slices.DeleteFunc(slices.Clone(n.PartnerIDs), func(id string) bool { return curOrgs[id] == nil })
			newOrgs.Changes = append(newOrgs.Changes, store.Change{After: &first})
			if len(first.PartnerIDs) < len(n.PartnerIDs) {
				orgs.Changes = append(orgs.Changes, store.Change{Before: &first, After: n})
			}
		default:
			orgs.Changes = append(orgs.Changes, change(c, n))
		}
	})
	diff(cur.Alliances, next.Alliances, func(c, n *model.Alliance) {
		if c != nil {
			n.CreatedAt = c.CreatedAt
		}
		if c == nil || !same(c, n) {
			sum.OthersUpdated++
			alliances.Changes = append(alliances.Changes, change(c, n))
		}
	})
	diff(cur.Hubs, next.Hubs, func(c, n *model.Hub) {
		if c != nil {
			n.CreatedAt, n.Archived, n.ArchivedAt = c.CreatedAt, c.Archived, c.ArchivedAt
		}
		changed := c == nil || !same(c, n)
		count(dataset.HubsFile, n.Slug, c == nil, changed)
		if changed {
			hubs.Changes = append(hubs.Changes, change(c, n))
		}
	})
	// Removals: hubs, then organizations, then events, each after what refers to it.
	var goneHubs, goneOrgs, goneEvents store.Step
	for _, h := range cur.Hubs {
		if removed[h.ID] {
			goneHubs.Changes = append(goneHubs.Changes, store.Change{Before: h})
		}
	}
	for _, o := range cur.Organizations {
		if removed[o.ID] {
			goneOrgs.Changes = append(goneOrgs.Changes, store.Change{Before: o})
		}
	}
	for _, e := range cur.Events {
		if removed[e.ID] {
			goneEvents.Changes = append(goneEvents.Changes, store.Change{Before: e})
		}
	}
	for _, g := range []store.Step{goneHubs, goneOrgs, goneEvents} {
		for _, c := range g.Changes {
			coll := strings.SplitN(c.Before.GetID(), ":", 2)[0] + "s.json"
			if coll == f.Kind {
				sum.Removed++
			} else {
				sum.OthersRemoved++
			}
		}
	}
	steps := []store.Step{events, newOrgs, orgs, alliances, hubs, goneHubs, goneOrgs, goneEvents}
	for _, st := range steps {
		sum.Writes += len(st.Changes)
	}
	return steps, sum
}

func change[T any](c, n *T) store.Change {
	ch := store.Change{After: any(n).(store.Writable)}
	if c != nil {
		ch.Before = any(c).(store.Writable)
	}
	return ch
}

func byID[T model.Node](docs []T) map[string]T {
	out := make(map[string]T, len(docs))
	for _, d := range docs {
		out[d.GetID()] = d
	}
	return out
}

// diff calls visit for every document of next, with the current one of the same id (nil for a
// new one), in next's order.
func diff[T any, P interface {
	*T
	model.Node
}](cur, next []P, visit func(c, n P)) {
	at := byID(cur)
	for _, n := range next {
		visit(at[n.GetID()], n)
	}
}

// same reports whether two versions of a document hold the same data: everything but the
// version and when it was last written.
func same(a, b any) bool {
	return bytes.Equal(content(a), content(b))
}

func content(doc any) []byte {
	raw, err := bson.Marshal(doc)
	if err != nil {
		return nil
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil
	}
	d = slices.DeleteFunc(d, func(e bson.E) bool { return e.Key == "version" || e.Key == "updatedAt" })
	out, _ := bson.Marshal(d)
	return out
}
