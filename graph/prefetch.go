package graph

import (
	"context"
	"encoding/json"
	"reflect"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"rootsgraph/loaders"
	"rootsgraph/model"
	"rootsgraph/store"
)

// The prefetcher makes the number of database commands of a query exact: at most one per
// collection and nesting level, whatever the number of objects and whatever the timing of the
// goroutines that gqlgen resolves them in.
//
// Once a root field has its objects (Prefetch, below, sees to it for every root field), it walks
// the query's selection below them level by level. At each level it gathers every key the
// selected links (links.go) need into a loaders.Level, runs it (one command per collection), and
// works out each link's answer with the link's own resolve, the function its resolver calls,
// which now finds everything in the loaders' cache. The objects on those answers' pages, with the
// selection below them, make the next level. When the resolvers then run, every lookup they make
// is a cache hit. Anything the prefetcher does not know falls back to the loaders' own batching,
// so it is an optimisation of timing, never of meaning.

// Prefetch is the handler extension that enters the prefetcher, the one place that does: once
// each root field of a query has its answer (a record, a page of them, a list of nodes or of
// federation entities), it walks the query below that answer before gqlgen resolves it, so that
// no root resolver can forget to. It wraps the field middleware of queries only; its cost is a
// closure call and a context lookup per field, next to the milliseconds of a database command.
type Prefetch struct{ Resolver *Resolver }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = Prefetch{}

// ExtensionName names the extension for gqlgen.
func (Prefetch) ExtensionName() string { return "Prefetch" }

// Validate accepts any schema.
func (Prefetch) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext makes every root field of a query prefetch below its answer.
func (p Prefetch) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return nil
	}
	inner := oc.ResolverMiddleware
	oc.ResolverMiddleware = func(ctx context.Context, next graphql.Resolver) (any, error) {
		// Innermost, right around the resolver: the prefetch runs within what the other field
		// middleware set up (the field's trace span, so the batches are its children).
		return inner(ctx, func(ctx context.Context) (any, error) {
			res, err := next(ctx)
			if err == nil {
				if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Object == "Query" {
					p.Resolver.prefetch(ctx, rootItems(res)...)
				}
			}
			return res, err
		})
	}
	return nil
}

// rootItems returns the records a root field's answer holds: a connection's nodes, the elements
// of a list, or the record itself; none for answers that hold no record.
func rootItems(v any) []any {
	if isConnectionValue(v) {
		return nodesOf(v)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice {
		out := make([]any, 0, rv.Len())
		for i := range rv.Len() {
			if el := rv.Index(i); !isNil(el) && typeName(el.Interface()) != "" {
				out = append(out, el.Interface())
			}
		}
		return out
	}
	if v != nil && !isNil(rv) && typeName(v) != "" {
		return []any{v}
	}
	return nil
}

func isNil(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return v.IsNil()
	}
	return !v.IsValid()
}

// frontier is a set of objects at one level with the selection made on them.
type frontier struct {
	items []any
	sel   ast.SelectionSet
	// fields, when set, replaces sel: edges that one field implies (Alliance.states implies
	// each member's state).
	fields []graphql.CollectedField
}

// args are a field's arguments as the prefetcher needs them, decoded from the query the way
// gqlgen decodes them for the resolver. Where they are not usable, the field is skipped here and
// its resolver reports the problem.
type args struct {
	Filter  json.RawMessage  `json:"filter"`
	OrderBy json.RawMessage  `json:"orderBy"`
	First   *int             `json:"first"`
	After   *string          `json:"after"`
	Last    *int             `json:"last"`
	Before  *string          `json:"before"`
	Role    *model.EventRole `json:"role"`
}

func (a args) page() pageArgs { return pageArgs{a.First, a.After, a.Last, a.Before} }

func (a args) org() orgArgs {
	var out orgArgs
	decodeInput(a.Filter, &out.filter)
	decodeInput(a.OrderBy, &out.order)
	out.pageArgs = a.page()
	return out
}

