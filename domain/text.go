package domain

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold lowers s and strips its accents, so that "Éloïse" and "eloise" match.
// Search text is stored folded and search terms are folded the same way.
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// SearchText is the folded text a row is searched by: its parts joined by spaces.
func SearchText(parts ...string) string {
	return Fold(strings.Join(parts, " "))
}

// SearchTerms splits a search into folded, space-separated terms.
func SearchTerms(search string) []string {
	return strings.Fields(Fold(search))
}
