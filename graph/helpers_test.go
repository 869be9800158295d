package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"rootsgraph/apitest"
	"rootsgraph/graph/exec"
	"rootsgraph/loaders"
	"rootsgraph/store"
	"rootsgraph/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// testServer is the GraphQL schema over a test's own database, as httpapi serves it but without
// the HTTP layers (limits, keys, caches, status codes): gqlgen's handler with the resolvers, the
// prefetcher and the error presenter, behind the request's loaders, asked through gqlgen's test
// client.
type testServer struct {
	t       *testing.T
	db      *storetest.DB
	store   *store.Store // what the resolvers read and write: db.Store unless serve was given another
	handler http.Handler
	client  *client.Client
	logs    *bytes.Buffer
}

// newTestServer serves the bundled data set scaled n times (1: as shipped).
func newTestServer(t *testing.T, n int) *testServer {
	t.Helper()
	db := storetest.Seeded(t, n)
	return serve(t, db, db.Store)
}

// serve answers GraphQL over s, a store on db's database (db.Store, or one opened with another
// configuration).
func serve(t *testing.T, db *storetest.DB, s *store.Store) *testServer {
	logs := &bytes.Buffer{}
	r := &Resolver{Store: s, RequestID: testRequestID}
	h := handler.New(exec.NewExecutableSchema(exec.Config{Resolvers: r}))
	h.AddTransport(transport.POST{})
	h.Use(extension.Introspection{}) // as the development profile serves it; _service needs it too
	for _, e := range r.Extensions() {
		h.Use(e)
	}
	h.SetErrorPresenter(ErrorPresenter(slog.New(slog.NewJSONHandler(logs, nil)), testRequestID))
	endpoint := loaders.Middleware(s, loaders.DefaultWait, nil, answered(h))
	return &testServer{t: t, db: db, store: s, handler: endpoint, client: client.New(endpoint), logs: logs}
}

type testRequestKey struct{}

var testRequests atomic.Int64

// testRequestID is the id of a test's request, as httpapi gives each request one.
func testRequestID(ctx context.Context) string {
	id, _ := ctx.Value(testRequestKey{}).(string)
	return id
}

type capturedKey struct{}

// answered gives each request an id, keeps what it answered for post (which reads the answer as
// sent, its fields in the query's order), and lets gqlgen's test client read the answer to a
// request that failed validation, which gqlgen's transport sends with status 422 and the client
// reads only under 400 (httpapi decides the statuses that clients see: withSpecStatus); every
// other status is left as it is.
func answered(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), testRequestKey{}, fmt.Sprintf("graph-test-%d", testRequests.Add(1)))
		cw := answerWriter{ResponseWriter: w}
		cw.body, _ = ctx.Value(capturedKey{}).(*bytes.Buffer)
		h.ServeHTTP(cw, r.WithContext(ctx))
	})
}

type answerWriter struct {
	http.ResponseWriter
	body *bytes.Buffer // nil: not kept
}

func (w answerWriter) WriteHeader(status int) {
	if status == http.StatusUnprocessableEntity {
		status = http.StatusOK
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w answerWriter) Write(b []byte) (int, error) {
	if w.body != nil {
		w.body.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// post sends a GraphQL request through gqlgen's test client and returns the answer as sent, data
// kept raw.
func (s *testServer) post(query string, variables map[string]any, opts ...client.Option) apitest.Response {
	s.t.Helper()
	for name, v := range variables {
		opts = append(opts, client.Var(name, v))
	}
	sent := &bytes.Buffer{}
	opts = append(opts, func(r *client.Request) {
		r.HTTP = r.HTTP.WithContext(context.WithValue(r.HTTP.Context(), capturedKey{}, sent))
	})
	if _, err := s.client.RawPost(query, opts...); err != nil {
		s.t.Fatalf("post: %v", err)
	}
	var out apitest.Response
	if err := json.Unmarshal(sent.Bytes(), &out); err != nil {
		s.t.Fatalf("the answer is not a GraphQL response (%v): %s", err, sent)
	}
	return out
}

// postAs sends a GraphQL request made with an API key.
func (s *testServer) postAs(key, query string, variables map[string]any) apitest.Response {
	s.t.Helper()
	return s.post(query, variables, func(r *client.Request) {
		// As httpapi's withCredentials gives a request its key from the Authorization header.
		r.HTTP = r.HTTP.WithContext(WithCredentials(r.HTTP.Context(), KeyCredentials(s.store, key)))
	})
}

// mustQuery runs a query that must succeed and returns its data.
func (s *testServer) mustQuery(query string, variables map[string]any) json.RawMessage {
	s.t.Helper()
	out := s.post(query, variables)
	if len(out.Errors) > 0 {
		s.t.Fatalf("query failed: errors %+v", out.Errors)
	}
	return out.Data
}

// keys makes one key of each role and one revoked key in the test's database.
func (s *testServer) keys() apitest.Keys { return apitest.MakeKeys(s.t, s.store) }

// mustWrite runs a mutation with a key that must succeed, and decodes its data into out.
func (s *testServer) mustWrite(key, query string, variables map[string]any, out any) {
	s.t.Helper()
	r := s.postAs(key, query, variables)
	if len(r.Errors) > 0 {
		s.t.Fatalf("mutation failed: errors %+v", r.Errors)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			s.t.Fatal(err)
		}
	}
}

// version reads a record's version.
func (s *testServer) version(id string) int { return apitest.Version(s.t, s.mustQuery, id) }

// writes returns the writes the database received since the last Reset.
func (s *testServer) writes() []string { return apitest.Writes(s.db.Commands) }
