package telemetry

import (
	"context"
	"io"
	"log/slog"
	"os"
)

// NewLogger logs JSON, one object per line, unless w is a terminal, where text is easier to read.
func NewLogger(w io.Writer, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if f, ok := w.(*os.File); ok && isTerminal(f) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// LevelFloor passes on only records at or above a level, whatever the wrapped handler allows.
type LevelFloor struct {
	slog.Handler
	Floor slog.Level
}

func (h LevelFloor) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.Floor && h.Handler.Enabled(ctx, l)
}

func (h LevelFloor) WithAttrs(attrs []slog.Attr) slog.Handler {
	return LevelFloor{h.Handler.WithAttrs(attrs), h.Floor}
}

func (h LevelFloor) WithGroup(name string) slog.Handler {
	return LevelFloor{h.Handler.WithGroup(name), h.Floor}
}
