// Package apierr is the one vocabulary of errors a client can see: every code of ours that
// appears in an answer's extensions.code (gqlgen adds its own parse, validation and persisted
// query codes), the HTTP status each is answered with outside GraphQL, and how an
// error of the store or of a request's context maps to one. The GraphQL error presenter (graph)
// and the HTTP error writer (server) both answer through it, and no other file spells a code.
package apierr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"rootsgraph/store"
)

// The codes. Clients branch on them, so a code never changes meaning.
const (
	// The request is wrong in a way the message says how to fix.
	BadUserInput = "BAD_USER_INPUT"
	// The HTTP request itself could not be read.
	BadRequest           = "BAD_REQUEST"
	MethodNotAllowed     = "METHOD_NOT_ALLOWED"
	UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	RequestTooLarge      = "REQUEST_TOO_LARGE"
	// The operation is over one of the server's limits.
	QueryTooDeep            = "QUERY_TOO_DEEP"
	TooManyAliases          = "TOO_MANY_ALIASES"
	TooManyRootFields       = "TOO_MANY_ROOT_FIELDS"
	TooManyDirectives       = "TOO_MANY_DIRECTIVES"
	TooManyFields           = "TOO_MANY_FIELDS"
	ComplexityLimitExceeded = "COMPLEXITY_LIMIT_EXCEEDED"
	IntrospectionDisabled   = "INTROSPECTION_DISABLED"
	RateLimited             = "RATE_LIMITED"
	// Who asks, and what they may do.
	Unauthenticated = "UNAUTHENTICATED"
	Forbidden       = "FORBIDDEN"
	// The data.
	NotFound = "NOT_FOUND"
	Conflict = "CONFLICT"
	// The server: out of time, without its database, or wrong (logged with the request id).
	Timeout     = "TIMEOUT"
	Unavailable = "SERVICE_UNAVAILABLE"
	Internal    = "INTERNAL_SERVER_ERROR"
)

// statuses is the HTTP status of every code, for answers made outside GraphQL (the REST layers,
// the exports, the middleware that refuses a request before it reaches GraphQL).
var statuses = map[string]int{
	BadUserInput:            http.StatusBadRequest,
	BadRequest:              http.StatusBadRequest,
	MethodNotAllowed:        http.StatusMethodNotAllowed,
	UnsupportedMediaType:    http.StatusUnsupportedMediaType,
	RequestTooLarge:         http.StatusRequestEntityTooLarge,
	QueryTooDeep:            http.StatusBadRequest,
	TooManyAliases:          http.StatusBadRequest,
	TooManyRootFields:       http.StatusBadRequest,
	TooManyDirectives:       http.StatusBadRequest,
	TooManyFields:           http.StatusBadRequest,
	ComplexityLimitExceeded: http.StatusBadRequest,
	IntrospectionDisabled:   http.StatusBadRequest,
	RateLimited:             http.StatusTooManyRequests,
	Unauthenticated:         http.StatusUnauthorized,
	Forbidden:               http.StatusForbidden,
	NotFound:                http.StatusNotFound,
	Conflict:                http.StatusConflict,
	Timeout:                 http.StatusGatewayTimeout,
	Unavailable:             http.StatusServiceUnavailable,
	Internal:                http.StatusInternalServerError,
}

// IsFault says whether a code is the server's own failure (out of time, without its database, or
// wrong), not the request's: traces mark those operations as failed.
func IsFault(code string) bool {
	return code == Internal || code == Unavailable || code == Timeout
}

// Status returns the HTTP status a code is answered with; 500 for a code it does not know.
func Status(code string) int {
	if s, ok := statuses[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Codes returns every code, for tests and documentation.
func Codes() []string {
	out := make([]string, 0, len(statuses))
	for c := range statuses {
		out = append(out, c)
	}
	return out
}

// Error is an error a client can act on: its code, a message that says what to do, and the
// argument or input field at fault when there is one.
type Error struct {
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string { return e.Message }

// New returns an Error with a formatted message.
func New(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Answer is what a client is told about an error.
type Answer struct {
	Code    string
	Message string
	Field   string
	// Internal is true when the error is the server's own fault: the message then says nothing
	// about it, and the error must be logged with the request id.
	Internal bool
}

var (
	unavailable = Answer{Code: Unavailable, Message: "the database is not answering; try again shortly"}
	timeout     = Answer{Code: Timeout, Message: "the request was cancelled or ran out of time"}
)

// Of returns the answer to err, met while serving a request whose context is ctx: an *Error's
// own; a store's not-found or conflict; the request's end (an outage when the server's watch
// cancelled it because the database went away, else a timeout, even when the store reports the
// database as too slow for the deadline); a store's outage; anything else is internal.
func Of(ctx context.Context, err error) Answer {
	var e *Error
	switch {
	case errors.As(err, &e):
		return Answer{Code: e.Code, Message: e.Message, Field: e.Field}
	case errors.Is(err, store.ErrNotFound):
		return Answer{Code: NotFound, Message: "not found"}
	case errors.Is(err, store.ErrConflict):
		msg := "the change conflicts with the current data: read the record again and retry"
		if ce := new(store.ConflictError); errors.As(err, &ce) {
			msg = ce.Error() // written for the user
		}
		return Answer{Code: Conflict, Message: msg}
	case ctx != nil && errors.Is(context.Cause(ctx), store.ErrUnavailable):
		return unavailable // cancelled by the server's outage watch
	case ctx != nil && ctx.Err() != nil:
		return timeout // the request's own time ran out, whatever the database was doing
	case errors.Is(err, store.ErrUnavailable):
		return unavailable
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return timeout
	}
	return Answer{Code: Internal, Message: "internal server error", Internal: true}
}

// Write answers an HTTP request with code and a message that says what to do, as a GraphQL
// error and with the code's status: the one writer of errors made outside GraphQL's own answers.
func Write(w http.ResponseWriter, code, message string) {
	WriteAnswer(w, Answer{Code: code, Message: message}, "")
}

// WriteAnswer writes an answer, naming its field and, for an internal error, the request id
// that its log line carries.
func WriteAnswer(w http.ResponseWriter, a Answer, requestID string) {
	ext := map[string]any{"code": a.Code}
	if a.Field != "" {
		ext["field"] = a.Field
	}
	if a.Internal && requestID != "" {
		ext["requestId"] = requestID
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(Status(a.Code))
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"message": a.Message, "extensions": ext}}})
}
