package domain

import (
	"fmt"
	"math"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// Length limits, mirrored by CHECK constraints in the schema.
const (
	MaxNameLen        = 120
	MaxEmailLen       = 254
	MaxLocationLen    = 200
	MaxNotesLen       = 2000
	MaxEmployeeNumLen = 32
	MinPasswordLen    = 8
	MaxPasswordLen    = 64
	MaxAttendees      = 1_000_000
	// MaxAmount bounds amounts (cents) well below int64 overflow.
	MaxAmount = int64(1e15)
)

// DefaultPhoneRegion is the region assumed for phone numbers written without
// an international prefix, such as "06 12 34 56 78".
const DefaultPhoneRegion = "FR"

var (
	usernameRe       = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,31}$`)
	employeeNumberRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)
)

// cleanText trims spaces around s and refuses control characters (newlines
// and tabs only when multiline), bidi controls and text longer than max
// characters. Characters are refused, never dropped: a line break or an
// escape at the end of a pasted name is checked before the trim, so what is
// saved is what was typed.
func cleanText(field, label, s string, min, max int, multiline bool) (string, error) {
	if err := plainText(field, label, s, multiline); err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	if !multiline {
		// "Éloïse   Roux" is "Éloïse Roux": runs of spaces are a typing slip.
		s = strings.Join(strings.Fields(s), " ")
	}
	n := utf8.RuneCountInString(s)
	if n < min {
		if min == 1 {
			return "", invalid(field, "%s is required", label)
		}
		return "", invalid(field, "%s must be at least %d characters", label, min)
	}
	if n > max {
		return "", invalid(field, "%s must be at most %d characters (it has %d)", label, max, n)
	}
	return s, nil
}

// plainText refuses what no text field holds: invalid UTF-8, control
// characters (but tabs and newlines when multiline) and bidi controls, which
// make a terminal draw the text after them in another order than it is
// stored. Each message names the field and says what to do.
func plainText(field, label, s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return invalid(field, "%s is not valid text; type it again", label)
	}
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\t'):
		case IsBidiControl(r):
			return invalid(field, "%s contains a character that reverses the text direction (%U); remove it", label, r)
		case unicode.IsControl(r):
			return invalid(field, "%s contains a control character (%U); remove it", label, r)
		}
	}
	return nil
}

// ValidateName checks a person's, company's or event's name.
func ValidateName(field, label, s string, required bool) (string, error) {
	min := 0
	if required {
		min = 1
	}
	return cleanText(field, label, s, min, MaxNameLen, false)
}

// NormalizeEmail validates an email address and returns it lowercased.
func NormalizeEmail(s string) (string, error) {
	s, err := cleanText("email", "email", s, 1, MaxEmailLen, false)
	if err != nil {
		return "", err
	}
	for _, r := range s {
		if r > unicode.MaxASCII || unicode.IsSpace(r) {
			return "", invalid("email", "email %q is not a valid address", s)
		}
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return "", invalid("email", "email %q is not a valid address", s)
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if at < 1 || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "", invalid("email", "email %q is not a valid address", s)
	}
	return strings.ToLower(s), nil
}

// NormalizePhone validates a phone number and returns it in E.164 form.
// Numbers without a country prefix are read as French.
func NormalizePhone(s string) (string, error) {
	s, err := cleanText("phone", "phone", s, 1, 40, false)
	if err != nil {
		return "", err
	}
	n, err := phonenumbers.Parse(s, DefaultPhoneRegion)
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", invalid("phone", "phone %q is not a valid number (for example 06 12 34 56 78 or +33 6 12 34 56 78)", s)
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// FormatPhone shows an E.164 number the way people read it.
func FormatPhone(e164 string) string {
	n, err := phonenumbers.Parse(e164, DefaultPhoneRegion)
	if err != nil {
		return e164
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
}

// PhoneForms are the ways people write a stored E.164 number, so a search
// finds it however it is typed: +33612345678, +33 6 12 34 56 78,
// 06 12 34 56 78 and 0612345678.
func PhoneForms(e164 string) []string {
	n, err := phonenumbers.Parse(e164, DefaultPhoneRegion)
	if err != nil {
		return []string{e164}
	}
	national := phonenumbers.Format(n, phonenumbers.NATIONAL)
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, national)
	return []string{e164, phonenumbers.Format(n, phonenumbers.INTERNATIONAL), national, digits}
}

// NormalizeUsername validates a username and returns it lowercased.
func NormalizeUsername(s string) (string, error) {
	if err := plainText("username", "username", s, false); err != nil {
		return "", err
	}
	u := strings.ToLower(strings.TrimSpace(s))
	if u == "" {
		return "", invalid("username", "username is required")
	}
	if !usernameRe.MatchString(u) {
		return "", invalid("username", "username must be 3 to 32 letters, digits, dots, dashes or underscores, starting with a letter or digit")
	}
	return u, nil
}

// ValidateEmployeeNumber checks an employee number; empty means "assign one".
func ValidateEmployeeNumber(s string) (string, error) {
	if err := plainText("employee_number", "employee number", s, false); err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if !employeeNumberRe.MatchString(s) {
		return "", invalid("employee_number", "employee number must be 1 to %d letters, digits, dots, dashes or underscores", MaxEmployeeNumLen)
	}
	return s, nil
}

// ValidatePassword applies the password policy: 8 to 64 characters, no
// control characters.
func ValidatePassword(field, pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return invalid(field, "password must be at least %d characters", MinPasswordLen)
	}
	if n > MaxPasswordLen {
		return invalid(field, "password must be at most %d characters", MaxPasswordLen)
	}
	for _, r := range pw {
		if unicode.IsControl(r) {
			return invalid(field, "password contains a control character")
		}
	}
	return nil
}

// ParseAmount reads an amount of money and returns it in cents. The cents
// follow a dot or a comma; groups of three digits may be set apart by spaces
// (no-break ones too), or by whichever of dot and comma is not the decimal
// mark: "1234.5", "1 234,50", "1,234.50", "1.234,50" and "1234,5" all read.
// A lone dot or comma followed by three digits ("1,234") reads either as
// thousands or as a decimal mark: it is refused with how to write it.
func ParseAmount(field, s string) (int64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(t, "€"), "€"))
	t = strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(t)
	if t == "" {
		return 0, invalid(field, "amount is required")
	}
	if strings.HasPrefix(t, "-") {
		return 0, invalid(field, "amount %q cannot be negative", s)
	}
	notNumber := invalid(field, "amount %q is not a number (for example 1500, 1 500,50 or 1,500.50)", s)
	whole, frac, hasFrac, groups := t, "", false, " "
	dots, commas := strings.Count(t, "."), strings.Count(t, ",")
	switch {
	case dots > 0 && commas > 0:
		// Both: the last one is the decimal mark, the other groups.
		i := max(strings.LastIndex(t, "."), strings.LastIndex(t, ","))
		whole, frac, hasFrac = t[:i], t[i+1:], true
		if t[i] == '.' {
			groups += ","
		} else {
			groups += "."
		}
	case dots == 1 || commas == 1:
		mark, name := ".", "dot"
		if commas == 1 {
			mark, name = ",", "comma"
		}
		whole, frac, _ = strings.Cut(t, mark)
		hasFrac = true
		if len(frac) == 3 && isDigits(frac) && isDigits(whole) && len(whole) <= 3 {
			return 0, invalid(field, "amount %q is ambiguous: for whole euros write %s%s or %s %s; for cents put one or two digits after the %s",
				s, whole, frac, whole, frac, name)
		}
	case dots > 1:
		groups += "."
	case commas > 1:
		groups += ","
	}
	digits, ok := ungroup(whole, groups)
	if !ok {
		return 0, notNumber
	}
	if digits == "" {
		digits = "0"
	}
	if hasFrac && (len(frac) == 0 || len(frac) > 2) {
		return 0, invalid(field, "amount %q must have one or two digits after the decimal mark", s)
	}
	if hasFrac && !isDigits(frac) {
		return 0, notNumber
	}
	for len(frac) < 2 {
		frac += "0"
	}
	if len(strings.TrimLeft(digits, "0")) > 15 {
		return 0, invalid(field, "amount %q is too large", s)
	}
	w, _ := strconv.ParseInt(digits, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	if w > MaxAmount/100 {
		return 0, invalid(field, "amount %q is too large", s)
	}
	return w*100 + f, nil
}

// ungroup checks the digits of a whole number, alone or in groups of three
// after the first set apart by one of seps, and returns them joined.
func ungroup(whole, seps string) (string, bool) {
	parts := strings.FieldsFunc(whole, func(r rune) bool { return strings.ContainsRune(seps, r) })
	if len(parts) == 0 {
		return "", strings.TrimSpace(whole) == ""
	}
	// FieldsFunc drops empty parts: a doubled or trailing separator must
	// still be refused.
	if len(strings.Join(parts, "x")) != len(strings.TrimSpace(whole)) {
		return "", false
	}
	for i, p := range parts {
		if !isDigits(p) || (len(parts) > 1 && (i > 0 && len(p) != 3 || i == 0 && len(p) > 3)) {
			return "", false
		}
	}
	return strings.Join(parts, ""), true
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// FormatAmount shows cents as euros: "1 234.50 €".
func FormatAmount(cents int64) string {
	sign := ""
	if cents < 0 {
		sign = "-"
		if cents == math.MinInt64 {
			return "-∞"
		}
		cents = -cents
	}
	whole := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteRune(' ')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s%s.%02d €", sign, b.String(), cents%100)
}

// DateTimeLayout is how dates and times are written in forms.
const DateTimeLayout = "2006-01-02 15:04"

// ParseDateTime reads "2026-06-01 14:00" (or a date alone, meaning midnight)
// in loc and returns it in UTC.
func ParseDateTime(field, s string, loc *time.Location) (time.Time, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return time.Time{}, invalid(field, "date is required")
	}
	for _, layout := range []string{DateTimeLayout, "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02"} {
		if v, err := time.ParseInLocation(layout, t, loc); err == nil {
			return v.UTC(), nil
		}
	}
	return time.Time{}, invalid(field, "date %q must look like 2026-06-01 14:00", s)
}
