package httpapi

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"rootsgraph/apitest"
	"rootsgraph/graph"
	"rootsgraph/loaders"
	"rootsgraph/model"
	"rootsgraph/store"
	"rootsgraph/store/storetest"
	"rootsgraph/telemetry"
)

// These tests are the abuse cases: every limit at its edge, the shapes of operation that attackers
// send to exhaust a GraphQL server, bodies it must not take, what the production profile hides,
// what a panic shows, text that must stay text, and the rate limit. A refused request costs no
// database command and answers in a few hundred bytes.

// safetyReply is an HTTP answer with its body decoded as a GraphQL response where it is JSON.
type safetyReply struct {
	status int
	header http.Header
	body   []byte
	gql    apitest.Response
	isJSON bool
}

// code returns the extensions.code of the first error, or "".
func (r safetyReply) code() string {
	if len(r.gql.Errors) == 0 {
		return ""
	}
	c, _ := r.gql.Errors[0].Extensions["code"].(string)
	return c
}

// message returns the message of the first error, or "".
func (r safetyReply) message() string {
	if len(r.gql.Errors) == 0 {
		return ""
	}
	return r.gql.Errors[0].Message
}

func (r safetyReply) String() string {
	return fmt.Sprintf("%d %s", r.status, apitest.Truncate(r.body, 600))
}

func safetyServe(h http.Handler, req *http.Request) safetyReply {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := safetyReply{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	r.isJSON = json.Unmarshal(r.body, &r.gql) == nil
	return r
}

func safetyPost(body, contentType string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	return req
}

func safetyGet(rawQuery string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, "/graphql", nil)
	req.URL.RawQuery = rawQuery
	return req
}

// safetyServer builds the real handler over db with the test options changed by change.
func safetyServer(db *storetest.DB, change func(*Options)) *Server {
	opts := testOptions()
	opts.Limits = DefaultLimits
	if change != nil {
		change(&opts)
	}
	return New(slog.New(slog.DiscardHandler), db.Store, opts)
}

