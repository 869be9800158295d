package httpcache_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"rootsgraph/caches/httpcache"
)

// answer is a handler that answers body with status, as JSON.
func answer(status int, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	})
}

func get(h http.Handler, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "/graphql?query=%7Bn%7D", nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// TestCacheable: an anonymous GET's success gets a strong ETag and max-age and, asked again with
// that tag, 304 with no body; a changed answer gets another tag; errors, credentials, POSTs and a
// zero max-age get no-store.
func TestCacheable(t *testing.T) {
	h := httpcache.Cacheable(time.Minute, answer(200, `{"data":{"n":1}}`))
	first := get(h)
	etag := first.Header().Get("ETag")
	if first.Code != 200 || etag == "" || first.Header().Get("Cache-Control") != "public, max-age=60" || first.Body.String() != `{"data":{"n":1}}` {
		t.Fatalf("first GET: %d, ETag %q, Cache-Control %q, body %s", first.Code, etag, first.Header().Get("Cache-Control"), first.Body)
	}
	if again := get(h, "If-None-Match", etag); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("GET with its ETag: %d with %d bytes; want 304 with none", again.Code, again.Body.Len())
	}
	other := get(httpcache.Cacheable(time.Minute, answer(200, `{"data":{"n":2}}`)), "If-None-Match", etag)
	if other.Code != 200 || other.Header().Get("ETag") == etag {
		t.Errorf("a changed answer: %d, ETag %q; want 200 with a new ETag", other.Code, other.Header().Get("ETag"))
	}
	for name, rec := range map[string]*httptest.ResponseRecorder{
		"GraphQL errors": get(httpcache.Cacheable(time.Minute, answer(200, `{"errors":[{"message":"no"}],"data":null}`))),
		"a 500":          get(httpcache.Cacheable(time.Minute, answer(500, `{}`))),
		"credentials":    get(h, "Authorization", "Bearer k"),
		"max-age 0":      get(httpcache.Cacheable(0, answer(200, `{"data":{}}`))),
	} {
		if rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("ETag") != "" {
			t.Errorf("%s: Cache-Control %q, ETag %q; want no-store and no ETag", name, rec.Header().Get("Cache-Control"), rec.Header().Get("ETag"))
		}
	}
	post := httptest.NewRecorder()
	h.ServeHTTP(post, httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{n}"}`)))
	if post.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("POST: Cache-Control %q; want no-store", post.Header().Get("Cache-Control"))
	}
}

// TestCompress: a large answer is gzipped for a client that accepts it, with its own ETag, and
// the compressed tag still matches If-None-Match; a small one is not compressed.
func TestCompress(t *testing.T) {
	big := `{"data":{"s":"` + strings.Repeat("roots ", 400) + `"}}`
	h := httpcache.Compress(httpcache.Cacheable(time.Minute, answer(200, big)))
	plain := get(h)
	gz := get(h, "Accept-Encoding", "gzip")
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Fatalf("gzip: Content-Encoding %q, ETag %q (plain %q); want gzip with a tag of its own", gz.Header().Get("Content-Encoding"), gz.Header().Get("ETag"), plain.Header().Get("ETag"))
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); string(b) != big {
		t.Errorf("the gzipped body is not the answer")
	}
	if again := get(h, "Accept-Encoding", "gzip", "If-None-Match", gz.Header().Get("ETag")); again.Code != http.StatusNotModified {
		t.Errorf("If-None-Match with the gzip tag: %d; want 304", again.Code)
	}
	small := get(httpcache.Compress(answer(200, `{"data":{}}`)), "Accept-Encoding", "gzip")
	if small.Header().Get("Content-Encoding") != "" {
		t.Errorf("a small answer was compressed")
	}
}
