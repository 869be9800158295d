package graphiql

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// TestPageLoadsOnlyFromThisServer: every script, style and icon the page names is a path on this
// server that answers with the right type, and the page's policy tells the browser to load
// nothing else.
func TestPageLoadsOnlyFromThisServer(t *testing.T) {
	h := New(Options{Title: "Roots Graph", Endpoint: "/graphql", DefaultQuery: "{ a }"})
	page := get(t, h, "/")
	if page.Code != http.StatusOK || !strings.HasPrefix(page.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %s", page.Code, page.Header().Get("Content-Type"))
	}
	csp := page.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self';", "connect-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	body := page.Body.String()
	if strings.Contains(body, "<script>") {
		t.Error("the page has an inline script, which its policy forbids")
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(body, -1)
	if len(refs) < 6 {
		t.Fatalf("the page names %d assets; want the three packages' files, init.js, page.css and the icon:\n%s", len(refs), body)
	}
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
	for _, ref := range refs {
		path := ref[1]
		if !strings.HasPrefix(path, Prefix) {
			t.Errorf("the page loads %q, not from under %s on this server", path, Prefix)
			continue
		}
		rec := get(t, h, path)
		ext := path[strings.LastIndex(path, "."):]
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != types[ext] || rec.Body.Len() == 0 {
			t.Errorf("GET %s = %d %q (%d bytes); want 200 %q", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len(), types[ext])
		}
		immutable := strings.Contains(rec.Header().Get("Cache-Control"), "immutable")
		if versioned := strings.HasPrefix(path, Prefix+"vendor/"); immutable != versioned {
			t.Errorf("GET %s: Cache-Control %q; only versioned vendor files may be cached for good", path, rec.Header().Get("Cache-Control"))
		}
	}
	for _, path := range []string{Prefix, Prefix + "vendor/", Prefix + "nothing.js", Prefix + "../graphiql.go"} {
		if rec := get(t, h, path); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d; want 404", path, rec.Code)
		}
	}
}

// TestConfigReachesThePage: the endpoint and default query arrive intact as JSON, whatever they
// hold, and nothing in them can end the script element early.
func TestConfigReachesThePage(t *testing.T) {
	query := "# </script><script>alert(1)</script> & \"quotes\"\n{ organizations { totalCount } }"
	body := get(t, New(Options{Title: "T", Endpoint: "/graphql", DefaultQuery: query}), "/").Body.String()
	m := regexp.MustCompile(`(?s)<script type="application/json" id="graphiql-config">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no configuration element in the page:\n%s", body)
	}
	var cfg config
	if err := json.Unmarshal([]byte(m[1]), &cfg); err != nil {
		t.Fatalf("configuration is not JSON (%v): %s", err, m[1])
	}
	if cfg.DefaultQuery != query || cfg.Endpoint != "/graphql" {
		t.Errorf("configuration = %+v; want the query and endpoint as given", cfg)
	}
	if strings.Count(body, "<script") != 5 {
		t.Errorf("the query opened a script element of its own:\n%s", body)
	}
}

// TestVendoredFilesAreThePinnedOnes: the vendored files are byte for byte the ones vendor.sh took
// from the npm registry (SHA256SUMS), each package has its licence, and nothing else is there.
func TestVendoredFilesAreThePinnedOnes(t *testing.T) {
	sums, err := fs.ReadFile(assets, "vendor/SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(string(sums)))
	for sc.Scan() {
		want, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q", sc.Text())
		}
		name = strings.TrimPrefix(name, "./")
		listed[name] = true
		b, err := fs.ReadFile(assets, "vendor/"+name)
		if err != nil {
			t.Errorf("%s is listed but not vendored: %v", name, err)
			continue
		}
		if got := sha256.Sum256(b); hex.EncodeToString(got[:]) != want {
			t.Errorf("%s differs from the file vendor.sh took from npm", name)
		}
	}
	for _, dir := range []string{graphiqlDir, reactDir, reactDOMDir} {
		if !listed[strings.TrimPrefix(dir, "vendor/")+"LICENSE"] {
			t.Errorf("%s has no licence", dir)
		}
	}
	_ = fs.WalkDir(assets, "vendor", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path != "vendor/SHA256SUMS" && !listed[strings.TrimPrefix(path, "vendor/")] {
			t.Errorf("%s is vendored but not in SHA256SUMS", path)
		}
		return err
	})
}
