// Package embedded runs FerretDB, a MongoDB wire-protocol server, inside the process, with its
// SQLite backend storing files in a data folder. The server uses it when no MongoDB URI is
// configured, and tests use it when MONGODB_URI is unset; either way clients reach it through the
// official driver over a Unix socket in the data folder, exactly as they would reach MongoDB.
package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	_ "modernc.org/sqlite" // the driver FerretDB's SQLite backend uses, for IndexIDs
)

// Server is a running embedded FerretDB.
type Server struct {
	uri    string
	dir    string
	lock   *os.File
	cancel context.CancelFunc
	done   chan struct{}
}

// ErrInUse means that another process holds the data folder: a server, or a command such as an
// import, is running on it.
var ErrInUse = errors.New("data folder in use")

// socketFile is the Unix socket in the data folder on which the server listens.
const socketFile = "mongodb.sock"

// maxSocketPath is the longest socket path Linux and macOS accept (sun_path holds 104 to 108
// bytes, with its terminating zero).
const maxSocketPath = 103

// Start creates dir if needed (owner-only) and starts FerretDB on a Unix socket in it, storing its
// SQLite files there too. Nothing listens on a network port: only the user who owns the folder
// (and root) can reach the socket, and the process that holds the folder's lock is the one that
// started it. FerretDB logs every failed command at WARN; logger receives those messages, so pass
// one at the level wanted (nil discards them). A server stopped and started again on the same
// folder is found where its clients left it.
func Start(ctx context.Context, dir string, logger *slog.Logger) (*Server, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("embedded database: data folder %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("embedded database: create data folder: %w", err)
	}
	socket := filepath.Join(abs, socketFile)
	if len(socket) > maxSocketPath {
		return nil, fmt.Errorf("embedded database: the data folder's path is too long for its socket (%s, %d bytes; at most %d): choose a shorter --data-dir",
			socket, len(socket), maxSocketPath)
	}
	// One process at a time: the one that holds the folder's lock is the only writer, so its
	// writes can be serialized and its unfinished ones recognised after a crash (the kernel
	// releases the lock when the process dies, so a crash never leaves the folder locked).
	lock, err := lockDir(abs)
	if err != nil {
		return nil, err
	}
	// A socket file left by a process that was killed; the lock says no one is using it.
	if err := os.Remove(socket); err != nil && !errors.Is(err, os.ErrNotExist) {
		_ = lock.Close()
		return nil, fmt.Errorf("embedded database: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	// SQLite takes a file: URI naming the folder; the trailing slash marks it as one.
	sqliteURL := (&url.URL{Scheme: "file", Opaque: filepath.ToSlash(abs) + "/"}).String()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: socket},
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
		Logger:    logger,
	})
	if err != nil {
		_ = lock.Close()
		return nil, fmt.Errorf("embedded database: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(runCtx)
	}()
	// Run binds the listener before it serves; MongoDBURI waits for that (asking before Run has
	// started can deadlock, as FerretDB's documentation warns).
	if f.MongoDBURI() == "" {
		cancel()
		<-done
		_ = lock.Close()
		return nil, errors.New("embedded database: no listener address")
	}
	// Owner-only, whatever the umask: connecting to a Unix socket needs write permission on it.
	if err := os.Chmod(socket, 0o600); err != nil {
		cancel()
		<-done
		_ = lock.Close()
		return nil, fmt.Errorf("embedded database: %w", err)
	}
	// The driver takes a socket path, percent-encoded, as the host.
	uri := "mongodb://" + strings.ReplaceAll(url.PathEscape(socket), "/", "%2F") + "/"
	return &Server{uri: uri, dir: abs, lock: lock, cancel: cancel, done: done}, nil
}

// URI returns the MongoDB connection string of the running server.
func (s *Server) URI() string { return s.uri }

// Dir returns the absolute path of the data folder.
func (s *Server) Dir() string { return s.dir }

// Close stops the server and waits until its listener and SQLite files are closed, then lets go
// of the data folder.
func (s *Server) Close() {
	s.cancel()
	<-s.done
	_ = s.lock.Close()
}

// lockFile is the file in the data folder whose lock says which process holds it.
const lockFile = "roots-graph.lock"

// lockDir takes the data folder's lock, or fails with ErrInUse naming the process that holds it.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("embedded database: %w", err)
	}
	if err := tryLock(f); err != nil {
		holder, _ := os.ReadFile(path)
		_ = f.Close()
		who := strings.TrimSpace(string(holder))
		if who == "" {
			who = "another process"
		}
		return nil, fmt.Errorf("embedded database: %w: %s holds %s; stop it first, or run against a MongoDB that both use (--mongodb-uri): %w",
			ErrInUse, who, dir, err)
	}
	_ = f.Truncate(0)
	_, _ = fmt.Fprintf(f, "process %d (started %s)\n", os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	return f, nil
}

// IndexIDs gives every collection of the database an SQLite index on the expression FerretDB
// v1.24's SQLite backend filters by when a query asks for one _id (`_ferretdb_sjson->'$._id'`).
// FerretDB's own _id index is on `_ferretdb_sjson->"_id"`, which SQLite does not take for the
// same expression, so without this a find by _id reads every row of the table: on ten times the
// bundled data, 50 ms of CPU for one organization by id instead of well under one. SQLite keeps
// the index up to date on every write; FerretDB never sees it (it lists and drops only its own),
// and dropping a collection drops its table with the index. Run it after the collections exist;
// it is idempotent.
func (s *Server) IndexIDs(ctx context.Context, database string) error {
	path := filepath.Join(s.dir, database+".sqlite")
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("index _id: %w", err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		return fmt.Errorf("index _id: list collections: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return fmt.Errorf("index _id: %w", err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t+"__id_lookup", t)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("index _id of %s: %w", t, err)
		}
	}
	return nil
}
