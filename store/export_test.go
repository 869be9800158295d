package store

// SnapshotChunk lets tests make snapshots that span many documents.
var SnapshotChunk = &snapshotChunk
