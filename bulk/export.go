package bulk

import (
	"context"
	"fmt"
	"io"

	"rootsgraph/dataset"
	"rootsgraph/store"
)

// Export writes the records of one kind (dataset.OrganizationsFile, EventsFile or HubsFile) as a
// roster file that Import reads back to the same data, by slug. Archived records are left out
// unless archived is set (the file format has no field for it: importing an archived record again
// leaves it archived).
func Export(ctx context.Context, s *store.Store, kind string, isCSV, archived bool, w io.Writer) (int, error) {
	docs, err := s.All(ctx)
	if err != nil {
		return 0, err
	}
	var records any
	n := 0
	switch kind {
	case dataset.OrganizationsFile:
		records, n = recordsOf(docs.Organizations, archived, dataset.OrganizationRecord)
	case dataset.EventsFile:
		records, n = recordsOf(docs.Events, archived, dataset.EventRecord)
	case dataset.HubsFile:
		records, n = recordsOf(docs.Hubs, archived, dataset.HubRecord)
	default:
		return 0, fmt.Errorf("cannot export %q: export organizations, events or hubs", kind)
	}
	return n, dataset.WriteFile(w, records, isCSV)
}

// recordsOf returns the records of docs, leaving out archived ones unless archived is set, and
// how many there are.
func recordsOf[D interface{ IsArchived() bool }, R any](docs []D, archived bool, record func(D) R) ([]R, int) {
	out := []R{}
	for _, d := range docs {
		if archived || !d.IsArchived() {
			out = append(out, record(d))
		}
	}
	return out, len(out)
}
