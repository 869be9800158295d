package tilemap

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

// sampleTileValues has a clear top three, zeros, a lower-case code, a code not on the grid and no
// value at all for Yukon, Nunavut or Guam.
var sampleTileValues = []Value{
	{Code: "CA", Name: "California", Value: 13},
	{Code: "ny", Name: "New York", Value: 9},
	{Code: "TX", Name: "Texas", Value: 7},
	{Code: "NM", Name: "New Mexico", Value: 6},
	{Code: "QC", Name: "Québec", Value: 1},
	{Code: "AK", Name: "Alaska", Value: 0},
	{Code: "ON", Name: "Ontario", Value: 0},
	{Code: "ZZ", Name: "Nowhere", Value: 99},
}

func TestTileMap(t *testing.T) {
	tests := []struct {
		name           string
		title, measure string
		values         []Value
		check          func(t *testing.T, out []byte, svg *svgNode)
	}{
		{
			name: "IsOneLabelledScalableImage", title: "Organizations", measure: "organizations", values: sampleTileValues,
			check: func(t *testing.T, _ []byte, svg *svgNode) {
				if svg.space != "http://www.w3.org/2000/svg" || svg.name != "svg" {
					t.Fatalf("root is {%s}%s; want an svg element in the SVG namespace", svg.space, svg.name)
				}
				for attr, want := range map[string]string{"role": "img", "width": "100%"} {
					if got := svg.attr[attr]; got != want {
						t.Errorf("svg %s=%q; want %q", attr, got, want)
					}
				}
				if got := strings.Fields(svg.attr["viewBox"]); len(got) != 4 {
					t.Errorf("svg viewBox=%q; want four numbers", svg.attr["viewBox"])
				}
				if got, ok := svg.attr["height"]; ok {
					t.Errorf("svg height=%q; want none, so that the map scales with its width", got)
				}
				if len(svg.children) < 2 || svg.children[0].name != "title" || svg.children[1].name != "desc" {
					t.Fatalf("svg starts with %v; want title, desc", svgChildNames(svg))
				}
				title, desc := svg.children[0], svg.children[1]
				want := []string{title.attr["id"], desc.attr["id"]}
				if got := strings.Fields(svg.attr["aria-labelledby"]); !slices.Equal(got, want) || want[0] == "" || want[1] == "" {
					t.Errorf("svg aria-labelledby=%q; want the ids of its title and desc, %q", svg.attr["aria-labelledby"], want)
				}
				if title.text != "Organizations" {
					t.Errorf("title %q; want %q", title.text, "Organizations")
				}
			},
		},
		{
			name: "DrawsOneTitledTilePerPlace", measure: "organizations", values: sampleTileValues,
			check: func(t *testing.T, _ []byte, svg *svgNode) {
				tiles := mapTiles(t, svg)
				if len(tiles) != len(tileGrid) {
					t.Errorf("%d tiles; want one for each of the %d places", len(tiles), len(tileGrid))
				}
				for _, p := range tileGrid {
					if tiles[p.Code].tooltip == "" {
						t.Errorf("tile %s has no <title>; want one so that hovering names it", p.Code)
					}
				}
				if _, ok := tiles["ZZ"]; ok {
					t.Errorf("a tile for ZZ, which is not on the grid; want it ignored")
				}
			},
		},
		{
			name: "ShadesTheTopPlaceDarkest", measure: "organizations", values: sampleTileValues,
			check: func(t *testing.T, _ []byte, svg *svgNode) {
				ca := mapTiles(t, svg)["CA"]
				if want := tileRamp[len(tileRamp)-1]; ca.fill != want {
					t.Errorf("CA (13, the maximum) is %s; want the darkest class, %s", ca.fill, want)
				}
				if want := "California: 13 organizations"; ca.tooltip != want {
					t.Errorf("CA tooltip %q; want %q", ca.tooltip, want)
				}
				if ca.value != "13" {
					t.Errorf("CA shows %q; want %q", ca.value, "13")
				}
			},
		},
		{
			name: "ShadesZeroPaleButNotAsNoData", measure: "organizations", values: sampleTileValues,
			check: func(t *testing.T, _ []byte, svg *svgNode) {
				ak := mapTiles(t, svg)["AK"]
				if ak.fill != tileRamp[0] {
					t.Errorf("AK (0) is %s; want the zero colour, %s", ak.fill, tileRamp[0])
				}
				if want := "Alaska: 0 organizations"; ak.tooltip != want {
					t.Errorf("AK tooltip %q; want %q", ak.tooltip, want)
				}
			},
		},
		{
			name: "HatchesMissingPlacesAsNoData", measure: "organizations", values: sampleTileValues,
			check: func(t *testing.T, _ []byte, svg *svgNode) {
				tiles := mapTiles(t, svg)
				legend := legendSwatches(t, svg)
				for code, name := range map[string]string{"YT": "Yukon", "NU": "Nunavut", "GU": "Guam"} {
					tile := tiles[code]
					if tile.fill != legend["no data"] || !strings.HasPrefix(tile.fill, "url(#") {
						t.Errorf("%s (missing) is %s; want the hatched no-data pattern of the legend, %s", code, tile.fill, legend["no data"])
					}
					if want := name + ": no data"; tile.tooltip != want {
						t.Errorf("%s tooltip %q; want %q", code, tile.tooltip, want)
					}
				}
			},
		},
		{
			name: "MatchesCodesInAnyCaseAndKeepsCallerNames", measure: "organizations", values: sampleTileValues,
			check: func(t *testing.T, _ []byte, svg *svgNode) {
				tiles := mapTiles(t, svg)
				if want := "New York: 9 organizations"; tiles["NY"].tooltip != want {
					t.Errorf("NY (given as ny) tooltip %q; want %q", tiles["NY"].tooltip, want)
				}
				if want := "Québec: 1 organization"; tiles["QC"].tooltip != want {
					t.Errorf("QC tooltip %q; want %q", tiles["QC"].tooltip, want)
				}
			},
		},
		{
			name: "LabelsContrastWithTheirTiles", measure: "organizations",
			values: []Value{{Code: "CA", Value: 16}, {Code: "NY", Value: 12}, {Code: "TX", Value: 8}, {Code: "NM", Value: 4}, {Code: "WA"}},
			check: func(t *testing.T, _ []byte, svg *svgNode) {
				for code, tile := range mapTiles(t, svg) {
					if strings.HasPrefix(tile.fill, "url(") {
						continue
					}
					if got := wcagContrast(tile.fill, tile.ink); got < 4.5 {
						t.Errorf("%s label %s on %s has contrast %.2f; want at least 4.5", code, tile.ink, tile.fill, got)
					}
				}
			},
		},
		{
			name: "SummarisesForScreenReaders", measure: "organizations", values: sampleTileValues,
			check: func(t *testing.T, _ []byte, svg *svgNode) {
				desc := svg.children[1].text
				for _, want := range []string{
					"Tile map of 69 US and Canadian states, provinces and territories, shaded by organizations",
					"Highest: California 13, New York 9, Texas 7.",
					"2 places have none.",
					fmt.Sprintf("%d places have no data.", len(tileGrid)-7),
				} {
					if !strings.Contains(desc, want) {
						t.Errorf("desc %q; want it to contain %q", desc, want)
					}
				}
			},
		},
		{
			name: "SaysWhenNothingIsAboveZero", measure: "events", values: []Value{{Code: "CA"}},
			check: func(t *testing.T, _ []byte, svg *svgNode) {
				desc := svg.children[1].text
				for _, want := range []string{"No place has any events.", "1 place has none.", "68 places have no data."} {
					if !strings.Contains(desc, want) {
						t.Errorf("desc %q; want it to contain %q", desc, want)
					}
				}
			},
		},
		{
			name: "AbbreviatesBigValuesOnTilesOnly", measure: "members", values: []Value{{Code: "CA", Name: "California", Value: 123456}, {Code: "NY", Value: 9999}},
			check: func(t *testing.T, _ []byte, svg *svgNode) {
				tiles := mapTiles(t, svg)
				if got, want := tiles["CA"].value, "123k"; got != want {
					t.Errorf("CA shows %q; want %q, short enough for its tile", got, want)
				}
				if got, want := tiles["NY"].value, "9999"; got != want {
					t.Errorf("NY shows %q; want %q", got, want)
				}
				if got, want := tiles["CA"].tooltip, "California: 123,456 members"; got != want {
					t.Errorf("CA tooltip %q; want %q", got, want)
				}
				if desc, want := svg.children[1].text, "Highest: California 123,456, New York 9,999."; !strings.Contains(desc, want) {
					t.Errorf("desc %q; want it to contain %q", desc, want)
				}
			},
		},
		{
			name: "CutsOverlongTitlesButNotTheirAccessibleName", title: strings.Repeat("Organizations ", 10), measure: "organizations",
			check: func(t *testing.T, _ []byte, svg *svgNode) {
				drawn := svg.first("text").text
				if !strings.HasSuffix(drawn, "…") || len(drawn) >= len(strings.Repeat("Organizations ", 10)) {
					t.Errorf("drawn title %q; want it cut short with an ellipsis", drawn)
				}
				if got, want := svg.children[0].text, strings.Repeat("Organizations ", 10); got != want {
					t.Errorf("<title> %q; want the whole title %q", got, want)
				}
			},
		},
		{
			name: "EscapesCallerText", title: `Orgs <&> "x"`, measure: `<b>orgs</b>`, values: sampleTileValues,
			check: func(t *testing.T, out []byte, svg *svgNode) {
				for _, raw := range []string{`<&>`, `<b>`} {
					if bytes.Contains(out, []byte(raw)) {
						t.Errorf("output contains %q unescaped", raw)
					}
				}
				if got, want := svg.children[0].text, `Orgs <&> "x"`; got != want {
					t.Errorf("title reads %q; want %q", got, want)
				}
				if got, want := mapTiles(t, svg)["CA"].tooltip, "California: 13 <b>orgs</b>"; got != want {
					t.Errorf("CA tooltip reads %q; want %q", got, want)
				}
			},
		},
		{
			name: "GivesTheSameBytesForTheSameInput", title: "Organizations", measure: "organizations", values: sampleTileValues,
			check: func(t *testing.T, out []byte, _ *svgNode) {
				if again := renderTileMapForTest(t, "Organizations", "organizations", sampleTileValues); !bytes.Equal(out, again) {
					t.Errorf("two renderings of the same input differ:\n%s\n---\n%s", out, again)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := renderTileMapForTest(t, tt.title, tt.measure, tt.values)
			tt.check(t, out, parseSVG(t, out))
		})
	}
}

// TestTileMapLegend checks that the legend's classes are equal steps of the maximum, that repeats
// collapse for small maxima, and that the maximum is always in the darkest class.
func TestTileMapLegend(t *testing.T) {
	tests := []struct {
		name     string
		maxValue int
		want     []string
	}{
		{"Thirteen", 13, []string{"0", "1–4", "5–7", "8–10", "11–13", "no data"}},
		{"Hundred", 100, []string{"0", "1–25", "26–50", "51–75", "76–100", "no data"}},
		{"Five", 5, []string{"0", "1–2", "3", "4", "5", "no data"}},
		{"Two", 2, []string{"0", "1", "2", "no data"}},
		{"One", 1, []string{"0", "1", "no data"}},
		{"AllZero", 0, []string{"0", "no data"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := []Value{{Code: "CA", Value: tt.maxValue}, {Code: "NY", Value: 0}}
			svg := parseSVG(t, renderTileMapForTest(t, "Map", "organizations", values))
			legend := legendSwatches(t, svg)
			var got []string
			for _, e := range findSVG(svg, svgClass("legend-entry")) {
				got = append(got, e.first("text").text)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("legend %q; want %q", got, tt.want)
			}
			tiles := mapTiles(t, svg)
			top := tt.want[len(tt.want)-2]
			if tiles["CA"].fill != legend[top] {
				t.Errorf("CA (%d, the maximum) is %s; want the colour of the last class %q, %s", tt.maxValue, tiles["CA"].fill, top, legend[top])
			}
			if darkest := tileRamp[len(tileRamp)-1]; tt.maxValue > 0 && tiles["CA"].fill != darkest {
				t.Errorf("CA (%d, the maximum) is %s; want the darkest colour, %s", tt.maxValue, tiles["CA"].fill, darkest)
			}
			if tiles["NY"].fill != legend["0"] {
				t.Errorf("NY (0) is %s; want the legend's zero colour, %s", tiles["NY"].fill, legend["0"])
			}
		})
	}
}

// TestTileMapGrid checks the layout table: every place once, no two on one square, and all 50
// states, DC, five territories and 13 provinces and territories.
func TestTileMapGrid(t *testing.T) {
	codes := map[string]bool{}
	squares := map[[2]int]string{}
	for _, p := range tileGrid {
		if codes[p.Code] {
			t.Errorf("%s is on the grid twice", p.Code)
		}
		codes[p.Code] = true
		if other, ok := squares[[2]int{p.Col, p.Row}]; ok {
			t.Errorf("%s and %s share square %d,%d", other, p.Code, p.Col, p.Row)
		}
		squares[[2]int{p.Col, p.Row}] = p.Code
	}
	if got, want := len(tileGrid), 50+1+5+13; got != want {
		t.Errorf("%d places; want %d", got, want)
	}
	for _, code := range append([]string{"DC", "PR", "VI", "GU", "AS", "MP"}, canadianCodes...) {
		if !codes[code] {
			t.Errorf("%s is not on the grid", code)
		}
	}
}

// renderTileMapForTest renders a map, failing the test on an error.
func renderTileMapForTest(t *testing.T, title, measure string, values []Value) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, title, measure, values); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return b.Bytes()
}

