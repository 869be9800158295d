package graph

import (
	"context"
	"encoding/json"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"rootsgraph/model"
	"rootsgraph/store"
)

// auditLog answers the audit trail to admins, newest first, a page at a time.
func (r *Resolver) auditLog(ctx context.Context, in *model.AuditFilter, first *int, after *string) (*model.AuditEntryConnection, error) {
	if _, err := r.actor(ctx, store.RoleAdmin); err != nil {
		return nil, err
	}
	limit := defaultFirst
	if first != nil {
		if *first < 0 || *first > maxFirst {
			return nil, badInput("first must be between 0 and %d", maxFirst)
		}
		limit = *first
	}
	p := store.AuditPage{Limit: limit + 1}
	if after != nil {
		id, err := bson.ObjectIDFromHex(*after)
		if err != nil {
			return nil, badInput("after is not a cursor of the audit log: pass a pageInfo.endCursor it returned")
		}
		p.After = &id
	}
	if in != nil {
		f := &p.Filter
		f.Actor, f.Action, f.Entity = model.Deref(in.Actor), model.Deref(in.Action), model.Deref(in.Entity)
		if in.Operation != nil {
			op, err := bson.ObjectIDFromHex(*in.Operation)
			if err != nil {
				return nil, badInput("filter.operation is not an operation id: use an AuditEntry's operation")
			}
			f.Operation = &op
		}
		if in.From != nil {
			f.From = *in.From
		}
		if in.To != nil {
			f.To = *in.To
		}
	}
	entries, err := r.Store.Audit(ctx, p)
	if err != nil {
		return nil, err
	}
	total, err := r.Store.CountAudit(ctx, p.Filter)
	if err != nil {
		return nil, err
	}
	out := &model.AuditEntryConnection{TotalCount: total, PageInfo: &model.PageInfo{HasPreviousPage: after != nil}}
	if len(entries) > limit {
		entries = entries[:limit]
		out.PageInfo.HasNextPage = true
	}
	for _, e := range entries {
		node, err := auditNode(e)
		if err != nil {
			return nil, err
		}
		out.Edges = append(out.Edges, &model.AuditEntryEdge{Cursor: node.ID, Node: node})
	}
	if n := len(out.Edges); n > 0 {
		out.PageInfo.StartCursor, out.PageInfo.EndCursor = &out.Edges[0].Cursor, &out.Edges[n-1].Cursor
	}
	if out.Edges == nil {
		out.Edges = []*model.AuditEntryEdge{}
	}
	return out, nil
}

func auditNode(e *store.AuditEntry) (*model.AuditEntry, error) {
	n := &model.AuditEntry{
		ID: e.ID.Hex(), Operation: e.Operation.Hex(), At: e.At, Actor: e.Actor, Role: e.Role,
		Action: e.Action, Entity: e.Entity,
	}
	if e.RequestID != "" {
		n.RequestID = &e.RequestID
	}
	var err error
	if n.Before, err = plainJSON(e.Before); err != nil {
		return nil, err
	}
	if n.After, err = plainJSON(e.After); err != nil {
		return nil, err
	}
	return n, nil
}

// plainJSON turns a stored document into plain JSON values: MongoDB's relaxed extended JSON, with
// each date written as its RFC 3339 string rather than {"$date": ...}.
func plainJSON(raw bson.Raw) (map[string]any, error) {
	if raw == nil {
		return nil, nil
	}
	b, err := bson.MarshalExtJSON(raw, false, false)
	if err != nil {
		return nil, fmt.Errorf("audit entry: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("audit entry: %w", err)
	}
	return unwrapDates(m).(map[string]any), nil
}

func unwrapDates(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if d, ok := x["$date"]; ok && len(x) == 1 {
			return d
		}
		for k, e := range x {
			x[k] = unwrapDates(e)
		}
	case []any:
		for i, e := range x {
			x[i] = unwrapDates(e)
		}
	}
	return v
}
