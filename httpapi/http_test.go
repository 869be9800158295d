package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"rootsgraph/embedded"
	"rootsgraph/loaders"
	"rootsgraph/store"
)

// TestHTTP checks the GraphQL-over-HTTP conventions clients rely on: what each method and content
// type gets, which status codes and media types come back.
func TestHTTP(t *testing.T) {
	s := newTestServer(t, 1)
	const q = `{ alliances { totalCount } }`
	const answer = `{"data":{"alliances":{"totalCount":4}},"extensions":{"cost":{"limit":25000000,"requested":40}}}`
	cases := []struct {
		name        string
		method      string
		target      string
		contentType string
		accept      string
		body        string
		wantStatus  int
		wantType    string
		wantBody    string // exact, or a substring when it starts with "~"
	}{
		{"GetQuery", "GET", "/graphql?query=" + url.QueryEscape(q), "", "", "", 200, "application/json", answer},
		{"PostJSON", "POST", "/graphql", "application/json", "", `{"query":"` + q + `"}`, 200, "application/json", answer},
		{"PostJSONWithCharset", "POST", "/graphql", "application/json; charset=utf-8", "", `{"query":"` + q + `"}`, 200, "application/json", answer},
		{"AcceptGraphQLResponse", "POST", "/graphql", "application/json", "application/graphql-response+json", `{"query":"` + q + `"}`, 200, "application/graphql-response+json", answer},
		{"ValidationErrorIs400WithGraphQLResponse", "POST", "/graphql", "application/json", "application/graphql-response+json", `{"query":"{ nope }"}`, 400, "application/graphql-response+json", "~GRAPHQL_VALIDATION_FAILED"},
		{"ValidationErrorIs200WithJSON", "POST", "/graphql", "application/json", "application/json", `{"query":"{ nope }"}`, 200, "application/json", "~GRAPHQL_VALIDATION_FAILED"},
		{"SyntaxError", "POST", "/graphql", "application/json", "application/graphql-response+json", `{"query":"{ alliances "}`, 400, "application/graphql-response+json", "~GRAPHQL_PARSE_FAILED"},
		{"BodyNotJSONDoesNotEchoIt", "POST", "/graphql", "application/json", "", `{"query": secret-body`, 400, "application/json", `~the request body is not valid JSON`},
		{"TextPlainIs415", "POST", "/graphql", "text/plain", "", `{"query":"` + q + `"}`, 415, "application/json", "~UNSUPPORTED_MEDIA_TYPE"},
		{"FormIs415", "POST", "/graphql", "application/x-www-form-urlencoded", "", "query=" + url.QueryEscape(q), 415, "application/json", "~UNSUPPORTED_MEDIA_TYPE"},
		{"MultipartIs415", "POST", "/graphql", "multipart/form-data; boundary=x", "", "--x--", 415, "application/json", "~UNSUPPORTED_MEDIA_TYPE"},
		{"PutIs405", "PUT", "/graphql", "application/json", "", `{"query":"` + q + `"}`, 405, "application/json", "~METHOD_NOT_ALLOWED"},
		{"Healthz", "GET", "/healthz", "", "", "", 200, "text/plain; charset=utf-8", "ok\n"},
		{"Readyz", "GET", "/readyz", "", "", "", 200, "text/plain; charset=utf-8", "ready\n"},
		{"GraphiQL", "GET", "/", "", "text/html", "", 200, "text/html; charset=utf-8", "~graphiql"},
		{"UnknownPathIs404", "GET", "/nope", "", "", "", 404, "text/plain; charset=utf-8", "~not found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			if c.accept != "" {
				req.Header.Set("Accept", c.accept)
			}
			rec := httptest.NewRecorder()
			s.handler.ServeHTTP(rec, req)
			body := rec.Body.String()
			if rec.Code != c.wantStatus {
				t.Errorf("status %d; want %d (body %s)", rec.Code, c.wantStatus, body)
			}
			if got := rec.Header().Get("Content-Type"); got != c.wantType {
				t.Errorf("Content-Type %q; want %q", got, c.wantType)
			}
			if want, ok := strings.CutPrefix(c.wantBody, "~"); ok {
				if !strings.Contains(body, want) {
					t.Errorf("body %s; want it to contain %q", body, want)
				}
			} else if body != c.wantBody {
				t.Errorf("body %s; want %s", body, c.wantBody)
			}
			if strings.Contains(body, "secret-body") {
				t.Errorf("the response quotes the request body back: %s", body)
			}
			if rec.Header().Get("X-Request-ID") == "" {
				t.Error("no X-Request-ID on the response")
			}
		})
	}
	t.Run("MethodNotAllowedSaysWhatIs", func(t *testing.T) {
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, httptest.NewRequest("DELETE", "/graphql", nil))
		if got := rec.Header().Get("Allow"); got != "GET, POST, OPTIONS" {
			t.Errorf("Allow %q; want %q", got, "GET, POST, OPTIONS")
		}
	})
}

