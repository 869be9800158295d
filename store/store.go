// Package store is the MongoDB access layer: typed queries, batch lookups, indexes and the
// one-time seed, all written in the portable subset of MongoDB that the embedded FerretDB server
// also implements (finds by _id, $in, ranges and regexes; $match, $unwind, $group with $sum and
// $sort in aggregates; no $lookup, transactions or change streams), so that one code path serves
// both; on FerretDB, queries that need a whole collection read its snapshot (snapshot.go).
package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"
)

// Errors that callers map to user-facing codes.
var (
	// ErrNotFound means that no document has the requested id or slug.
	ErrNotFound = errors.New("not found")
	// ErrConflict means that a write collided with the current state (a duplicate slug).
	ErrConflict = errors.New("conflict")
	// ErrUnavailable means that the database did not answer (unreachable, or too slow for the
	// request's deadline); trying again later may succeed.
	ErrUnavailable = errors.New("database unavailable")
)

// dbErr wraps a driver error with what was being done, and marks the database being unreachable
// or out of time as ErrUnavailable.
func dbErr(what string, err error) error {
	if mongo.IsNetworkError(err) || mongo.IsTimeout(err) || errors.Is(err, context.DeadlineExceeded) ||
		errors.As(err, new(topology.ServerSelectionError)) {
		return fmt.Errorf("%s: %w: %w", what, ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Collection names.
const (
	alliancesColl     = "alliances"
	organizationsColl = "organizations"
	statesColl        = "states"
	eventsColl        = "events"
	hubsColl          = "hubs"
	metaColl          = "meta"
	keysColl          = "keys"
	auditColl         = "audit"
	// The collections of the change journal and write locks of earlier releases, which Upgrade
	// drops.
	operationsColl = "operations"
	locksColl      = "locks"
)

// Config says which database to use and how to watch it.
type Config struct {
	// URI is a MongoDB connection string.
	URI string
	// Database is the name of the database within the deployment.
	Database string
	// Monitor, when set, sees every command the driver sends (for metrics and tests).
	Monitor *event.CommandMonitor
	// AppName is reported to the server in the handshake.
	AppName string
	// PoolMonitor, when set, sees the connection pools' events (for metrics).
	PoolMonitor *event.PoolMonitor
	// MaxPoolSize and MinPoolSize bound each server's connection pool when the URI does not
	// (its maxPoolSize and minPoolSize win); 0 leaves the driver's default.
	MaxPoolSize, MinPoolSize uint64
	// Exclusive says that this process alone writes the database (the embedded one, whose data
	// folder it holds locked): a change claimed and not being applied here was left by a stopped
	// process, and is completed at once (see write.go).
	Exclusive bool
	// ClaimTimeout is, on a shared database, how long a claimed change may take before another
	// process completes it; 30 seconds when 0.
	ClaimTimeout time.Duration
	// Failpoint, when set, is called at each named step of a write ("claimed", "applied",
	// "completed"), so that crash tests can stop the process exactly there.
	Failpoint func(step string)
	// ReferenceTTL, when not 0, keeps the states and alliances in memory for ReadStates and
	// ReadAlliances, for at most this long and until a write to them through this store (see
	// reference.go). Now is its clock (time.Now when nil).
	ReferenceTTL time.Duration
	Now          func() time.Time
	// NoSnapshots reads whole collections from the database even on FerretDB, where they are
	// otherwise read from snapshots (see snapshot.go); tests use it to cover both paths.
	NoSnapshots bool
}

// Store reads and writes the coalition graph in one MongoDB database.
type Store struct {
	client *mongo.Client
	db     *mongo.Database

	exclusive    bool
	claimTimeout time.Duration
	failpoint    func(step string)
	inflight     sync.Map   // claim keys this process is applying
	settling     sync.Mutex // one settle at a time
	writing      sync.Mutex // one write at a time, when exclusive
	reference    *reference // nil when reference data is read from the database each time
	snaps        *snapshots // nil when whole collections are read from the database (MongoDB)
}

// Open connects to the deployment in cfg and checks that it answers. It does not create indexes
// or load data; see EnsureIndexes and Seed.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Database == "" {
		return nil, errors.New("open store: database name is empty")
	}
	// Writes are acknowledged by a majority and retried once after a failover, unless the URI
	// says otherwise (w=..., retryWrites=false).
	opts := options.Client().SetWriteConcern(writeconcern.Majority()).SetRetryWrites(true)
	if cfg.MaxPoolSize > 0 {
		opts.SetMaxPoolSize(cfg.MaxPoolSize)
	}
	if cfg.MinPoolSize > 0 {
		opts.SetMinPoolSize(cfg.MinPoolSize)
	}
	// After the defaults above, so that the URI's own settings win.
	opts.ApplyURI(cfg.URI).
		SetServerSelectionTimeout(2 * time.Second).
		SetConnectTimeout(5 * time.Second)
	if cfg.AppName != "" {
		opts.SetAppName(cfg.AppName)
	}
	var ref *reference
	if cfg.ReferenceTTL > 0 {
		ref = &reference{ttl: cfg.ReferenceTTL, now: cfg.Now}
		if ref.now == nil {
			ref.now = time.Now
		}
		cfg.Monitor = ref.observe(cfg.Monitor)
	}
	if cfg.Monitor != nil {
		opts.SetMonitor(cfg.Monitor)
	}
	if cfg.PoolMonitor != nil {
		opts.SetPoolMonitor(cfg.PoolMonitor)
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	s := &Store{client: client, db: client.Database(cfg.Database), exclusive: cfg.Exclusive,
		claimTimeout: cfg.ClaimTimeout, failpoint: cfg.Failpoint, reference: ref}
	if s.claimTimeout <= 0 {
		s.claimTimeout = 30 * time.Second
	}
	if s.failpoint == nil {
		s.failpoint = func(string) {}
	}
	if err := s.Ping(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("open store: %w", err)
	}
	if !cfg.NoSnapshots {
		ferret, err := s.isFerretDB(ctx)
		if err != nil {
			_ = client.Disconnect(context.Background())
			return nil, fmt.Errorf("open store: %w", err)
		}
		if ferret {
			s.snaps = &snapshots{last: map[string]int64{}}
		}
	}
	return s, nil
}

// isFerretDB reports whether the deployment is FerretDB, whose buildInfo names its version.
func (s *Store) isFerretDB(ctx context.Context) (bool, error) {
	var info bson.M
	if err := s.client.Database("admin").RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return false, dbErr("buildInfo", err)
	}
	_, ok := info["ferretdbVersion"]
	return ok, nil
}

// Snapshots reports whether the store reads whole collections from snapshots (see snapshot.go).
func (s *Store) Snapshots() bool { return s.snaps != nil }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.client.Ping(ctx, readpref.Primary())
}

// Close disconnects from the database.
func (s *Store) Close(ctx context.Context) error {
	return s.client.Disconnect(ctx)
}

// Drop removes the whole database. Tests use it to clean up after themselves.
func (s *Store) Drop(ctx context.Context) error {
	return s.db.Drop(ctx)
}

func (s *Store) coll(name string) *mongo.Collection { return s.db.Collection(name) }
