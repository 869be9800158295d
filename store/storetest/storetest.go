// Package storetest gives tests a real MongoDB wire-protocol database of their own: the one named
// by MONGODB_URI when it is set, otherwise an embedded FerretDB that the test binary starts once.
// Each test gets a database with a unique name, dropped when the test ends, and a count of the
// commands its client sent.
package storetest

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"

	"rootsgraph/dataset"
	"rootsgraph/embedded"
	"rootsgraph/model"
	"rootsgraph/store"
)

var (
	uri     string
	uriErr  error
	uriOnce sync.Once
	server  *embedded.Server
	tempDir string
)

// Main runs a package's tests; call it from TestMain. It stops the embedded database, if one was
// started, after the tests.
func Main(m *testing.M) {
	code := m.Run()
	if server != nil {
		server.Close()
		_ = os.RemoveAll(tempDir)
	}
	os.Exit(code)
}

// URI returns the connection string of the test deployment, starting the embedded server on first
// use when MONGODB_URI is unset.
func URI(t testing.TB) string {
	t.Helper()
	uriOnce.Do(func() {
		if u := os.Getenv("MONGODB_URI"); u != "" {
			uri = u
			return
		}
		tempDir, uriErr = os.MkdirTemp("", "rootsgraph-test-")
		if uriErr != nil {
			return
		}
		server, uriErr = embedded.Start(context.Background(), tempDir, nil)
		if uriErr == nil {
			uri = server.URI()
		}
	})
	if uriErr != nil {
		t.Fatalf("start the test database: %v", uriErr)
	}
	return uri
}

// Counter counts the commands a client sends, by name.
type Counter struct {
	mu      sync.Mutex
	counts  map[string]int
	summary []string
	total   atomic.Int64
}

// Monitor returns a command monitor that feeds the counter.
func (c *Counter) Monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		c.mu.Lock()
		if c.counts == nil {
			c.counts = map[string]int{}
		}
		c.counts[e.CommandName]++
		c.summary = append(c.summary, summarize(e))
		c.mu.Unlock()
		c.total.Add(1)
	}}
}

// Reset sets every count back to zero.
func (c *Counter) Reset() {
	c.mu.Lock()
	c.counts = nil
	c.summary = nil
	c.mu.Unlock()
	c.total.Store(0)
}

// Total returns the number of commands sent since the last Reset.
func (c *Counter) Total() int { return int(c.total.Load()) }

// ByName returns the number of commands of each name sent since the last Reset.
func (c *Counter) ByName() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

// Commands returns a one-line summary of each command sent since the last Reset, in order:
// its name, collection and the fields its filter names, for failure messages.
func (c *Counter) Commands() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.summary...)
}

func summarize(e *event.CommandStartedEvent) string {
	coll, _ := e.Command.Lookup(e.CommandName).StringValueOK()
	out := e.CommandName + " " + coll
	if filter, ok := e.Command.Lookup("filter").DocumentOK(); ok {
		elems, _ := filter.Elements()
		for _, el := range elems {
			out += " " + el.Key()
			if arr, ok := el.Value().DocumentOK(); ok {
				if in, ok := arr.Lookup("$in").ArrayOK(); ok {
					vals, _ := in.Values()
					out += fmt.Sprintf("[%d]", len(vals))
				}
			}
		}
	}
	return out
}

// DB is a test's own database.
type DB struct {
	*store.Store
	Name     string
	URI      string
	Commands *Counter
}

// New opens a database that only this test uses, with indexes created, and drops it when the test
// ends.
func New(t testing.TB) *DB {
	t.Helper()
	u := URI(t)
	name := "test_" + rand.Text()[:16]
	counter := &Counter{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// The test's store is the only writer of its database, as the server is of the embedded one.
	s, err := store.Open(ctx, store.Config{URI: u, Database: name, Monitor: counter.Monitor(), Exclusive: true})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.Drop(ctx); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
		_ = s.Close(ctx)
	})
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatalf("create indexes: %v", err)
	}
	counter.Reset()
	return &DB{Store: s, Name: name, URI: u, Commands: counter}
}

// Fixed is the time tests seed data at, so that timestamps in golden files do not change.
var Fixed = time.Date(2017, 4, 28, 12, 0, 0, 0, time.UTC)

// Bundled returns the documents of the bundled data set scaled n times (1 is the data set as
// shipped), made at Fixed.
func Bundled(t testing.TB, n int) model.Documents {
	t.Helper()
	set, err := dataset.Read(dataset.Bundled())
	if err != nil {
		t.Fatalf("read bundled data set: %v", err)
	}
	if n > 1 {
		set = set.Scale(n)
	}
	docs, err := set.Documents(Fixed)
	if err != nil {
		t.Fatalf("bundled data set: %v", err)
	}
	return docs
}

// Seeded opens a test database holding the bundled data set scaled n times (1 is the data set as
// shipped; see dataset.Set.Scale).
func Seeded(t testing.TB, n int) *DB {
	t.Helper()
	db := New(t)
	docs := Bundled(t, n)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if out, err := db.Seed(ctx, docs, Fixed); err != nil || out != store.Seeded {
		t.Fatalf("seed: %v, %v; want %q", out, err, store.Seeded)
	}
	if server != nil {
		// As the server does on the embedded database: finds by _id use an index.
		if err := server.IndexIDs(ctx, db.Name); err != nil {
			t.Fatalf("index _id: %v", err)
		}
	}
	db.Commands.Reset()
	return db
}

// String describes the database for failure messages.
func (db *DB) String() string { return fmt.Sprintf("%s at %s", db.Name, db.URI) }
