package graph

import (
	"context"
	"errors"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"rootsgraph/apierr"
	"rootsgraph/store"
)

// Credentials returns the API key a request was made with: nil and nil when it carries none,
// ErrBadCredentials when it carries one that is not valid (unknown, revoked or malformed). Reads
// never ask, so a request pays for checking its key only when it writes.
type Credentials func(ctx context.Context) (*store.APIKey, error)

// ErrBadCredentials is a key that is unknown, revoked or not sent as a bearer token.
var ErrBadCredentials = errors.New("bad credentials")

type credentialsKey struct{}

// KeyCredentials are the credentials of a request made with the secret key: the store's key of
// that secret, ErrBadCredentials when there is none (unknown or revoked).
func KeyCredentials(s *store.Store, key string) Credentials {
	return func(ctx context.Context) (*store.APIKey, error) {
		k, err := s.Authenticate(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return nil, ErrBadCredentials
		}
		return k, err
	}
}

// WithCredentials returns a context whose mutations authenticate with c.
func WithCredentials(ctx context.Context, c Credentials) context.Context {
	return context.WithValue(ctx, credentialsKey{}, c)
}

func authError(code, msg string) error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}

// actor checks that the request may make changes that need role, and returns who it acts as.
// Nothing is read or written before this passes.
func (r *Resolver) actor(ctx context.Context, role string) (store.Actor, error) {
	creds, _ := ctx.Value(credentialsKey{}).(Credentials)
	if creds == nil {
		what := "changes need a curator's or an admin's API key"
		if role == store.RoleAdmin {
			what = "this needs an admin's API key"
		}
		return store.Actor{}, authError(apierr.Unauthenticated,
			what+": send it as the header Authorization: Bearer <key> (`go run ./server keys create` makes one)")
	}
	key, err := creds(ctx)
	switch {
	case errors.Is(err, ErrBadCredentials), err == nil && key == nil:
		return store.Actor{}, authError(apierr.Unauthenticated,
			"the API key is not valid or has been revoked: send Authorization: Bearer <key> with a current key")
	case err != nil:
		return store.Actor{}, err
	}
	if role == store.RoleAdmin && key.Role != store.RoleAdmin {
		return store.Actor{}, authError(apierr.Forbidden,
			"this needs an admin key; the key "+key.Name+" is a "+key.Role+" key")
	}
	var id string
	if r.RequestID != nil {
		id = r.RequestID(ctx)
	}
	return store.Actor{Name: key.Name, Role: key.Role, RequestID: id}, nil
}
