package httpapi

import (
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"rootsgraph/apitest"
	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

var edgeChanges = flag.Int("edge-changes", 10, "how many changes each of TestConcurrentEdgeChanges' twelve curators makes")

// instances returns n handlers over the test's database, as n server instances behind a load
// balancer would be: with one, the test server itself (its store owns the database, as the server
// owns the embedded one); with more, each over a store of its own, shared.
func (s *testServer) instances(n int) ([]http.Handler, []*store.Store) {
	s.t.Helper()
	if n == 1 {
		return []http.Handler{s.handler}, []*store.Store{s.db.Store}
	}
	var hs []http.Handler
	var ss []*store.Store
	for range n {
		st := s.db.Instance(s.t, 0)
		hs = append(hs, New(slog.New(slog.DiscardHandler), st, testOptions()))
		ss = append(ss, st)
	}
	return hs, ss
}

// TestConcurrentEdgeChanges has twelve curators make ten changes each (-edge-changes) at once: add and remove
// partnerships, memberships, hosts and participations among a few records, and change the
// communities of hosts (which their hubs copy), through one server instance or through two on the
// same database, with
// Settle (the start-up pass) run now and then in between. Every answer is a success or a CONFLICT
// (or the refusal to remove a hub's last host), and afterwards every fact is checked from
// scratch: each partnership recorded once, no dangling reference, every hub's copies equal to its
// hosts' fields, every write in the audit trail, nothing left claimed.
func TestConcurrentEdgeChanges(t *testing.T) {
	const workers = 12
	changesEach := *edgeChanges
	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprintf("%dInstances", n), func(t *testing.T) {
			t.Parallel()
			s := newTestServer(t, 1)
			k := s.keys()
			handlers, stores := s.instances(n)
			orgs := []string{apitest.OrgA, apitest.OrgB, apitest.Embergrove, apitest.Ironroot, "organization:it-takes-roots"}
			alliances := []string{apitest.CJA, "alliance:right-to-the-city-alliance"}
			events := []string{"event:may-day-2017", "event:peoples-climate-march-2017"}
			communities := [][]string{{"INDIGENOUS"}, {"LATINO", "RURAL_WHITE"}, {}}
			pick := func(list []string) string { return list[rand.IntN(len(list))] }
			two := func() (string, string) {
				a := pick(orgs)
				for {
					if b := pick(orgs); b != a {
						return a, b
					}
				}
			}
			type call struct {
				query string
				vars  map[string]any
				read  bool // a query only: its answer is checked for errors, not counted
			}
			next := func() call {
				verb := []string{"add", "remove"}[rand.IntN(2)]
				// Half the additions cite a source, one of three, so that the same source is often
				// given again and a removal often takes a citation with it.
				cited := func(verb string) string {
					if verb != "add" || rand.IntN(2) == 0 {
						return ""
					}
					n := rand.IntN(3)
					return fmt.Sprintf(`, sources: [{title: "Stress page %d", url: "https://example.org/%d", date: "2024-0%d"}]`, n, n, n+1)
				}
				switch rand.IntN(6) {
				case 0:
					a, b := two()
					return call{fmt.Sprintf(`mutation { %sPartnership(organization: %q, partner: %q) { id } }`, verb, a, b), nil, false}
				case 1:
					return call{fmt.Sprintf(`mutation { %sMembership(organization: %q, alliance: %q%s) { id } }`, verb, pick(orgs), pick(alliances), cited(verb)), nil, false}
				case 2:
					return call{fmt.Sprintf(`mutation { %sHost(hub: %q, organization: %q) { id } }`, verb, apitest.AbqHub, pick(orgs)), nil, false}
				case 3:
					args := cited(verb)
					if args != "" && rand.IntN(2) == 0 {
						args += ", role: HOST" // a host's part, which lives only in its citation
					}
					return call{fmt.Sprintf(`mutation { %sParticipant(event: %q, actor: %q%s) { id } }`, verb, pick(events), pick(orgs), args), nil, false}
				case 4:
					// A reader of whole collections while curators write: it rebuilds snapshots
					// between their changes, which the final check compares with the data.
					return call{`{ organizations(first: 100, filter: {sample: false}) { totalCount edges { node { id
					  partners { edges { node { id } } } alliances { id } hubs { edges { node { id } } } } } } }`, nil, true}
				default:
					id := pick([]string{apitest.Embergrove, apitest.Ironroot})
					return call{`query($id: ID!) { node(id: $id) { ... on Organization { version } } }`, map[string]any{"id": id}, false}
				}
			}
			var ok, conflicts, reads atomic.Int64
			var mu sync.Mutex
			conflictsBy := map[string]int{} // by mutation
			mutationOf := func(q string) string {
				_, rest, _ := strings.Cut(q, "{ ")
				name, _, _ := strings.Cut(rest, "(")
				return name
			}
			var wg, settles sync.WaitGroup
			done := make(chan struct{})
			for i := range workers {
				wg.Go(func() {
					h := handlers[i%len(handlers)]
					for range changesEach {
						c := next()
						if c.vars != nil { // a host's communities: read its version, then update from it
							r := apitest.Send(t, h, k.Curator, c.query, c.vars)
							var d struct {
								Node struct{ Version int } `json:"node"`
							}
							_ = json.Unmarshal(r.Data, &d)
							c = call{`mutation($id: ID!, $v: Int!, $c: [Community!]) { updateOrganization(id: $id, version: $v, input: {communities: $c}) { id } }`,
								map[string]any{"id": c.vars["id"], "v": d.Node.Version, "c": communities[rand.IntN(len(communities))]}, false}
						}
						r := apitest.Send(t, h, k.Curator, c.query, c.vars)
						codes := apitest.Codes(r)
						switch {
						case c.read:
							reads.Add(1)
							if len(r.Errors) > 0 {
								t.Errorf("%s: %+v", c.query, r.Errors)
							}
						case len(codes) == 0:
							ok.Add(1)
						case slices.Equal(codes, []string{"CONFLICT"}):
							conflicts.Add(1)
							mu.Lock()
							conflictsBy[mutationOf(c.query)]++
							mu.Unlock()
						case slices.Equal(codes, []string{"BAD_USER_INPUT"}) && r.Errors[0].Extensions["field"] == "organization":
							ok.Add(1) // the hub's last host stays: a refusal, as documented
						default:
							t.Errorf("%s: %+v", c.query, r.Errors)
						}
					}
				})
			}
			settles.Go(func() { // the start-up pass, run while curators work: it must change nothing they change
				for {
					if _, err := stores[0].Settle(t.Context(), store.Actor{Name: "settle", Role: store.RoleAdmin}, time.Now()); err != nil {
						t.Errorf("settle: %v", err)
					}
					select {
					case <-done:
						return
					case <-time.After(300 * time.Millisecond):
					}
				}
			})
			wg.Wait()
			close(done)
			settles.Wait()
			changes := workers*changesEach - int(reads.Load())
			t.Logf("%d instance(s): %d of %d changes answered success, %d CONFLICT %v; %d reads", n, ok.Load(), changes, conflicts.Load(), conflictsBy, reads.Load())
			if int(ok.Load()) < changes/2 {
				t.Errorf("only %d of %d changes succeeded; curators retrying edges should rarely see a conflict", ok.Load(), changes)
			}
			// A last round with no Settle after it, so that what the check finds is what the
			// changes themselves left: a host joins and leaves alliances, changes its communities,
			// and a hub gains a host.
			for _, q := range []string{
				`mutation { addMembership(organization: "` + apitest.Ironroot + `", alliance: "alliance:grassroots-global-justice-alliance") { id } }`,
				`mutation { removeMembership(organization: "` + apitest.Embergrove + `", alliance: "` + apitest.CJA + `") { id } }`,
				`mutation { addHost(hub: "` + apitest.AbqHub + `", organization: "` + apitest.OrgB + `") { id } }`,
				// A cited part taken back: its sources must go with it.
				`mutation { addParticipant(event: "event:may-day-2017", actor: "` + apitest.Ironroot + `", role: HOST, sources: [{title: "Last page", url: "https://example.org/last"}]) { id } }`,
				`mutation { removeParticipant(event: "event:may-day-2017", actor: "` + apitest.Ironroot + `") { id } }`,
			} {
				if r := apitest.Send(t, handlers[0], k.Curator, q, nil); len(r.Errors) > 0 {
					t.Fatalf("%s: %+v", q, r.Errors)
				}
			}
			v := s.version(apitest.Embergrove)
			if r := apitest.Send(t, handlers[len(handlers)-1], k.Curator, `mutation($v: Int!) { updateOrganization(id: "`+apitest.Embergrove+`", version: $v, input: {communities: [ASIAN]}) { id } }`,
				map[string]any{"v": v}); len(r.Errors) > 0 {
				t.Fatalf("update communities: %+v", r.Errors)
			}
			storetest.CheckIntegrity(t, s.db.Store)
			// What the API answers agrees with what is stored: partners read both ways.
			for _, a := range orgs {
				for _, b := range s.ids(`{ organization(id: "` + a + `") { partners(first: 100) { edges { node { id } } } } }`) {
					if !slices.Contains(s.ids(`{ organization(id: "`+b+`") { partners(first: 100) { edges { node { id } } } } }`), a) {
						t.Errorf("%s lists %s as a partner, but %s does not list %s", a, b, b, a)
					}
				}
			}
		})
	}
}