func (a args) hub() hubArgs {
	var out hubArgs
	decodeInput(a.Filter, &out.filter)
	decodeInput(a.OrderBy, &out.order)
	out.pageArgs = a.page()
	return out
}

func (a args) event() eventArgs {
	var out eventArgs
	decodeInput(a.Filter, &out.filter)
	decodeInput(a.OrderBy, &out.order)
	out.pageArgs = a.page()
	return out
}

func decodeInput[T any](raw json.RawMessage, into **T) {
	if len(raw) == 0 || string(raw) == "null" {
		return
	}
	var v T
	if json.Unmarshal(raw, &v) == nil {
		*into = &v
	}
}

// prefetch loads, level by level, what the current root field selects below items.
func (r *Resolver) prefetch(ctx context.Context, items ...any) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || len(items) == 0 {
		return
	}
	op := graphql.GetOperationContext(ctx)
	sel := fc.Field.Selections
	if isConnection(fc.Field.Definition.Type.Name()) {
		sel = nodeSelections(op, sel)
	}
	level := []frontier{{items: items, sel: sel}}
	for len(level) > 0 && ctx.Err() == nil {
		level = r.prefetchLevel(ctx, op, level)
	}
}

type followup struct {
	from   *frontier
	field  graphql.CollectedField
	link   prefetchLink
	a      any // the link's own arguments
	parent any
}

// prefetchLevel loads what one level needs and returns the next level.
func (r *Resolver) prefetchLevel(ctx context.Context, op *graphql.OperationContext, level []frontier) []frontier {
	lv := loaders.For(ctx).Level()
	var todo []followup
	for i := range level {
		f := &level[i]
		for typ, items := range byType(f.items) {
			fields := f.fields
			if fields == nil {
				fields = graphql.CollectFields(op, f.sel, []string{typ, "Node", "Actor"})
			}
			for _, field := range fields {
				l, ok := links[typ][field.Name]
				if !ok {
					continue
				}
				decoded, ok := parseArgs(field, op.Variables)
				if !ok {
					continue // the resolver will report the bad argument, before any command
				}
				a := l.args(decoded)
				for _, p := range items {
					l.need(lv, p, a)
					todo = append(todo, followup{from: f, field: field, link: l, a: a, parent: p})
				}
			}
		}
	}
	if lv.Empty() && len(todo) == 0 {
		return nil
	}
	if err := lv.Run(ctx); err != nil {
		return nil // the resolvers will meet the same error and report it
	}

	// One next-level frontier per (frontier, field), with each object once.
	type nextKey struct {
		from  *frontier
		alias string
	}
	next := map[nextKey]*frontier{}
	seen := map[nextKey]map[any]bool{}
	var order []nextKey
	for _, t := range todo {
		answer, err := t.link.follow(ctx, t.parent, t.a)
		if err != nil {
			continue
		}
		k := nextKey{t.from, t.field.Alias}
		nf, ok := next[k]
		if !ok {
			nf = &frontier{}
			if t.link.implied != nil {
				nf.fields = t.link.implied(t.field)
			} else if isConnectionValue(answer) {
				nf.sel = nodeSelections(op, t.field.Selections)
			} else {
				nf.sel = t.field.Selections
			}
			next[k], seen[k] = nf, map[any]bool{}
			order = append(order, k)
		}
		for _, it := range nodesOf(answer) {
			if !seen[k][it] {
				seen[k][it] = true
				nf.items = append(nf.items, it)
			}
		}
	}
	out := make([]frontier, 0, len(order))
	for _, k := range order {
		if nf := next[k]; len(nf.items) > 0 {
			out = append(out, *nf)
		}
	}
	return out
}

// byType groups objects by GraphQL type name.
func byType(items []any) map[string][]any {
	out := map[string][]any{}
	for _, it := range items {
		if n := typeName(it); n != "" {
			out[n] = append(out[n], it)
		}
	}
	return out
}

