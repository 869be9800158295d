package httpapi

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readmeExample is a GraphQL operation shown in a README, with the answer shown after it (empty
// when none is).
type readmeExample struct {
	file, answer, query string
	line                int
}

// readmeExamples returns the GraphQL operations of a Markdown file: each ```graphql block that
// is an operation (schema definitions are not), with the ```json block that follows it, if the
// next block is one.
func readmeExamples(t *testing.T, path string) []readmeExample {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type block struct {
		lang, text string
		line       int
	}
	var blocks []block
	var cur *block
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &block{lang: strings.TrimPrefix(line, "```"), line: n}
		case cur != nil && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		}
	}
	var out []readmeExample
	for i, b := range blocks {
		q := strings.TrimSpace(b.text)
		if b.lang != "graphql" || strings.HasPrefix(q, "extend ") || strings.HasPrefix(q, "type ") {
			continue
		}
		e := readmeExample{file: filepath.Base(path), query: q, line: b.line}
		if i+1 < len(blocks) && blocks[i+1].lang == "json" {
			e.answer = blocks[i+1].text
		}
		out = append(out, e)
	}
	return out
}

// shownMatches reports where an answer differs from the one a README shows, or "" when it does
// not. The shown answer may abbreviate a string: one that ends with "…" stands for every string
// that begins with what precedes it.
func shownMatches(path string, shown, got any) string {
	switch s := shown.(type) {
	case string:
		g, ok := got.(string)
		if prefix, cut := strings.CutSuffix(s, "…"); cut && ok && strings.HasPrefix(g, prefix) {
			return ""
		}
		if ok && g == s {
			return ""
		}
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(s) {
			break
		}
		for k, v := range s {
			gv, found := g[k]
			if !found {
				return fmt.Sprintf("%s.%s: missing", path, k)
			}
			if d := shownMatches(path+"."+k, v, gv); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(s) {
			break
		}
		for i := range s {
			if d := shownMatches(fmt.Sprintf("%s[%d]", path, i), s[i], g[i]); d != "" {
				return d
			}
		}
		return ""
	default:
		if fmt.Sprint(shown) == fmt.Sprint(got) {
			return ""
		}
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(shown)
	return fmt.Sprintf("%s: shown %.300s; got %.300s", path, w, g)
}

// TestReadmeExamples runs every GraphQL operation that README.md and dataset/README.md show
// against the bundled data, through the real handler, and compares each answer with the one
// shown after it (a mutation as a curator, on a database of its own). An operation shown with no
// answer must succeed.
func TestReadmeExamples(t *testing.T) {
	var examples []readmeExample
	for _, p := range []string{"../README.md", "../dataset/README.md"} {
		examples = append(examples, readmeExamples(t, p)...)
	}
	if len(examples) < 6 {
		t.Fatalf("found %d examples; the READMEs show more: is the parser right?", len(examples))
	}
	s := newTestServer(t, 1)
	key := s.keys().Curator
	for _, e := range examples {
		t.Run(fmt.Sprintf("%s:%d", e.file, e.line), func(t *testing.T) {
			srv := s
			if strings.HasPrefix(e.query, "mutation") {
				srv = newTestServer(t, 1) // a change must not move the other examples' answers
				key = srv.keys().Curator
			}
			_, r := srv.postAs("Bearer "+key, e.query, nil)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %+v", r.Errors)
			}
			if e.answer == "" {
				return
			}
			var shown, got any
			if err := json.Unmarshal([]byte(e.answer), &shown); err != nil {
				t.Fatalf("the shown answer is not JSON: %v", err)
			}
			if err := json.Unmarshal([]byte(`{"data":`+string(r.Data)+`}`), &got); err != nil {
				t.Fatal(err)
			}
			if d := shownMatches("", shown, got); d != "" {
				t.Errorf("the answer differs from the one shown at line %d: %s", e.line, d)
			}
		})
	}
}
