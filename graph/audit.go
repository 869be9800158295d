package graph

import (
	"context"

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
		id, ok := store.ParseAuditID(*after)
		if !ok {
			return nil, badInput("after is not a cursor of the audit log: pass a pageInfo.endCursor it returned")
		}
		p.After = &id
	}
	if in != nil {
		f := &p.Filter
		f.Actor, f.Action, f.Entity = model.Deref(in.Actor), model.Deref(in.Action), model.Deref(in.Entity)
		if in.Operation != nil {
			op, ok := store.ParseAuditID(*in.Operation)
			if !ok {
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
	if n.Before, err = store.PlainJSON(e.Before); err != nil {
		return nil, err
	}
	if n.After, err = store.PlainJSON(e.After); err != nil {
		return nil, err
	}
	return n, nil
}
