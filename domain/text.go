package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold lowers s and strips its accents, so that "Éloïse" and "eloise" match.
// Search text is stored folded and search terms are folded the same way.
func Fold(s string) string {
	if ascii(s) {
		// Nothing to strip: the common case, and bulk loads fold millions.
		return strings.ToLower(s)
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// SearchText is the folded text a row is searched by: its parts joined by spaces.
func SearchText(parts ...string) string {
	return Fold(strings.Join(parts, " "))
}

// SearchTerms splits a search into folded, space-separated terms. Control
// and bidi characters, which no stored text holds, separate terms like
// spaces: a search pasted with a NUL or an escape still searches.
func SearchTerms(search string) []string {
	search = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || IsBidiControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(search, " "))
	return strings.Fields(Fold(search))
}

// IsBidiControl reports whether r changes the direction of the text around
// it (the embeddings, overrides and isolates, the marks LRM, RLM and ALM).
// Such a character makes a terminal draw the text after it out of order, so
// that what is shown is not what is stored.
func IsBidiControl(r rune) bool {
	switch {
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return r == '\u200e' || r == '\u200f' || r == '\u061c'
}
