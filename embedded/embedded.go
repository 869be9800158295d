// Package embedded runs FerretDB, a MongoDB wire-protocol server, inside the process, with its
// SQLite backend storing files in a data folder. The server uses it when no MongoDB URI is
// configured, and tests use it when MONGODB_URI is unset; either way clients reach it through the
// official driver over loopback, exactly as they would reach MongoDB.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
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

// Start creates dir if needed and starts FerretDB on a free loopback port, storing its SQLite
// files in dir. FerretDB logs every failed command at WARN; logger receives those messages, so
// pass one at the level wanted (nil discards them).
func Start(ctx context.Context, dir string, logger *slog.Logger) (*Server, error) {
	return StartAt(ctx, dir, "127.0.0.1:0", logger)
}

// StartAt is Start on a given loopback address, so that a server stopped and started again (in a
// fault test) is found where its clients left it.
func StartAt(ctx context.Context, dir, addr string, logger *slog.Logger) (*Server, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("embedded database: data folder %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("embedded database: create data folder: %w", err)
	}
	// One process at a time: the one that holds the folder's lock is the only writer, so its
	// writes can be serialized and its unfinished ones recognised after a crash (the kernel
	// releases the lock when the process dies, so a crash never leaves the folder locked).
	lock, err := lockDir(abs)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	// SQLite takes a file: URI naming the folder; the trailing slash marks it as one.
	sqliteURL := (&url.URL{Scheme: "file", Opaque: filepath.ToSlash(abs) + "/"}).String()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
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
	uri := f.MongoDBURI()
	if uri == "" {
		cancel()
		<-done
		_ = lock.Close()
		return nil, errors.New("embedded database: no listener address")
	}
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
