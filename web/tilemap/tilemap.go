// Package tilemap draws a tile-grid map of the US states, DC, the inhabited territories and the
// Canadian provinces and territories as an accessible SVG: one square per place, shaded by a
// value, labelled, with a legend, a <title> and a text summary for screen readers. It needs
// neither HTTP nor a database; server's GET /coverage.svg draws coverage with it.
package tilemap

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Value is one state's or province's value on the map.
type Value struct {
	Code  string // USPS / Canada Post code, e.g. "NY", "QC"
	Name  string // e.g. "New York"
	Value int
}

// tilePlace is one square of the tile grid.
type tilePlace struct {
	Code string
	Name string // used when the caller's Value has no name, and for places with no data
	Col  int
	Row  int
}

// tileGrid places every US state, DC, inhabited US territory and Canadian province and territory
// on a 13 × 8 grid, in reading order so that output order never depends on a map. The lower 48
// follow the familiar NPR tile grid shifted one column right; Canada sits in the two rows above,
// with Maine, Vermont, New Hampshire and Wisconsin reaching up into it as they do on a real map,
// and the gaps in row 1 standing for the Great Lakes. Alaska is top left, Hawaii bottom left next
// to the Pacific territories, and Puerto Rico and the Virgin Islands east of Florida:
//
//	AK YT NT NU .  .  .  .  .  .  NL ME NB
//	.  BC AB SK MB ON WI .  .  QC VT NH PE
//	.  WA ID MT ND MN IL MI .  NY MA .  NS
//	.  OR NV WY SD IA IN OH PA NJ CT RI .
//	.  CA UT CO NE MO KY WV VA MD DE .  .
//	.  .  AZ NM KS AR TN NC SC DC .  .  .
//	GU MP .  .  OK LA MS AL GA .  .  .  .
//	HI AS .  .  TX .  .  .  .  FL .  PR VI
var tileGrid = []tilePlace{
	{"AK", "Alaska", 0, 0},
	{"YT", "Yukon", 1, 0},
	{"NT", "Northwest Territories", 2, 0},
	{"NU", "Nunavut", 3, 0},
	{"NL", "Newfoundland and Labrador", 10, 0},
	{"ME", "Maine", 11, 0},
	{"NB", "New Brunswick", 12, 0},

	{"BC", "British Columbia", 1, 1},
	{"AB", "Alberta", 2, 1},
	{"SK", "Saskatchewan", 3, 1},
	{"MB", "Manitoba", 4, 1},
	{"ON", "Ontario", 5, 1},
	{"WI", "Wisconsin", 6, 1},
	{"QC", "Quebec", 9, 1},
	{"VT", "Vermont", 10, 1},
	{"NH", "New Hampshire", 11, 1},
	{"PE", "Prince Edward Island", 12, 1},

	{"WA", "Washington", 1, 2},
	{"ID", "Idaho", 2, 2},
	{"MT", "Montana", 3, 2},
	{"ND", "North Dakota", 4, 2},
	{"MN", "Minnesota", 5, 2},
	{"IL", "Illinois", 6, 2},
	{"MI", "Michigan", 7, 2},
	{"NY", "New York", 9, 2},
	{"MA", "Massachusetts", 10, 2},
	{"NS", "Nova Scotia", 12, 2},

	{"OR", "Oregon", 1, 3},
	{"NV", "Nevada", 2, 3},
	{"WY", "Wyoming", 3, 3},
	{"SD", "South Dakota", 4, 3},
	{"IA", "Iowa", 5, 3},
	{"IN", "Indiana", 6, 3},
	{"OH", "Ohio", 7, 3},
	{"PA", "Pennsylvania", 8, 3},
	{"NJ", "New Jersey", 9, 3},
	{"CT", "Connecticut", 10, 3},
	{"RI", "Rhode Island", 11, 3},

	{"CA", "California", 1, 4},
	{"UT", "Utah", 2, 4},
	{"CO", "Colorado", 3, 4},
	{"NE", "Nebraska", 4, 4},
	{"MO", "Missouri", 5, 4},
	{"KY", "Kentucky", 6, 4},
	{"WV", "West Virginia", 7, 4},
	{"VA", "Virginia", 8, 4},
	{"MD", "Maryland", 9, 4},
	{"DE", "Delaware", 10, 4},

	{"AZ", "Arizona", 2, 5},
	{"NM", "New Mexico", 3, 5},
	{"KS", "Kansas", 4, 5},
	{"AR", "Arkansas", 5, 5},
	{"TN", "Tennessee", 6, 5},
	{"NC", "North Carolina", 7, 5},
	{"SC", "South Carolina", 8, 5},
	{"DC", "District of Columbia", 9, 5},

	{"GU", "Guam", 0, 6},
	{"MP", "Northern Mariana Islands", 1, 6},
	{"OK", "Oklahoma", 4, 6},
	{"LA", "Louisiana", 5, 6},
	{"MS", "Mississippi", 6, 6},
	{"AL", "Alabama", 7, 6},
	{"GA", "Georgia", 8, 6},

	{"HI", "Hawaii", 0, 7},
	{"AS", "American Samoa", 1, 7},
	{"TX", "Texas", 4, 7},
	{"FL", "Florida", 9, 7},
	{"PR", "Puerto Rico", 11, 7},
	{"VI", "U.S. Virgin Islands", 12, 7},
}

