package loaders

import (
	"context"

	"rootsgraph/store"
)

// Batch is one batched lookup: one database command that the loaders send.
type Batch struct {
	// Collection is the collection the command reads.
	Collection store.Collection
	// Loader names what sent it: "by_id" for a by-id loader, "by_" and the reference field for
	// a reference loader (such as "by_allianceIds"), and "level" for a Level, which asks for a
	// whole level of a query in one command per collection. The set of names is fixed.
	Loader string
	// Keys is how many keys the command asks for.
	Keys int
}

// Observer sees each batch just before its command is sent, with the context of the request
// that caused it. It returns the context to send the command with (so that it can carry a trace
// span) and a function that the loaders call with the command's outcome when it is done. An
// Observer is called from many goroutines at once.
type Observer func(ctx context.Context, b Batch) (context.Context, func(error))

// observe calls o, or does nothing when there is no observer.
func (o Observer) observe(ctx context.Context, b Batch) (context.Context, func(error)) {
	if o == nil {
		return ctx, func(error) {}
	}
	return o(ctx, b)
}
