package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"rootsgraph/apierr"
)

// Limits bound what one request may ask, checked before any database command. The defaults are
// safe for a public API and admit every query the README shows.
type Limits struct {
	MaxBodyBytes  int64 // POST body and GET query string
	MaxTokens     int   // lexer tokens of the query document
	MaxDepth      int   // nesting of fields, through fragments
	MaxAliases    int   // fields given an alias
	MaxRootFields int   // fields at the top of the operation
	MaxDirectives int   // directive uses in the operation and its fragments
	MaxFields     int   // field selections once fragments are expanded
	MaxCost       int   // estimated objects and fields resolved (see costSchema)
}

// DefaultLimits are the limits a server has unless its configuration says otherwise.
var DefaultLimits = Limits{
	MaxBodyBytes:  64 << 10,
	MaxTokens:     2500,
	MaxDepth:      20,
	MaxAliases:    30,
	MaxRootFields: 15,
	MaxDirectives: 30,
	MaxFields:     5000,
	MaxCost:       25_000_000,
}

// Refused operations answer with apierr's limit codes, before execution and with a non-200
// status (422 for application/json, 400 for application/graphql-response+json).
// operationLimits refuses operations that are too deep, too wide or too decorated.
type operationLimits struct{ l Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = operationLimits{}

func (operationLimits) ExtensionName() string                   { return "OperationLimits" }
func (operationLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (o operationLimits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	m := measure(oc.Operation.SelectionSet, map[string]*shape{}, map[string]bool{})
	m.directives += len(oc.Operation.Directives)
	roots := len(oc.Operation.SelectionSet)
	refuse := func(code, format string, args ...any) *gqlerror.Error {
		return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": code}}
	}
	switch {
	case m.fields > o.l.MaxFields:
		return refuse(apierr.TooManyFields, "the operation selects %d fields once its fragments are expanded; at most %d are allowed", m.fields, o.l.MaxFields)
	case m.depth > o.l.MaxDepth:
		return refuse(apierr.QueryTooDeep, "the operation nests %d levels deep; at most %d are allowed", m.depth, o.l.MaxDepth)
	case m.aliases > o.l.MaxAliases:
		return refuse(apierr.TooManyAliases, "the operation uses %d aliases; at most %d are allowed", m.aliases, o.l.MaxAliases)
	case roots > o.l.MaxRootFields:
		return refuse(apierr.TooManyRootFields, "the operation asks for %d root fields; at most %d are allowed: split it", roots, o.l.MaxRootFields)
	case m.directives > o.l.MaxDirectives:
		return refuse(apierr.TooManyDirectives, "the operation uses %d directives; at most %d are allowed", m.directives, o.l.MaxDirectives)
	}
	return nil
}

// shape measures a selection once its fragments are expanded: its depth, fields, aliases and
// directives. Counts saturate at shapeCap, so that a document whose fragments double at each
// level is measured in time proportional to its size, never to its expansion.
type shape struct{ depth, fields, aliases, directives int }

const shapeCap = 1 << 40

func satAdd(a, b int) int { return min(a+b, shapeCap) }

func (m *shape) add(o *shape, depthOffset int) {
	m.depth = max(m.depth, o.depth+depthOffset)
	m.fields = satAdd(m.fields, o.fields)
	m.aliases = satAdd(m.aliases, o.aliases)
	m.directives = satAdd(m.directives, o.directives)
}

// measure returns the shape of a selection set, measuring each fragment once (memo) however often
// it is spread; active guards against cycles, which validation refuses anyway.
func measure(set ast.SelectionSet, memo map[string]*shape, active map[string]bool) *shape {
	m := &shape{}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			m.fields = satAdd(m.fields, 1)
			m.depth = max(m.depth, 1)
			if s.Alias != "" && s.Alias != s.Name {
				m.aliases = satAdd(m.aliases, 1)
			}
			m.directives = satAdd(m.directives, len(s.Directives))
			m.add(measure(s.SelectionSet, memo, active), 1)
		case *ast.InlineFragment:
			m.directives = satAdd(m.directives, len(s.Directives))
			m.add(measure(s.SelectionSet, memo, active), 0)
		case *ast.FragmentSpread:
			m.directives = satAdd(m.directives, len(s.Directives))
			if s.Definition == nil || active[s.Name] {
				continue
			}
			f, ok := memo[s.Name]
			if !ok {
				active[s.Name] = true
				f = measure(s.Definition.SelectionSet, memo, active)
				f.directives = satAdd(f.directives, len(s.Definition.Directives))
				delete(active, s.Name)
				memo[s.Name] = f
			}
			m.add(f, 0)
		}
	}
	return m
}

