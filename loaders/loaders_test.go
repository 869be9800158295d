package loaders

import (
	"testing"

	"rootsgraph/store"
)

// TestEveryReferenceHasALoader: each reference the store lists is held by a collection that has
// reference loaders, so that following any edge backwards is batched (New needs no database to
// build them; nothing is read here).
func TestEveryReferenceHasALoader(t *testing.T) {
	l := New(nil, DefaultWait, nil)
	for _, r := range store.References {
		_, org := l.organizationsBy[r]
		_, alliance := l.alliancesBy[r]
		_, hub := l.hubsBy[r]
		_, event := l.eventsBy[r]
		if !org && !alliance && !hub && !event {
			t.Errorf("no loader follows %s.%s", r.Collection(), r.Field())
		}
	}
}
