package dataset

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// A roster file holds the records of one kind, as JSON (an array, the format of the bundled
// files) or as CSV (one row per record, the same fields as columns; see README.md). Its name says
// which kind: organizations.json, events-2026.csv, hubs.csv, ...

// Kinds of records a roster file may hold, named by their data set file.
var fileKinds = []string{OrganizationsFile, EventsFile, HubsFile}

// File is a roster file as read: the records of one kind, and the line each record starts on.
type File struct {
	// Kind is the data set file the records belong in: OrganizationsFile, EventsFile or HubsFile.
	Kind          string
	Organizations []Organization
	Events        []Event
	Hubs          []Hub
	// Lines holds, for each record in order, the line of the file it starts on (from 1).
	Lines []int
	// Problems are the values that could not be read as their field's type (a CSV cell "north"
	// for lat, a JSON string where a list belongs, an unknown JSON field). Each record is kept with
	// such fields empty, so that validation can report the record's other problems too.
	Problems []ReadProblem
}

// ReadProblem is a value of a record that could not be read.
type ReadProblem struct {
	Record int // index in the file's records
	Field  string
	Reason string
}

// Len returns how many records the file holds.
func (f *File) Len() int { return len(f.Lines) }

// Slug returns the slug of the i-th record.
func (f *File) Slug(i int) string {
	switch f.Kind {
	case OrganizationsFile:
		return f.Organizations[i].Slug
	case EventsFile:
		return f.Events[i].Slug
	}
	return f.Hubs[i].Slug
}

// KindOf returns the kind of records a file of the given name holds, and whether it is CSV.
func KindOf(name string) (kind string, isCSV bool, err error) {
	base := strings.ToLower(filepath.Base(name))
	ext := filepath.Ext(base)
	if ext != ".json" && ext != ".csv" {
		return "", false, fmt.Errorf("%s: the file must be .json or .csv", name)
	}
	for _, k := range fileKinds {
		if strings.HasPrefix(base, strings.TrimSuffix(k, ".json")) {
			return k, ext == ".csv", nil
		}
	}
	return "", false, fmt.Errorf("%s: the name must start with organizations, events or hubs, to say what the file holds", name)
}

// ReadFile reads a roster file of the given name. It fails on the first thing that keeps the file
// from being read at all (JSON syntax, a CSV header with an unknown column, a row with the wrong
// number of cells), with its line; a value that is not of its field's type is a ReadProblem in
// f.Problems, and what the records say is checked by validation, which reports every problem.
func ReadFile(name string, r io.Reader) (*File, error) {
	kind, isCSV, err := KindOf(name)
	if err != nil {
		return nil, err
	}
	f := &File{Kind: kind}
	var into any
	switch kind {
	case OrganizationsFile:
		into = &f.Organizations
	case EventsFile:
		into = &f.Events
	default:
		into = &f.Hubs
	}
	if isCSV {
		f.Lines, f.Problems, err = readCSV(r, into)
	} else {
		f.Lines, f.Problems, err = readJSONRecords(r, into)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return f, nil
}

// readJSONRecords decodes an array of records into (a pointer to a slice), noting the line each
// starts on. Each record's fields are decoded one by one, so that every field of the wrong type
// (and every unknown field) is a problem of its own.
func readJSONRecords(r io.Reader, into any) ([]int, []ReadProblem, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, err
	}
	lineAt := func(off int64) int { return bytes.Count(b[:min(int(off), len(b))], []byte("\n")) + 1 }
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return nil, nil, errors.New("line 1: the file must hold one JSON array of records")
	}
	slice := reflect.ValueOf(into).Elem()
	t := slice.Type().Elem()
	byName := map[string]column{}
	for _, c := range columnsOf(t) {
		byName[c.name] = c
	}
	var lines []int
	var problems []ReadProblem
	for dec.More() {
		// The record starts at the first byte after the previous token that is not a space or a
		// comma.
		off := dec.InputOffset()
		for off < int64(len(b)) && strings.ContainsRune(" \t\r\n,", rune(b[off])) {
			off++
		}
		n := len(lines)
		var fields map[string]json.RawMessage
		if err := dec.Decode(&fields); err != nil {
			var syntax *json.SyntaxError
			if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, nil, fmt.Errorf("line %d: record %d: %w", lineAt(off), n+1, err)
			}
			problems = append(problems, ReadProblem{n, "record", "is not a JSON object of fields"})
		}
		rec := reflect.New(t).Elem()
		for _, name := range slices.Sorted(maps.Keys(fields)) {
			c, ok := byName[name]
			if !ok {
				problems = append(problems, ReadProblem{n, name, "unknown field (see dataset/README.md for the fields)"})
				continue
			}
			fd := json.NewDecoder(bytes.NewReader(fields[name]))
			fd.DisallowUnknownFields()
			if err := fd.Decode(rec.Field(c.field).Addr().Interface()); err != nil {
				rec.Field(c.field).SetZero()
				problems = append(problems, ReadProblem{n, name, jsonReason(err)})
			}
		}
		slice.Set(reflect.Append(slice, rec))
		lines = append(lines, lineAt(off))
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, fmt.Errorf("line %d: %w", lineAt(dec.InputOffset()), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, fmt.Errorf("line %d: something follows the array; a file holds exactly one JSON array", lineAt(dec.InputOffset()))
	}
	return lines, problems, nil
}