var registerLimitCodes = func() func() {
	done := false
	return func() {
		if done {
			return
		}
		done = true
		for _, c := range []string{apierr.QueryTooDeep, apierr.TooManyAliases, apierr.TooManyRootFields, apierr.TooManyDirectives, apierr.TooManyFields, apierr.ComplexityLimitExceeded} {
			errcode.RegisterErrorType(c, errcode.KindProtocol)
		}
	}
}()

// costSchema estimates an operation's cost as the number of objects and fields it may resolve: a
// list multiplies what each item costs by how many items it may hold (a connection by its first
// or last, 20 when omitted; nodes by its ids; other lists by their known bounds).
type costSchema struct {
	graphql.ExecutableSchema
}

// listBounds are the most items a plain (non-connection) list field holds.
var listBounds = map[string]int{
	"Alliance.states":            70,
	"Organization.alliances":     4,
	"Query.coverage":             100,
	"Query.coverageGaps":         70,
	"Network.nodes":              maxNetworkNodes,
	"Network.edges":              maxNetworkNodes * 4,
	"NetworkPath.nodes":          9,
	"NetworkPath.edges":          8,
	"NetworkMeasures.components": 100,
	"NetworkMeasures.nodes":      maxNetworkNodes,
	"Query._entities":            100,
}

const maxNetworkNodes = 2000

func (c costSchema) Complexity(ctx context.Context, typeName, field string, child int, args map[string]any) (int, bool) {
	def := c.Schema().Types[typeName]
	if def == nil {
		return 0, false
	}
	f := def.Fields.ForName(field)
	if f == nil {
		return 0, false
	}
	n := 1
	key := typeName + "." + field
	switch {
	case strings.HasSuffix(typeName, "Connection") && field == "edges":
		n = 1 // the connection's page size counts its edges already
	case strings.HasSuffix(f.Type.Name(), "Connection"):
		n = 20
		if v, ok := intArg(args, "first"); ok {
			n = v
		} else if v, ok := intArg(args, "last"); ok {
			n = v
		}
	case key == "Query.nodes":
		if ids, ok := args["ids"].([]any); ok {
			n = len(ids)
		}
	case key == "Query.network":
		n = 1
	case f.Type.Elem != nil && c.Schema().Types[f.Type.Name()] != nil && c.Schema().Types[f.Type.Name()].Kind != ast.Scalar && c.Schema().Types[f.Type.Name()].Kind != ast.Enum:
		n = 10
		if b, ok := listBounds[key]; ok {
			n = b
		}
	}
	return n * (1 + child), true
}

func intArg(args map[string]any, name string) (int, bool) {
	switch v := args[name].(type) {
	case int:
		return max(v, 0), true
	case int64:
		return max(int(v), 0), true
	case *int:
		if v != nil {
			return max(*v, 0), true
		}
	}
	return 0, false
}

// costInExtensions reports the cost of each accepted operation in extensions.cost, so that
// clients can see how close they are to the limit.
func costInExtensions(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	if !graphql.HasOperationContext(ctx) {
		return resp // refused before an operation existed (a body that is not JSON)
	}
	if stats := extension.GetComplexityStats(ctx); stats != nil {
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["cost"] = map[string]int{"requested": stats.Complexity, "limit": stats.ComplexityLimit}
	}
	return resp
}

// withBodyLimit refuses, with 413, a POST body or a GET query string over the limit, before
// anything is parsed.
func withBodyLimit(maxBytes int64, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if int64(len(r.URL.RawQuery)) > maxBytes {
			apierr.Write(w, apierr.RequestTooLarge,
				fmt.Sprintf("the query string is over %d bytes: send the operation in a POST body, or use a persisted query", maxBytes))
			return
		}
		if r.Body != nil && r.Method == http.MethodPost {
			if r.ContentLength > maxBytes {
				apierr.Write(w, apierr.RequestTooLarge, fmt.Sprintf("the request body is over %d bytes", maxBytes))
				return
			}
			body, err := io.ReadAll(io.LimitReader(r.Body, maxBytes+1))
			if err != nil {
				apierr.Write(w, apierr.BadRequest, "the request body could not be read")
				return
			}
			if int64(len(body)) > maxBytes {
				apierr.Write(w, apierr.RequestTooLarge, fmt.Sprintf("the request body is over %d bytes", maxBytes))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		h.ServeHTTP(w, r)
	})
}
