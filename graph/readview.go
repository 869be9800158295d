package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"rootsgraph/store"
)

// WritesReadTheDatabase is the handler extension that keeps mutations (and anything else that is
// not a query) off the request's read view (store.WithReadView): the records a change starts from,
// and the answer it returns, are read from the database as they are now, not from the snapshot a
// query of the same request may have read.
type WritesReadTheDatabase struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = WritesReadTheDatabase{}

// ExtensionName names the extension for gqlgen.
func (WritesReadTheDatabase) ExtensionName() string { return "WritesReadTheDatabase" }

// Validate accepts any schema.
func (WritesReadTheDatabase) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation runs operations other than queries without a read view.
func (WritesReadTheDatabase) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); oc.Operation == nil || oc.Operation.Operation != ast.Query {
		ctx = store.WithoutReadView(ctx)
	}
	return next(ctx)
}