// Geometry, in viewBox units. Everything, fonts included, is sized from tileSize so that the map
// keeps its proportions at any width; at the 13 columns of tileGrid the viewBox is 540 units wide,
// so a 480px widget draws tiles of about 32px with 12px codes.
const (
	tileSize     = 36
	tileGap      = 4
	tilePitch    = tileSize + tileGap
	mapMargin    = 12
	titleFont    = tileSize * 0.48
	codeFont     = tileSize * 0.38
	valueFont    = tileSize * 0.30
	legendFont   = tileSize * 0.30
	titleBand    = titleFont + 10 // from the top margin to the first tile row
	legendGap    = 14             // from the last tile row to the legend caption
	swatchWidth  = tileSize + 8
	swatchTall   = tileSize * 0.4
	fontStack    = `system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif`
	inkColour    = "#1a1a1a" // title, legend and labels on light tiles
	paperColour  = "#ffffff" // background, and labels on dark tiles
	borderColour = "#595959" // the US–Canada border
)

// tileRamp is the sequential scale: index 0 is for zero, 1–4 for the classes of positive values.
// A single blue hue stepping down in lightness (ColorBrewer Blues) stays ordered for every kind
// of colour blindness and in greyscale; zero gets its own pale blue so that "none" is a value,
// distinct from the grey hatching of "no data".
var tileRamp = [5]string{"#deebf7", "#9ecae1", "#4292c6", "#2166ac", "#08306b"}

// No-data tiles are hatched grey, which no class colour resembles.
const (
	noDataBack  = "#f2f2f2"
	noDataHatch = "#c4c4c4"
	noDataInk   = "#404040"
)

// tileScale turns values into class colours.
//
// Classes are equal steps of the maximum, not quantiles: the upper bounds are ceil(max·i/4) for
// i = 1…4, so the legend reads as plain ranges ("1–4", "5–7", "8–10", "11–13" for a maximum of 13),
// the darkest class always holds the maximum, and a partner comparing this week's map with last
// week's sees colours move only when values do. Quantiles over a few dozen skewed counts, most of
// them zero, jump about and often repeat. Bounds that repeat (a maximum below 4) are dropped, so
// small maxima get fewer, single-value classes that take the darkest colours.
type tileScale struct {
	bounds []int // inclusive upper bound of each positive class, ascending; the last is the maximum
}

// newTileScale returns the scale for values whose largest is maxValue.
func newTileScale(maxValue int) tileScale {
	var s tileScale
	if maxValue <= 0 {
		return s
	}
	q, r := maxValue/4, maxValue%4 // ceil(max·i/4) without overflowing for huge maxima
	for i := 1; i <= 4; i++ {
		b := q*i + (r*i+3)/4
		if len(s.bounds) == 0 || b > s.bounds[len(s.bounds)-1] {
			s.bounds = append(s.bounds, b)
		}
	}
	return s
}

// fill returns the colour of a tile whose value is v; zero and below take the zero colour.
func (s tileScale) fill(v int) string {
	if v <= 0 {
		return tileRamp[0]
	}
	for i, b := range s.bounds {
		if v <= b {
			return tileRamp[len(tileRamp)-len(s.bounds)+i]
		}
	}
	return tileRamp[len(tileRamp)-1]
}

// legend returns a label and colour for zero and for each positive class, lowest first.
func (s tileScale) legend() (labels, fills []string) {
	labels, fills = []string{"0"}, []string{tileRamp[0]}
	lo := 1
	for _, b := range s.bounds {
		label := shortCount(lo)
		if b > lo {
			label += "–" + shortCount(b)
		}
		labels = append(labels, label)
		fills = append(fills, s.fill(b))
		lo = b + 1
	}
	return labels, fills
}

