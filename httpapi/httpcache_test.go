package httpapi

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"rootsgraph/apitest"
	"rootsgraph/loaders"
)

// Queries whose answers are above and below the 1 KiB compression threshold.
const (
	bigQuery   = `{ hubs(first: 24) { edges { node { id name city lat lng activities } } } }`
	smallQuery = `{ alliances { totalCount } }`
)

// strongETag is a quoted entity tag without the W/ of a weak one.
var strongETag = regexp.MustCompile(`^"[^"]+"$`)

// newCachingServer serves the bundled data set with HTTP caching on, for a minute.
func newCachingServer(t *testing.T) *testServer {
	t.Helper()
	s := newTestServer(t, 1)
	s.handler = New(slog.New(slog.DiscardHandler), s.db.Store, Options{
		LoaderWait: loaders.DefaultWait, Introspection: true, CacheMaxAge: time.Minute,
	})
	return s
}

// graphQLURL returns the target of a GET GraphQL request.
func graphQLURL(query string, extensions any) string {
	v := url.Values{}
	if query != "" {
		v.Set("query", query)
	}
	if extensions != nil {
		b, _ := json.Marshal(extensions)
		v.Set("extensions", string(b))
	}
	return "/graphql?" + v.Encode()
}

// serve serves one request; headers are name, value pairs.
func serve(t *testing.T, h http.Handler, method, target string, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// wantCacheable checks that a response may be cached for a minute under a strong ETag, and
// returns the ETag.
func wantCacheable(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d; want 200 (%s)", rec.Code, rec.Body)
	}
	if got := rec.Header().Get("Cache-Control"); got != "public, max-age=60" {
		t.Errorf("Cache-Control %q; want %q", got, "public, max-age=60")
	}
	etag := rec.Header().Get("ETag")
	if !strongETag.MatchString(etag) {
		t.Errorf("ETag %q; want a strong, quoted entity tag", etag)
	}
	return etag
}

// wantNoStore checks that a response may not be cached and has no ETag.
func wantNoStore(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q; want no-store (status %d)", got, rec.Code)
	}
	if got := rec.Header().Get("ETag"); got != "" {
		t.Errorf("ETag %q on a response that may not be cached; want none", got)
	}
}

// wantNotModified checks a 304: no body, the ETag and the caching headers kept.
func wantNotModified(t *testing.T, rec *httptest.ResponseRecorder, etag string) {
	t.Helper()
	if rec.Code != http.StatusNotModified {
		t.Fatalf("status %d; want 304", rec.Code)
	}
	if rec.Body.Len() != 0 {
		t.Errorf("a 304 with a body of %d bytes; want none", rec.Body.Len())
	}
	if got := rec.Header().Get("ETag"); got != etag {
		t.Errorf("304 ETag %q; want %q", got, etag)
	}
	if got := rec.Header().Get("Cache-Control"); got != "public, max-age=60" {
		t.Errorf("304 Cache-Control %q; want %q", got, "public, max-age=60")
	}
}

// varyNames returns the header names a response's Vary lists.
func varyNames(h http.Header) map[string]bool {
	out := map[string]bool{}
	for _, v := range h.Values("Vary") {
		for name := range strings.SplitSeq(v, ",") {
			out[http.CanonicalHeaderKey(strings.TrimSpace(name))] = true
		}
	}
	return out
}

