package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"rootsgraph/bulk"
	"rootsgraph/dataset"
	"rootsgraph/store"
	"rootsgraph/telemetry"
)

// commands are the tools for curators and operators that run instead of the server:
// `go run ./server keys create --name NAME --role curator|admin`, `keys list`, `keys revoke ID`,
// `import FILE`, `export KIND`.
var commands = []string{"keys", "import", "export"}

// isCommand reports whether args (without the program name) ask for a tool rather than the server.
func isCommand(args []string) bool { return len(args) > 0 && slices.Contains(commands, args[0]) }

// tool is what every command needs: its flags (with the database settings) and a database.
type tool struct {
	name   string
	fs     *flag.FlagSet
	cfg    config
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
}

func newTool(name, usage string, getenv func(string) string, stdout, stderr io.Writer) *tool {
	t := &tool{name: name, fs: flag.NewFlagSet(name, flag.ContinueOnError), getenv: getenv, stdout: stdout, stderr: stderr}
	t.fs.SetOutput(stderr)
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	t.fs.StringVar(&t.cfg.mongoURI, "mongodb-uri", env("MONGODB_URI", ""), "`uri` MongoDB connection string; empty uses the embedded database (env MONGODB_URI)")
	t.fs.StringVar(&t.cfg.database, "database", env("ROOTS_DATABASE", "roots"), "`name` database name (env ROOTS_DATABASE, default \"roots\")")
	t.fs.StringVar(&t.cfg.dataDir, "data-dir", env("ROOTS_DATA_DIR", "./data"), "`folder` where the embedded database keeps its files (env ROOTS_DATA_DIR, default \"./data\")")
	t.fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: go run ./server %s\n\nSettings:\n", usage)
		printFlags(stderr, t.fs)
	}
	return t
}

// open opens the database the way the server does (see prepare), so that a command run before
// the first start of the server finds what the server would. On the embedded database it holds
// the data folder alone, as the server does: a command refuses to run beside a server on the same
// folder (and says so) instead of writing under it.
func (t *tool) open(ctx context.Context) (*database, error) {
	logger := slog.New(slog.NewTextHandler(t.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	t.cfg.requestTimeout = 10 * time.Second
	db, err := openDatabase(ctx, t.cfg, logger, telemetry.NewMetrics(), nil)
	if err != nil {
		return nil, err
	}
	if err := prepare(ctx, db, logger, 1); err != nil {
		db.close()
		return nil, err
	}
	return db, nil
}

// runCommand runs the tool that args (without the program name) name.
func runCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	err := func() error {
		switch args[0] {
		case "keys":
			return runKeys(ctx, args[1:], getenv, stdout, stderr)
		case "import":
			return runImport(ctx, args[1:], getenv, stdout, stderr)
		default:
			return runExport(ctx, args[1:], getenv, stdout, stderr)
		}
	}()
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func runKeys(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || !slices.Contains([]string{"create", "list", "revoke"}, args[0]) {
		return errors.New("keys: say what to do: keys create --name NAME --role curator|admin, keys list, or keys revoke ID")
	}
	verb := args[0]
	t := newTool("keys "+verb, map[string]string{
		"create": "keys create --name NAME --role curator|admin",
		"list":   "keys list",
		"revoke": "keys revoke ID|NAME",
	}[verb], getenv, stdout, stderr)
	name := t.fs.String("name", "", "`name` who holds the key, as the audit trail will name them (create)")
	role := t.fs.String("role", store.RoleCurator, "`role` curator (may change data) or admin (may also archive and read the audit trail) (create; default curator)")
	if err := t.fs.Parse(args[1:]); err != nil {
		return err
	}
	if verb == "revoke" && t.fs.NArg() != 1 {
		return errors.New("keys revoke: give the id (or name) of the key to revoke, as keys list shows it")
	}
	if verb == "create" && strings.TrimSpace(*name) == "" {
		return errors.New("keys create: --name is required: say who holds the key")
	}
	db, err := t.open(ctx)
	if err != nil {
		return err
	}
	defer db.close()
	switch verb {
	case "create":
		key, k, err := db.store.CreateKey(ctx, *name, *role, time.Now())
		if err != nil {
			return fmt.Errorf("keys create: %w", err)
		}
		fmt.Fprintf(stderr, "Created key %s for %s (%s). It is shown once, here; only its hash is stored.\n"+
			"Send it as the header  Authorization: Bearer <key>\n", k.ID, k.Name, k.Role)
		fmt.Fprintln(stdout, key)
	case "list":
		keys, err := db.store.Keys(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tROLE\tCREATED\tREVOKED")
		for _, k := range keys {
			revoked := "-"
			if k.RevokedAt != nil {
				revoked = k.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Role, k.CreatedAt.Format(time.RFC3339), revoked)
		}
		return w.Flush()
	case "revoke":
		k, err := db.store.RevokeKey(ctx, t.fs.Arg(0), time.Now())
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("keys revoke: no key has the id or name %q (keys list shows them)", t.fs.Arg(0))
		}
		if err != nil {
			return fmt.Errorf("keys revoke: %w", err)
		}
		fmt.Fprintf(stdout, "revoked %s (%s, %s)\n", k.ID, k.Name, k.Role)
	}
	return nil
}

func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	t := newTool("import", "import FILE [--dry-run] [--replace-sample]\n\nFILE is organizations*.json|csv, events*.json|csv or hubs*.json|csv in the format of dataset/README.md.",
		getenv, stdout, stderr)
	dryRun := t.fs.Bool("dry-run", false, "validate and say what would change, and write nothing")
	replace := t.fs.Bool("replace-sample", false, "remove the sample records of the file's kind that the file does not hold")
	as := t.fs.String("as", "", "`name` who the audit trail says made the change (default: cli:<your user name>)")
	if err := t.fs.Parse(reorder(args)); err != nil {
		return err
	}
	if t.fs.NArg() != 1 {
		t.fs.Usage()
		return errors.New("import: give one file")
	}
	name := t.fs.Arg(0)
	r, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer r.Close()
	file, err := dataset.ReadFile(name, r)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	db, err := t.open(ctx)
	if err != nil {
		return err
	}
	defer db.close()
	actor := *as
	if actor == "" {
		actor = "cli:" + currentUser()
	}
	progress := newProgress(stderr)
	start := time.Now()
	sum, err := bulk.Import(ctx, db.store, file, bulk.Options{
		DryRun: *dryRun, ReplaceSample: *replace, Now: time.Now(), Progress: progress,
		Actor: store.Actor{Name: actor, Role: store.RoleAdmin},
	})
	if err != nil {
		return fmt.Errorf("import %s: %w", name, err)
	}
	verb := "imported"
	if *dryRun {
		verb = "dry run, nothing written; would import"
	}
	fmt.Fprintf(stdout, "%s %d records from %s in %s\n%s\n", verb, file.Len(), name, time.Since(start).Round(time.Millisecond), sum)
	return nil
}

// reorder puts flags before the arguments, so that `import FILE --dry-run` works as well as
// `import --dry-run FILE` (the flag package stops at the first argument).
func reorder(args []string) []string {
	var flags, rest []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			flags = append(flags, a)
		} else if len(flags) > 0 && !strings.Contains(flags[len(flags)-1], "=") && takesValue(flags[len(flags)-1]) {
			flags = append(flags, a)
		} else {
			rest = append(rest, a)
		}
	}
	return append(flags, rest...)
}