// svgNode is an element of a parsed SVG document.
type svgNode struct {
	space, name string
	attr        map[string]string
	children    []*svgNode
	text        string // the character data directly inside the element
}

// parseSVG decodes every token of out, failing the test if it is not well-formed XML, and returns
// the root element.
func parseSVG(t *testing.T, out []byte) *svgNode {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(out))
	var root *svgNode
	var open []*svgNode
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("output is not well-formed XML: %v\n%s", err, out)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &svgNode{space: tok.Name.Space, name: tok.Name.Local, attr: map[string]string{}}
			for _, a := range tok.Attr {
				n.attr[a.Name.Local] = a.Value
			}
			if len(open) == 0 {
				root = n
			} else {
				parent := open[len(open)-1]
				parent.children = append(parent.children, n)
			}
			open = append(open, n)
		case xml.EndElement:
			open = open[:len(open)-1]
		case xml.CharData:
			if len(open) > 0 {
				open[len(open)-1].text += string(tok)
			}
		}
	}
	if root == nil {
		t.Fatalf("output has no root element:\n%s", out)
	}
	return root
}

// first returns n's first child element called name, or an empty node.
func (n *svgNode) first(name string) *svgNode {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return &svgNode{attr: map[string]string{}}
}

// findSVG returns the elements under n, in document order, for which match is true.
func findSVG(n *svgNode, match func(*svgNode) bool) []*svgNode {
	var found []*svgNode
	for _, c := range n.children {
		if match(c) {
			found = append(found, c)
		}
		found = append(found, findSVG(c, match)...)
	}
	return found
}

