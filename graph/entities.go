package graph

import (
	"context"
	"errors"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"rootsgraph/apierr"
	"rootsgraph/loaders"
	"rootsgraph/store"
)

// entities resolves one type's batch of federation representations: one command for all of them,
// then the entities in the order of ids, with nil where an id names nothing (the router gets null
// for that representation and the others are unaffected). What the router selects below the
// entities is prefetched like any other query's.
func entities[T any](ctx context.Context, r *Resolver, c store.Collection, byID loaders.ByID[T], ids []string) ([]*T, error) {
	lv := loaders.For(ctx).Level()
	lv.ByID(c, ids...)
	if err := lv.Run(ctx); err != nil {
		return nil, err
	}
	out := make([]*T, len(ids))
	for i, id := range ids {
		d, err := byID.Load(ctx, id)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			out[i] = d
		}
	}
	return out, nil
}

// entityKeys names, for each entity type, the key field a representation must carry.
var entityKeys = map[string]string{
	"Alliance":     "id",
	"Organization": "id",
	"Event":        "id",
	"Hub":          "id",
	"State":        "code",
}

// RepresentationChecks is the gqlgen handler extension that applies CheckRepresentations to the
// operations that select _entities at their root, and to no other: field middleware registered
// with AroundFields would wrap every field of every operation (a closure per field, about a
// thousand per page of a hundred organizations) for a check that concerns one root field.
type RepresentationChecks struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = RepresentationChecks{}

// ExtensionName names the extension for gqlgen.
func (RepresentationChecks) ExtensionName() string { return "RepresentationChecks" }

// Validate accepts any schema.
func (RepresentationChecks) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext wraps the operation's field middleware with CheckRepresentations when
// the operation is a query that selects _entities at its root.
func (RepresentationChecks) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Query || !selectsAtRoot(oc.Operation.SelectionSet, "_entities", map[string]bool{}) {
		return nil
	}
	inner := oc.ResolverMiddleware
	oc.ResolverMiddleware = func(ctx context.Context, next graphql.Resolver) (any, error) {
		return CheckRepresentations(ctx, func(ctx context.Context) (any, error) { return inner(ctx, next) })
	}
	return nil
}

// selectsAtRoot reports whether a root selection set selects the named field, through inline
// fragments and fragment spreads (each once).
func selectsAtRoot(set ast.SelectionSet, name string, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == name {
				return true
			}
		case *ast.InlineFragment:
			if selectsAtRoot(s.SelectionSet, name, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && !seen[s.Name] {
				seen[s.Name] = true
				if selectsAtRoot(s.Definition.SelectionSet, name, seen) {
					return true
				}
			}
		}
	}
	return false
}

// CheckRepresentations is field middleware for _entities. gqlgen's generated federation code
// fails every representation of a type when one of them lacks its key, and reports an unknown
// type as an internal error. This checks each representation first: a malformed one gets its own
// BAD_USER_INPUT error at its index and is replaced by a representation that names nothing, so
// that it resolves to null while the others resolve as usual.
func CheckRepresentations(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Name != "_entities" || fc.Object != "Query" {
		return next(ctx)
	}
	reps, ok := fc.Args["representations"].([]map[string]any)
	if !ok {
		return next(ctx)
	}
	for i, rep := range reps {
		if msg := representationProblem(rep); msg != "" {
			graphql.AddError(graphql.WithPathContext(ctx, graphql.NewPathWithIndex(i)), &gqlerror.Error{
				Message:    msg,
				Extensions: map[string]any{"code": apierr.BadUserInput},
			})
			reps[i] = map[string]any{"__typename": "Alliance", "id": ""} // names nothing: null
		}
	}
	return next(ctx)
}

// representationProblem says what is wrong with a representation, or "" when nothing is.
func representationProblem(rep map[string]any) string {
	typename, ok := rep["__typename"].(string)
	if !ok {
		return "representation has no __typename string"
	}
	key, ok := entityKeys[typename]
	if !ok {
		return fmt.Sprintf("%q is not an entity of this subgraph", typename)
	}
	if v, ok := rep[key].(string); !ok || v == "" {
		return fmt.Sprintf("representation of %s needs its key field %q as a non-empty string", typename, key)
	}
	return ""
}
