package dataset

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"
)

//go:embed data/*.json
var bundled embed.FS

// Bundled returns the data set that ships in the binary: the facts of the announcement, the
// reference data of states and provinces, and the sample roster and hubs.
func Bundled() fs.FS {
	sub, err := fs.Sub(bundled, "data")
	if err != nil {
		panic(err) // the embedded folder is fixed at build time
	}
	return sub
}

// StateCodes returns the postal codes of every state, district, territory and province the data
// knows (read once from the bundled reference data, which no change alters), so that a filter
// naming another code can be refused before any database command.
var StateCodes = sync.OnceValue(func() map[string]bool {
	var states []State
	raw, err := fs.ReadFile(Bundled(), StatesFile)
	if err == nil {
		err = json.Unmarshal(raw, &states)
	}
	if err != nil {
		panic(fmt.Sprintf("bundled %s: %v", StatesFile, err)) // fixed at build time, and tested
	}
	out := make(map[string]bool, len(states))
	for _, s := range states {
		out[s.Code] = true
	}
	return out
})

// Set is a whole data set as read from its files.
type Set struct {
	States        []State
	Alliances     []Alliance
	Organizations []Organization
	Events        []Event
	Hubs          []Hub
}

// The file names of a data set.
const (
	StatesFile        = "states.json"
	AlliancesFile     = "alliances.json"
	OrganizationsFile = "organizations.json"
	EventsFile        = "events.json"
	HubsFile          = "hubs.json"
)

// Read parses the five files of a data set from fsys. It checks only that each file is a JSON
// array of records with known fields; Validate checks what the records say.
func Read(fsys fs.FS) (*Set, error) {
	var s Set
	var errs []error
	for _, f := range []struct {
		name string
		into any
	}{
		{StatesFile, &s.States},
		{AlliancesFile, &s.Alliances},
		{OrganizationsFile, &s.Organizations},
		{EventsFile, &s.Events},
		{HubsFile, &s.Hubs},
	} {
		if err := readJSON(fsys, f.name, f.into); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &s, nil
}

func readJSON(fsys fs.FS, name string, into any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("read %s: something follows the array; a file holds exactly one JSON array", name)
	}
	return nil
}
