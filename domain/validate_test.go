package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"06 12 34 56 78":    "+33612345678",
		"+33 6 12 34 56 78": "+33612345678",
		"0033612345678":     "+33612345678",
		"06.12.34.56.78":    "+33612345678",
		"+1 415 555 2671":   "+14155552671",
	} {
		got, err := NormalizePhone(in)
		if err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "12", "06 12", "abc", "+33 6 12 34 56 78 90 12", "06\x0012345678"} {
		if _, err := NormalizePhone(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("NormalizePhone(%q) accepted", in)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{
		"Kevin@Startup.IO":           "kevin@startup.io",
		"  a.b+tag@sub.example.org ": "a.b+tag@sub.example.org",
	} {
		got, err := NormalizeEmail(in)
		if err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "plain", "@example.com", "a@", "a@b", "a@.com", "a@b..com", "a b@c.com", "Bob <b@c.com>", "é@example.com", "a@exa\x00mple.com"} {
		if _, err := NormalizeEmail(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("NormalizeEmail(%q) accepted", in)
		}
	}
}

func TestParseAmount(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{
		{"1500", 150000},
		{"1500.5", 150050},
		{"1234.5", 123450},
		{"1234,5", 123450},
		{"1 234,56", 123456},
		{"1\u00a0234,50", 123450},
		{"1\u202f234,50", 123450},
		{"1,234.50", 123450},
		{"1.234,50", 123450},
		{"1,234,567", 123456700},
		{"1.234.567,89", 123456789},
		{"12 345 678", 1234567800},
		{"0,99", 99},
		{"12 €", 1200},
		{"€ 12,30", 1230},
		{".5", 50},
		{"0", 0},
	} {
		got, err := ParseAmount("x", c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, says string }{
		{"", "required"},
		{"-5", "negative"},
		{"1.234", "ambiguous"},
		{"1,234", "ambiguous"},
		{"12,500", "ambiguous"},
		{"1234.567", "two digits after"},
		{"12.", "two digits after"},
		{"1,2345", "two digits after"},
		{"abc", "not a number"},
		{"1,2,3", "not a number"},
		{"12 34", "not a number"},
		{"1  234", "not a number"},
		{"1,23,456.00", "not a number"},
		{"1,234.5.6", "not a number"},
		{"+5", "not a number"},
		{"1e5", "not a number"},
		{"99999999999999999999", "too large"},
	} {
		_, err := ParseAmount("x", c.in)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("ParseAmount(%q) = %v; want an error that says %q", c.in, err, c.says)
		}
	}
	if got := FormatAmount(123456789); got != "1 234 567.89 €" {
		t.Errorf("FormatAmount = %q", got)
	}
}

func TestParseDateTime(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database")
	}
	got, err := ParseDateTime("start_at", "2026-06-01 14:00", paris)
	if err != nil || !got.Equal(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)) || got.Location() != time.UTC {
		t.Fatalf("got %v, %v", got, err)
	}
	for _, in := range []string{"", "tomorrow", "2026-13-01", "01/06/2026"} {
		if _, err := ParseDateTime("start_at", in, paris); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseDateTime(%q) accepted", in)
		}
	}
}

func TestFold(t *testing.T) {
	if got := Fold("Éloïse CAFÉ"); got != "eloise cafe" {
		t.Fatalf("Fold = %q", got)
	}
	if terms := SearchTerms("  Zoé   Ñandú "); len(terms) != 2 || terms[0] != "zoe" || terms[1] != "nandu" {
		t.Fatalf("SearchTerms = %q", terms)
	}
}

func TestNamesCollapseSpaces(t *testing.T) {
	got, err := ValidateName("full_name", "full name", "  Éloïse   Roux ", true)
	if err != nil || got != "Éloïse Roux" {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := ValidateName("full_name", "full name", "Bob\nSmith", true); !errors.Is(err, ErrInvalid) {
		t.Fatal("a newline in a name was accepted")
	}
}

func TestPhoneForms(t *testing.T) {
	got := strings.Join(PhoneForms("+33612345678"), "|")
	if got != "+33612345678|+33 6 12 34 56 78|06 12 34 56 78|0612345678" {
		t.Fatalf("PhoneForms = %s", got)
	}
}

// Control and bidi characters are refused with a sentence naming the field,
// wherever they stand (a pasted line break at the end is not trimmed away);
// the notes keep their tabs and line breaks.
func TestTextRefusesControlAndBidiCharacters(t *testing.T) {
	checks := []struct {
		label string
		check func(string) error
	}{
		{"full name", func(s string) error { _, err := ValidateName("full_name", "full name", s, true); return err }},
		{"company name", func(s string) error { _, err := ValidateName("company_name", "company name", s, false); return err }},
		{"location", func(s string) error {
			_, err := cleanText("location", "location", s, 1, MaxLocationLen, false)
			return err
		}},
		{"notes", func(s string) error { _, err := cleanText("notes", "notes", s, 0, MaxNotesLen, true); return err }},
		{"username", func(s string) error { _, err := NormalizeUsername(s); return err }},
		{"employee number", func(s string) error { _, err := ValidateEmployeeNumber(s); return err }},
		{"email", func(s string) error { _, err := NormalizeEmail(s); return err }},
		{"phone", func(s string) error { _, err := NormalizePhone(s); return err }},
	}
	for _, c := range checks {
		base := "abc123"
		if c.label == "email" {
			base = "abc@example.com"
		}
		if c.label == "phone" {
			base = "0612345678"
		}
		for _, in := range []string{base + "\x1b[8m", base + "\n", "\t" + base, base + "\r", base + "\x00", base + "\u0085",
			base + "\u202e", "\u2066" + base, base + "\u200f", base + "\u061c"} {
			if c.label == "notes" && (strings.HasSuffix(in, "\n") || strings.HasPrefix(in, "\t")) {
				continue
			}
			err := c.check(in)
			if !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), c.label+" contains") || !strings.HasSuffix(err.Error(), "remove it") {
				t.Errorf("%s %q: got %v, want a sentence naming the field", c.label, in, err)
			}
		}
	}
	if got, err := cleanText("notes", "notes", "bring\tchairs\nand tables\n", 0, MaxNotesLen, true); err != nil || got != "bring\tchairs\nand tables" {
		t.Errorf("notes with tabs and line breaks: %q, %v", got, err)
	}
}
