package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
	"golang.org/x/sync/singleflight"
)

// Snapshots: how the read path reads whole collections on FerretDB.
//
// FerretDB v1 evaluates every filter but one on _id, and every sort, in Go over documents it
// decodes one by one from JSON: about 0.4 ms of CPU for each organization it looks at, so a page
// of 100 sorted by name costs what the whole collection does, at every request. It reads one
// large value quickly, though. So on FerretDB each data collection also has a snapshot in the
// database: every document of the collection, as BSON, compressed (zstd: FerretDB's cost follows
// the bytes it stores as JSON), in a few documents of meta ("snapshot:<collection>", then
// "snapshot:<collection>:1", ...). A read of the whole collection is then a handful of finds by
// _id, and the filter, sort and page are made here, over the stored BSON, with the same meaning
// as in the database (Filter.Match, Order, Key; rawDoc reads a field as the model's Values do).
//
// A snapshot is never trusted, only checked. Every write to a collection, after it changes the
// documents and before it is complete, inserts the next change mark, "change:<collection>:<n>",
// numbered 1, 2, 3, ... with no gap: a writer inserts the first number that is free, and _id is
// unique, so two writers never take the same one. A snapshot records the last mark that existed
// before its documents were read (seq). It is current exactly when mark seq+1 does not exist:
// every change numbered up to seq was written before its mark, so before the read; any later one
// has a mark above seq. A read that finds the snapshot outdated reads the collection (the slow
// path, once per change, one at a time in a process) and stores what it read as the new snapshot.
// A change left without its mark by a crash is completed by Settle, which marks it (and every
// collection, at each start), so on the embedded database a snapshot is never current without a
// change that was applied. On a shared one, a stopped process's change is marked when another
// process settles it (after the claim timeout); until then reads through snapshots may not show
// it, as the hubs it brings in step may not: it was never answered as done.
//
// Only queries read snapshots, and only with a read view (WithReadView): within one request each
// collection is read once, so that a page and its count, and the loaders' lookups, agree. Writes,
// and requests without a view, ask the database as before. On MongoDB, which has indexes and
// sorts in the database, snapshots are not used at all.

// snapshotFormat changes when the packing of snapshots does; an older one is rebuilt.
const snapshotFormat = 2

// snapshotChunk is the most compressed bytes one snapshot document holds, well under MongoDB's
// 16 MiB limit for a document (a variable so that tests can make snapshots of many documents).
var snapshotChunk = 8 << 20

// The compression of snapshots; both are safe for concurrent use.
var (
	zstdEncoder, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault))
	zstdDecoder, _ = zstd.NewReader(nil)
)

// snapshotted are the collections whose whole reads go through snapshots.
var snapshotted = []string{alliancesColl, organizationsColl, statesColl, eventsColl, hubsColl}

// snapshotDoc is one document of a snapshot.
type snapshotDoc struct {
	ID     string `bson:"_id"`
	Seq    int64  `bson:"seq"`    // the last change mark before the documents were read
	Format int    `bson:"format"` // snapshotFormat when written
	Chunks int    `bson:"chunks"` // in the first document: how many documents hold the snapshot
	Data   []byte `bson:"data"`   // this document's part of the compressed BSON documents, in _id order
}

// changeMark is the mark of one change to a collection.
type changeMark struct {
	ID string    `bson:"_id"`
	At time.Time `bson:"at"`
}

// idOnly is a document's _id alone.
type idOnly struct {
	ID string `bson:"_id"`
}

func (idOnly) partialDocument() {}

func snapshotID(coll string, chunk int) string {
	if chunk == 0 {
		return "snapshot:" + coll
	}
	return fmt.Sprintf("snapshot:%s:%d", coll, chunk)
}

func changeID(coll string, n int64) string { return fmt.Sprintf("change:%s:%d", coll, n) }

// snapshots holds a store's knowledge of its snapshots: the highest change mark known to exist
// per collection (a hint, so that marking a change is usually one insert), and the rebuilds in
// flight.
type snapshots struct {
	mu       sync.Mutex
	last     map[string]int64
	rebuilds singleflight.Group
}

func (sn *snapshots) known(coll string) int64 {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	return sn.last[coll]
}

func (sn *snapshots) saw(coll string, n int64) {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if n > sn.last[coll] {
		sn.last[coll] = n
	}
}

// changed marks a change to each of colls (see the top of this file); nothing when the store does
// not use snapshots.
func (s *Store) changed(ctx context.Context, colls ...string) error {
	if s.snaps == nil {
		return nil
	}
	meta := s.coll(metaColl)
	for _, coll := range colls {
		if !slices.Contains(snapshotted, coll) {
			continue
		}
		n := s.snaps.known(coll)
		for {
			n++
			err := retryBusy(ctx, func() error {
				_, err := meta.InsertOne(ctx, changeMark{ID: changeID(coll, n), At: time.Now().UTC()})
				return err
			})
			if err == nil {
				s.snaps.saw(coll, n)
				break
			}
			if !mongo.IsDuplicateKeyError(err) {
				return dbErr("mark a change of "+coll, err)
			}
			// Another writer has it: find the last mark, and take the one after.
			if n, err = s.lastChange(ctx, coll); err != nil {
				return err
			}
		}
	}
	return nil
}

