package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"rootsgraph/apierr"
	"rootsgraph/store"
)

// TestRESTErrorsSayWhatHappened: the map layers, the coverage map and the exports answer a read
// that ran out of time with TIMEOUT and one the outage watch cut off with SERVICE_UNAVAILABLE,
// with those codes' statuses, as GraphQL does (they were all INTERNAL_SERVER_ERROR once), and bad
// input with BAD_USER_INPUT.
func TestRESTErrorsSayWhatHappened(t *testing.T) {
	s := newTestServer(t, 1)
	expired, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	gone, cut := context.WithCancelCause(t.Context())
	cut(store.ErrUnavailable)
	paths := []string{"/organizations.geojson?sample=false", "/hubs.geojson?states=NM", "/coverage.svg?measure=hubs",
		"/export/network.graphml?sample=false", "/export/network.json"}
	for _, c := range []struct {
		name string
		ctx  context.Context
		code string
	}{
		{"OutOfTime", expired, apierr.Timeout},
		{"DatabaseGone", gone, apierr.Unavailable},
	} {
		for _, path := range paths {
			rec := httptest.NewRecorder()
			s.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil).WithContext(c.ctx))
			var body struct {
				Errors []struct {
					Extensions struct{ Code string }
				}
			}
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			if rec.Code != apierr.Status(c.code) || len(body.Errors) != 1 || body.Errors[0].Extensions.Code != c.code {
				t.Errorf("%s: GET %s: %d %s; want %d with %s", c.name, path, rec.Code, rec.Body.Bytes(), apierr.Status(c.code), c.code)
			}
		}
	}
	for _, path := range []string{"/organizations.geojson?near=95,0,10", "/export/network.json?via=FRIENDS"} {
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusBadRequest || !json.Valid(rec.Body.Bytes()) {
			t.Errorf("GET %s: %d %s; want 400 BAD_USER_INPUT", path, rec.Code, rec.Body.Bytes())
		}
	}
}
