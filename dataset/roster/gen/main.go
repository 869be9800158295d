// Command gen applies the roster to the data set in the folder it is given (dataset/data) and
// writes back its organizations.json and alliances.json: `go generate ./dataset/roster`.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"rootsgraph/dataset"
	"rootsgraph/dataset/roster"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "roster:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: gen DATA_FOLDER")
	}
	dir := args[0]
	set, err := dataset.Read(os.DirFS(dir))
	if err != nil {
		return err
	}
	files, err := roster.Read()
	if err != nil {
		return err
	}
	if err := files.Apply(set); err != nil {
		return err
	}
	if problems := set.Validate(); problems != nil {
		return problems
	}
	for name, records := range map[string]any{dataset.OrganizationsFile: set.Organizations, dataset.AlliancesFile: set.Alliances} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(records); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
