package loaders

import "rootsgraph/model"

// idOf returns a document's global id.
func idOf(d any) string {
	if n, ok := d.(model.Node); ok {
		return n.GetID()
	}
	return ""
}

// refValues returns the ids that a document's reference field holds.
func refValues(d any, field string) []string {
	if doc, ok := d.(model.Document); ok {
		return doc.Values(field)
	}
	return nil
}