// jsonReason says what is wrong with a field's JSON value, in the file's terms rather than Go's.
func jsonReason(err error) string {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		want := map[reflect.Kind]string{reflect.String: "a string", reflect.Bool: "true or false", reflect.Slice: "a list",
			reflect.Float64: "a number", reflect.Int: "a whole number", reflect.Struct: "an object", reflect.Pointer: "a value"}[typ.Type.Kind()]
		if want == "" {
			want = "a " + typ.Type.String()
		}
		if typ.Field != "" {
			return fmt.Sprintf("%s: is a JSON %s, not %s", typ.Field, typ.Value, want)
		}
		return fmt.Sprintf("is a JSON %s, not %s", typ.Value, want)
	}
	if msg, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return "unknown field " + msg
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// CSV columns are the JSON fields of the record type, in order. Lists are one cell with the
// values separated by ";" (they are slugs, codes and enum values, which never hold one). Sources
// take two columns each, source1_title and source1_url, source2_title, ..., so that a title may
// hold any text.

const listSeparator = ";"

type column struct {
	name  string
	field int // index in the struct
}

func columnsOf(t reflect.Type) []column {
	var out []column
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		out = append(out, column{name, i})
	}
	return out
}

var sourcesType = reflect.TypeFor[[]Source]()

func readCSV(r io.Reader, into any) ([]int, []ReadProblem, error) {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("line 1: the file has no header row: %w", err)
	}
	slice := reflect.ValueOf(into).Elem()
	t := slice.Type().Elem()
	byName := map[string]column{}
	for _, c := range columnsOf(t) {
		byName[c.name] = c
	}
	type sourceCol struct {
		n    int
		part string
	}
	fieldOf := make([]*column, len(header))
	sourceOf := make([]*sourceCol, len(header))
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) // spreadsheets add a byte-order mark
		if c, ok := byName[h]; ok && t.Field(c.field).Type != sourcesType {
			fieldOf[i] = &c
			continue
		}
		var n int
		var part string
		if _, err := fmt.Sscanf(h, "source%d_%s", &n, &part); err == nil && n >= 1 && (part == "title" || part == "url" || part == "date") {
			sourceOf[i] = &sourceCol{n, part}
			continue
		}
		return nil, nil, fmt.Errorf("line 1: unknown column %q (the columns are the JSON fields; sources are source1_title, source1_url, source1_date, ...)", h)
	}
	var lines []int
	var problems []ReadProblem
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, nil, fmt.Errorf("line %d: %w", line, err)
		}
		if len(row) != len(header) {
			return nil, nil, fmt.Errorf("line %d: %d cells; the header has %d", line, len(row), len(header))
		}
		rec := reflect.New(t).Elem()
		var sources []Source
		for i, cell := range row {
			if s := sourceOf[i]; s != nil {
				for len(sources) < s.n {
					sources = append(sources, Source{})
				}
				switch s.part {
				case "title":
					sources[s.n-1].Title = cell
				case "url":
					sources[s.n-1].URL = cell
				default:
					sources[s.n-1].Date = strings.TrimSpace(cell)
				}
				continue
			}
			if err := setCell(rec.Field(fieldOf[i].field), cell); err != nil {
				rec.Field(fieldOf[i].field).SetZero()
				problems = append(problems, ReadProblem{len(lines), strings.TrimSpace(header[i]), err.Error()})
			}
		}
		// Columns left empty for a record with fewer sources than the widest one.
		sources = slices.DeleteFunc(sources, func(s Source) bool { return s == Source{} })
		for i := range t.NumField() {
			if t.Field(i).Type == sourcesType {
				rec.Field(i).Set(reflect.ValueOf(sources))
			}
		}
		slice.Set(reflect.Append(slice, rec))
		lines = append(lines, line)
	}
	return lines, problems, nil
}

