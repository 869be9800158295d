package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"rootsgraph/apierr"
	"rootsgraph/graph"
	"rootsgraph/graph/exec"
	"rootsgraph/telemetry"
)

// queryCacheSize is how many parsed and validated query documents are kept, so that a query seen
// before skips parsing and validation.
const queryCacheSize = 1000

// newGraphQLHandler builds the GraphQL endpoint: queries over GET, queries and mutations over
// POST with a JSON body, and nothing else (no multipart, no form posts).
func newGraphQLHandler(logger *slog.Logger, resolver *graph.Resolver, opts Options) *handler.Server {
	registerLimitCodes()
	h := handler.New(costSchema{exec.NewExecutableSchema(exec.Config{Resolvers: resolver})})
	h.AddTransport(transport.Options{})
	h.AddTransport(transport.GET{})
	h.AddTransport(transport.POST{})
	h.SetQueryCache(lru.New[*ast.QueryDocument](queryCacheSize))
	h.SetParserTokenLimit(opts.Limits.MaxTokens)
	h.SetDisableSuggestion(!opts.Suggestions)
	h.Use(operationLimits{opts.Limits})
	h.Use(extension.FixedComplexityLimit(opts.Limits.MaxCost))
	h.AroundResponses(costInExtensions)
	h.AroundOperations(telemetry.RecordOperation)
	h.AroundOperations(answerOutOfTime)
	if opts.Metrics != nil {
		h.AroundResponses(opts.Metrics.CountErrors)
	}
	if opts.Tracing != nil {
		h.Use(opts.Tracing.GraphQLExtension(apierr.IsFault))
	}
	// Automatic persisted queries (Apollo's protocol): a client sends the query's sha256 alone,
	// and the query itself only when this instance has not seen it, so a widget's GET is a short,
	// cacheable URL.
	h.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](queryCacheSize)})
	h.Use(newIntrospectionPolicy(opts.Introspection))
	for _, e := range resolver.Extensions() {
		h.Use(e)
	}
	presentErr := graph.ErrorPresenter(logger, telemetry.RequestID)
	present := func(ctx context.Context, err error) *gqlerror.Error {
		out := presentErr(ctx, err)
		if out.Extensions["code"] == apierr.Unavailable {
			markUnavailable(ctx) // answered 503 (withUnavailableStatus)
		}
		return out
	}
	if !opts.Suggestions {
		// gqlgen's switch covers unknown fields only; arguments, input fields and enum values
		// are suggested by other validation rules, so every message loses its hint here.
		presentWith := present
		present = func(ctx context.Context, err error) *gqlerror.Error {
			out := presentWith(ctx, err)
			out.Message = suggestion.ReplaceAllString(out.Message, "")
			return out
		}
	}
	h.SetErrorPresenter(present)
	h.AroundResponses(boundErrors)
	h.SetRecoverFunc(func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "panic in resolver", "request_id", telemetry.RequestID(ctx), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return errPanic
	})
	return h
}

// suggestion is the hint gqlparser's validation rules end a message with: ` Did you mean "x"?`,
// ` Did you mean "x" or "y"?`, ` Did you mean the enum value "X"?`.
var suggestion = regexp.MustCompile(` ?Did you mean [^?]*\?`)

// maxErrors and maxMessage bound an answer's errors: a document of hundreds of mistakes gets the
// first few, each at most maxMessage bytes, and a last error saying how many were left out, so an
// answer stays a few KB whatever the request.
const (
	maxErrors  = 20
	maxMessage = 300
)

// boundErrors keeps at most maxErrors errors in a response, the last saying how many more there
// were, and shortens long messages.
func boundErrors(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || len(resp.Errors) == 0 {
		return resp
	}
	if n := len(resp.Errors); n > maxErrors {
		first := resp.Errors[0]
		resp.Errors = append(resp.Errors[:maxErrors-1:maxErrors-1], &gqlerror.Error{
			Message:    fmt.Sprintf("%d more errors were left out: fix the ones above and send the request again", n-maxErrors+1),
			Extensions: map[string]any{"code": first.Extensions["code"]},
		})
	}
	for _, e := range resp.Errors {
		if len(e.Message) > maxMessage {
			cut := maxMessage
			for cut > 0 && !utf8.RuneStart(e.Message[cut]) {
				cut--
			}
			e.Message = e.Message[:cut] + "…"
		}
	}
	return resp
}