// svgClass matches elements whose class attribute is class.
func svgClass(class string) func(*svgNode) bool {
	return func(n *svgNode) bool { return n.attr["class"] == class }
}

// svgChildNames lists the names of n's child elements.
func svgChildNames(n *svgNode) []string {
	var names []string
	for _, c := range n.children {
		names = append(names, c.name)
	}
	return names
}

// drawnTile is what a reader sees of one tile.
type drawnTile struct {
	tooltip, fill, ink, value string
}

// mapTiles returns the tiles of svg by the code written on them, failing on a repeated code.
func mapTiles(t *testing.T, svg *svgNode) map[string]drawnTile {
	t.Helper()
	tiles := map[string]drawnTile{}
	for _, g := range findSVG(svg, svgClass("tile")) {
		var texts []*svgNode
		for _, c := range g.children {
			if c.name == "text" {
				texts = append(texts, c)
			}
		}
		if len(texts) != 2 {
			t.Fatalf("tile %q has %d texts; want a code and a value", g.first("title").text, len(texts))
		}
		code := texts[0].text
		if _, ok := tiles[code]; ok {
			t.Errorf("two tiles labelled %s", code)
		}
		tiles[code] = drawnTile{
			tooltip: g.first("title").text,
			fill:    g.first("rect").attr["fill"],
			ink:     texts[0].attr["fill"],
			value:   texts[1].text,
		}
	}
	return tiles
}

// legendSwatches returns the colour of each legend swatch by its label.
func legendSwatches(t *testing.T, svg *svgNode) map[string]string {
	t.Helper()
	swatches := map[string]string{}
	for _, e := range findSVG(svg, svgClass("legend-entry")) {
		swatches[e.first("text").text] = e.first("rect").attr["fill"]
	}
	if _, ok := swatches["no data"]; !ok {
		t.Fatalf("legend %v has no \"no data\" swatch", swatches)
	}
	return swatches
}