func setCell(v reflect.Value, cell string) error {
	cell = strings.TrimSpace(cell)
	switch v.Kind() {
	case reflect.String:
		v.SetString(cell)
	case reflect.Bool:
		if cell == "" {
			return nil
		}
		b, err := strconv.ParseBool(cell)
		if err != nil {
			return fmt.Errorf("%q is not true or false", cell)
		}
		v.SetBool(b)
	case reflect.Float64:
		f, err := strconv.ParseFloat(cell, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", cell)
		}
		v.SetFloat(f)
	case reflect.Pointer: // *float64: empty for none
		if cell == "" {
			return nil
		}
		f, err := strconv.ParseFloat(cell, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", cell)
		}
		v.Set(reflect.ValueOf(&f))
	case reflect.Slice:
		if cell == "" {
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Struct { // memberships, participations: JSON
			dec := json.NewDecoder(strings.NewReader(cell))
			dec.DisallowUnknownFields()
			if err := dec.Decode(v.Addr().Interface()); err != nil {
				return fmt.Errorf("is not a JSON array of %s: %s", v.Type().Elem().Name(), jsonReason(err))
			}
			return nil
		}
		var out []string // []string
		for _, s := range strings.Split(cell, listSeparator) {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		v.Set(reflect.ValueOf(out))
	}
	return nil
}

// WriteFile writes records (a slice of Organization, Event or Hub) as a roster file: JSON (an
// indented array) or CSV, which ReadFile reads back to the same records.
func WriteFile(w io.Writer, records any, isCSV bool) error {
	if !isCSV {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(records)
	}
	slice := reflect.ValueOf(records)
	t := slice.Type().Elem()
	cols := columnsOf(t)
	most, dated := 0, false
	for i := range slice.Len() {
		for _, c := range cols {
			if f := slice.Index(i).Field(c.field); f.Type() == sourcesType {
				most = max(most, f.Len())
				for _, s := range f.Interface().([]Source) {
					dated = dated || s.Date != ""
				}
			}
		}
	}
	var header []string
	for _, c := range cols {
		if t.Field(c.field).Type == sourcesType {
			for n := 1; n <= most; n++ {
				header = append(header, fmt.Sprintf("source%d_title", n), fmt.Sprintf("source%d_url", n))
				if dated { // a file whose sources have no dates keeps the columns it always had
					header = append(header, fmt.Sprintf("source%d_date", n))
				}
			}
			continue
		}
		header = append(header, c.name)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for i := range slice.Len() {
		var row []string
		for _, c := range cols {
			v := slice.Index(i).Field(c.field)
			switch {
			case v.Type() == sourcesType:
				for n := range most {
					var s Source
					if n < v.Len() {
						s = v.Index(n).Interface().(Source)
					}
					row = append(row, s.Title, s.URL)
					if dated {
						row = append(row, s.Date)
					}
				}
			case v.Kind() == reflect.String:
				row = append(row, v.String())
			case v.Kind() == reflect.Bool:
				row = append(row, strconv.FormatBool(v.Bool()))
			case v.Kind() == reflect.Float64:
				row = append(row, strconv.FormatFloat(v.Float(), 'f', -1, 64))
			case v.Kind() == reflect.Pointer:
				if v.IsNil() {
					row = append(row, "")
				} else {
					row = append(row, strconv.FormatFloat(v.Elem().Float(), 'f', -1, 64))
				}
			case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Struct:
				var cell strings.Builder
				if v.Len() > 0 {
					enc := json.NewEncoder(&cell)
					enc.SetEscapeHTML(false)
					if err := enc.Encode(v.Interface()); err != nil {
						return err
					}
				}
				row = append(row, strings.TrimSuffix(cell.String(), "\n"))
			case v.Kind() == reflect.Slice:
				row = append(row, strings.Join(v.Interface().([]string), listSeparator))
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
