package httpapi

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"rootsgraph/loaders"
)

// TestServiceWithoutIntrospection: with introspection switched off for the public, _service (which
// a federation gateway asks) goes on answering the SDL, while __schema and __type, even in a
// fragment, are refused with INTROSPECTION_DISABLED and __typename is answered.
func TestServiceWithoutIntrospection(t *testing.T) {
	db := newTestServer(t, 1).db
	h := New(slog.New(slog.DiscardHandler), db.Store, Options{LoaderWait: loaders.DefaultWait, Introspection: false})
	s := &testServer{t: t, db: db, handler: h}

	if sdl := string(s.mustQuery(`{ _service { sdl } }`, nil)); !strings.Contains(sdl, `type Organization implements Node @key(fields: \"id\")`) {
		t.Errorf("_service with introspection off: %.300s; want the SDL", sdl)
	}
	resp, out := s.post(`{ __schema { queryType { name } } }`, nil)
	// A request error: 200 to an application/json client, as GraphQL over HTTP says.
	if resp.StatusCode != http.StatusOK || len(out.Errors) != 1 || out.Errors[0].Extensions["code"] != "INTROSPECTION_DISABLED" {
		t.Errorf("__schema with introspection off: status %d, errors %+v; want 200 with one INTROSPECTION_DISABLED", resp.StatusCode, out.Errors)
	}
	resp, out = s.post(`query { ...f } fragment f on Query { __type(name: "Hub") { name } }`, nil)
	if resp.StatusCode != http.StatusOK || len(out.Errors) != 1 || out.Errors[0].Extensions["code"] != "INTROSPECTION_DISABLED" {
		t.Errorf("__type in a fragment with introspection off: status %d, errors %+v; want 200 with one INTROSPECTION_DISABLED", resp.StatusCode, out.Errors)
	}
	if got := string(s.mustQuery(`{ hub(slug: "gallup-resistance-hub-sample") { __typename } }`, nil)); got != `{"hub":{"__typename":"Hub"}}` {
		t.Errorf("__typename with introspection off: %s; want it answered", got)
	}

	on := &testServer{t: t, db: db, handler: New(slog.New(slog.DiscardHandler), db.Store, Options{LoaderWait: loaders.DefaultWait, Introspection: true})}
	if got := string(on.mustQuery(`{ __schema { queryType { name } } }`, nil)); got != `{"__schema":{"queryType":{"name":"Query"}}}` {
		t.Errorf("__schema with introspection on: %s", got)
	}
}
