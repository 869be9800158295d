package httpapi

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"rootsgraph/apierr"
)

// introspectionPolicy allows or refuses schema introspection (__schema, __type) while always
// allowing _service, which a federation router needs to compose the supergraph.
//
// gqlgen's own switch (extension.Introspection, or its absence) also turns off _service: the
// generated federation code refuses _service whenever the operation context says introspection
// is disabled (gqlgen issue #2807). So this extension always leaves that flag off and refuses
// introspection itself, before execution.
type introspectionPolicy struct {
	allowed bool
}

// An introspection query where it is not allowed is refused before execution like a validation
// error, with apierr.IntrospectionDisabled: 422 for application/json, 400 for
// application/graphql-response+json.

var registerCodes sync.Once

// newIntrospectionPolicy returns the policy, registering its error code's HTTP status with
// gqlgen once per process (gqlgen keeps that table in a plain global map).
func newIntrospectionPolicy(allowed bool) introspectionPolicy {
	registerCodes.Do(func() { errcode.RegisterErrorType(apierr.IntrospectionDisabled, errcode.KindProtocol) })
	return introspectionPolicy{allowed: allowed}
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = introspectionPolicy{}

func (introspectionPolicy) ExtensionName() string { return "IntrospectionPolicy" }

func (introspectionPolicy) Validate(graphql.ExecutableSchema) error { return nil }

func (p introspectionPolicy) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	oc.DisableIntrospection = false
	if p.allowed || oc.Operation == nil || !selectsIntrospection(oc.Operation.SelectionSet, map[string]bool{}) {
		return nil
	}
	return &gqlerror.Error{
		Message:    "introspection is disabled on this server; the schema is published in the project's repository",
		Extensions: map[string]any{"code": apierr.IntrospectionDisabled},
	}
}

// selectsIntrospection reports whether a selection asks for __schema or __type anywhere,
// following fragments (each once).
func selectsIntrospection(set ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" || selectsIntrospection(s.SelectionSet, seen) {
				return true
			}
		case *ast.InlineFragment:
			if selectsIntrospection(s.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && !seen[s.Name] {
				seen[s.Name] = true
				if selectsIntrospection(s.Definition.SelectionSet, seen) {
					return true
				}
			}
		}
	}
	return false
}
