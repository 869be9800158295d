package model

import "time"

// AuditEntry is one document written by a change, as the audit trail shows it.
type AuditEntry struct {
	ID        string
	Operation string
	At        time.Time
	Actor     string
	Role      string
	Action    string
	RequestID *string
	Entity    string
	// Before and After are the document as stored, with times in RFC 3339; nil when the document
	// did not exist before, or does not after.
	Before map[string]any
	After  map[string]any
}
