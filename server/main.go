// Command server runs Roots Graph: the It Takes Roots coalition graph as a GraphQL API over
// MongoDB, or over an embedded MongoDB-compatible server when no MongoDB URI is configured.
//
//	go run ./server            # serve on :8080 with the embedded database and the bundled data
//	go run ./server --help     # list the settings and their environment variables
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "roots-graph: %v\n", err)
		os.Exit(1)
	}
}
