package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
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
	r := &Resolver{Store: s}
	h := handler.New(exec.NewExecutableSchema(exec.Config{Resolvers: r}))
	h.AddTransport(transport.POST{})
	h.Use(extension.Introspection{}) // as the development profile serves it; _service needs it too
	h.Use(RepresentationChecks{})
	h.Use(Prefetch{Resolver: r})
	h.Use(WritesReadTheDatabase{})
	h.SetErrorPresenter(ErrorPresenter(slog.New(slog.NewJSONHandler(logs, nil)), func(context.Context) string { return "" }))
	endpoint := loaders.Middleware(s, loaders.DefaultWait, nil, answered(h))
	return &testServer{t: t, db: db, store: s, handler: endpoint, client: client.New(endpoint), logs: logs}
}

// answered lets gqlgen's test client read the answer to a request that failed validation, which
// gqlgen's transport sends with status 422 and the client reads only under 400 (httpapi decides
// the statuses that clients see: withSpecStatus); every other status is left as it is.
func answered(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(unprocessableOK{w}, r)
	})
}

type unprocessableOK struct{ http.ResponseWriter }

func (w unprocessableOK) WriteHeader(status int) {
	if status == http.StatusUnprocessableEntity {
		status = http.StatusOK
	}
	w.ResponseWriter.WriteHeader(status)
}

// post sends a GraphQL request and returns the answer, data kept raw.
func (s *testServer) post(query string, variables map[string]any, opts ...client.Option) apitest.Response {
	s.t.Helper()
	for name, v := range variables {
		opts = append(opts, client.Var(name, v))
	}
	r, err := s.client.RawPost(query, opts...)
	if err != nil {
		s.t.Fatalf("post: %v", err)
	}
	var out apitest.Response
	if out.Data, err = json.Marshal(r.Data); err != nil {
		s.t.Fatal(err)
	}
	if len(r.Errors) > 0 {
		if err := json.Unmarshal(r.Errors, &out.Errors); err != nil {
			s.t.Fatalf("errors are not GraphQL errors (%v): %s", err, r.Errors)
		}
	}
	return out
}

// postAs sends a GraphQL request made with an API key.
func (s *testServer) postAs(key, query string, variables map[string]any) apitest.Response {
	s.t.Helper()
	return s.post(query, variables, func(r *client.Request) {
		// As httpapi's withCredentials gives a request its key from the Authorization header.
		creds := func(ctx context.Context) (*store.APIKey, error) {
			k, err := s.store.Authenticate(ctx, key)
			if errors.Is(err, store.ErrNotFound) {
				return nil, ErrBadCredentials
			}
			return k, err
		}
		r.HTTP = r.HTTP.WithContext(WithCredentials(r.HTTP.Context(), creds))
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
