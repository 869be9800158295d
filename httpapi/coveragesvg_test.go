package httpapi

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rootsgraph/apitest"
)

// TestCoverageSVG asks /coverage.svg for maps of each measure, with and without filters, and reads
// the value of a few known places from the tiles' tooltips; bad parameters get a 400 with a JSON
// error that says what to change, as the GraphQL API would.
func TestCoverageSVG(t *testing.T) {
	s := newTestServer(t, 1)
	cases := []struct {
		name  string
		query string
		title string            // the map's accessible name
		tiles map[string]string // tooltip by place code
	}{
		{
			name:  "OrganizationsByDefault",
			query: "",
			title: "Organizations by state and province",
			tiles: map[string]string{
				"CA": "California: 25 organizations",
				"NY": "New York: 12 organizations",
				"ON": "Ontario: 3 organizations",
				"WY": "Wyoming: 0 organizations",
			},
		},
		{
			name:  "Hubs",
			query: "?measure=hubs",
			title: "Hubs by state and province",
			tiles: map[string]string{
				"CA": "California: 2 hubs",
				"MI": "Michigan: 2 hubs",
				"NM": "New Mexico: 2 hubs",
				"NY": "New York: 1 hub",
				"ON": "Ontario: 0 hubs",
			},
		},
		{
			name:  "Events",
			query: "?measure=events&dimension=STATE",
			title: "Events by state and province",
			tiles: map[string]string{
				"NY": "New York: 1 event",
				"DC": "District of Columbia: 1 event",
				"OH": "Ohio: 1 event",
				"CA": "California: 0 events",
			},
		},
		{
			name:  "OrganizationsOfAnAlliance",
			query: "?alliances=alliance:indigenous-environmental-network",
			title: "Organizations by state and province (alliances: indigenous-environmental-network)",
			tiles: map[string]string{
				"CA": "California: 4 organizations",
				"NY": "New York: 3 organizations",
				"WY": "Wyoming: 0 organizations",
			},
		},
		{
			// Events cannot be narrowed to an alliance: every place is drawn as no data.
			name:  "EventsOfAnAllianceAreNoData",
			query: "?measure=events&alliances=alliance:indigenous-environmental-network",
			tiles: map[string]string{
				"NY": "New York: no data",
				"DC": "District of Columbia: no data",
			},
		},
		{
			name:  "Canada",
			query: "?country=CA",
			title: "Organizations by state and province (country: CA)",
			tiles: map[string]string{
				"ON": "Ontario: 3 organizations",
				"QC": "Quebec: 2 organizations",
				"NU": "Nunavut: 0 organizations",
				"CA": "California: no data",
				"NY": "New York: no data",
			},
		},
		{
			name:  "SampleHubsInTwoStates",
			query: "?measure=hubs&sample=true&states=mi,nm",
			tiles: map[string]string{
				"MI": "Michigan: 2 hubs",
				"NM": "New Mexico: 2 hubs",
				"CA": "California: no data",
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			s.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/coverage.svg"+c.query, nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d; want 200 (body %s)", rec.Code, apitest.Truncate(rec.Body.Bytes(), 300))
			}
			if got, want := rec.Header().Get("Content-Type"), "image/svg+xml; charset=utf-8"; got != want {
				t.Errorf("Content-Type %q; want %q", got, want)
			}
			svg := covSVGRead(t, rec.Body.Bytes())
			if c.title != "" && svg.Title != c.title {
				t.Errorf("title %q; want %q", svg.Title, c.title)
			}
			if len(svg.Tiles) != 69 {
				t.Errorf("%d tiles; want 69, one per state and province", len(svg.Tiles))
			}
			for code, want := range c.tiles {
				if got := svg.Tiles[code]; got != want {
					t.Errorf("tile %s: %q; want %q", code, got, want)
				}
			}
		})
	}

	// The README's picture is this server's drawing of the bundled data, not a copy that goes stale.
	t.Run("ReadmePicture", func(t *testing.T) {
		const picture = "docs/coverage-organizations.svg"
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/coverage.svg", nil))
		path := filepath.Join("..", picture)
		if apitest.Updating() {
			if err := os.WriteFile(path, rec.Body.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		shown, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(shown, rec.Body.Bytes()) {
			t.Errorf("%s differs from what GET /coverage.svg draws today: run go test ./httpapi -run TestCoverageSVG/ReadmePicture -update", picture)
		}
		readme, err := os.ReadFile("../README.md")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(readme, []byte("]("+picture+")")) {
			t.Errorf("README.md does not show %s", picture)
		}
	})

	bad := []struct {
		name  string
		query string
		words []string // what the message must name
	}{
		{"UnknownMeasure", "?measure=people", []string{"measure", `"people"`, "organizations, hubs, events"}},
		{"DimensionOtherThanState", "?dimension=ALLIANCE", []string{"dimension", "STATE"}},
		{"SampleNotABoolean", "?sample=maybe", []string{"sample", `"maybe"`, "true or false"}},
		{"UnknownCommunity", "?community=NOPE", []string{"community", `"NOPE"`}},
		{"StateName", "?states=New%20York", []string{"states", `"New York"`, "postal code"}},
		{"AllianceSlug", "?alliances=climate", []string{"alliances", `"climate"`}},
	}
	for _, c := range bad {
		t.Run("Bad/"+c.name, func(t *testing.T) {
			s.db.Commands.Reset()
			rec := httptest.NewRecorder()
			s.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/coverage.svg"+c.query, nil))
			if rec.Code != http.StatusBadRequest {
				t.Errorf("status %d; want 400", rec.Code)
			}
			if got := rec.Header().Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
				t.Errorf("Content-Type %q; want application/json", got)
			}
			var out apitest.Response
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || len(out.Errors) != 1 {
				t.Fatalf("body %s; want one error as JSON (%v)", rec.Body.Bytes(), err)
			}
			e := out.Errors[0]
			if got := e.Extensions["code"]; got != "BAD_USER_INPUT" {
				t.Errorf("extensions.code %v; want BAD_USER_INPUT", got)
			}
			for _, w := range c.words {
				if !strings.Contains(e.Message, w) {
					t.Errorf("message %q; want it to name %q", e.Message, w)
				}
			}
			if n := s.db.Commands.Total(); n != 0 {
				t.Errorf("%d database commands; want none for a bad request (%v)", n, s.db.Commands.Commands())
			}
		})
	}
}

// covSVG is what TestCoverageSVG reads from a map: its accessible name and each tile's tooltip by
// the place code drawn on the tile.
type covSVG struct {
	Title string
	Tiles map[string]string
}

func covSVGRead(t *testing.T, body []byte) covSVG {
	t.Helper()
	var doc struct {
		XMLName xml.Name `xml:"svg"`
		Title   string   `xml:"title"`
		Groups  []struct {
			Class string   `xml:"class,attr"`
			Title string   `xml:"title"`
			Texts []string `xml:"text"`
		} `xml:"g"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, apitest.Truncate(body, 500))
	}
	if doc.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Errorf("root element in namespace %q; want SVG's", doc.XMLName.Space)
	}
	out := covSVG{Title: doc.Title, Tiles: map[string]string{}}
	for _, g := range doc.Groups {
		if g.Class != "tile" || len(g.Texts) == 0 {
			continue
		}
		out.Tiles[g.Texts[0]] = g.Title
	}
	return out
}