// mapTile is one place on the grid with what the caller said about it.
type mapTile struct {
	tilePlace
	value int
	known bool // false: the place is missing from values and is drawn as "no data"
}

// Render writes an SVG tile-grid map of tileGrid's places, each square shaded by its value
// in values and labelled with its code and value, with a visible title, a legend of the classes and
// a text summary for screen readers. Codes are matched case-insensitively; a place missing from
// values is drawn hatched as "no data", a code not on the grid is ignored, and when a code repeats
// the last value wins. Values are counts: below zero is shaded as zero. measure is a plural noun
// ("organizations") used in tooltips ("New York: 9 organizations"), the legend and the summary.
//
// The SVG scales to its container (a viewBox and width="100%", no fixed size), is one accessible
// image (role="img", labelled by its leading <title> and <desc>), escapes all caller text, and is
// byte-for-byte the same for the same arguments. Ids carry a hash of the arguments so that several
// different maps can be inlined in one page.
func Render(w io.Writer, title, measure string, values []Value) error {
	byCode := make(map[string]Value, len(values))
	for _, v := range values {
		byCode[strings.ToUpper(strings.TrimSpace(v.Code))] = v
	}
	tiles := make([]mapTile, len(tileGrid))
	maxValue, cols, rows := 0, 0, 0
	for i, p := range tileGrid {
		tiles[i].tilePlace = p
		if v, ok := byCode[p.Code]; ok {
			tiles[i].value, tiles[i].known = v.Value, true
			tiles[i].Name = cmp.Or(strings.TrimSpace(v.Name), p.Name)
			maxValue = max(maxValue, v.Value)
		}
		cols, rows = max(cols, p.Col+1), max(rows, p.Row+1)
	}
	scale := newTileScale(maxValue)
	title = cmp.Or(title, "Tile map")
	id := tileMapID(title, measure, values)

	gridTop := float64(mapMargin) + titleBand
	legendTop := gridTop + float64(rows*tilePitch-tileGap) + legendGap
	width := float64(2*mapMargin + cols*tilePitch - tileGap)
	height := legendTop + tileLegendHeight + mapMargin

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="100%%" role="img" aria-labelledby="%s-title %s-desc" font-family="%s">`+"\n",
		tileNum(width), tileNum(height), id, id, tileEscape(fontStack))
	fmt.Fprintf(&b, "<title id=\"%s-title\">%s</title>\n", id, tileEscape(title))
	fmt.Fprintf(&b, "<desc id=\"%s-desc\">%s</desc>\n", id, tileEscape(tileMapSummary(measure, tiles)))
	fmt.Fprintf(&b, `<defs><pattern id="%s-nodata" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">`+
		`<rect width="6" height="6" fill="%s"/><rect width="2" height="6" fill="%s"/></pattern></defs>`+"\n",
		id, noDataBack, noDataHatch)
	fmt.Fprintf(&b, "<rect width=\"100%%\" height=\"100%%\" fill=\"%s\"/>\n", paperColour)
	titleText, titleSize := fitTitle(title, width-2*mapMargin)
	fmt.Fprintf(&b, "<text x=\"%d\" y=\"%s\" font-size=\"%s\" font-weight=\"700\" fill=\"%s\">%s</text>\n",
		mapMargin, tileNum(mapMargin+titleFont*0.8), tileNum(titleSize), inkColour, tileEscape(titleText))

	for _, t := range tiles {
		x := float64(mapMargin + t.Col*tilePitch)
		y := gridTop + float64(t.Row*tilePitch)
		fill, shown, tip := scale.fill(t.value), shortCount(t.value), t.Name+": "+fullCount(t.value)
		if measure != "" {
			tip += " " + countNoun(t.value, measure)
		}
		ink := tileLabelColour(fill)
		if !t.known {
			fill, ink, shown, tip = "url(#"+id+"-nodata)", noDataInk, "–", t.Name+": no data"
		}
		fmt.Fprintf(&b, `<g class="tile"><title>%s</title><rect x="%s" y="%s" width="%d" height="%d" rx="3" fill="%s"/>`,
			tileEscape(tip), tileNum(x), tileNum(y), tileSize, tileSize, fill)
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" font-size="%s" font-weight="600" fill="%s">%s</text>`,
			tileNum(x+tileSize/2), tileNum(y+tileSize*0.5), tileNum(codeFont), ink, tileEscape(t.Code))
		fmt.Fprintf(&b, "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"%s\" fill=\"%s\">%s</text></g>\n",
			tileNum(x+tileSize/2), tileNum(y+tileSize*0.84), tileNum(valueFont), ink, tileEscape(shown))
	}

	writeTileBorder(&b, gridTop)
	writeTileLegend(&b, scale, id, measure, legendTop)
	b.WriteString("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

// canadianCodes are the places of tileGrid in Canada; every other place is in the United States.
var canadianCodes = []string{"BC", "AB", "SK", "MB", "ON", "QC", "NB", "NS", "PE", "NL", "YT", "NT", "NU"}

// writeTileBorder draws the US–Canada border as a thin line in the gaps between neighbouring tiles
// of different countries, so that Wisconsin and New England, which reach up into the Canadian
// rows, still read as American.
func writeTileBorder(b *bytes.Buffer, gridTop float64) {
	canadian := func(col, row int) (inCanada, onGrid bool) {
		for _, p := range tileGrid {
			if p.Col == col && p.Row == row {
				return slices.Contains(canadianCodes, p.Code), true
			}
		}
		return false, false
	}
	const half = tileGap / 2.0
	var d strings.Builder
	for _, p := range tileGrid {
		here, _ := canadian(p.Col, p.Row)
		x := float64(mapMargin + p.Col*tilePitch)
		y := gridTop + float64(p.Row*tilePitch)
		if there, ok := canadian(p.Col+1, p.Row); ok && there != here {
			fmt.Fprintf(&d, "M%s %sv%d", tileNum(x+tileSize+half), tileNum(y-half), tilePitch)
		}
		if there, ok := canadian(p.Col, p.Row+1); ok && there != here {
			fmt.Fprintf(&d, "M%s %sh%d", tileNum(x-half), tileNum(y+tileSize+half), tilePitch)
		}
	}
	fmt.Fprintf(b, "<path class=\"border\" d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" stroke-linecap=\"square\"/>\n", d.String(), borderColour)
}

// tileLegendHeight is the height of the legend: a caption, a row of swatches and their labels.
const tileLegendHeight = legendFont + 6 + swatchTall + 4 + legendFont

// writeTileLegend writes the legend with its top at y: the measure as a caption, then a swatch per
// class labelled with its range, then, set apart, the hatched "no data" swatch.
func writeTileLegend(b *bytes.Buffer, scale tileScale, id, measure string, y float64) {
	b.WriteString("<g class=\"legend\">")
	if measure != "" {
		fmt.Fprintf(b, `<text x="%d" y="%s" font-size="%s" font-weight="600" fill="%s">%s</text>`,
			mapMargin, tileNum(y+legendFont*0.8), tileNum(legendFont), inkColour, tileEscape(measure))
	}
	swatchTop, labelBase := y+legendFont+6, y+legendFont+6+swatchTall+4+legendFont*0.8
	labels, fills := scale.legend()
	width := float64(swatchWidth) // wide enough for the longest label, at an estimated 0.6em a character
	for _, l := range labels {
		width = max(width, float64(len([]rune(l)))*legendFont*0.6+8)
	}
	entry := func(x float64, fill, label string) {
		fmt.Fprintf(b, `<g class="legend-entry"><rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
			tileNum(x), tileNum(swatchTop), tileNum(width), tileNum(swatchTall), fill)
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" font-size="%s" fill="%s">%s</text></g>`,
			tileNum(x+width/2), tileNum(labelBase), tileNum(legendFont), inkColour, tileEscape(label))
	}
	x := float64(mapMargin)
	for i := range labels {
		entry(x, fills[i], labels[i])
		x += width
	}
	entry(x+tileGap*4, "url(#"+id+"-nodata)", "no data")
	b.WriteString("</g>\n")
}

// tileMapSummary is the text a screen reader speaks for the map: what it shows, the three highest
// places, and how many have none or no data.
func tileMapSummary(measure string, tiles []mapTile) string {
	shadedBy := cmp.Or(measure, "value")
	var top []mapTile
	zero, missing := 0, 0
	for _, t := range tiles {
		switch {
		case !t.known:
			missing++
		case t.value <= 0:
			zero++
		default:
			top = append(top, t)
		}
	}
	slices.SortStableFunc(top, func(a, b mapTile) int {
		return cmp.Or(cmp.Compare(b.value, a.value), cmp.Compare(a.Name, b.Name))
	})

	var s strings.Builder
	fmt.Fprintf(&s, "Tile map of %d US and Canadian states, provinces and territories, shaded by %s; darker means more.", len(tiles), shadedBy)
	if len(top) == 0 {
		fmt.Fprintf(&s, " No place has any %s.", shadedBy)
	} else {
		s.WriteString(" Highest: ")
		for i, t := range top[:min(3, len(top))] {
			if i > 0 {
				s.WriteString(", ")
			}
			s.WriteString(t.Name + " " + fullCount(t.value))
		}
		s.WriteString(".")
	}
	if zero > 0 {
		s.WriteString(" " + placesHave(zero) + " none.")
	}
	if missing > 0 {
		s.WriteString(" " + placesHave(missing) + " no data.")
	}
	return s.String()
}

// countNoun returns the plural noun for n things, or its singular for exactly one ("1 hub").
func countNoun(n int, plural string) string {
	if n == 1 {
		return strings.TrimSuffix(plural, "s")
	}
	return plural
}

// placesHave returns "1 place has" or "n places have".
func placesHave(n int) string {
	if n == 1 {
		return "1 place has"
	}
	return strconv.Itoa(n) + " places have"
}

// shortCount formats n to fit a tile: as is below 10,000, then to two or three significant figures
// with a suffix ("12k", "1.2M"), so that at most four characters sit under a code.
func shortCount(n int) string {
	if n < 10000 && n > -10000 {
		return strconv.Itoa(n)
	}
	f := float64(n)
	for _, suffix := range []string{"k", "M", "B", "T", "P", "E"} {
		f /= 1000
		switch {
		case math.Abs(f) < 9.95:
			return strconv.FormatFloat(f, 'f', 1, 64) + suffix
		case math.Abs(f) < 999.5:
			return strconv.FormatFloat(f, 'f', 0, 64) + suffix
		}
	}
	return strconv.Itoa(n) // unreachable: an int is below 10 E
}

// fullCount formats n with thousands separators ("123,456"), for tooltips and the summary.
func fullCount(n int) string {
	digits := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return sign + b.String()
}

// fitTitle returns the title as drawn and its font size: full size if it fits width, else smaller
// down to three quarters, else cut short with an ellipsis (the <title> keeps it whole). Widths are
// estimated at 0.62em a character, generous for a bold sans-serif, as SVG cannot measure text.
func fitTitle(title string, width float64) (string, float64) {
	const em = 0.62
	runes := []rune(title)
	size := min(titleFont, width/(em*float64(len(runes))))
	if size >= titleFont*0.75 {
		return title, size
	}
	size = titleFont * 0.75
	keep := int(width/(em*size)) - 1
	return strings.TrimSpace(string(runes[:keep])) + "…", size
}

// tileMapID returns an id prefix that is the same for the same arguments and, in practice,
// different for different ones, so that the ids of maps inlined in one page do not collide.
func tileMapID(title, measure string, values []Value) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%q %q", title, measure)
	for _, v := range values {
		fmt.Fprintf(h, " %q %q %d", v.Code, v.Name, v.Value)
	}
	return fmt.Sprintf("tm%08x", h.Sum32())
}

// tileLabelColour returns whichever of inkColour and paperColour contrasts more with fill, an
// "#rrggbb" colour: dark text on light tiles, white on dark.
func tileLabelColour(fill string) string {
	if wcagContrast(fill, inkColour) >= wcagContrast(fill, paperColour) {
		return inkColour
	}
	return paperColour
}

// wcagContrast returns the WCAG 2 contrast ratio, from 1 to 21, of two "#rrggbb" colours.
func wcagContrast(a, b string) float64 {
	la, lb := wcagLuminance(a), wcagLuminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// wcagLuminance returns the WCAG 2 relative wcagLuminance of an "#rrggbb" colour, or 0 if it is not one.
func wcagLuminance(hex string) float64 {
	rgb, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil || len(hex) != 7 {
		return 0
	}
	channel := func(shift uint) float64 {
		c := float64(rgb>>shift&0xff) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(16) + 0.7152*channel(8) + 0.0722*channel(0)
}

// tileEscape escapes s for XML text and attribute values.
func tileEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}

// tileNum formats a coordinate with at most two decimals, the same way every time.
func tileNum(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}
