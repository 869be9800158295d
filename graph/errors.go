package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"rootsgraph/apierr"
)

// argumentError turns an argument value that its scalar refused (a malformed Date, DateTime or
// _Any, literal or variable) into BAD_USER_INPUT naming the argument, or returns nil when err is
// not one. Such an error is raised while the field's arguments are read, so its path runs past the
// field's own path into the argument's name.
func argumentError(ctx context.Context, err *gqlerror.Error) *gqlerror.Error {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return nil
	}
	at := fc.Path()
	if len(err.Path) <= len(at) {
		return nil
	}
	var names []string
	for _, p := range err.Path[len(at):] {
		switch p := p.(type) {
		case ast.PathName:
			names = append(names, string(p))
		case ast.PathIndex:
			names = append(names, fmt.Sprint(int(p)))
		}
	}
	arg := strings.Join(names, ".")
	reason := err.Err.Error()
	if _, rest, ok := strings.Cut(reason, err.Path.String()+" "); ok {
		reason = rest // gqlgen's "input: <path> <reason>"
	}
	switch {
	case strings.Contains(reason, "RFC3339"):
		reason = "not a DateTime: give an RFC 3339 instant such as 2017-04-29T12:00:00Z"
	case strings.Contains(reason, "is not a map"):
		reason = "not an entity representation: give an object such as {\"__typename\": \"Organization\", \"id\": \"organization:it-takes-roots\"}"
	}
	return &gqlerror.Error{
		Message:    arg + ": " + reason,
		Path:       at,
		Extensions: map[string]any{"code": apierr.BadUserInput, "field": arg},
	}
}

// badInput returns an error that tells the user what to change in their request.
func badInput(format string, args ...any) error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...),
		Extensions: map[string]any{"code": apierr.BadUserInput},
	}
}

// RequestIDFunc returns the id of the request that ctx belongs to, or "".
type RequestIDFunc func(ctx context.Context) string

// ErrorPresenter returns the one place where errors become what a client sees in GraphQL. Errors
// the user can act on keep their message and get a code; the rest are answered as apierr.Of says,
// and an internal one is logged with the request id and answered with a generic
// INTERNAL_SERVER_ERROR that leaks nothing.
func ErrorPresenter(logger *slog.Logger, requestID RequestIDFunc) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err != nil {
			if out := argumentError(ctx, gqlErr); out != nil {
				return out
			}
		}
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			// Made by gqlgen (parse and validation errors) or by badInput: safe to show, except
			// that gqlgen's message for a body that is not JSON quotes the whole body back.
			out := graphql.DefaultErrorPresenter(ctx, err)
			if strings.HasPrefix(out.Message, "json request body could not be decoded") {
				switch {
				case strings.Contains(out.Message, "field RawParams.variables"):
					out.Message = `variables must be a JSON object, such as "variables": {"id": "organization:it-takes-roots"}, not a string holding one`
				case strings.Contains(out.Message, "field RawParams.extensions"):
					out.Message = `extensions must be a JSON object, not a string holding one`
				case strings.Contains(out.Message, "field RawParams.query"):
					out.Message = `query must be a string holding the GraphQL document`
				default:
					out.Message = `the request body is not valid JSON: send {"query": "...", "variables": {...}}`
				}
			}
			if out.Extensions == nil || out.Extensions["code"] == nil {
				if out.Extensions == nil {
					out.Extensions = map[string]any{}
				}
				out.Extensions["code"] = apierr.BadUserInput
			}
			return out
		}
		out := graphql.DefaultErrorPresenter(ctx, err)
		answer := apierr.Of(ctx, err)
		out.Message = answer.Message
		out.Extensions = map[string]any{"code": answer.Code}
		if answer.Field != "" {
			out.Extensions["field"] = answer.Field
		}
		switch {
		case answer.Internal:
			id := requestID(ctx)
			logger.ErrorContext(ctx, "resolver error", "request_id", id, "path", out.Path.String(), "err", err)
			if id != "" {
				out.Extensions["requestId"] = id
			}
		case answer.Code == apierr.Unavailable:
			// Cancelled because the database went away, or the database did not answer: the
			// server's watch logs the outage once, so each request does not.
			logger.DebugContext(ctx, "database unavailable", "request_id", requestID(ctx), "err", err)
		}
		return out
	}
}
