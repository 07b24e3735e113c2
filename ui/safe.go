package ui

import (
	"strings"
	"unicode/utf8"

	"github.com/epicevents/epic-tui/domain"
)

// safeText is s made harmless to draw on one line. Every string that comes
// from the database goes through it (or safeLines) before it reaches the
// screen: another program, an import or a direct SQL write may have stored
// what the forms refuse, and a terminal obeys what it is sent, so that
// "Hid\x1b[8m" would hide the rest of its row. Nothing is dropped, so that
// people see that something is there:
//   - C0 controls (including tab and newline) become their Control
//     Pictures symbol, U+2400 + the code: ESC shows as ␛, a newline as ␊,
//     NUL as ␀; DEL becomes ␡;
//   - C1 controls (U+0080–U+009F), bidi controls (which would draw the text
//     after them out of order: U+202A–U+202E, U+2066–U+2069, U+200E,
//     U+200F, U+061C), the line and paragraph separators U+2028 and U+2029,
//     and bytes that are not UTF-8 become ␦ (U+2426, the Control Pictures
//     symbol for a substitute). Not U+FFFD: the forms' text inputs drop
//     that one, and the placeholder would vanish from an edited value.
func safeText(s string) string { return sanitize(s, false) }

// safeLines is safeText for a text whose line breaks are its writer's (an
// event's notes): newlines stay, and tabs become a space, so that the text
// lines up in its column.
func safeLines(s string) string { return sanitize(s, true) }

func sanitize(s string, lines bool) string {
	if clean(s, lines) {
		return s
	}
	s = strings.ToValidUTF8(s, substitute)
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case lines && r == '\n':
			b.WriteRune(r)
		case lines && r == '\t':
			b.WriteByte(' ')
		case r < 0x20:
			b.WriteRune(0x2400 + r)
		case r == 0x7f:
			b.WriteRune('\u2421')
		case unsafeRune(r):
			b.WriteString(substitute)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// substitute stands for a character safeText does not draw.
const substitute = "\u2426"

// clean reports whether s needs no change: the common case, checked
// without allocating.
func clean(s string, lines bool) bool {
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return false
			}
		case lines && r == '\n':
		case r < 0x20, r == 0x7f, unsafeRune(r):
			return false
		}
	}
	return true
}

// unsafeRune reports the characters above ASCII that safeText replaces.
func unsafeRune(r rune) bool {
	return r >= 0x80 && r <= 0x9f || r == '\u2028' || r == '\u2029' || domain.IsBidiControl(r)
}