// TestHTTPCache shows that anonymous GET reads are cacheable under a strong ETag, revalidate to
// 304, are compressed under their own ETag, and that everything else is no-store.
func TestHTTPCache(t *testing.T) {
	s := newCachingServer(t)
	h := s.handler
	small := graphQLURL(smallQuery, nil)
	big := graphQLURL(bigQuery, nil)

	t.Run("GetIsCacheable", func(t *testing.T) {
		rec := serve(t, h, "GET", small, "")
		wantCacheable(t, rec)
		if got, want := rec.Body.String(), `{"data":{"alliances":{"totalCount":4}},"extensions":{"cost":{"limit":25000000,"requested":40}}}`; got != want {
			t.Errorf("body %s; want %s", got, want)
		}
		v := varyNames(rec.Header())
		for _, name := range []string{"Origin", "Accept-Encoding", "Accept"} {
			if !v[name] {
				t.Errorf("Vary %q; want it to list %s", rec.Header().Values("Vary"), name)
			}
		}
	})

	t.Run("SameAnswerSameETag", func(t *testing.T) {
		a, b := wantCacheable(t, serve(t, h, "GET", small, "")), wantCacheable(t, serve(t, h, "GET", small, ""))
		if a != b {
			t.Errorf("the same answer twice has ETags %s and %s; want one", a, b)
		}
		if c := wantCacheable(t, serve(t, h, "GET", big, "")); c == a {
			t.Errorf("two different answers share the ETag %s", c)
		}
	})

	t.Run("IfNoneMatchIs304", func(t *testing.T) {
		etag := wantCacheable(t, serve(t, h, "GET", small, ""))
		wantNotModified(t, serve(t, h, "GET", small, "", "If-None-Match", etag), etag)
		wantNotModified(t, serve(t, h, "GET", small, "", "If-None-Match", `"other", `+etag), etag)
		wantNotModified(t, serve(t, h, "GET", small, "", "If-None-Match", "W/"+etag), etag) // weak comparison
		wantNotModified(t, serve(t, h, "GET", small, "", "If-None-Match", "*"), etag)
	})

	t.Run("AnotherETagIs200", func(t *testing.T) {
		etag := wantCacheable(t, serve(t, h, "GET", small, ""))
		rec := serve(t, h, "GET", small, "", "If-None-Match", `"not-`+strings.Trim(etag, `"`)+`"`)
		if wantCacheable(t, rec) != etag {
			t.Errorf("ETag changed")
		}
		if rec.Body.Len() == 0 {
			t.Error("200 with an empty body")
		}
	})

	t.Run("GzipHasItsOwnETag", func(t *testing.T) {
		plain := serve(t, h, "GET", big, "")
		etag := wantCacheable(t, plain)
		if plain.Body.Len() < 1024 {
			t.Fatalf("test data: the big answer is %d bytes; want at least 1 KiB", plain.Body.Len())
		}
		if got := plain.Header().Get("Content-Encoding"); got != "" {
			t.Errorf("Content-Encoding %q without Accept-Encoding; want none", got)
		}
		zipped := serve(t, h, "GET", big, "", "Accept-Encoding", "gzip")
		if got := zipped.Header().Get("Content-Encoding"); got != "gzip" {
			t.Fatalf("Content-Encoding %q; want gzip", got)
		}
		gzETag := zipped.Header().Get("ETag")
		if want := strings.TrimSuffix(etag, `"`) + `-gzip"`; gzETag != want {
			t.Errorf("gzip ETag %q; want %q", gzETag, want)
		}
		if got := zipped.Header().Get("Cache-Control"); got != "public, max-age=60" {
			t.Errorf("gzip Cache-Control %q; want public, max-age=60", got)
		}
		zr, err := gzip.NewReader(zipped.Body)
		if err != nil {
			t.Fatalf("the body is not gzip: %v", err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("gunzip: %v", err)
		}
		if !bytes.Equal(unzipped, plain.Body.Bytes()) {
			t.Errorf("the gunzipped body differs from the identity body:\n%s\n%s", apitest.Truncate(unzipped, 300), apitest.Truncate(plain.Body.Bytes(), 300))
		}
		if !varyNames(zipped.Header())["Accept-Encoding"] {
			t.Errorf("Vary %q; want Accept-Encoding", zipped.Header().Values("Vary"))
		}

		again := serve(t, h, "GET", big, "", "Accept-Encoding", "gzip", "If-None-Match", gzETag)
		if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
			t.Errorf("If-None-Match with the gzip ETag: status %d, %d bytes; want 304 and none", again.Code, again.Body.Len())
		}
		if got := again.Header().Get("Content-Encoding"); got != "" {
			t.Errorf("304 Content-Encoding %q; want none, there is no body", got)
		}
	})

	t.Run("SmallAnswersAreNotCompressed", func(t *testing.T) {
		rec := serve(t, h, "GET", small, "", "Accept-Encoding", "gzip")
		etag := wantCacheable(t, rec)
		if got := rec.Header().Get("Content-Encoding"); got != "" {
			t.Errorf("Content-Encoding %q for %d bytes; want none below 1 KiB", got, rec.Body.Len())
		}
		if strings.HasSuffix(etag, `-gzip"`) {
			t.Errorf("ETag %q of an uncompressed answer ends in -gzip", etag)
		}
		if got, want := rec.Body.String(), `{"data":{"alliances":{"totalCount":4}},"extensions":{"cost":{"limit":25000000,"requested":40}}}`; got != want {
			t.Errorf("body %s; want %s", got, want)
		}
	})

	noStore := []struct {
		name    string
		method  string
		target  string
		body    string
		headers []string
	}{
		{"ValidationError", "GET", graphQLURL(`{ nope }`, nil), "", nil},
		{"ResolverError", "GET", graphQLURL(`{ hubs(first: -1) { totalCount } }`, nil), "", nil},
		{"BadNear", "GET", graphQLURL(`{ hubs(filter: {near: {lat: 91, lng: 0, radiusKm: 10}}) { totalCount } }`, nil), "", nil},
		{"Post", "POST", "/graphql", `{"query":"` + smallQuery + `"}`, nil},
		{"Authorization", "GET", small, "", []string{"Authorization", "Bearer x"}},
		{"Cookie", "GET", small, "", []string{"Cookie", "session=x"}},
		{"BadGeoJSONBox", "GET", "/hubs.geojson?bbox=x", "", nil},
		{"BadCoverageMeasure", "GET", "/coverage.svg?measure=nope", "", nil},
	}
	for _, c := range noStore {
		t.Run("NoStore/"+c.name, func(t *testing.T) {
			wantNoStore(t, serve(t, h, c.method, c.target, c.body, c.headers...))
		})
	}

	t.Run("NoStoreWhenCachingIsOff", func(t *testing.T) {
		off := New(slog.New(slog.DiscardHandler), s.db.Store, Options{LoaderWait: loaders.DefaultWait})
		for _, target := range []string{small, "/hubs.geojson", "/coverage.svg"} {
			rec := serve(t, off, "GET", target, "")
			if rec.Code != http.StatusOK {
				t.Errorf("GET %s: status %d; want 200", target, rec.Code)
			}
			wantNoStore(t, rec)
		}
	})

	for _, target := range []string{"/hubs.geojson", "/organizations.geojson?bbox=-125,30,-100,50", "/coverage.svg"} {
		t.Run("Cacheable"+target, func(t *testing.T) {
			rec := serve(t, h, "GET", target, "")
			etag := wantCacheable(t, rec)
			wantNotModified(t, serve(t, h, "GET", target, "", "If-None-Match", etag), etag)
			zipped := serve(t, h, "GET", target, "", "Accept-Encoding", "gzip")
			if rec.Body.Len() >= 1024 && zipped.Header().Get("Content-Encoding") != "gzip" {
				t.Errorf("%d bytes not compressed for a client that accepts gzip", rec.Body.Len())
			}
		})
	}
}

