package httpapi

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"rootsgraph/graph"
	"rootsgraph/store"
)

// withCredentials lets a request's mutations authenticate with the API key it carries in
// Authorization: Bearer <key>. The key is looked up (by its hash) only when a mutation asks, and at
// most once a request; it is never logged or echoed.
func withCredentials(s *store.Store, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" {
			h.ServeHTTP(w, r)
			return
		}
		var once sync.Once
		var key *store.APIKey
		var err error
		creds := func(ctx context.Context) (*store.APIKey, error) {
			once.Do(func() {
				scheme, token, ok := strings.Cut(header, " ")
				if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
					err = graph.ErrBadCredentials
					return
				}
				key, err = graph.KeyCredentials(s, strings.TrimSpace(token))(ctx)
			})
			return key, err
		}
		h.ServeHTTP(w, r.WithContext(graph.WithCredentials(r.Context(), creds)))
	})
}
