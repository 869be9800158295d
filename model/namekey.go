package model

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// NameKey returns the form of a name that lists sort by and searches match against: accents
// removed, lower case, runs of spaces folded to one. "Peña  Coop" and "pena coop" share a key.
func NameKey(name string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, name)
	if err != nil {
		folded = name
	}
	return strings.Join(strings.Fields(strings.ToLower(folded)), " ")
}