// lastChange returns the number of the last change mark of coll (0 when there is none): it looks
// ahead from the highest one known, doubling the step, then halves the gap; marks have no gaps.
func (s *Store) lastChange(ctx context.Context, coll string) (int64, error) {
	exists := func(n int64) (bool, error) {
		_, err := findOne[idOnly](ctx, s.coll(metaColl), bson.D{{Key: "_id", Value: changeID(coll, n)}})
		if errors.Is(err, ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	}
	lo, step := s.snaps.known(coll), int64(1) // lo exists (0 stands for "before the first")
	hi := lo + step
	for {
		ok, err := exists(hi)
		if err != nil {
			return 0, err
		}
		if !ok {
			break
		}
		lo, step = hi, step*2
		hi = lo + step
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := exists(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	s.snaps.saw(coll, lo)
	return lo, nil
}

// readView is one request's view of the snapshotted collections: each is read once.
type readView struct {
	mu    sync.Mutex
	colls map[string]*viewEntry
}

type viewEntry struct {
	done chan struct{}
	docs []rawDoc
	err  error
}

type readViewKey struct{}

// WithReadView returns ctx with a read view: the store's queries made with it read each data
// collection once, as one snapshot, when the database is read through snapshots (FerretDB). Give
// it to requests that only read; writes must not see it (WithoutReadView).
func WithReadView(ctx context.Context) context.Context {
	return context.WithValue(ctx, readViewKey{}, &readView{colls: map[string]*viewEntry{}})
}

// WithoutReadView returns ctx without a read view: the store's queries made with it ask the
// database.
func WithoutReadView(ctx context.Context) context.Context {
	return context.WithValue(ctx, readViewKey{}, (*readView)(nil))
}

// viewHolds reports whether ctx's read view has read coll (or is reading it).
func viewHolds(ctx context.Context, coll string) bool {
	v, _ := ctx.Value(readViewKey{}).(*readView)
	if v == nil {
		return false
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	_, ok := v.colls[coll]
	return ok
}

// whole returns every document of coll, in _id order, from its snapshot, and true; or false when
// ctx has no read view or the store does not use snapshots, and then the caller asks the
// database.
func whole(ctx context.Context, s *Store, coll string) ([]rawDoc, bool, error) {
	v, _ := ctx.Value(readViewKey{}).(*readView)
	if v == nil || s.snaps == nil {
		return nil, false, nil
	}
	v.mu.Lock()
	e, ok := v.colls[coll]
	if !ok {
		e = &viewEntry{done: make(chan struct{})}
		v.colls[coll] = e
	}
	v.mu.Unlock()
	if ok {
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, true, dbErr("read "+coll, ctx.Err())
		}
	} else {
		data, err := s.readSnapshot(ctx, coll)
		if err == nil {
			e.docs, err = splitDocs(data)
		}
		e.err = err
		close(e.done)
	}
	return e.docs, true, e.err
}

var errSnapshotCut = errors.New("snapshot: a document is cut short")

// readSnapshot returns the documents of coll's snapshot when it is current, else reads the
// collection and stores a new one.
func (s *Store) readSnapshot(ctx context.Context, coll string) ([]byte, error) {
	data, _, ok, err := s.current(ctx, coll)
	if err != nil || ok {
		return data, err
	}
	// Every change answered before this read has a mark up to seq: a snapshot read after seq is
	// observed holds them all.
	seq, err := s.lastChange(ctx, coll)
	if err != nil {
		return nil, err
	}
	return s.rebuildSnapshot(ctx, coll, seq)
}

// current returns the documents of coll's stored snapshot and the change mark it was read after,
// and true, when it is current: of this format, whole, and with no change marked after it.
func (s *Store) current(ctx context.Context, coll string) ([]byte, int64, bool, error) {
	meta := s.coll(metaColl)
	head, err := findOne[snapshotDoc](ctx, meta, bson.D{{Key: "_id", Value: snapshotID(coll, 0)}})
	if errors.Is(err, ErrNotFound) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, err
	}
	if head.Format != snapshotFormat || s.snaps.known(coll) > head.Seq {
		return nil, 0, false, nil
	}
	_, err = findOne[idOnly](ctx, meta, bson.D{{Key: "_id", Value: changeID(coll, head.Seq+1)}})
	if err == nil {
		return nil, 0, false, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, 0, false, err
	}
	data, ok, err := s.restChunks(ctx, coll, head)
	if ok {
		s.snaps.saw(coll, head.Seq)
	}
	return data, head.Seq, ok, err
}

// restChunks returns the documents of the whole snapshot whose first document is head, and false
// when one of its other documents belongs to another snapshot (a rebuild is writing them).
func (s *Store) restChunks(ctx context.Context, coll string, head *snapshotDoc) ([]byte, bool, error) {
	data := head.Data
	for i := 1; i < head.Chunks; i++ {
		c, err := findOne[snapshotDoc](ctx, s.coll(metaColl), bson.D{{Key: "_id", Value: snapshotID(coll, i)}})
		if errors.Is(err, ErrNotFound) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		if c.Seq != head.Seq || c.Format != head.Format {
			return nil, false, nil
		}
		data = append(data, c.Data...)
	}
	raw, err := zstdDecoder.DecodeAll(data, nil)
	if err != nil {
		// Parts of two rebuilds at the same mark, written at once by two processes: the frame's
		// checksum fails, and the collection is read instead.
		return nil, false, nil
	}
	return raw, true, nil
}

// rebuildTimeout bounds a rebuild, which runs apart from the request that started it so that
// the requests waiting for it do not fail with that one.
const rebuildTimeout = time.Minute

// rebuildSnapshot reads the whole collection, after its change mark seq was seen, and stores it
// as its snapshot at seq. Requests in this process that saw the same last mark wait for one
// rebuild; one that saw a later mark never joins a rebuild begun before it, which might have read
// the collection before that change.
func (s *Store) rebuildSnapshot(ctx context.Context, coll string, seq int64) ([]byte, error) {
	ch := s.snaps.rebuilds.DoChan(fmt.Sprintf("%s@%d", coll, seq), func() (any, error) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rebuildTimeout)
		defer cancel()
		data, err := s.readRaw(rctx, coll)
		if err != nil {
			return nil, err
		}
		s.storeSnapshot(rctx, coll, seq, data)
		return data, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.([]byte), nil
	case <-ctx.Done():
		return nil, dbErr("read "+coll, ctx.Err())
	}
}

// readRaw reads every document of coll, in _id order, as BSON one after another.
func (s *Store) readRaw(ctx context.Context, coll string) ([]byte, error) {
	cur, err := s.coll(coll).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(unboundedBatch))
	if err != nil {
		return nil, dbErr("find "+coll, err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	var data []byte
	for cur.Next(ctx) {
		data = append(data, cur.Current...)
	}
	if err := cur.Err(); err != nil {
		return nil, dbErr("find "+coll, err)
	}
	return data, nil
}

// storeSnapshot writes data as coll's snapshot at seq: the other documents first, then the first,
// which names how many there are. On the embedded database it takes its turn with the other
// writes. It is an optimisation only: when it cannot be written (an error) the next read rebuilds.
func (s *Store) storeSnapshot(ctx context.Context, coll string, seq int64, data []byte) {
	if s.exclusive {
		s.writing.Lock()
		defer s.writing.Unlock()
	}
	packed := zstdEncoder.EncodeAll(data, nil)
	var chunks [][]byte
	for len(packed) > snapshotChunk {
		chunks, packed = append(chunks, packed[:snapshotChunk]), packed[snapshotChunk:]
	}
	chunks = append(chunks, packed)
	meta := s.coll(metaColl)
	put := func(i int, chunk []byte) error {
		doc := snapshotDoc{ID: snapshotID(coll, i), Seq: seq, Format: snapshotFormat, Data: chunk}
		if i == 0 {
			doc.Chunks = len(chunks)
		}
		return retryBusy(ctx, func() error {
			_, err := meta.ReplaceOne(ctx, bson.D{{Key: "_id", Value: doc.ID}}, doc, options.Replace().SetUpsert(true))
			return err
		})
	}
	for i := len(chunks) - 1; i >= 0; i-- {
		if put(i, chunks[i]) != nil {
			return
		}
	}
}

// SnapshotProblems compares each snapshot that is current (no change marked after it) with its
// collection read now, and describes each one that differs: a current snapshot must hold exactly
// the collection's documents. Outdated snapshots are fine; the next read rebuilds them. Run it
// with no write in flight.
func (s *Store) SnapshotProblems(ctx context.Context) ([]string, error) {
	if s.snaps == nil {
		return nil, nil
	}
	var out []string
	for _, coll := range snapshotted {
		data, seq, ok, err := s.current(ctx, coll)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		now, err := s.readRaw(ctx, coll)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(data, now) {
			out = append(out, fmt.Sprintf("%s: the snapshot at change %d is current but differs from the collection (%s)",
				coll, seq, firstDifference(data, now)))
		}
	}
	return out, nil
}

// firstDifference names the first document in which two runs of documents in _id order differ.
func firstDifference(a, b []byte) string {
	for {
		da, ra, okA := bsoncore.ReadDocument(a)
		db, rb, okB := bsoncore.ReadDocument(b)
		switch {
		case !okA && !okB:
			return "no document differs, yet the bytes do"
		case !okA:
			return fmt.Sprintf("it lacks %s", bsoncore.Document(db).Lookup("_id").StringValue())
		case !okB:
			return fmt.Sprintf("it holds %s, which the collection does not", bsoncore.Document(da).Lookup("_id").StringValue())
		case !bytes.Equal(da, db):
			return fmt.Sprintf("%s differs: %s in the snapshot", bsoncore.Document(da).Lookup("_id").StringValue(), bsoncore.Document(da).Lookup("version"))
		}
		a, b = ra, rb
	}
}
