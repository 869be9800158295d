package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"rootsgraph/apitest"
	"rootsgraph/bulk"
	"rootsgraph/dataset"
	"rootsgraph/embedded"
	"rootsgraph/httpapi"
	"rootsgraph/loaders"
	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

// The crash tests run an import, or a curator's mutations through the real HTTP handler, in a
// child process (this test binary, run again as TestCrashChild) over an embedded data folder,
// and kill the child with SIGKILL at a chosen step of a write (the store's failpoints: after the
// claim, after the record, after completing) or at a random moment. Then they open the folder
// again as the server does and check, from scratch: nothing left claimed, no partnership recorded
// twice, no dangling reference, hubs in step with their hosts, every write audited, no record
// blocked for later edits, and that running the work again converges (a second identical import
// writes nothing).

// crashOpen opens the data folder dir as the server does (the folder locked, the store exclusive,
// then prepare), with failpoint (which may be nil) armed once prepare is done.
func crashOpen(t *testing.T, dir string, failpoint func(string)) (*store.Store, func()) {
	t.Helper()
	ctx := context.Background()
	srv, err := embedded.Start(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var armed atomic.Bool
	s, err := store.Open(ctx, store.Config{URI: srv.URI(), Database: "roots", Exclusive: true, Failpoint: func(step string) {
		if armed.Load() && failpoint != nil {
			failpoint(step)
		}
	}})
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	if err := prepare(ctx, &database{store: s, embedded: srv, name: "roots"}, slog.New(slog.DiscardHandler), 1); err != nil {
		t.Fatal(err)
	}
	armed.Store(true)
	return s, func() { _ = s.Close(ctx); srv.Close() }
}

// TestCrashChild is the child process of TestCrashes; run by itself it does nothing.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv("ROOTS_CRASH_DIR")
	if dir == "" {
		return
	}
	if os.Getenv("ROOTS_CRASH_MODE") == "server" {
		// The real server, as `go run ./server` runs it, until SIGTERM (or SIGKILL).
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
		defer stop()
		args := []string{"server", "--data-dir", dir, "--addr", "127.0.0.1:0", "--shutdown-grace", "5s"}
		if err := run(ctx, args, func(string) string { return "" }, os.Stdout, os.Stderr); err != nil {
			t.Fatal(err)
		}
		return
	}
	step, nth, _ := strings.Cut(os.Getenv("ROOTS_CRASH_AT"), ":")
	want, _ := strconv.Atoi(nth)
	var seen atomic.Int64
	s, closeDB := crashOpen(t, dir, func(at string) {
		if at == step && seen.Add(1) == int64(want) {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		}
	})
	defer closeDB()
	fmt.Println("writing")
	if os.Getenv("ROOTS_CRASH_MODE") == "import" {
		if _, err := crashImport(t, s, filepath.Join(dir, "..", "roster.json")); err != nil {
			t.Fatal(err)
		}
	} else {
		crashMutations(t, s, os.Getenv("ROOTS_CRASH_KEY"), 0, 6)
	}
	fmt.Println("finished")
}

// crashImport imports the roster file at path.
func crashImport(t *testing.T, s *store.Store, path string) (bulk.Summary, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	file, err := dataset.ReadFile("organizations.json", f)
	if err != nil {
		t.Fatal(err)
	}
	return bulk.Import(context.Background(), s, file, bulk.Options{Actor: store.Actor{Name: "cli:crash-test", Role: store.RoleAdmin}, Now: time.Now()})
}

