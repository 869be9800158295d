// Package httpcache makes HTTP answers cheap to ask again: gzip for clients that accept it, and
// for anonymous GET reads a strong ETag, Cache-Control and 304 Not Modified. It also holds the
// response Recorder that the response cache shares.
package httpcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzhttp"
)

// gzipSuffix marks the ETag of a compressed response, which must differ from the identity one.
const gzipSuffix = "-gzip"

// Compress gzips responses of at least 1 KiB for clients that accept it, and says so in
// Vary; smaller ones are not worth the bytes of the gzip header.
func Compress(h http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.EnableZstd(false), gzhttp.SuffixETag(gzipSuffix))
	if err != nil {
		panic(err) // the options are fixed; an error here is a programming mistake
	}
	return wrap(h)
}

// Cacheable makes anonymous GET reads cacheable by browsers and CDNs: a successful answer gets
// Cache-Control: public, max-age and a strong ETag (a hash of its bytes), and a request whose
// If-None-Match holds that ETag gets 304 Not Modified with no body. Anything else (a POST, a
// request with credentials, an error, a GraphQL answer with errors) gets no-store. With maxAge 0,
// every response is no-store.
func Cacheable(maxAge time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if maxAge <= 0 || r.Method != http.MethodGet || r.Header.Get("Authorization") != "" || r.Header.Get("Cookie") != "" {
			w.Header().Set("Cache-Control", "no-store")
			h.ServeHTTP(w, r)
			return
		}
		rec := NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		body := rec.body.Bytes()
		if rec.status != http.StatusOK || IsErrorAnswer(body) {
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(rec.status)
			_, _ = w.Write(body)
			return
		}
		// The media type is part of the representation: the same data as application/json and
		// as application/graphql-response+json are two representations with two tags.
		h := sha256.New()
		h.Write([]byte(rec.header.Get("Content-Type")))
		h.Write([]byte{0})
		h.Write(body)
		sum := h.Sum(nil)
		etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(maxAge.Seconds())))
		w.Header().Add("Vary", "Accept") // GraphQL answers differ in media type by Accept
		if matched, ok := etagMatches(r.Header.Get("If-None-Match"), etag); ok {
			// A 304 names the representation the client holds (gzhttp adds no suffix to a
			// response without a body).
			w.Header().Set("ETag", matched)
			w.Header().Del("Content-Length")
			w.Header().Del("Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
}

// IsErrorAnswer reports whether a GraphQL response carries errors. gqlgen writes the errors
// member first, so a look at the start of the body suffices; other JSON (GeoJSON, SVG) never
// starts that way.
func IsErrorAnswer(body []byte) bool {
	return bytes.HasPrefix(body, []byte(`{"errors"`))
}

// etagMatches reports whether an If-None-Match header names etag or its compressed variant, and
// which of the two it named.
func etagMatches(header, etag string) (string, bool) {
	if header == "" {
		return "", false
	}
	if strings.TrimSpace(header) == "*" {
		return etag, true
	}
	gz := strings.TrimSuffix(etag, `"`) + gzipSuffix + `"`
	for candidate := range strings.SplitSeq(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == etag || candidate == gz {
			return candidate, true
		}
	}
	return "", false
}

// Recorder holds a response so that its ETag can be computed (or it can be stored) before
// anything is sent.
type Recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

// NewRecorder returns a recorder of a 200 answer with no headers yet.
func NewRecorder() *Recorder { return &Recorder{header: http.Header{}, status: http.StatusOK} }

// Status returns the recorded status.
func (r *Recorder) Status() int { return r.status }

// Body returns the recorded body.
func (r *Recorder) Body() []byte { return r.body.Bytes() }

func (r *Recorder) Header() http.Header { return r.header }

func (r *Recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}

func (r *Recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}