func typeName(it any) string {
	switch it.(type) {
	case *model.Alliance:
		return "Alliance"
	case *model.Organization:
		return "Organization"
	case *model.State:
		return "State"
	case *model.Event:
		return "Event"
	case *model.Hub:
		return "Hub"
	case *model.Membership:
		return "Membership"
	case *model.Participation:
		return "Participation"
	}
	return ""
}

func isConnection(typeName string) bool {
	switch typeName {
	case "AllianceConnection", "OrganizationConnection", "StateConnection", "EventConnection", "HubConnection", "ActorConnection":
		return true
	}
	return false
}

// nodeSelections returns what a selection on a connection selects on its nodes.
func nodeSelections(op *graphql.OperationContext, sel ast.SelectionSet) ast.SelectionSet {
	var out ast.SelectionSet
	for _, e := range graphql.CollectFields(op, sel, nil) {
		if e.Name != "edges" {
			continue
		}
		for _, n := range graphql.CollectFields(op, e.Selections, nil) {
			if n.Name == "node" {
				out = append(out, n.Selections...)
			}
		}
	}
	return out
}

func isConnectionValue(v any) bool {
	switch v.(type) {
	case *model.AllianceConnection, *model.OrganizationConnection, *model.StateConnection,
		*model.EventConnection, *model.HubConnection, *model.ActorConnection:
		return true
	}
	return false
}

// nodesOf returns the objects an edge's answer holds.
func nodesOf(v any) []any {
	switch v := v.(type) {
	case *model.AllianceConnection:
		return edgeNodes(v.Edges, func(e *model.AllianceEdge) any { return e.Node })
	case *model.OrganizationConnection:
		return edgeNodes(v.Edges, func(e *model.OrganizationEdge) any { return e.Node })
	case *model.StateConnection:
		return edgeNodes(v.Edges, func(e *model.StateEdge) any { return e.Node })
	case *model.EventConnection:
		return edgeNodes(v.Edges, func(e *model.EventEdge) any { return e.Node })
	case *model.HubConnection:
		return edgeNodes(v.Edges, func(e *model.HubEdge) any { return e.Node })
	case *model.ActorConnection:
		return edgeNodes(v.Edges, func(e *model.ActorEdge) any { return e.Node })
	case []*model.Alliance:
		return edgeNodes(v, func(a *model.Alliance) any { return a })
	case []*model.State:
		return edgeNodes(v, func(s *model.State) any { return s })
	case []*model.Membership:
		return edgeNodes(v, func(m *model.Membership) any { return m })
	case []*model.Participation:
		return edgeNodes(v, func(p *model.Participation) any { return p })
	case *model.State:
		if v != nil {
			return []any{v}
		}
	case *model.Alliance:
		if v != nil {
			return []any{v}
		}
	case *model.Event:
		if v != nil {
			return []any{v}
		}
	}
	return nil
}

// edgeNodes returns node(e) for each of edges, in one allocation (this runs once per object and
// field at every level of a query).
func edgeNodes[E any](edges []E, node func(E) any) []any {
	if len(edges) == 0 {
		return nil
	}
	out := make([]any, len(edges))
	for i, e := range edges {
		out[i] = node(e)
	}
	return out
}

// parseArgs reads a field's arguments; false when they are not usable.
func parseArgs(f graphql.CollectedField, vars map[string]any) (args, bool) {
	var a args
	if f.Definition == nil {
		return a, true
	}
	b, err := json.Marshal(f.ArgumentMap(vars))
	if err != nil || json.Unmarshal(b, &a) != nil {
		return a, false
	}
	// Arguments the resolver will refuse must cost no command here either.
	switch f.Definition.Type.Name() {
	case "OrganizationConnection":
		_, err = a.org().parse()
	case "HubConnection":
		_, err = a.hub().parse()
	case "EventConnection":
		_, err = a.event().parse()
	case "ActorConnection":
		_, err = parseList(actorsList, byName, store.Filter{}, a.page())
	}
	return a, err == nil
}