// crashMutations makes a curator's changes that reach across records, in rounds first to
// first+rounds-1, alternately adding and removing: memberships and communities of hub hosts,
// partnerships, hosts, participations, and an organization (one per round) created with partners.
func crashMutations(t *testing.T, s *store.Store, key string, first, rounds int) {
	t.Helper()
	h := httpapi.New(slog.New(slog.DiscardHandler), s, httpapi.Options{LoaderWait: loaders.DefaultWait, Introspection: true, Suggestions: true, GraphiQL: true})
	for round := first; round < first+rounds; round++ {
		verb := []string{"add", "remove"}[round%2]
		version := func(id string) int {
			r := apitest.Send(t, h, key, `query($id: ID!) { organization(id: $id) { version } }`, map[string]any{"id": id})
			var v int
			fmt.Sscanf(string(r.Data), `{"organization":{"version":%d}}`, &v)
			return v
		}
		queries := []struct {
			q    string
			vars map[string]any
		}{
			{`mutation { ` + verb + `Membership(organization: "` + apitest.Ironroot + `", alliance: "` + apitest.CJA + `") { id } }`, nil},
			{`mutation { ` + verb + `Partnership(organization: "` + apitest.OrgB + `", partner: "` + apitest.OrgA + `") { id } }`, nil},
			{`mutation($in: CreateOrganizationInput!) { createOrganization(input: $in) { id } }`, map[string]any{"in": map[string]any{
				"slug": fmt.Sprintf("crash-new-%d", round), "name": fmt.Sprintf("Crash New %d", round), "kind": "MEMBER",
				"partners": []string{apitest.OrgA, apitest.OrgB}, "sources": apitest.Sources()}}},
			{`mutation($v: Int!, $c: [Community!]) { updateOrganization(id: "` + apitest.Embergrove + `", version: $v, input: {communities: $c}) { id } }`,
				map[string]any{"v": version(apitest.Embergrove), "c": [][]string{{"ASIAN"}, {"INDIGENOUS", "LATINO"}}[round%2]}},
			{`mutation { ` + verb + `Host(hub: "` + apitest.AbqHub + `", organization: "` + apitest.OrgA + `") { id } }`, nil},
			{`mutation { ` + verb + `Participant(event: "event:may-day-2017", actor: "` + apitest.Ironroot + `") { id } }`, nil},
			// A query of whole lists between the changes: it rebuilds and stores the snapshots the
			// changes outdate, so that a kill can land in that write too, and after the restart
			// CheckIntegrity compares the snapshots with the collections.
			{`{ organizations(first: 100) { totalCount edges { node { id partners { edges { node { id } } } hubs { totalCount } } } } }`, nil},
		}
		for _, q := range queries {
			if r := apitest.Send(t, h, key, q.q, q.vars); len(r.Errors) > 0 && !slices.Equal(apitest.Codes(r), []string{"CONFLICT"}) {
				t.Fatalf("%s: %+v", q.q, r.Errors)
			}
		}
	}
}

