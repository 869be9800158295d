package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Roles of API keys. An admin may do everything a curator may.
const (
	RoleCurator = "curator"
	RoleAdmin   = "admin"
)

// APIKey is an API key as stored: its hash, never the key itself.
type APIKey struct {
	// ID is the key's public identifier, also its prefix: keys list and revoke by it.
	ID        string     `bson:"_id"`
	Name      string     `bson:"name"`
	Role      string     `bson:"role"`
	Hash      string     `bson:"hash"` // hex SHA-256 of the whole key
	CreatedAt time.Time  `bson:"createdAt"`
	RevokedAt *time.Time `bson:"revokedAt,omitempty"`
}

// keyPrefix starts every key, so that a key pasted into the wrong place is recognisable (and
// secret scanners can find it).
const keyPrefix = "rg_"

// HashKey returns the stored form of a key (hex SHA-256). A key holds 256 random bits, so one round of SHA-256
// is enough: there is nothing to guess, and a slow hash would only slow every write request.
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// CreateKey makes a new key with the given name and role, stores its hash, and returns the key
// itself, which is shown once and never again.
func (s *Store) CreateKey(ctx context.Context, name, role string, now time.Time) (string, *APIKey, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", nil, errors.New("a key needs a name of 1 to 100 characters, saying who holds it")
	}
	if role != RoleCurator && role != RoleAdmin {
		return "", nil, fmt.Errorf("role %q is neither %s nor %s", role, RoleCurator, RoleAdmin)
	}
	var id [8]byte
	var secret [32]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails
	_, _ = rand.Read(secret[:])
	k := &APIKey{
		ID:        keyPrefix + hex.EncodeToString(id[:]),
		Name:      name,
		Role:      role,
		CreatedAt: now.UTC().Truncate(time.Millisecond),
	}
	key := k.ID + "_" + hex.EncodeToString(secret[:])
	k.Hash = HashKey(key)
	if _, err := s.coll(keysColl).InsertOne(ctx, k); err != nil {
		return "", nil, dbErr("create key", err)
	}
	return key, k, nil
}

// Authenticate returns the unrevoked key that key is, or ErrNotFound. It looks the key up by its
// hash, so the key itself never reaches the database.
func (s *Store) Authenticate(ctx context.Context, key string) (*APIKey, error) {
	if !strings.HasPrefix(key, keyPrefix) || len(key) > 200 {
		return nil, ErrNotFound
	}
	k, err := findOne[APIKey](ctx, s.coll(keysColl), bson.D{{Key: "hash", Value: HashKey(key)}})
	if err != nil {
		return nil, err
	}
	if k.RevokedAt != nil {
		return nil, ErrNotFound
	}
	return k, nil
}

// Keys returns every key, revoked ones included, oldest first.
func (s *Store) Keys(ctx context.Context) ([]*APIKey, error) {
	return findAll[APIKey](ctx, s.coll(keysColl), bson.D{}, sortBy("createdAt"), 0, 0)
}

// RevokeKey revokes the key with the given id (or name, when one key has it); revoking a revoked
// key changes nothing. It returns the key, or ErrNotFound.
func (s *Store) RevokeKey(ctx context.Context, idOrName string, now time.Time) (*APIKey, error) {
	keys, err := findAll[APIKey](ctx, s.coll(keysColl), bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "_id", Value: idOrName}}, bson.D{{Key: "name", Value: idOrName}},
	}}}, nil, 0, 0)
	if err != nil {
		return nil, err
	}
	switch {
	case len(keys) == 0:
		return nil, ErrNotFound
	case len(keys) > 1:
		return nil, fmt.Errorf("%d keys are named %q: revoke one by its id", len(keys), idOrName)
	}
	k := keys[0]
	if k.RevokedAt != nil {
		return k, nil
	}
	at := now.UTC().Truncate(time.Millisecond)
	k.RevokedAt = &at
	_, err = s.coll(keysColl).UpdateOne(ctx, bson.D{{Key: "_id", Value: k.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revokedAt", Value: at}}}})
	if err != nil {
		return nil, dbErr("revoke key", err)
	}
	return k, nil
}

// keyIndexes: keys are found by hash.
var keyIndexes = []mongo.IndexModel{
	{Keys: bson.D{{Key: "hash", Value: 1}}, Options: options.Index().SetUnique(true).SetName("hash_unique")},
}
