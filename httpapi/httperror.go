package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"rootsgraph/apierr"
	"rootsgraph/telemetry"
)

// Every answer made outside GraphQL's own (a request refused before execution, a REST layer's or an
// export's failure) is written by apierr's one writer: GraphQL-shaped, with the code's status.

// writeResolverError answers a failed read of a REST layer or an export as the GraphQL presenter
// would answer it: bad input with its own code and message; a timeout, an outage or a missing
// record as apierr maps them; anything else as INTERNAL_SERVER_ERROR, logged with the request id.
// It returns false, writing nothing, when err is nil.
func writeResolverError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) bool {
	if err == nil {
		return false
	}
	var gqlErr *gqlerror.Error
	if errors.As(err, &gqlErr) && gqlErr.Err == nil {
		// Made by the resolvers for the user (badInput and the field errors).
		code, _ := gqlErr.Extensions["code"].(string)
		if code == "" {
			code = apierr.BadUserInput
		}
		field, _ := gqlErr.Extensions["field"].(string)
		apierr.WriteAnswer(w, apierr.Answer{Code: code, Message: gqlErr.Message, Field: field}, "")
		return true
	}
	ctx := r.Context()
	a := apierr.Of(ctx, err)
	id := telemetry.RequestID(ctx)
	if a.Internal {
		logger.ErrorContext(ctx, "request error", "request_id", id, "path", r.URL.Path, "err", err)
	}
	apierr.WriteAnswer(w, a, id)
	return true
}
