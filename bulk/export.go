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
		out := []dataset.Organization{}
		for _, d := range docs.Organizations {
			if archived || !d.Archived {
				out = append(out, dataset.OrganizationRecord(d))
			}
		}
		records, n = out, len(out)
	case dataset.EventsFile:
		out := []dataset.Event{}
		for _, d := range docs.Events {
			if archived || !d.Archived {
				out = append(out, dataset.EventRecord(d))
			}
		}
		records, n = out, len(out)
	case dataset.HubsFile:
		out := []dataset.Hub{}
		for _, d := range docs.Hubs {
			if archived || !d.Archived {
				out = append(out, dataset.HubRecord(d))
			}
		}
		records, n = out, len(out)
	default:
		return 0, fmt.Errorf("cannot export %q: export organizations, events or hubs", kind)
	}
	return n, dataset.WriteFile(w, records, isCSV)
}