// apqExtensions returns the extensions of Apollo's automatic persisted queries.
func apqExtensions(hash string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// decodeGraphQL decodes a recorded GraphQL answer.
func decodeGraphQL(t *testing.T, rec *httptest.ResponseRecorder) apitest.Response {
	t.Helper()
	var out apitest.Response
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("status %d, body not JSON (%v): %s", rec.Code, err, rec.Body)
	}
	return out
}

// wantErrorCode checks that an answer has exactly one error, with the given code.
func wantErrorCode(t *testing.T, rec *httptest.ResponseRecorder, code string) {
	t.Helper()
	out := decodeGraphQL(t, rec)
	if len(out.Errors) != 1 || out.Errors[0].Extensions["code"] != code {
		t.Errorf("status %d, errors %+v; want one with code %s", rec.Code, out.Errors, code)
	}
}

// TestAPQ shows Apollo's automatic persisted queries over GET and POST: a hash the server has not
// seen asks for the query, a request with both registers it, and the hash alone then answers.
func TestAPQ(t *testing.T) {
	s := newCachingServer(t)
	h := s.handler

	t.Run("OverGet", func(t *testing.T) {
		const query = `{ hubs(first: 2) { edges { node { id name } } } }`
		hash := sha256Hex(query)
		hashOnly := graphQLURL("", apqExtensions(hash))

		miss := serve(t, h, "GET", hashOnly, "")
		wantErrorCode(t, miss, "PERSISTED_QUERY_NOT_FOUND")
		wantNoStore(t, miss)

		register := serve(t, h, "GET", graphQLURL(query, apqExtensions(hash)), "")
		etag := wantCacheable(t, register)
		registered := decodeGraphQL(t, register)
		if len(registered.Errors) > 0 || !strings.Contains(string(registered.Data), "hub:") {
			t.Fatalf("registering request: errors %+v, data %s; want hubs", registered.Errors, registered.Data)
		}

		hit := serve(t, h, "GET", hashOnly, "")
		if got := wantCacheable(t, hit); got != etag {
			t.Errorf("hash-only ETag %s; the registering request's %s: want the same answer", got, etag)
		}
		if !bytes.Equal(hit.Body.Bytes(), register.Body.Bytes()) {
			t.Errorf("hash-only answer %s; want %s", hit.Body, register.Body)
		}
		wantNotModified(t, serve(t, h, "GET", hashOnly, "", "If-None-Match", etag), etag)
	})

	t.Run("HashDoesNotMatchTheQuery", func(t *testing.T) {
		const query = `{ alliances { totalCount } }`
		rec := serve(t, h, "GET", graphQLURL(query, apqExtensions(sha256Hex("{ states { totalCount } }"))), "")
		// gqlgen's error carries no code; the error presenter gives it BAD_USER_INPUT.
		wantErrorCode(t, rec, "BAD_USER_INPUT")
		if out := decodeGraphQL(t, rec); len(out.Errors) == 1 && !strings.Contains(out.Errors[0].Message, "hash does not match") {
			t.Errorf("message %q; want it to say the hash does not match", out.Errors[0].Message)
		}
		wantNoStore(t, rec)
		// The mismatch registered nothing under either hash.
		wantErrorCode(t, serve(t, h, "GET", graphQLURL("", apqExtensions(sha256Hex("{ states { totalCount } }"))), ""),
			"PERSISTED_QUERY_NOT_FOUND")
	})

	t.Run("UnsupportedVersion", func(t *testing.T) {
		const query = `{ alliances { totalCount } }`
		ext := map[string]any{"persistedQuery": map[string]any{"version": 2, "sha256Hash": sha256Hex(query)}}
		rec := serve(t, h, "GET", graphQLURL(query, ext), "")
		wantErrorCode(t, rec, "BAD_USER_INPUT")
		wantNoStore(t, rec)
	})

	t.Run("OverPost", func(t *testing.T) {
		const query = `{ states(first: 3) { edges { node { code } } } }`
		hash := sha256Hex(query)
		body := func(withQuery bool) string {
			m := map[string]any{"extensions": apqExtensions(hash)}
			if withQuery {
				m["query"] = query
			}
			b, _ := json.Marshal(m)
			return string(b)
		}

		miss := serve(t, h, "POST", "/graphql", body(false))
		wantErrorCode(t, miss, "PERSISTED_QUERY_NOT_FOUND")
		wantNoStore(t, miss)

		register := serve(t, h, "POST", "/graphql", body(true))
		registered := decodeGraphQL(t, register)
		if register.Code != http.StatusOK || len(registered.Errors) > 0 || !strings.Contains(string(registered.Data), `"code"`) {
			t.Fatalf("registering request: status %d, errors %+v, data %s", register.Code, registered.Errors, registered.Data)
		}
		wantNoStore(t, register)

		hit := serve(t, h, "POST", "/graphql", body(false))
		if hit.Code != http.StatusOK || !bytes.Equal(hit.Body.Bytes(), register.Body.Bytes()) {
			t.Errorf("hash-only answer: status %d, %s; want %s", hit.Code, hit.Body, register.Body)
		}
		// A query registered over POST answers a hash-only GET too: one cache per instance.
		if get := serve(t, h, "GET", graphQLURL("", apqExtensions(hash)), ""); !bytes.Equal(get.Body.Bytes(), register.Body.Bytes()) {
			t.Errorf("hash-only GET after a POST registered it: %s; want %s", get.Body, register.Body)
		}
	})
}
