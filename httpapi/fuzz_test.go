package httpapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"

	"rootsgraph/apitest"
	"rootsgraph/store/storetest"
)

// fuzzLeaks are words that only a crash or a leaked Go error would put in an answer.
var fuzzLeaks = []string{"runtime error", "panic", "goroutine", ".go:", "nil pointer"}

// FuzzGraphQLRequest feeds arbitrary bytes to the real handler, as a POST body (asGET false) or as
// a GET query string (asGET true). Whatever arrives, the handler must not panic, must answer a
// status below 500 (or 503, the database's), with a JSON body holding data or errors, every error
// with an extensions.code, and nothing that looks like a Go crash or error.
//
// The server is built once for all inputs, over one seeded database, with a lower cost limit than
// the default so that no input can ask for much work.
func FuzzGraphQLRequest(f *testing.F) {
	db := storetest.Seeded(f, 1)
	opts := testOptions()
	opts.Limits = DefaultLimits
	opts.Limits.MaxCost = 5_000
	opts.RequestTimeout = 5 * time.Second
	h := New(slog.New(slog.DiscardHandler), db.Store, opts)

	for _, seed := range fuzzSeeds() {
		f.Add(false, []byte(seed))
		// The same request as a GET query string, where the body is a request object.
		var p map[string]json.RawMessage
		if json.Unmarshal([]byte(seed), &p) != nil {
			continue
		}
		v := url.Values{}
		for k, raw := range p {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				s = string(raw) // variables and extensions travel as JSON text
			}
			v.Set(k, s)
		}
		f.Add(true, []byte(v.Encode()))
	}
	for _, q := range []string{
		"query=%7B+alliances+%7B+totalCount+%7D+%7D&variables=%7B%7D",
		"query=%7B__typename%7D&operationName=",
		"query=query+Q(%24n%3A+Int)+%7B+alliances(first%3A+%24n)+%7B+totalCount+%7D+%7D&variables=%7B%22n%22%3A1e400%7D",
		`extensions={"persistedQuery":{"version":1,"sha256Hash":"abc"}}`,
		"query=%ZZ&query=%7B",
		"variables=%7B&query=",
		"query=" + strings.Repeat("%7B", 300),
	} {
		f.Add(true, []byte(q))
	}

	f.Fuzz(func(t *testing.T, asGET bool, input []byte) {
		var req *http.Request
		if asGET {
			req = httptest.NewRequest(http.MethodGet, "/graphql", nil)
			req.URL.RawQuery = string(input)
		} else {
			req = httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(input))
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := rec.Body.Bytes()

		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("status %d; want below 500 (or 503): %s", rec.Code, apitest.Truncate(body, 1000))
		}
		var answer struct {
			Data   json.RawMessage `json:"data"`
			Errors []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(body, &keys); err != nil {
			t.Fatalf("status %d, body is not a JSON object (%v): %s", rec.Code, err, apitest.Truncate(body, 1000))
		}
		_, hasData := keys["data"]
		_, hasErrors := keys["errors"]
		if !hasData && !hasErrors {
			t.Fatalf("status %d, answer has neither data nor errors: %s", rec.Code, apitest.Truncate(body, 1000))
		}
		if err := json.Unmarshal(body, &answer); err != nil {
			t.Fatalf("status %d, answer is not a GraphQL response (%v): %s", rec.Code, err, apitest.Truncate(body, 1000))
		}
		if rec.Code != http.StatusOK && len(answer.Errors) == 0 {
			t.Errorf("status %d without errors: %s", rec.Code, apitest.Truncate(body, 1000))
		}
		for _, e := range answer.Errors {
			if code, _ := e.Extensions["code"].(string); code == "" {
				t.Errorf("error %q has no extensions.code: %s", e.Message, apitest.Truncate(body, 1000))
			}
		}
		lower := strings.ToLower(string(body))
		var sent string
		for _, leak := range fuzzLeaks {
			if !strings.Contains(lower, leak) {
				continue
			}
			if sent == "" {
				sent = strings.ToLower(fuzzText(asGET, input))
			}
			// An error message may quote the input back ("Cannot query field \"panic\""): only
			// a word the input did not carry is a leak.
			if !strings.Contains(sent, leak) {
				t.Errorf("the answer contains %q, which the request did not: %s", leak, apitest.Truncate(body, 1000))
			}
		}
	})
}