// crashRoster writes the import the children run: 150 new organizations, each a partner of the
// one before, every tenth also of an existing organization whose id sorts first (so that the
// existing one records it), and new communities for the two hosts of the Albuquerque hub (which
// the hub copies).
func crashRoster(t *testing.T, s *store.Store, path string) {
	t.Helper()
	var recs []dataset.Organization
	lat, lng := 35.08, -106.65
	for i := range 150 {
		r := dataset.Organization{Slug: fmt.Sprintf("crash-org-%03d", i), Name: fmt.Sprintf("Crash Org %03d", i), Kind: "MEMBER",
			City: "Albuquerque", State: "NM", Lat: &lat, Lng: &lng, Alliances: []string{"climate-justice-alliance"},
			Sources: []dataset.Source{{Title: "Crash test roster"}}}
		if i > 0 {
			r.Partners = append(r.Partners, fmt.Sprintf("crash-org-%03d", i-1))
		}
		if i%10 == 0 {
			r.Partners = append(r.Partners, "center-for-story-based-strategy")
		}
		recs = append(recs, r)
	}
	hosts, err := s.FindOrganizations(context.Background(), store.ByID(apitest.Embergrove, apitest.Ironroot))
	if err != nil || len(hosts) != 2 {
		t.Fatalf("hosts: %v %v", hosts, err)
	}
	for _, h := range hosts {
		r := dataset.OrganizationRecord(h)
		r.Communities = []string{"PACIFIC_ISLANDER"}
		r.Issues = []string{"LABOR"}
		recs = append(recs, r)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := dataset.WriteFile(f, recs, false); err != nil {
		t.Fatal(err)
	}
}

func TestCrashes(t *testing.T) {
	cases := []struct {
		name, mode, at string
	}{
		{"ImportAfterFirstClaims", "import", "claimed:1"},
		{"ImportAfterFirstRecord", "import", "applied:1"},
		{"ImportInsideABatch", "import", "applied:3"},
		{"ImportBetweenBatches", "import", "completed:2"},
		{"ImportAtARandomMoment", "import", ""},
		{"MutationAfterClaim", "mutations", "claimed:1"},
		{"MutationAfterRecordBeforeComplete", "mutations", "applied:3"},
		{"MutationAfterHostBeforeItsHub", "mutations", "completed:1"},
		{"MutationsAtARandomMoment", "mutations", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			base := t.TempDir()
			dir := filepath.Join(base, "data")
			s, closeDB := crashOpen(t, dir, nil)
			key, _, err := s.CreateKey(context.Background(), "Curator Crash", store.RoleCurator, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			crashRoster(t, s, filepath.Join(base, "roster.json"))
			closeDB()

			killed := runCrashChild(t, dir, c.mode, c.at, key)
			t.Logf("child: %s", killed)

			s, closeDB = crashOpen(t, dir, nil)
			defer closeDB()
			problems, err := storetest.Problems(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				t.Errorf("after the restart: %s", p)
			}
			// No record is blocked: each one the work touched takes an update from its version.
			ids := []string{apitest.OrgA, apitest.OrgB, apitest.Embergrove, apitest.Ironroot, "organization:crash-org-000", "organization:crash-org-149", "organization:crash-new-0"}
			docs, err := s.FindOrganizations(context.Background(), store.ByID(ids...))
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range docs {
				next := *d
				next.City = ptr("Checked")
				if err := s.Write(context.Background(), store.NewOperation(store.Actor{Name: "check"}, "check", time.Now()), d, &next); err != nil {
					t.Errorf("%s cannot be edited after the restart: %v", d.ID, err)
				}
			}
			// Running the work again converges.
			if c.mode == "import" {
				if _, err := crashImport(t, s, filepath.Join(base, "roster.json")); err != nil {
					t.Fatalf("import run again: %v", err)
				}
				sum, err := crashImport(t, s, filepath.Join(base, "roster.json"))
				if err != nil || sum.Writes != 0 {
					t.Errorf("a second identical import: %s, %d writes (%v); want none", sum, sum.Writes, err)
				}
			} else {
				crashMutations(t, s, key, 100, 2)
			}
			storetest.CheckIntegrity(t, s)
		})
	}
}

func ptr[T any](v T) *T { return &v }

// runCrashChild runs TestCrashChild over dir and waits until it dies: killed by its own failpoint
// at step at, or, when at is empty, by this process with SIGKILL a random moment after it starts
// writing. It says how the child ended.
func runCrashChild(t *testing.T, dir, mode, at, key string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ROOTS_CRASH_DIR="+dir, "ROOTS_CRASH_MODE="+mode, "ROOTS_CRASH_AT="+at, "ROOTS_CRASH_KEY="+key)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	var log []string
	for lines.Scan() {
		log = append(log, lines.Text())
		if lines.Text() == "writing" {
			break
		}
	}
	if at == "" {
		time.Sleep(time.Duration(50+rand.IntN(400)) * time.Millisecond)
		_ = cmd.Process.Kill() // SIGKILL
	}
	for lines.Scan() {
		log = append(log, lines.Text())
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signaled() && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL:
		return "killed with SIGKILL " + map[bool]string{true: "at " + at, false: "at a random moment"}[at != ""]
	case at == "" && err == nil && slices.Contains(log, "finished"):
		return "finished before the kill (the crash came after every write)"
	default:
		t.Fatalf("the child did not die at %q: %v\n%s", at, err, strings.Join(log, "\n"))
	}
	return ""
}

// TestCommandRefusesAFolderInUse runs a command on a data folder that a running server holds: it
// refuses, saying who holds the folder, and writes nothing; once the server stops, it runs.
func TestCommandRefusesAFolderInUse(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	_, closeDB := crashOpen(t, dir, nil) // the "server"
	var stdout, stderr strings.Builder
	args := []string{"server", "keys", "list", "--data-dir", dir}
	err := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr)
	if !errors.Is(err, embedded.ErrInUse) || !strings.Contains(err.Error(), fmt.Sprintf("process %d", os.Getpid())) {
		t.Errorf("keys list beside the server: %v; want the folder in use, by process %d", err, os.Getpid())
	}
	closeDB()
	stdout.Reset()
	if err := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Errorf("keys list once the server stopped: %v (%s)", err, stderr.String())
	}
}

