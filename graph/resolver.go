// Package graph is the GraphQL layer: the generated executor, and thin resolvers that validate
// arguments, call a per-request loader or the store, and map the result.
package graph

import "rootsgraph/store"

//go:generate go tool gqlgen generate

// Resolver is the root resolver and the one place where the GraphQL layer's dependencies are
// injected.
type Resolver struct {
	Store *store.Store
}
