package store

// SnapshotChunk lets tests make snapshots that span many documents.
var SnapshotChunk = &snapshotChunk

// RawDocument reads a stored document in BSON as snapshots' in-memory reads do.
func RawDocument(raw []byte) interface {
	GetID() string
	Values(field string) []string
	Point() (lat, lng float64, ok bool)
} {
	return rawDoc(raw)
}