// TestServerKilledDuringMutations runs the real server (run, as `go run ./server` runs it) in a
// child process over an embedded data folder, has four curators send edge and field changes to it
// over HTTP, and kills it with SIGKILL a random moment into their work. It starts the server again
// on the folder (whose start completes what the killed one left), checks that every record the
// curators touched takes a change, stops it with SIGTERM, and checks the folder from scratch.
func TestServerKilledDuringMutations(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	s, closeDB := crashOpen(t, dir, nil)
	key, _, err := s.CreateKey(context.Background(), "Curator Crash", store.RoleCurator, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	closeDB()

	first, addr := startServerChild(t, dir)
	changes := []string{
		`mutation { addPartnership(organization: "` + apitest.OrgB + `", partner: "` + apitest.OrgA + `") { id } }`,
		`mutation { removePartnership(organization: "` + apitest.OrgA + `", partner: "` + apitest.OrgB + `") { id } }`,
		`mutation { addMembership(organization: "` + apitest.Ironroot + `", alliance: "` + apitest.CJA + `") { id } }`,
		`mutation { removeMembership(organization: "` + apitest.Ironroot + `", alliance: "` + apitest.CJA + `") { id } }`,
		`mutation { addHost(hub: "` + apitest.AbqHub + `", organization: "` + apitest.OrgA + `") { id } }`,
		`mutation { removeHost(hub: "` + apitest.AbqHub + `", organization: "` + apitest.OrgA + `") { id } }`,
		`mutation { addParticipant(event: "event:may-day-2017", actor: "` + apitest.Embergrove + `") { id } }`,
		`mutation { removeParticipant(event: "event:may-day-2017", actor: "` + apitest.Embergrove + `") { id } }`,
	}
	var answered atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for n := i; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				r, err := postHTTP(addr, key, changes[n%len(changes)])
				if err != nil {
					continue // the server is gone
				}
				answered.Add(1)
				if codes := apitest.Codes(r); len(codes) > 0 && !slices.Equal(codes, []string{"CONFLICT"}) {
					t.Errorf("%s: %+v", changes[n%len(changes)], r.Errors)
				}
			}
		})
	}
	time.Sleep(time.Duration(500+rand.IntN(1000)) * time.Millisecond)
	_ = first.Process.Kill() // SIGKILL
	err = first.Wait()
	close(stop)
	wg.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !exit.Sys().(syscall.WaitStatus).Signaled() {
		t.Fatalf("the server did not die of SIGKILL: %v", err)
	}
	t.Logf("killed the server after %d answered changes", answered.Load())
	if answered.Load() == 0 {
		t.Fatal("no change was answered before the kill: the test killed too early to mean anything")
	}

	second, addr := startServerChild(t, dir)
	for _, q := range changes {
		if r, err := postHTTP(addr, key, q); err != nil || len(r.Errors) > 0 {
			t.Errorf("after the restart, %s: %v %+v", q, err, r.Errors)
		}
	}
	_ = second.Process.Signal(syscall.SIGTERM)
	if err := second.Wait(); err != nil {
		t.Errorf("the restarted server did not stop cleanly on SIGTERM: %v", err)
	}
	s, closeDB = crashOpen(t, dir, nil)
	defer closeDB()
	storetest.CheckIntegrity(t, s)
}

// startServerChild starts the real server in a child process over dir and returns it with the
// address it serves, read from its "serving" log line.
func startServerChild(t *testing.T, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ROOTS_CRASH_DIR="+dir, "ROOTS_CRASH_MODE=server")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		var entry struct{ Msg, Addr string }
		if json.Unmarshal(lines.Bytes(), &entry) == nil && entry.Msg == "serving" {
			go func() { // keep reading, so that the child never blocks on a full pipe
				for lines.Scan() {
				}
			}()
			return cmd, entry.Addr
		}
	}
	t.Fatalf("the server child stopped before serving: %v", cmd.Wait())
	return nil, ""
}

// postHTTP sends a GraphQL request to a server over TCP, as a curator's client does.
func postHTTP(addr, key, query string) (apitest.Response, error) {
	body, _ := json.Marshal(map[string]any{"query": query})
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", bytes.NewReader(body))
	if err != nil {
		return apitest.Response{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return apitest.Response{}, err
	}
	defer resp.Body.Close()
	var out apitest.Response
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return apitest.Response{}, err
	}
	return out, nil
}
