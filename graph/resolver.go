// Package graph is the GraphQL layer: the generated executor, and thin resolvers that validate
// arguments, call a per-request loader or the store, and map the result.
package graph

import (
	"time"

	"github.com/99designs/gqlgen/graphql"

	"rootsgraph/store"
)

//go:generate go tool gqlgen generate

// Resolver is the root resolver and the one place where the GraphQL layer's dependencies are
// injected.
type Resolver struct {
	Store *store.Store
	// RequestID names the request a change is made in, for the audit trail; may be nil.
	RequestID RequestIDFunc
	// Written, when set, is called after every successful change (the response cache drops what
	// it holds).
	Written func()
	// Now is the clock that stamps changes; nil means time.Now.
	Now func() time.Time
}

func (r *Resolver) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// written tells whoever listens that the data changed.
func (r *Resolver) written() {
	if r.Written != nil {
		r.Written()
	}
}

// Extensions are the handler extensions the schema needs to answer as it should, in the order a
// server must use them: the checks of _entities representations, the prefetcher (which keeps a
// query at one command per collection and level) and the rule that mutations read the database.
// httpapi adds its own (limits, tracing, persisted queries) before them; graph's tests use these
// alone.
func (r *Resolver) Extensions() []graphql.HandlerExtension {
	return []graphql.HandlerExtension{
		RepresentationChecks{}, // for _entities only: no field middleware on other operations
		Prefetch{Resolver: r},
		WritesReadTheDatabase{},
	}
}