// takesValue reports whether a flag of the commands is followed by its value.
func takesValue(flag string) bool {
	name := strings.TrimLeft(flag, "-")
	return slices.Contains([]string{"mongodb-uri", "database", "data-dir", "as", "format", "out", "name", "role"}, name)
}

func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

// newProgress reports an import's progress: a bar on a terminal, a plain line per step
// otherwise (logs and CI keep every line).
func newProgress(w io.Writer) func(done, total int) {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		var bar *progressbar.ProgressBar
		return func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("writing"),
					progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
			}
			_ = bar.Set(done)
		}
	}
	return func(done, total int) {
		fmt.Fprintf(w, "written %d of %d documents (%d%%; the file's records and the others they bring in step)\n", done, total, done*100/max(total, 1))
	}
}

func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	t := newTool("export", "export organizations|events|hubs [--format json|csv] [--out FILE] [--archived]", getenv, stdout, stderr)
	format := t.fs.String("format", "", "`format` json or csv (default: from --out's extension, else json)")
	out := t.fs.String("out", "", "`file` where to write (default: standard output)")
	archived := t.fs.Bool("archived", false, "include archived records")
	if err := t.fs.Parse(reorder(args)); err != nil {
		return err
	}
	if t.fs.NArg() != 1 || !slices.Contains([]string{"organizations", "events", "hubs"}, t.fs.Arg(0)) {
		t.fs.Usage()
		return errors.New("export: say what to export: organizations, events or hubs")
	}
	kind := t.fs.Arg(0) + ".json"
	if *format == "" {
		*format = "json"
		if strings.HasSuffix(strings.ToLower(*out), ".csv") {
			*format = "csv"
		}
	}
	if *format != "json" && *format != "csv" {
		return fmt.Errorf("export: --format %q: use json or csv", *format)
	}
	db, err := t.open(ctx)
	if err != nil {
		return err
	}
	defer db.close()
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer f.Close()
		w = f
	}
	n, err := bulk.Export(ctx, db.store, kind, *format == "csv", *archived, w)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if *out != "" {
		fmt.Fprintf(stderr, "exported %d %s to %s\n", n, t.fs.Arg(0), *out)
	}
	return nil
}
