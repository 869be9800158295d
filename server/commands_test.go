package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rootsgraph/store/storetest"
)

// runTool runs a command through run, as `go run ./server ARGS...` would, against db.
func runTool(t *testing.T, db *storetest.DB, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string {
		return map[string]string{"MONGODB_URI": db.URI, "ROOTS_DATABASE": db.Name}[k]
	}
	err := run(t.Context(), append([]string{"roots-graph"}, args...), getenv, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// TestKeysCommand creates a key, lists it, uses it and revokes it through the command line. The key
// is printed once; the database holds only its hash.
func TestKeysCommand(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	out, _, err := runTool(t, db, "keys", "create", "--name", "Dana Curator", "--role", "curator")
	if err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(out)
	if !strings.HasPrefix(key, "rg_") || len(key) < 60 {
		t.Fatalf("keys create printed %q; want a key", out)
	}
	k, err := db.Authenticate(t.Context(), key)
	if err != nil || k.Name != "Dana Curator" || k.Role != "curator" || strings.Contains(k.Hash, key) {
		t.Fatalf("the key does not authenticate as Dana Curator: %+v, %v", k, err)
	}
	list, _, err := runTool(t, db, "keys", "list")
	if err != nil || !strings.Contains(list, k.ID) || !strings.Contains(list, "Dana Curator") || strings.Contains(list, key) {
		t.Errorf("keys list: %q, %v; want the key's id and name, never the key", list, err)
	}
	if _, _, err := runTool(t, db, "keys", "revoke", k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Authenticate(t.Context(), key); err == nil {
		t.Errorf("a revoked key still authenticates")
	}
	if _, _, err := runTool(t, db, "keys", "create", "--role", "curator"); err == nil || !strings.Contains(err.Error(), "--name") {
		t.Errorf("keys create without a name: %v; want an error naming --name", err)
	}
	if _, _, err := runTool(t, db, "keys", "create", "--name", "X", "--role", "owner"); err == nil || !strings.Contains(err.Error(), "owner") {
		t.Errorf("keys create with an unknown role: %v", err)
	}
}

// TestImportExportCommands exports organizations to CSV, imports the file back (nothing changes),
// and imports a file with a bad row (the error names its line; nothing is written).
func TestImportExportCommands(t *testing.T) {
	t.Parallel()
	db := storetest.New(t) // empty: the commands load the bundled data first, as the server would
	dir := t.TempDir()
	file := filepath.Join(dir, "organizations.csv")
	_, errOut, err := runTool(t, db, "export", "organizations", "--out", file)
	if err != nil || !strings.Contains(errOut, "exported 265 organizations") {
		t.Fatalf("export: %v; %s", err, errOut)
	}
	out, progress, err := runTool(t, db, "import", file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "0 created, 0 updated, 265 unchanged") {
		t.Errorf("import of the export: %q", out)
	}
	if progress != "" {
		t.Errorf("an import that writes nothing reported progress: %q", progress)
	}
	bad := filepath.Join(dir, "organizations-bad.json")
	if err := os.WriteFile(bad, []byte(`[
  {"slug": "good-one", "name": "Good One", "kind": "MEMBER", "sources": [{"title": "Roster"}]},
  {"slug": "Bad Slug", "name": "", "kind": "MEMBER", "sources": [{"title": "Roster"}]}
]`), 0o644); err != nil {
		t.Fatal(err)
	}
	db.Commands.Reset()
	_, _, err = runTool(t, db, "import", "--dry-run", bad)
	if err == nil || !strings.Contains(err.Error(), "line 3 (Bad Slug): slug:") || !strings.Contains(err.Error(), "line 3 (Bad Slug): name: is required") {
		t.Errorf("import of a bad file: %v; want its problems with line 3", err)
	}
	_, _, err = runTool(t, db, "import", bad)
	if err == nil || !strings.Contains(err.Error(), "nothing was written") {
		t.Errorf("import of a bad file: %v", err)
	}
	all, _ := db.All(t.Context())
	for _, o := range all.Organizations {
		if o.Slug == "good-one" {
			t.Errorf("the good row of a rejected file was written")
		}
	}
}