// answerOutOfTime answers TIMEOUT to an operation whose time ran out before it began (or
// SERVICE_UNAVAILABLE, when the database's outage cancelled it): gqlgen's
// executor returns no response at all then (its end-of-stream signal), which the HTTP transport
// writes as the body `null`.
func answerOutOfTime(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	responses := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		if err := ctx.Err(); err != nil {
			if unavailable(ctx, err) {
				markUnavailable(ctx)
				return &graphql.Response{Errors: gqlerror.List{{
					Message:    "the database is not answering; try again shortly",
					Extensions: map[string]any{"code": apierr.Unavailable},
				}}}
			}
			return &graphql.Response{Errors: gqlerror.List{{
				Message:    "the request ran out of time before it could run; try again",
				Extensions: map[string]any{"code": apierr.Timeout},
			}}}
		}
		return responses(ctx)
	}
}

// errPanic is what a recovered panic becomes; the error presenter turns it into a generic
// INTERNAL_SERVER_ERROR with the request id.
var errPanic = fmt.Errorf("panic in resolver")

// withGraphQLHTTP answers what the GraphQL-over-HTTP conventions say to requests the GraphQL
// transports do not take: a method other than GET, POST or OPTIONS gets 405 with Allow, and a POST
// whose body is not JSON gets 415. Refusing form and text bodies also keeps cross-site HTML forms,
// which cannot send application/json without a CORS preflight, from posting operations.
func withGraphQLHTTP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			// gqlgen's GET transport answers an undecodable query string itself, without a code;
			// check it here so that the answer is like every other refusal.
			q, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				apierr.Write(w, apierr.BadUserInput, "the query string is not valid: "+err.Error())
				return
			}
			if isMutation(q.Get("query"), q.Get("operationName")) {
				// gqlgen refuses these too, but with a 406 and no code.
				w.Header().Set("Allow", "POST")
				apierr.Write(w, apierr.MethodNotAllowed,
					"mutations are sent with POST, never GET: a GET must be safe to repeat and to cache")
				return
			}
			for _, p := range []string{"variables", "extensions"} {
				var obj map[string]any
				if v := q.Get(p); v != "" && json.Unmarshal([]byte(v), &obj) != nil {
					apierr.Write(w, apierr.BadUserInput, p+" is not a JSON object")
					return
				}
			}
		case http.MethodOptions:
		case http.MethodPost:
			mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mediaType != "application/json" {
				apierr.Write(w, apierr.UnsupportedMediaType,
					"send the operation as JSON with Content-Type: application/json, or as a GET query string")
				return
			}
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			apierr.Write(w, apierr.MethodNotAllowed,
				"use GET for queries or POST with a JSON body")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// withSpecStatus gives GraphQL answers the statuses the GraphQL-over-HTTP specification asks
// for, where gqlgen's differ: to a client that reads application/json, a request error (parse,
// validation, variable coercion) is 200 like any other answer of a well-formed request (gqlgen
// answers 422); to one that reads application/graphql-response+json, a request error keeps its
// 4xx and has no "data" entry at all (gqlgen writes "data": null). Inner layers (the HTTP cache)
// still see gqlgen's status, so a request error is never stored.
func withSpecStatus(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &specWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		sw.finish()
	})
}

type specWriter struct {
	http.ResponseWriter
	wrote  bool
	held   *bytes.Buffer // the body of a request error to a graphql-response+json client
	status int
}

func (s *specWriter) WriteHeader(code int) {
	if s.wrote {
		return
	}
	s.wrote = true
	kind := s.Header().Get("Content-Type")
	switch {
	case code == http.StatusUnprocessableEntity && strings.HasPrefix(kind, "application/json"):
		code = http.StatusOK
	case code >= 400 && code < 500 && strings.HasPrefix(kind, "application/graphql-response+json"):
		s.held, s.status = &bytes.Buffer{}, code
		return
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *specWriter) Write(b []byte) (int, error) {
	if !s.wrote {
		s.WriteHeader(http.StatusOK)
	}
	if s.held != nil {
		return s.held.Write(b)
	}
	return s.ResponseWriter.Write(b)
}

// finish writes a held request error without its "data" entry.
func (s *specWriter) finish() {
	if s.held == nil {
		return
	}
	body := s.held.Bytes()
	var answer map[string]json.RawMessage
	if json.Unmarshal(body, &answer) == nil {
		delete(answer, "data")
		if out, err := json.Marshal(answer); err == nil {
			body = append(out, '\n')
		}
	}
	s.Header().Del("Content-Length")
	s.ResponseWriter.WriteHeader(s.status)
	_, _ = s.ResponseWriter.Write(body)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *specWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// isMutation reports whether the operation a GET asks to run is a mutation. A document that
// does not parse, or names no such operation, is left to the GraphQL handler to refuse.
func isMutation(query, operationName string) bool {
	if !strings.Contains(query, "mutation") {
		return false // the common case, without parsing
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return false
	}
	op := doc.Operations.ForName(operationName)
	if operationName == "" && len(doc.Operations) == 1 {
		op = doc.Operations[0]
	}
	return op != nil && op.Operation == ast.Mutation
}