// TestCORS shows that any origin may read by default, without credentials, and that a configured
// list narrows it.
func TestCORS(t *testing.T) {
	db := newTestServer(t, 1).db
	preflight := func(h http.Handler, origin string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	get := func(h http.Handler, origin string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape("{ alliances { totalCount } }"), nil)
		req.Header.Set("Origin", origin)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	logger := slog.New(slog.DiscardHandler)

	anyOrigin := New(logger, db.Store, Options{LoaderWait: loaders.DefaultWait})
	if got := preflight(anyOrigin, "https://dashboard.example").Header().Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("default preflight Access-Control-Allow-Origin %q; want *", got)
	}
	rec := get(anyOrigin, "https://dashboard.example")
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("default GET Access-Control-Allow-Origin %q; want *", got)
	}
	if got := rec.Header().Get("Access-Control-Allow-Credentials"); got != "" {
		t.Errorf("Access-Control-Allow-Credentials %q; want none", got)
	}

	narrowed := New(logger, db.Store, Options{LoaderWait: loaders.DefaultWait, CORSOrigins: []string{"https://partner.example"}})
	if got := preflight(narrowed, "https://partner.example").Header().Get("Access-Control-Allow-Origin"); got != "https://partner.example" {
		t.Errorf("listed origin: Access-Control-Allow-Origin %q; want https://partner.example", got)
	}
	if got := preflight(narrowed, "https://elsewhere.example").Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("unlisted origin: Access-Control-Allow-Origin %q; want none", got)
	}
	if got := get(narrowed, "https://elsewhere.example").Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("unlisted origin GET: Access-Control-Allow-Origin %q; want none", got)
	}
}

// TestReadyz shows that /readyz answers 503 when the database stops answering and while the
// server shuts down, while /healthz keeps answering 200.
func TestReadyz(t *testing.T) {
	ctx := context.Background()
	srv, err := embedded.Start(ctx, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, store.Config{URI: srv.URI(), Database: "readyz"})
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	defer s.Close(ctx)
	h := New(slog.New(slog.DiscardHandler), s, Options{LoaderWait: loaders.DefaultWait})
	status := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		b, _ := io.ReadAll(rec.Body)
		return rec.Code, string(b)
	}
	if code, body := status("/readyz"); code != 200 {
		t.Fatalf("/readyz with the database up: %d %q; want 200", code, body)
	}
	h.draining.Store(true)
	if code, body := status("/readyz"); code != 503 || body != "shutting down\n" {
		t.Errorf("/readyz while draining: %d %q; want 503 \"shutting down\"", code, body)
	}
	h.draining.Store(false)
	srv.Close()
	if code, body := status("/readyz"); code != 503 || body != "database unavailable\n" {
		t.Errorf("/readyz with the database stopped: %d %q; want 503 \"database unavailable\"", code, body)
	}
	if code, _ := status("/healthz"); code != 200 {
		t.Errorf("/healthz with the database stopped: %d; want 200", code)
	}
}
