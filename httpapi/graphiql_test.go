package httpapi

import (
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"

	"rootsgraph/apitest"
)

// TestWelcomeQuery runs the query GraphiQL opens with over the bundled data: a newcomer's first
// click must answer, and answer something worth reading.
func TestWelcomeQuery(t *testing.T) {
	s := newTestServer(t, 1)
	apitest.CheckGolden(t, "welcome", s.mustQuery(welcomeQuery, nil))
}

// browser finds Chromium. Outside CI a machine without it skips the browser tests, loudly; in
// CI (.ci/run installs Debian's chromium) its absence fails them.
func browser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium on PATH in CI: .ci/run installs Debian's chromium package")
	}
	fmt.Fprintln(os.Stderr, "\n*** SKIPPING THE BROWSER TESTS: no chromium on PATH (apt-get install chromium to run them) ***")
	t.Skip("no chromium on PATH: the browser tests did not run (apt-get install chromium)")
	return ""
}

// TestGraphiQLInABrowser opens GraphiQL in headless Chromium against the real handler over the
// bundled data, with every request the page makes recorded: the page renders from this server
// alone, opens with the welcome query, runs it, and sends what is typed in its headers editor.
func TestGraphiQLInABrowser(t *testing.T) {
	chrome := browser(t)
	s := newTestServer(t, 1)
	srv := httptest.NewServer(s.handler)
	defer srv.Close()

	// The flags keep Chromium from calling out on its own (this machine has no network), so
	// that every request recorded below is the page's.
	l := launcher.New().Bin(chrome).Headless(true).NoSandbox(true).Leakless(false).UserDataDir(t.TempDir()).
		Set("disable-gpu").Set("disable-quic").Set("no-first-run").Set("disable-background-networking").
		Set("disable-component-update").Set("disable-sync")
	defer l.Cleanup()
	controlURL, err := l.Launch()
	if err != nil {
		t.Fatalf("start %s: %v", chrome, err)
	}
	b := rod.New().ControlURL(controlURL).Timeout(60 * time.Second)
	if err := b.Connect(); err != nil {
		t.Fatalf("connect to %s: %v", chrome, err)
	}
	defer b.Close()
	page, err := b.Page(proto.TargetCreateTarget{})
	if err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var requested, problems []string
	for _, enable := range []interface{ Call(proto.Client) error }{proto.NetworkEnable{}, proto.LogEnable{}, proto.RuntimeEnable{}} {
		if err := enable.Call(page); err != nil {
			t.Fatal(err)
		}
	}
	go page.EachEvent(func(e *proto.NetworkRequestWillBeSent) {
		mu.Lock()
		defer mu.Unlock()
		requested = append(requested, e.Request.URL)
	}, func(e *proto.RuntimeExceptionThrown) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, "exception: "+e.ExceptionDetails.Text)
	}, func(e *proto.RuntimeConsoleAPICalled) {
		if e.Type == proto.RuntimeConsoleAPICalledTypeError {
			mu.Lock()
			defer mu.Unlock()
			problems = append(problems, "console.error")
		}
	}, func(e *proto.LogEntryAdded) {
		if e.Entry.Level == proto.LogLogEntryLevelError {
			mu.Lock()
			defer mu.Unlock()
			problems = append(problems, fmt.Sprintf("%s: %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
		}
	})()

	// editor reads a CodeMirror editor's text; CodeMirror keeps its instance on its element.
	const query, result, headers = ".graphiql-query-editor .CodeMirror", ".result-window .CodeMirror",
		".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror" // the tab shown
	editor := func(selector string) string {
		v, err := page.Eval(`s => document.querySelector(s)?.CodeMirror?.getValue() ?? ""`, selector)
		if err != nil {
			t.Fatalf("read %s: %v", selector, err)
		}
		return v.Value.Str()
	}
	waitFor := func(selector, want string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !strings.Contains(editor(selector), want) {
			if time.Now().After(deadline) {
				t.Fatalf("%s never showed %q; it shows %q", selector, want, editor(selector))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	click := func(selector string) {
		t.Helper()
		el, err := page.Element(selector)
		if err == nil {
			err = el.Click(proto.InputMouseButtonLeft, 1)
		}
		if err != nil {
			t.Fatalf("click %s: %v", selector, err)
		}
	}

	if err := page.Navigate(srv.URL + "/"); err != nil {
		t.Fatal(err)
	}
	if _, err := page.Element(".graphiql-container .graphiql-execute-button"); err != nil {
		t.Fatalf("GraphiQL did not render: %v", err)
	}
	if got := editor(query); got != welcomeQuery {
		t.Errorf("GraphiQL opened with %q; want the welcome query", got)
	}
	click(".graphiql-execute-button")
	waitFor(result, `"name": "Climate Justice Alliance"`)

	// A curator pastes a key into the headers editor; a made-up one must reach the server (and be
	// refused), or the editor is for show.
	tab, err := page.ElementR("button", "^Headers$")
	if err == nil {
		err = tab.Click(proto.InputMouseButtonLeft, 1)
	}
	if err != nil {
		t.Fatalf("GraphiQL has no Headers tab to click: %v", err)
	}
	if _, err := page.Element(headers); err != nil {
		t.Fatal(err)
	}
	if _, err := page.Eval(`s => document.querySelector(s).CodeMirror.replaceSelection('{"Authorization": "Bearer made-up"}')`, headers); err != nil {
		t.Fatal(err)
	}
	click(".graphiql-execute-button")
	waitFor(result, "UNAUTHENTICATED")

	mu.Lock()
	defer mu.Unlock()
	for _, u := range requested {
		if !strings.HasPrefix(u, srv.URL+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page loaded %s, from another origin", u)
		}
	}
	if len(requested) < 6 {
		t.Errorf("recorded only %d requests (%v); the recorder missed the page's assets", len(requested), requested)
	}
	for _, p := range problems {
		if p != "network: Failed to load resource: the server responded with a status of 401 (Unauthorized) "+srv.URL+"/graphql" {
			t.Errorf("the page reported a problem: %s", p)
		}
	}
}