// wantCost checks that an accepted answer reports its cost as extensions.cost {requested, limit}.
func wantCost(t *testing.T, r safetyReply, requested, limit int) {
	t.Helper()
	var out struct {
		Extensions struct {
			Cost *struct {
				Requested *int `json:"requested"`
				Limit     *int `json:"limit"`
			} `json:"cost"`
		} `json:"extensions"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil || out.Extensions.Cost == nil ||
		out.Extensions.Cost.Requested == nil || out.Extensions.Cost.Limit == nil {
		t.Errorf("answer has no extensions.cost {requested, limit}: %s", r)
		return
	}
	if got := *out.Extensions.Cost.Limit; got != limit {
		t.Errorf("extensions.cost.limit %d; want %d", got, limit)
	}
	if got := *out.Extensions.Cost.Requested; requested >= 0 && got != requested {
		t.Errorf("extensions.cost.requested %d; want %d", got, requested)
	}
}

// TestLimitsAtAndOverEachLimit sets each operation limit to a small value and sends an operation
// exactly at it, which runs, and one just over it, which is refused with the limit's own code and a
// non-200 status before any database command.
func TestLimitsAtAndOverEachLimit(t *testing.T) {
	s := newTestServer(t, 1)
	cases := []struct {
		name     string
		set      func(*Limits)
		at, over string
		code     string
		message  string // the refusal says which limit, and its value
	}{
		{
			name: "Depth",
			set:  func(l *Limits) { l.MaxDepth = 4 },
			at:   `{ alliances { edges { node { name } } } }`,
			over: `{ alliances { edges { node { members { totalCount } } } } }`,
			code: "QUERY_TOO_DEEP", message: "at most 4",
		},
		{
			name: "DepthThroughFragments",
			set:  func(l *Limits) { l.MaxDepth = 4 },
			at:   `{ alliances { ...E } } fragment E on AllianceConnection { edges { ...N } } fragment N on AllianceEdge { node { name } }`,
			over: `{ alliances { ...E } } fragment E on AllianceConnection { edges { ...N } } fragment N on AllianceEdge { node { members { totalCount } } }`,
			code: "QUERY_TOO_DEEP", message: "at most 4",
		},
		{
			name: "Aliases",
			set:  func(l *Limits) { l.MaxAliases = 2 },
			at:   `{ alliances { a: totalCount b: totalCount } }`,
			over: `{ alliances { a: totalCount b: totalCount c: totalCount } }`,
			code: "TOO_MANY_ALIASES", message: "at most 2",
		},
		{
			name: "RootFields",
			set:  func(l *Limits) { l.MaxRootFields = 3 },
			at:   `{ alliances { totalCount } states { totalCount } hubs { totalCount } }`,
			over: `{ alliances { totalCount } states { totalCount } hubs { totalCount } events { totalCount } }`,
			code: "TOO_MANY_ROOT_FIELDS", message: "at most 3",
		},
		{
			name: "Directives",
			set:  func(l *Limits) { l.MaxDirectives = 2 },
			at:   `{ alliances { totalCount @include(if: true) pageInfo @skip(if: false) { hasNextPage } } }`,
			over: `{ alliances { totalCount @include(if: true) pageInfo @skip(if: false) { hasNextPage } edges @include(if: true) { cursor } } }`,
			code: "TOO_MANY_DIRECTIVES", message: "at most 2",
		},
		{
			// Fields are counted once the fragment is expanded: f holds 3 (totalCount, edges,
			// cursor) and is spread twice, under a and b: 2 + 2×3 = 8.
			name: "Fields",
			set:  func(l *Limits) { l.MaxFields = 8 },
			at:   `query { a: alliances { ...f } b: alliances { ...f } } fragment f on AllianceConnection { totalCount edges { cursor } }`,
			over: `query { a: alliances { ...f } b: alliances { ...f } c: states { totalCount } } fragment f on AllianceConnection { totalCount edges { cursor } }`,
			code: "TOO_MANY_FIELDS", message: "at most 8",
		},
		{
			// { alliances { totalCount } } is six tokens: { alliances { totalCount } }.
			name: "Tokens",
			set:  func(l *Limits) { l.MaxTokens = 6 },
			at:   `{ alliances { totalCount } }`,
			over: `query { alliances { totalCount } }`,
			code: "GRAPHQL_PARSE_FAILED", message: "token limit",
		},
		{
			// 20 alliances (the default page) each costing itself and its totalCount: 20 × 2 = 40;
			// over it, 19 × 2 + one alliance with two fields, 1 × (1 + 2) = 41.
			name: "Cost",
			set:  func(l *Limits) { l.MaxCost = 40 },
			at:   `{ alliances { totalCount } }`,
			over: `{ alliances(first: 19) { totalCount } alliance(slug: "climate-justice-alliance") { id name } }`,
			code: "COMPLEXITY_LIMIT_EXCEEDED", message: "41",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var lim Limits
			h := safetyServer(s.db, func(o *Options) { c.set(&o.Limits); lim = o.Limits })

			at := safetyServe(h, safetyPost(apitest.Body(c.at, nil), "application/json"))
			if at.status != http.StatusOK || len(at.gql.Errors) > 0 {
				t.Fatalf("operation at the limit: %s; want 200 without errors", at)
			}
			requested := -1
			if c.name == "Cost" {
				requested = 40
			}
			wantCost(t, at, requested, lim.MaxCost)

			s.db.Commands.Reset()
			over := safetyServe(h, safetyPost(apitest.Body(c.over, nil), "application/json"))
			if over.status != http.StatusOK {
				t.Errorf("operation over the limit: status %d; want 200, as GraphQL over HTTP answers a request error to an application/json client (%s)", over.status, over)
			}
			strict := safetyPost(apitest.Body(c.over, nil), "application/json")
			strict.Header.Set("Accept", "application/graphql-response+json")
			if r := safetyServe(h, strict); r.status != http.StatusBadRequest || r.code() != c.code || strings.Contains(string(r.body), `"data"`) {
				t.Errorf("operation over the limit, to a graphql-response+json client: %s; want 400 %s without a data entry", r, c.code)
			}
			if over.code() != c.code {
				t.Errorf("operation over the limit: code %q; want %q (%s)", over.code(), c.code, over)
			}
			if !strings.Contains(over.message(), c.message) {
				t.Errorf("message %q; want it to mention %q", over.message(), c.message)
			}
			if n := s.db.Commands.Total(); n != 0 {
				t.Errorf("%d database commands for a refused operation; want 0 (%v)", n, s.db.Commands.Commands())
			}
			if len(over.gql.Data) > 0 && string(over.gql.Data) != "null" {
				t.Errorf("refused operation answered data %s; want none", over.gql.Data)
			}
		})
	}
}

// TestLimitsBodyBytes shows that a POST body or a GET query string of exactly the limit is read,
// and one byte more is refused with 413 before anything is parsed, whether or not the client
// declared the length.
func TestLimitsBodyBytes(t *testing.T) {
	s := newTestServer(t, 1)
	const limit = 1024
	h := safetyServer(s.db, func(o *Options) { o.Limits.MaxBodyBytes = limit })
	const q = `{ alliances { totalCount } }`

	postOfSize := func(n int) string {
		prefix := `{"query":"` + q + `"`
		return prefix + strings.Repeat(" ", n-len(prefix)-1) + "}"
	}
	getOfSize := func(n int) string {
		base := "query=" + url.QueryEscape(q)
		// A space escapes to "+", one byte each.
		return "query=" + url.QueryEscape(q+strings.Repeat(" ", n-len(base)))
	}
	streamed := func(req *http.Request) *http.Request {
		req.ContentLength = -1 // as a chunked upload: the length is known only by reading
		return req
	}
	cases := []struct {
		name string
		req  func() *http.Request
		size int
		want int
	}{
		{"PostAtLimit", func() *http.Request { return safetyPost(postOfSize(limit), "application/json") }, limit, 200},
		{"PostOverLimit", func() *http.Request { return safetyPost(postOfSize(limit+1), "application/json") }, limit + 1, 413},
		{"PostStreamedAtLimit", func() *http.Request { return streamed(safetyPost(postOfSize(limit), "application/json")) }, limit, 200},
		{"PostStreamedOverLimit", func() *http.Request { return streamed(safetyPost(postOfSize(limit+1), "application/json")) }, limit + 1, 413},
		{"GetAtLimit", func() *http.Request { return safetyGet(getOfSize(limit)) }, limit, 200},
		{"GetOverLimit", func() *http.Request { return safetyGet(getOfSize(limit + 1)) }, limit + 1, 413},
		{"LongGetQueryString", func() *http.Request { return safetyGet(getOfSize(100 * limit)) }, 100 * limit, 413},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := c.req()
			if req.Method == http.MethodGet && len(req.URL.RawQuery) != c.size {
				t.Fatalf("query string of %d bytes; the test meant %d", len(req.URL.RawQuery), c.size)
			}
			s.db.Commands.Reset()
			r := safetyServe(h, req)
			if r.status != c.want {
				t.Fatalf("status %d; want %d (%s)", r.status, c.want, r)
			}
			if c.want == 200 {
				if len(r.gql.Errors) > 0 {
					t.Errorf("errors %+v; want none", r.gql.Errors)
				}
				return
			}
			if r.code() != "REQUEST_TOO_LARGE" {
				t.Errorf("code %q; want REQUEST_TOO_LARGE (%s)", r.code(), r)
			}
			if n := s.db.Commands.Total(); n != 0 {
				t.Errorf("%d database commands; want 0", n)
			}
		})
	}
}

// TestLimitsCostInExtensions checks extensions.cost against costSchema's rule worked by hand: a
// connection costs its page size times (1 + what each item costs), its edges and node cost 1 plus
// their children, Alliance.states is a list of at most 70, and a scalar costs 1.
func TestLimitsCostInExtensions(t *testing.T) {
	s := newTestServer(t, 1)
	h := safetyServer(s.db, nil)
	cases := []struct {
		query string
		want  int
	}{
		// 20 × (1 + totalCount 1)
		{`{ alliances { totalCount } }`, 40},
		// states: 70 × (1 + code 1) = 140; node: 1 + name 1 + states 140 = 142; edges: 1 + 142 =
		// 143; alliances: 3 × (1 + 143) = 432.
		{`{ alliances(first: 3) { edges { node { name states { code } } } } }`, 432},
		// organization: 1 × (1 + name 1 + kind 1) = 3; states: 2 × (1 + totalCount 1) = 4.
		{`{ organization(slug: "nope") { name kind } states(first: 2) { totalCount } }`, 7},
	}
	for _, c := range cases {
		r := safetyServe(h, safetyPost(apitest.Body(c.query, nil), "application/json"))
		if r.status != 200 || len(r.gql.Errors) > 0 {
			t.Errorf("%s: %s; want 200 without errors", c.query, r)
			continue
		}
		wantCost(t, r, c.want, DefaultLimits.MaxCost)
	}
}

// safetyAttacks are the shapes attackers send to make a GraphQL server parse, validate or walk
// without end. Each is built in full, then sent with the default limits.
func safetyAttacks() []struct {
	name   string
	req    func() *http.Request
	status int
	code   string
} {
	nested := func(open, close string, n int) string { return strings.Repeat(open, n) + strings.Repeat(close, n) }
	post := func(body string) func() *http.Request {
		return func() *http.Request { return safetyPost(body, "application/json") }
	}
	const mb = 1 << 20
	// Fragments that each nest four levels deeper and spread the next: 6 × 4 + 3 levels.
	var deepFragments strings.Builder
	deepFragments.WriteString(`{ organizations { edges { node { ...O0 } } } }`)
	for i := range 6 {
		fmt.Fprintf(&deepFragments, " fragment O%d on Organization { alliances { ...A%d } }", i, i)
		next := fmt.Sprintf("...O%d", i+1)
		if i == 5 {
			next = "name"
		}
		fmt.Fprintf(&deepFragments, " fragment A%d on Alliance { members { edges { node { %s } } } }", i, next)
	}
	return []struct {
		name   string
		req    func() *http.Request
		status int
		code   string
	}{
		{"NestedListLiteral3MB", post(apitest.Body(`{ alliances(first: `+nested("[", "]", 3*mb/2)+`) { totalCount } }`, nil)), 413, "REQUEST_TOO_LARGE"},
		{"NestedListLiteral60KB", post(apitest.Body(`{ alliances(first: `+nested("[", "]", 30_000)+`) { totalCount } }`, nil)), 200, "GRAPHQL_PARSE_FAILED"},
		{"NestedInputObjectLiteral60KB", post(apitest.Body(`{ organizations(filter: `+nested("{near: ", "}", 7_000)+`) { totalCount } }`, nil)), 200, "GRAPHQL_PARSE_FAILED"},
		{"NestedVariables3MB", post(`{"query":"query($f: OrganizationFilter) { organizations(filter: $f) { totalCount } }","variables":{"f":` +
			nested(`{"near":`, "}", 3*mb/9) + `}}`), 413, "REQUEST_TOO_LARGE"},
		{"NestedVariables60KB", post(`{"query":"query($f: OrganizationFilter) { organizations(filter: $f) { totalCount } }","variables":{"f":` +
			nested("[", "]", 30_000) + `}}`), 400, "BAD_USER_INPUT"},
		{"DuplicatedFields5000", post(apitest.Body(`{ alliances { `+strings.Repeat("totalCount ", 5000)+`} }`, nil)), 200, "GRAPHQL_PARSE_FAILED"},
		{"Directives3000", post(apitest.Body(`{ alliances { totalCount `+strings.Repeat("@include(if: true) ", 3000)+`} }`, nil)), 200, "GRAPHQL_PARSE_FAILED"},
		{"Whitespace2MB", post(strings.Repeat(" ", 2*mb)), 413, "REQUEST_TOO_LARGE"},
		{"WhitespaceQuery60KB", post(apitest.Body(strings.Repeat(" ", 50_000)+"{ alliances { totalCount } }"+strings.Repeat("\n", 2_000), nil)), 200, ""},
		{"DeeplyNestedFragments", post(apitest.Body(deepFragments.String(), nil)), 200, "QUERY_TOO_DEEP"},
		{"GetQueryString3MB", func() *http.Request {
			return safetyGet("query=" + url.QueryEscape(`{ alliances(first: `+nested("[", "]", 3*mb/2)+`) { totalCount } }`))
		}, 413, "REQUEST_TOO_LARGE"},
	}
}

// TestAttacksRefusedSmall sends each attack to a server with the default limits: each is refused
// (or, for harmless whitespace, answered) with a small response and no database command.
func TestAttacksRefusedSmall(t *testing.T) {
	s := newTestServer(t, 1)
	h := safetyServer(s.db, nil)
	for _, a := range safetyAttacks() {
		t.Run(a.name, func(t *testing.T) {
			req := a.req()
			s.db.Commands.Reset()
			r := safetyServe(h, req)
			t.Logf("%s: status %d, code %q, %d bytes", a.name, r.status, r.code(), len(r.body))
			if r.status != a.status {
				t.Errorf("status %d; want %d (%s)", r.status, a.status, r)
			}
			if !r.isJSON {
				t.Errorf("answer is not JSON: %s", r)
			}
			if r.code() != a.code {
				t.Errorf("code %q; want %q (%s)", r.code(), a.code, r)
			}
			if len(r.body) >= 2048 {
				t.Errorf("answer of %d bytes; want under 2 KB: %s", len(r.body), r)
			}
			if n := s.db.Commands.Total(); a.status != 200 && n != 0 {
				t.Errorf("%d database commands; want 0 (%v)", n, s.db.Commands.Commands())
			}
		})
	}
}

// safetyFanOut is the "fragment bomb": fragments F0..Fn where each spreads the next twice, so that
// about 30 bytes per fragment stand for 2^n copies of the leaf's selection.
func safetyFanOut(n int, leaf string) string {
	var b strings.Builder
	b.WriteString("query { ...F0 }\n")
	fmt.Fprintf(&b, "fragment L on Query { %s }\n", leaf)
	for i := range n {
		next := fmt.Sprintf("F%d", i+1)
		if i == n-1 {
			next = "L"
		}
		fmt.Fprintf(&b, "fragment F%d on Query { ...%s ...%s }\n", i, next, next)
	}
	return b.String()
}

// TestAttackFragmentFanOut sends fragments that each spread the next twice. Such a document is
// refused for the number of fields it expands to (TOO_MANY_FIELDS, measured with each fragment
// counted once), but the work to refuse it must grow with the document, not with the 2^n
// fields it stands for: four more fragments (about 130 bytes) must not multiply the work by 16.
// The work is counted in allocations, which, unlike time, do not depend on the machine.
//
// The leaf costs 20,300 (100 organizations of 100 partners' totalCount each), so 2^11 copies of it
// are over the default cost limit of 25,000,000.
func TestAttackFragmentFanOut(t *testing.T) {
	s := newTestServer(t, 1)
	h := safetyServer(s.db, nil)
	const leaf = `organizations(first: 100) { edges { node { partners(first: 100) { totalCount } } } }`
	allocs := func(n int) float64 {
		body := apitest.Body(safetyFanOut(n, leaf), nil)
		s.db.Commands.Reset()
		r := safetyServe(h, safetyPost(body, "application/json"))
		if r.code() != "TOO_MANY_FIELDS" || len(r.body) >= 2048 {
			t.Errorf("%d fragments (%d bytes): %s; want a small TOO_MANY_FIELDS refusal", n, len(body), r)
		}
		if c := s.db.Commands.Total(); c != 0 {
			t.Errorf("%d fragments: %d database commands; want 0", n, c)
		}
		return testing.AllocsPerRun(2, func() { safetyServe(h, safetyPost(body, "application/json")) })
	}
	small, large := allocs(11), allocs(15)
	t.Logf("refusing 11 fragments: %.0f allocations; 15 fragments: %.0f", small, large)
	if large > 3*small {
		t.Errorf("refusing 15 doubling fragments allocates %.0f times, %.1f× what 11 take (%.0f); want the work "+
			"to grow with the document (under 3×), not with the 2^n fields it expands to: a 1 KB document "+
			"of 25 such fragments keeps a CPU busy for half a minute before it is refused", large, large/small, small)
	}
}

// TestContentTypes shows that POST bodies other than JSON and methods other than GET, POST and
// OPTIONS are refused before the GraphQL handler, and that a GET cannot carry a mutation.
func TestContentTypes(t *testing.T) {
	s := newTestServer(t, 1)
	h := safetyServer(s.db, nil)
	q := apitest.Body(`{ alliances { totalCount } }`, nil)
	form := url.Values{"query": {`{ alliances { totalCount } }`}}.Encode()
	multipart := "--x\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n" + q + "\r\n--x--\r\n"
	cases := []struct {
		name        string
		method      string
		contentType string
		body        string
		status      int
		code        string
	}{
		{"TextPlainIs415", "POST", "text/plain", q, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"MultipartIs415", "POST", "multipart/form-data; boundary=x", multipart, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"FormIs415", "POST", "application/x-www-form-urlencoded", form, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"NoContentTypeIs415", "POST", "", q, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"PutIs405", "PUT", "application/json", q, 405, "METHOD_NOT_ALLOWED"},
		{"DeleteIs405", "DELETE", "", "", 405, "METHOD_NOT_ALLOWED"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, "/graphql", strings.NewReader(c.body))
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			s.db.Commands.Reset()
			r := safetyServe(h, req)
			if r.status != c.status || r.code() != c.code {
				t.Errorf("%s; want %d with code %s", r, c.status, c.code)
			}
			if n := s.db.Commands.Total(); n != 0 {
				t.Errorf("%d database commands; want 0", n)
			}
		})
	}
	t.Run("GetMutationRefused", func(t *testing.T) {
		for _, doc := range []string{
			`mutation { __typename }`,
			`mutation M { alliances { totalCount } }`,
			`query Q { alliances { totalCount } } mutation M { __typename }`,
		} {
			s.db.Commands.Reset()
			target := "query=" + url.QueryEscape(doc)
			if strings.Contains(doc, "mutation M") && strings.Contains(doc, "query Q") {
				target += "&operationName=M"
			}
			r := safetyServe(h, safetyGet(target))
			t.Logf("GET %s: %d, code %q", doc, r.status, r.code())
			if len(r.gql.Errors) == 0 || r.code() == "" {
				t.Errorf("GET %s: %s; want an error with a code", doc, r)
			}
			if r.status == http.StatusOK {
				t.Errorf("GET %s: status 200; want a refusal", doc)
			}
			if n := s.db.Commands.Total(); n != 0 {
				t.Errorf("GET %s: %d database commands; want 0", doc, n)
			}
		}
	})
}

// TestSafetyGETDecodeErrorsHaveCodes sends GET query strings that cannot be decoded: a bad "%"
// escape, a ";" separator, variables or extensions that are not JSON. Like a POST body that is not
// JSON (400 BAD_USER_INPUT), each must be refused with an extensions.code that clients can branch
// on, and without a database command.
func TestSafetyGETDecodeErrorsHaveCodes(t *testing.T) {
	s := newTestServer(t, 1)
	h := safetyServer(s.db, nil)
	post := safetyServe(h, safetyPost(`{"query": `, "application/json"))
	if post.status != http.StatusBadRequest || post.code() != "BAD_USER_INPUT" {
		t.Errorf("POST body not JSON: %s; want 400 BAD_USER_INPUT", post)
	}
	for _, raw := range []string{
		"query=%ZZ",
		"query=%7B__typename%7D;debug=1",
		"query=%7B__typename%7D&variables=%7B",
		"query=%7B__typename%7D&variables=%5B1%5D",
		"query=%7B__typename%7D&extensions=nope",
	} {
		s.db.Commands.Reset()
		r := safetyServe(h, safetyGet(raw))
		if r.status != http.StatusBadRequest || r.code() == "" || !r.isJSON {
			t.Errorf("GET /graphql?%s: %s; want 400 with an extensions.code (as BAD_USER_INPUT for a POST body that is not JSON)", raw, r)
		}
		if n := s.db.Commands.Total(); n != 0 {
			t.Errorf("GET /graphql?%s: %d database commands; want 0", raw, n)
		}
	}
}

// TestProductionProfile shows what the production profile turns off: introspection (but not
// _service, which federation routers need), "did you mean" hints, and GraphiQL.
func TestProductionProfile(t *testing.T) {
	s := newTestServer(t, 1)
	production := safetyServer(s.db, func(o *Options) {
		o.Introspection, o.Suggestions, o.GraphiQL = false, false, false
	})
	development := safetyServer(s.db, nil)
	post := func(h http.Handler, query string) safetyReply {
		return safetyServe(h, safetyPost(apitest.Body(query, nil), "application/json"))
	}

	for _, q := range []string{
		`{ __schema { queryType { name } } }`,
		`{ __type(name: "Query") { name } }`,
		`{ alliances { totalCount } ...F } fragment F on Query { __schema { types { name } } }`,
		`{ ... on Query { __type(name: "Alliance") { fields { name } } } }`,
	} {
		s.db.Commands.Reset()
		r := post(production, q)
		if r.code() != "INTROSPECTION_DISABLED" || r.status != http.StatusOK || len(r.gql.Data) > 0 && string(r.gql.Data) != "null" {
			t.Errorf("production %s: %s; want INTROSPECTION_DISABLED, no data, 200 (a request error to an application/json client)", q, r)
		}
		strict := safetyPost(apitest.Body(q, nil), "application/json")
		strict.Header.Set("Accept", "application/graphql-response+json")
		if r := safetyServe(production, strict); r.code() != "INTROSPECTION_DISABLED" || r.status < 400 || r.status > 499 {
			t.Errorf("production %s to a graphql-response+json client: %s; want a 4xx INTROSPECTION_DISABLED", q, r)
		}
		if n := s.db.Commands.Total(); n != 0 {
			t.Errorf("production %s: %d database commands; want 0", q, n)
		}
		if r := post(development, q); r.status != 200 || len(r.gql.Errors) > 0 {
			t.Errorf("development %s: %s; want an answer", q, r)
		}
	}

	const misspelled = `{ alliances { totalCont } }`
	if r := post(production, misspelled); r.code() != "GRAPHQL_VALIDATION_FAILED" || strings.Contains(string(r.body), "Did you mean") {
		t.Errorf("production misspelled field: %s; want GRAPHQL_VALIDATION_FAILED without \"Did you mean\"", r)
	}
	if r := post(development, misspelled); !strings.Contains(r.message(), "Did you mean") {
		t.Errorf("development misspelled field: %q; want a \"Did you mean\" hint (else the production check proves nothing)", r.message())
	}

	if r := safetyServe(production, httptest.NewRequest(http.MethodGet, "/", nil)); r.status != http.StatusNotFound {
		t.Errorf("production GET /: %d; want 404 (no GraphiQL)", r.status)
	}
	if r := safetyServe(development, httptest.NewRequest(http.MethodGet, "/", nil)); r.status != http.StatusOK {
		t.Errorf("development GET /: %d; want 200 (GraphiQL)", r.status)
	}

	r := post(production, `{ _service { sdl } }`)
	var svc struct {
		Service struct{ SDL string } `json:"_service"`
	}
	if r.status != 200 || len(r.gql.Errors) > 0 || json.Unmarshal(r.gql.Data, &svc) != nil || !strings.Contains(svc.Service.SDL, "type Query") {
		t.Errorf("production _service { sdl }: %s; want the SDL", r)
	}
}

// TestPanicDoesNotLeak makes a resolver panic and shows that the client sees a generic
// INTERNAL_SERVER_ERROR with the request id, that the panic and its cause are in the log, and
// that the same handler goes on serving.
//
// The GraphQL handler gets a resolver without a store, while the per-request loaders (which the
// handler reaches through loaders.Middleware) have the real one. Query.alliances calls
// r.Store.Alliances on the nil *store.Store, which dereferences it: a genuine nil-pointer panic
// inside a resolver. Looking an alliance up by id goes through the loaders only, so it still works.
func TestPanicDoesNotLeak(t *testing.T) {
	db := storetest.Seeded(t, 1)
	logs := &apitest.LockedBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	h := telemetry.WithRequestID(loaders.Middleware(db.Store, loaders.DefaultWait, nil,
		newGraphQLHandler(logger, &graph.Resolver{Store: nil}, testOptions())))

	req := safetyPost(apitest.Body(`{ alliances { totalCount } }`, nil), "application/json")
	req.Header.Set("X-Request-ID", "req-4711")
	r := safetyServe(h, req)
	if r.code() != "INTERNAL_SERVER_ERROR" {
		t.Fatalf("answer %s; want INTERNAL_SERVER_ERROR", r)
	}
	if got := r.gql.Errors[0].Extensions["requestId"]; got != "req-4711" {
		t.Errorf("extensions.requestId %v; want req-4711", got)
	}
	if r.message() != "internal server error" {
		t.Errorf("message %q; want the generic \"internal server error\"", r.message())
	}
	for _, leak := range []string{"nil pointer", "runtime error", "panic", "goroutine", ".go:", "/work/", "invalid memory"} {
		if strings.Contains(strings.ToLower(string(r.body)), leak) {
			t.Errorf("the answer leaks %q: %s", leak, r.body)
		}
	}
	line := logs.LogLine("panic in resolver")
	if line == nil {
		t.Fatalf("no \"panic in resolver\" log line:\n%s", logs)
	}
	if line["request_id"] != "req-4711" {
		t.Errorf("panic log line request_id %v; want req-4711", line["request_id"])
	}
	if p, _ := line["panic"].(string); !strings.Contains(p, "nil pointer") {
		t.Errorf("panic log line says %q; want the cause (a nil pointer dereference)", p)
	}
	if stack, _ := line["stack"].(string); !strings.Contains(stack, "goroutine") {
		t.Errorf("panic log line has no stack: %v", line)
	}

	next := safetyServe(h, safetyPost(apitest.Body(`{ alliance(id: "alliance:climate-justice-alliance") { name } }`, nil), "application/json"))
	if next.status != 200 || len(next.gql.Errors) > 0 || !strings.Contains(string(next.gql.Data), "Climate Justice Alliance") {
		t.Errorf("the request after the panic: %s; want the alliance", next)
	}
}

// injectionStrings are operators, patterns and template syntax that must reach the database as
// plain text, if at all.
var injectionStrings = []string{
	`{"$gt": ""}`, `$where`, `{"$ne": null}`, `.*`, `^`, `a|b`, `(`, `[`, `\`, `'; DROP TABLE organizations; --`,
	`{{7*7}}`, `${7*7}`, strings.Repeat(".*", 50), "\x00", `this.name != ''`,
}

// TestInjectionStringsAreLiterals sends each injection string to every text input: name
// searches (whose answer must be exactly the records whose names contain the text), slug, id and
// code lookups (nothing found), state, region, country and alliance filters (nothing matches),
// the GeoJSON layers and the coverage map. Each answer is either BAD_USER_INPUT or a normal one;
// never every record, never an internal error.
func TestInjectionStringsAreLiterals(t *testing.T) {
	s := newTestServer(t, 1)
	h := safetyServer(s.db, nil)
	docs := storetest.Bundled(t, 1)
	// Each record's names: search finds an organization by its other names too.
	var orgNames, nyOrgNames, hubNames, eventNames [][]string
	for _, o := range docs.Organizations {
		names := append([]string{o.Name}, o.OtherNames...)
		orgNames = append(orgNames, names)
		if o.StateID != nil && *o.StateID == model.StateID("NY") {
			nyOrgNames = append(nyOrgNames, names)
		}
	}
	for _, hub := range docs.Hubs {
		hubNames = append(hubNames, []string{hub.Name})
	}
	for _, e := range docs.Events {
		eventNames = append(eventNames, []string{e.Name})
	}
	containing := func(records [][]string) func(string) int {
		return func(text string) int {
			n := 0
			for _, names := range records {
				if slices.ContainsFunc(names, func(name string) bool { return strings.Contains(model.NameKey(name), model.NameKey(text)) }) {
					n++
				}
			}
			return n
		}
	}
	none := func(string) int { return 0 }

	// Each GraphQL case takes the string as $v and its first root field must be a connection with
	// totalCount count(v), null, a list of nulls, or coverage buckets that count nothing.
	type want int
	const (
		wantCount want = iota
		wantNull
		wantZeros
	)
	gqlCases := []struct {
		name  string
		query string
		want  want
		count func(string) int
	}{
		{"OrganizationSearch", `query($v: String!) { r: organizations(filter: {search: $v}) { totalCount } }`, wantCount, containing(orgNames)},
		{"HubSearch", `query($v: String!) { r: hubs(filter: {search: $v}) { totalCount } }`, wantCount, containing(hubNames)},
		{"EventSearch", `query($v: String!) { r: events(filter: {search: $v}) { totalCount } }`, wantCount, containing(eventNames)},
		{"NestedSearch", `query($v: String!) { r: state(code: "NY") { organizations(filter: {search: $v}) { totalCount } } }`, wantCount, containing(nyOrgNames)},
		{"OrganizationSlug", `query($v: String!) { r: organization(slug: $v) { id } }`, wantNull, nil},
		{"AllianceSlug", `query($v: String!) { r: alliance(slug: $v) { id } }`, wantNull, nil},
		{"HubSlug", `query($v: String!) { r: hub(slug: $v) { id } }`, wantNull, nil},
		{"EventSlug", `query($v: String!) { r: event(slug: $v) { id } }`, wantNull, nil},
		{"StateSlug", `query($v: String!) { r: state(slug: $v) { id } }`, wantNull, nil},
		{"StateCode", `query($v: String!) { r: state(code: $v) { id } }`, wantNull, nil},
		{"OrganizationID", `query($v: ID!) { r: organization(id: $v) { id } }`, wantNull, nil},
		{"OrganizationIDWithPrefix", `query($v: ID!) { r: organization(id: $v) { id } }`, wantNull, nil},
		{"StateID", `query($v: ID!) { r: state(id: $v) { id } }`, wantNull, nil},
		{"NodeID", `query($v: ID!) { r: node(id: $v) { id } }`, wantNull, nil},
		{"NodesIDs", `query($v: ID!) { r: nodes(ids: [$v]) { id } }`, wantNull, nil},
		{"OrganizationStates", `query($v: String!) { r: organizations(filter: {states: [$v]}) { totalCount } }`, wantCount, none},
		{"HubStates", `query($v: String!) { r: hubs(filter: {states: [$v]}) { totalCount } }`, wantCount, none},
		{"EventStates", `query($v: String!) { r: events(filter: {states: [$v]}) { totalCount } }`, wantCount, none},
		{"OrganizationRegion", `query($v: String!) { r: organizations(filter: {region: [$v]}) { totalCount } }`, wantCount, none},
		{"HubRegion", `query($v: String!) { r: hubs(filter: {region: [$v]}) { totalCount } }`, wantCount, none},
		{"EventRegion", `query($v: String!) { r: events(filter: {region: [$v]}) { totalCount } }`, wantCount, none},
		{"OrganizationCountry", `query($v: String!) { r: organizations(filter: {country: [$v]}) { totalCount } }`, wantCount, none},
		{"OrganizationAlliances", `query($v: ID!) { r: organizations(filter: {alliances: [$v]}) { totalCount } }`, wantCount, none},
		{"CoverageRegion", `query($v: String!) { r: coverage(dimension: STATE, filter: {region: [$v]}) { organizations hubs } }`, wantZeros, nil},
		{"CoverageStates", `query($v: String!) { r: coverage(dimension: REGION, filter: {states: [$v]}) { organizations hubs } }`, wantZeros, nil},
		{"CoverageAlliances", `query($v: ID!) { r: coverage(dimension: STATE, filter: {alliances: [$v]}) { organizations hubs } }`, wantZeros, nil},
	}
	for _, c := range gqlCases {
		t.Run(c.name, func(t *testing.T) {
			answered, refused := 0, 0
			defer func() {
				t.Logf("%d answered with no match beyond the literal text, %d refused as BAD_USER_INPUT", answered, refused)
			}()
			for _, v := range injectionStrings {
				if c.name == "OrganizationIDWithPrefix" {
					v = model.OrganizationPrefix + ":" + v
				}
				r := safetyServe(h, safetyPost(apitest.Body(c.query, map[string]any{"v": v}), "application/json"))
				if len(r.gql.Errors) > 0 {
					if r.code() != "BAD_USER_INPUT" {
						t.Errorf("%q: %s; want BAD_USER_INPUT or an answer", v, r)
					}
					refused++
					continue
				}
				answered++
				var data struct{ R json.RawMessage }
				if r.status != 200 || json.Unmarshal(r.gql.Data, &data) != nil {
					t.Errorf("%q: %s; want 200 with data", v, r)
					continue
				}
				switch c.want {
				case wantCount:
					var conn struct {
						TotalCount    *int
						Organizations *struct{ TotalCount *int }
					}
					_ = json.Unmarshal(data.R, &conn)
					count := conn.TotalCount
					if conn.Organizations != nil {
						count = conn.Organizations.TotalCount
					}
					got, wantN := -1, c.count(v)
					if count != nil {
						got = *count
					}
					if got != wantN {
						t.Errorf("%q: %s matched %d; want %d", v, c.name, got, wantN)
					}
				case wantNull:
					if s := string(data.R); s != "null" && s != "[null]" {
						t.Errorf("%q: found %s; want nothing", v, s)
					}
				case wantZeros:
					var buckets []struct{ Organizations, Hubs int }
					if err := json.Unmarshal(data.R, &buckets); err != nil {
						t.Errorf("%q: coverage %s", v, data.R)
					}
					for _, b := range buckets {
						if b.Organizations != 0 || b.Hubs != 0 {
							t.Errorf("%q: coverage counts %+v; want nothing counted", v, b)
							break
						}
					}
				}
			}
		})
	}

	t.Run("OperatorObjectAsVariable", func(t *testing.T) {
		// JSON can carry an object where a String is expected; it must be refused, not passed on.
		for _, q := range []string{
			`query($v: String!) { organizations(filter: {search: $v}) { totalCount } }`,
			`query($v: String!) { organization(slug: $v) { id } }`,
			`query($v: String!) { organizations(filter: {states: [$v]}) { totalCount } }`,
		} {
			for _, v := range []any{map[string]any{"$gt": ""}, map[string]any{"$regex": ".*"}, []any{map[string]any{"$ne": nil}}} {
				s.db.Commands.Reset()
				r := safetyServe(h, safetyPost(apitest.Body(q, map[string]any{"v": v}), "application/json"))
				if len(r.gql.Errors) == 0 || r.code() == "" || r.code() == "INTERNAL_SERVER_ERROR" {
					t.Errorf("%s with %v: %s; want a refusal with a code", q, v, r)
				}
				if n := s.db.Commands.Total(); n != 0 {
					t.Errorf("%s with %v: %d database commands; want 0", q, v, n)
				}
			}
		}
	})

	layers := []struct {
		path, param string
		count       func(string) int
	}{
		{"/organizations.geojson", "search", containing(orgNames)},
		{"/hubs.geojson", "search", containing(hubNames)},
		{"/organizations.geojson", "states", none},
		{"/organizations.geojson", "region", none},
		{"/organizations.geojson", "country", none},
		{"/organizations.geojson", "alliances", none},
		{"/hubs.geojson", "states", none},
		{"/hubs.geojson", "region", none},
	}
	for _, l := range layers {
		t.Run("GeoJSON"+l.path+"?"+l.param, func(t *testing.T) {
			for _, v := range injectionStrings {
				r := safetyServe(h, httptest.NewRequest(http.MethodGet, l.path+"?"+url.Values{l.param: {v}}.Encode(), nil))
				if r.status == http.StatusBadRequest {
					if r.code() != "BAD_USER_INPUT" {
						t.Errorf("%q: %s; want BAD_USER_INPUT", v, r)
					}
					continue
				}
				var fc struct {
					Type     string
					Features []json.RawMessage
				}
				if r.status != 200 || json.Unmarshal(r.body, &fc) != nil || fc.Type != "FeatureCollection" {
					t.Errorf("%q: %s; want 200 with a FeatureCollection or 400", v, r)
					continue
				}
				if max := l.count(v); len(fc.Features) > max {
					// Records without coordinates are left out, so at most the names that match.
					t.Errorf("%q: %d features; want at most %d", v, len(fc.Features), max)
				}
			}
		})
	}

	counted := regexp.MustCompile(`: [1-9][0-9]* (organizations|hubs|events)`)
	for _, param := range []string{"states", "region", "country", "alliances"} {
		t.Run("CoverageSVG?"+param, func(t *testing.T) {
			for _, v := range injectionStrings {
				for _, measure := range []string{"organizations", "hubs"} {
					target := "/coverage.svg?" + url.Values{param: {v}, "measure": {measure}}.Encode()
					r := safetyServe(h, httptest.NewRequest(http.MethodGet, target, nil))
					switch {
					case r.status == http.StatusBadRequest && r.code() == "BAD_USER_INPUT":
					case r.status == http.StatusOK && strings.HasPrefix(r.header.Get("Content-Type"), "image/svg+xml"):
						if m := counted.Find(r.body); m != nil {
							t.Errorf("%s: the map counts %q; want nothing counted", target, m)
						}
					default:
						t.Errorf("%s: %s; want an empty map or BAD_USER_INPUT", target, r)
					}
				}
			}
		})
	}
}

// TestRateLimitPerClient shows the token bucket: with 2 requests a second and a burst of 3, a
// client's fourth request at once gets 429 with Retry-After, while another address, a live API key
// from the same address and the health probes and metrics are not held back. A made-up key is
// not a client of its own: it pays as its address, and is answered 401 UNAUTHENTICATED.
func TestRateLimitPerClient(t *testing.T) {
	s := newTestServer(t, 1)
	key, _, err := s.db.CreateKey(t.Context(), "Curator Carla", store.RoleCurator, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	h := safetyServer(s.db, func(o *Options) { o.RateLimit, o.RateBurst = 2, 3 })
	get := func(remoteAddr, auth, target string) safetyReply {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.RemoteAddr = remoteAddr
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		return safetyServe(h, req)
	}
	// __typename needs no database, so the four requests take microseconds: far less than the
	// half second in which a token comes back.
	const q = "/graphql?query=%7B__typename%7D"
	for i := range 3 {
		if r := get(fmt.Sprintf("192.0.2.1:%d", 40000+i), "", q); r.status != 200 {
			t.Fatalf("request %d within the burst: %s; want 200", i+1, r)
		}
	}
	r := get("192.0.2.1:40003", "", q)
	if r.status != http.StatusTooManyRequests || r.code() != "RATE_LIMITED" {
		t.Errorf("fourth request: %s; want 429 RATE_LIMITED", r)
	}
	var retry int
	if _, err := fmt.Sscan(r.header.Get("Retry-After"), &retry); err != nil || retry < 1 {
		t.Errorf("Retry-After %q; want a whole number of seconds ≥ 1", r.header.Get("Retry-After"))
	}
	if len(r.body) >= 2048 {
		t.Errorf("429 answer of %d bytes; want a small one", len(r.body))
	}
	if r := get("192.0.2.1:40004", "Bearer rg_madeup_0123456789", q); r.status != http.StatusTooManyRequests {
		t.Errorf("a made-up key from the limited address: %s; want 429 (it pays as its address)", r)
	}
	if r := get("198.51.100.7:5555", "", q); r.status != 200 {
		t.Errorf("another address: %s; want 200", r)
	}
	for i, auth := range []string{"Bearer rg_madeup_0123456789", "Basic dXNlcjpwYXNz", "Bearer ", "Bearer " + strings.Repeat("x", 4000)} {
		r := get(fmt.Sprintf("203.0.113.%d:6000", i+1), auth, q)
		if r.status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" || !r.isJSON ||
			!strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%.20q…: %s; want 401 UNAUTHENTICATED as JSON with WWW-Authenticate", auth, r)
		}
	}
	for i := range 3 {
		if r := get("192.0.2.1:40010", "Bearer "+key, q); r.status != 200 {
			t.Errorf("a live key from the limited address, request %d: %s; want 200 (its own client)", i+1, r)
		}
	}
	if r := get("192.0.2.1:40011", "Bearer "+key, q); r.status != http.StatusTooManyRequests {
		t.Errorf("fourth request with the live key: %d; want 429 (the key has its own bucket)", r.status)
	}
	for i := range 10 {
		for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
			if r := get("192.0.2.1:40020", "", path); r.status != 200 {
				t.Errorf("%s %d from the limited address: %d; want 200 (never limited)", path, i+1, r.status)
			}
		}
	}
	if r := get("192.0.2.1:40030", "", q); r.status != http.StatusTooManyRequests {
		t.Errorf("the limited address after the probes: %d; want still 429", r.status)
	}
}

// TestMadeUpKeysNeitherDodgeTheLimitNorGrowMemory sends, in the production profile's limits (20
// a second, bursts of 40), 400 rapid requests from one address, each with its own made-up key
// (half of them 60 KB): none is served, at most the burst (and what refills meanwhile) is answered 401 and the rest
// 429, the database is asked for keys at most once a second, and the limiter holds one bucket.
func TestMadeUpKeysNeitherDodgeTheLimitNorGrowMemory(t *testing.T) {
	s := newTestServer(t, 1)
	h := safetyServer(s.db, func(o *Options) { o.RateLimit, o.RateBurst = 20, 40 })
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s.db.Commands.Reset()
	start := time.Now()
	statuses := map[int]int{}
	for i := range 400 {
		req := httptest.NewRequest(http.MethodGet, "/graphql?query=%7B__typename%7D", nil)
		req.RemoteAddr = "192.0.2.50:1234"
		size := []int{400, 60000}[i%2] // a key's size, and one far past any key's
		req.Header.Set("Authorization", fmt.Sprintf("Bearer rg_%d_%s", i, strings.Repeat("f", size)))
		statuses[safetyServe(h, req).status]++
	}
	elapsed := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("400 made-up keys in %v: %v; heap in use %d KB before, %d KB after", elapsed, statuses,
		before.HeapInuse/1024, after.HeapInuse/1024)
	refilled := int(elapsed.Seconds()*20) + 1
	if statuses[http.StatusOK] != 0 || statuses[http.StatusUnauthorized] > 40+refilled ||
		statuses[http.StatusUnauthorized]+statuses[http.StatusTooManyRequests] != 400 {
		t.Errorf("answers %v; want none served, at most %d refused 401, the rest 429", statuses, 40+refilled)
	}
	if finds := s.db.Commands.ByName()["find"]; finds > int(elapsed.Seconds())+1 {
		t.Errorf("%d finds for 400 made-up keys in %v; want at most one a second", finds, elapsed)
	}
	if n := h.limiter.size(); n != 1 {
		t.Errorf("the limiter holds %d buckets; want 1, the address's", n)
	}
}

// TestProductionGivesNoSuggestions sends a mistaken field, argument, input field and enum value
// to the production profile: no answer suggests a name (a schema's names are not to be guessed
// from outside), while the development profile does suggest them.
func TestProductionGivesNoSuggestions(t *testing.T) {
	s := newTestServer(t, 1)
	prod := safetyServer(s.db, func(o *Options) { o.Suggestions, o.Introspection = false, false })
	dev := safetyServer(s.db, nil)
	for _, c := range []struct{ name, query string }{
		{"Field", `{ organizations { totalCont } }`},
		{"Argument", `{ organizations(frist: 3) { totalCount } }`},
		{"InputField", `{ organizations(filter: {stats: ["NM"]}) { totalCount } }`},
		{"EnumValue", `{ organizations(filter: {kind: MEMBR}) { totalCount } }`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := safetyServe(prod, safetyPost(apitest.Body(c.query, nil), "application/json"))
			if r.code() != "GRAPHQL_VALIDATION_FAILED" || strings.Contains(string(r.body), "Did you mean") {
				t.Errorf("production: %s; want a validation error with no suggestion", r)
			}
			if r := safetyServe(dev, safetyPost(apitest.Body(c.query, nil), "application/json")); !strings.Contains(r.message(), "Did you mean") {
				t.Errorf("development: %s; want a suggestion (else this test shows nothing)", r)
			}
		})
	}
}

// TestErrorsAreBounded sends a 2.4 KB document of 240 unknown fields: the answer holds 20 errors,
// the last saying how many more there were, in a few KB.
func TestErrorsAreBounded(t *testing.T) {
	s := newTestServer(t, 1)
	h := safetyServer(s.db, nil)
	var q strings.Builder
	q.WriteString("{")
	for i := range 240 {
		fmt.Fprintf(&q, " f%04d", i)
	}
	q.WriteString(" }")
	r := safetyServe(h, safetyPost(apitest.Body(q.String(), nil), "application/json"))
	n := len(r.gql.Errors)
	if n != 20 || !strings.Contains(r.gql.Errors[n-1].Message, "221 more errors were left out") {
		t.Fatalf("%d errors, the last %q; want 20, the last saying 221 were left out", n, r.gql.Errors[n-1].Message)
	}
	if len(r.body) > 8<<10 {
		t.Errorf("answer of %d bytes to a %d-byte request; want at most 8 KB", len(r.body), q.Len())
	}
}

// TestBadScalarValuesAreTheUsersMistake sends malformed Date, DateTime and _Any values, as
// literals and as variables: each is BAD_USER_INPUT naming the argument, and nothing is logged
// as an error.
func TestBadScalarValuesAreTheUsersMistake(t *testing.T) {
	s := newTestServer(t, 1)
	for _, c := range []struct {
		name, query string
		vars        map[string]any
		field       string
	}{
		{"DateTimeLiteral", `{ auditLog(filter: {from: "last tuesday"}) { totalCount } }`, nil, "filter.from"},
		{"DateTimeVariable", `query($to: DateTime) { auditLog(filter: {to: $to}) { totalCount } }`, map[string]any{"to": "2017-02-30"}, "filter.to"},
		{"Date", `mutation { updateEvent(id: "event:may-day-2017", version: 1, input: {startDate: "2017-13-45"}) { id } }`, nil, "input.startDate"},
		{"Any", `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`, map[string]any{"r": []any{"organization:it-takes-roots"}}, "representations.0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, r := s.post(c.query, c.vars)
			if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != c.field ||
				!strings.HasPrefix(r.Errors[0].Message, c.field+": ") {
				t.Errorf("%+v; want one BAD_USER_INPUT naming %s", r.Errors, c.field)
			}
		})
	}
	if strings.Contains(s.logs.String(), `"level":"ERROR"`) {
		t.Errorf("bad values were logged as errors:\n%s", s.logs.String())
	}
}

// TestRefusalStatuses checks the status column of the README's limits table: request errors
// answer 200 (application/json) or 400 without a data entry (application/graphql-response+json),
// as GraphQL over HTTP says; field errors 200 with the field null; the HTTP-level refusals their
// own status.
func TestRefusalStatuses(t *testing.T) {
	s := newTestServer(t, 1)
	h := safetyServer(s.db, nil)
	timing := safetyServer(s.db, func(o *Options) { o.RequestTimeout = time.Nanosecond })
	aliases := "{"
	for i := range 31 {
		aliases += fmt.Sprintf(" a%d: __typename", i)
	}
	aliases += " }"
	for _, c := range []struct {
		name    string
		h       http.Handler
		query   string
		auth    string
		json    int // status for Accept: application/json
		gqlResp int // status for Accept: application/graphql-response+json
		code    string
	}{
		{"Aliases", h, aliases, "", 200, 400, "TOO_MANY_ALIASES"},
		{"Validation", h, `{ nope }`, "", 200, 400, "GRAPHQL_VALIDATION_FAILED"},
		{"Parse", h, `{ nope `, "", 200, 400, "GRAPHQL_PARSE_FAILED"},
		{"PageSize", h, `{ organizations(first: 101) { totalCount } }`, "", 200, 200, "BAD_USER_INPUT"},
		{"NetworkDepth", h, `{ network(from: ["organization:it-takes-roots"], depth: 5) { truncated } }`, "", 200, 200, "BAD_USER_INPUT"},
		{"Timeout", timing, `{ organizations(first: 5) { totalCount } }`, "", 200, 200, "TIMEOUT"},
		{"Credentials", h, `{ __typename }`, "Bearer rg_not_a_key", 401, 401, "UNAUTHENTICATED"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for accept, want := range map[string]int{"application/json": c.json, "application/graphql-response+json": c.gqlResp} {
				req := safetyPost(apitest.Body(c.query, nil), "application/json")
				req.Header.Set("Accept", accept)
				if c.auth != "" {
					req.Header.Set("Authorization", c.auth)
				}
				r := safetyServe(c.h, req)
				if r.status != want || r.code() != c.code {
					t.Errorf("Accept %s: %s; want %d %s", accept, r, want, c.code)
				}
				if want == 400 && strings.Contains(string(r.body), `"data"`) {
					t.Errorf("Accept %s: a request error with a data entry: %s", accept, r.body)
				}
			}
		})
	}
}