// fuzzText is every piece of text a request carries, decoded as the server decodes it (URL
// escapes, JSON escapes, GraphQL string escapes), so that an answer that quotes the request back
// is not mistaken for a leak.
func fuzzText(asGET bool, input []byte) string {
	var out []string
	add := func(s string) { out = append(out, s) }
	var addJSON func(v any)
	addJSON = func(v any) {
		switch v := v.(type) {
		case string:
			add(v)
			addGraphQLStrings(add, v)
		case map[string]any:
			for k, x := range v {
				add(k)
				addJSON(x)
			}
		case []any:
			for _, x := range v {
				addJSON(x)
			}
		}
	}
	add(string(input))
	if asGET {
		values, _ := url.ParseQuery(string(input)) // what parses, even when the rest does not
		for _, vs := range values {
			for _, v := range vs {
				add(v)
				addGraphQLStrings(add, v)
				var j any
				if json.Unmarshal([]byte(v), &j) == nil {
					addJSON(j)
				}
			}
		}
		if u, err := url.QueryUnescape(string(input)); err == nil {
			add(u)
		}
	} else {
		var j any
		if json.Unmarshal(input, &j) == nil {
			addJSON(j)
		}
	}
	return strings.Join(out, "\x00")
}

// addGraphQLStrings adds the decoded values of a GraphQL document's tokens (names, strings, block
// strings), as far as it lexes.
func addGraphQLStrings(add func(string), doc string) {
	lx := lexer.New(&ast.Source{Input: doc})
	for range 10_000 {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return
		}
		add(tok.Value)
	}
}

// fuzzSeeds are the starting points: valid operations, variables, the attack shapes in small form,
// broken JSON, huge numbers and unicode.
func fuzzSeeds() []string {
	q := func(query string, variables map[string]any) string { return apitest.Body(query, variables) }
	return []string{
		q(`{ alliances { totalCount edges { node { name } } } }`, nil),
		q(`query($slug: String) { alliance(slug: $slug) { name states { code } } }`, map[string]any{"slug": "climate-justice-alliance"}),
		q(`query($f: OrganizationFilter, $n: Int) { organizations(filter: $f, first: $n) { totalCount edges { cursor node { id } } } }`,
			map[string]any{"f": map[string]any{"search": "justice", "states": []string{"NY"}}, "n": 3}),
		q(`{ node(id: "organization:nope") { id } nodes(ids: ["a", "b:c"]) { id } }`, nil),
		q(`{ coverage(dimension: STATE) { key organizations } }`, nil),
		q(`{ _service { sdl } __typename }`, nil),
		q(`{ __schema { types { name } } }`, nil),
		q(`{ alliances(first: 99999999999999999999) { totalCount } }`, nil),
		q(`query($n: Int) { alliances(first: $n) { totalCount } }`, map[string]any{"n": 1e300}),
		`{"query":"query($n: Int) { alliances(first: $n) { totalCount } }","variables":{"n":1e400}}`,
		`{"query":"query($n: Int) { alliances(first: $n) { totalCount } }","variables":{"n":-0.5}}`,
		q(`{ organizations(filter: {search: "ñandú 🌱 \u0000 \\u00e9"}) { totalCount } }`, nil),
		q(`{ alliances(first: [[[[[[1]]]]]]) { totalCount } }`, nil),
		q(`{ organizations(filter: {near: {near: {near: {}}}}) { totalCount } }`, nil),
		q(`{ alliances { totalCount totalCount totalCount totalCount } }`, nil),
		q(`{ alliances { totalCount @include(if: true) @include(if: true) @skip(if: false) } }`, nil),
		q(`{ a: alliances { totalCount } b: alliances { totalCount } c: __typename }`, nil),
		q(`{ ...F0 } fragment F0 on Query { ...F1 ...F1 } fragment F1 on Query { ...F2 ...F2 } fragment F2 on Query { alliances { totalCount } }`, nil),
		q(`{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }`, nil),
		q(`mutation { __typename }`, nil),
		q(`subscription { __typename }`, nil),
		q(`query A { __typename } query B { __typename }`, nil),
		`{"query":"{ __typename }","operationName":"nope"}`,
		`{"query":"{ __typename }","variables":"not an object"}`,
		`{"query":123}`,
		`{"query":null}`,
		`{"query":"{ alliances "}`,
		`{"query": "{ alliances { totalCount } }"`,
		`[{"query":"{ __typename }"}]`,
		`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"0000"}}}`,
		`null`,
		``,
		"\xff\xfe\x00{",
		`{"query":"\ud800"}`,
	}
}
