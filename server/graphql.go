package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"rootsgraph/graph"
	"rootsgraph/store"
)

// queryCacheSize is how many parsed and validated query documents are kept, so that a query seen
// before skips parsing and validation.
const queryCacheSize = 1000

// newGraphQLHandler builds the GraphQL endpoint: queries over GET, queries and mutations over
// POST with a JSON body, and nothing else (no multipart, no form posts).
func newGraphQLHandler(logger *slog.Logger, s *store.Store) *handler.Server {
	h := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{Store: s}}))
	h.AddTransport(transport.Options{})
	h.AddTransport(transport.GET{})
	h.AddTransport(transport.POST{})
	h.SetQueryCache(lru.New[*ast.QueryDocument](queryCacheSize))
	h.Use(extension.Introspection{})
	h.SetErrorPresenter(graph.ErrorPresenter(logger, requestID))
	h.SetRecoverFunc(func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "panic in resolver", "request_id", requestID(ctx), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return errPanic
	})
	return h
}

// errPanic is what a recovered panic becomes; the error presenter turns it into a generic
// INTERNAL_SERVER_ERROR with the request id.
var errPanic = fmt.Errorf("panic in resolver")
