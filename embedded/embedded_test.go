package embedded_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"rootsgraph/embedded"
)

// TestReachableOnlyByItsOwner starts the embedded database and checks what another local program
// could reach: no TCP port is listening in this process, the data folder is created owner-only,
// and the socket is owner-only (connecting needs write permission on it), so only the folder's
// owner can connect, and the folder's lock keeps a second server or command of that owner out.
func TestReachableOnlyByItsOwner(t *testing.T) {
	before := listeningTCP(t)
	dir := filepath.Join(t.TempDir(), "data")
	srv, err := embedded.Start(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if after := listeningTCP(t); after > before {
		t.Errorf("%d TCP listeners in this process after the start, %d before: the embedded database must not listen on a port", after, before)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("data folder mode %v (%v); want 0700", info.Mode().Perm(), err)
	}
	info, err := os.Stat(filepath.Join(dir, "mongodb.sock"))
	if err != nil || info.Mode()&os.ModeSocket == 0 || info.Mode().Perm() != 0o600 {
		t.Errorf("socket %v (%v); want a socket, mode 0600", info.Mode(), err)
	}
	if !strings.HasPrefix(srv.URI(), "mongodb://%2F") {
		t.Errorf("URI %q; want a socket path", srv.URI())
	}

	// The stock driver reaches it through the socket, as the server does.
	client, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	if err := client.Ping(t.Context(), nil); err != nil {
		t.Errorf("ping over the socket: %v", err)
	}

	// A second start on the folder, as a second server or a command would, is refused.
	if _, err := embedded.Start(context.Background(), dir, nil); !errors.Is(err, embedded.ErrInUse) {
		t.Errorf("a second start on the same folder: %v; want ErrInUse", err)
	}
}

// listeningTCP counts this process's TCP sockets in the LISTEN state, from /proc.
func listeningTCP(t *testing.T) int {
	t.Helper()
	mine := map[string]bool{} // socket inodes of this process
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err == nil && strings.HasPrefix(target, "socket:[") {
			mine[strings.TrimSuffix(strings.TrimPrefix(target, "socket:["), "]")] = true
		}
	}
	n := 0
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue // no IPv6
		}
		lines := bufio.NewScanner(f)
		for lines.Scan() {
			fields := strings.Fields(lines.Text())
			// sl local_address rem_address st ... inode: state 0A is LISTEN.
			if len(fields) > 9 && fields[3] == "0A" && mine[fields[9]] {
				n++
			}
		}
		f.Close()
	}
	return n
}

// TestFindByIDUsesAnIndex: after IndexIDs, the SQL that FerretDB runs for a find by one _id is
// answered from an index, not by reading every row (the plan SQLite gives for that SQL), and the
// find still returns the document.
func TestFindByIDUsesAnIndex(t *testing.T) {
	dir := t.TempDir()
	srv, err := embedded.Start(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	coll := c.Database("roots").Collection("things")
	for i := range 50 {
		if _, err := coll.InsertOne(t.Context(), bson.D{{Key: "_id", Value: fmt.Sprintf("thing:%d", i)}, {Key: "n", Value: i}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.IndexIDs(t.Context(), "roots"); err != nil {
		t.Fatal(err)
	}
	if err := srv.IndexIDs(t.Context(), "roots"); err != nil {
		t.Fatalf("a second IndexIDs: %v", err)
	}
	var got struct{ N int }
	if err := coll.FindOne(t.Context(), bson.D{{Key: "_id", Value: "thing:7"}}).Decode(&got); err != nil || got.N != 7 {
		t.Fatalf("find by _id after IndexIDs: %+v, %v", got, err)
	}

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "roots.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var table string
	if err := db.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = 'things'`).Scan(&table); err != nil {
		t.Fatal(err)
	}
	// The statement FerretDB v1.24.2's SQLite backend builds for {_id: "..."} (backends/sqlite,
	// Collection.Query, with metadata.IDColumn).
	rows, err := db.Query(fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, table), `"thing:7"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if len(plan) != 1 || !strings.Contains(plan[0], "USING INDEX") {
		t.Errorf("SQLite's plan for FerretDB's find by _id: %q; want a search using an index", plan)
	}
}
