package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

func TestSafeText(t *testing.T) {
	for _, c := range []struct{ in, one, lines string }{
		{"Éloïse Roux", "Éloïse Roux", "Éloïse Roux"},
		{"Hid\x1b[8mden", "Hid␛[8mden", "Hid␛[8mden"},
		{"a\nb\tc\r", "a␊b␉c␍", "a\nb c␍"},
		{"\x00\x7f\u0085", "␀␡␦", "␀␡␦"},
		{"abc\u202edef\u2066\u200e\u061c", "abc␦def␦␦␦", "abc␦def␦␦␦"},
		{"bad\xffbyte", "bad␦byte", "bad␦byte"},
		{"line\u2028sep", "line␦sep", "line␦sep"},
	} {
		if got := safeText(c.in); got != c.one {
			t.Errorf("safeText(%q) = %q, want %q", c.in, got, c.one)
		}
		if got := safeLines(c.in); got != c.lines {
			t.Errorf("safeLines(%q) = %q, want %q", c.in, got, c.lines)
		}
	}
}

// A name written straight into the database with an escape sequence that
// hides text, a bidi override and a newline is drawn with visible
// placeholders, on one line, in the table and in the details.
func TestStoredControlCharactersAreShownNotObeyed(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		app := appOn(t, db)
		f := newFixture(t, app)
		c := f.client(t, "Plain Name", "plain@client.test")
		const stored, shown = "Z\x1b[8m\u202eQ\nW", "Z␛[8m␦Q␊W"
		x := db.SQL()
		if _, err := x.ExecContext(context.Background(), x.Rebind(`UPDATE clients SET full_name = ? WHERE id = ?`), stored, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := x.ExecContext(context.Background(), x.Rebind(`UPDATE users SET full_name = ? WHERE id = ?`), "S\x1b]0;title\x07am", f.sales.ID); err != nil {
			t.Fatal(err)
		}
		h := signedInHarness(t, app, f.admin)
		obeyed := func(where string) {
			t.Helper()
			raw := h.m.View().Content
			for _, bad := range []string{"\x1b[8m", "\u202e", "\x1b]0;", "\x07"} {
				if strings.Contains(raw, bad) {
					t.Fatalf("%s: the screen sends %q to the terminal", where, bad)
				}
			}
		}
		obeyed("table")
		if l := h.line(shown); !strings.Contains(l, "plain@client.test") || !strings.Contains(l, "S␛]0;title␇am") {
			t.Fatalf("the row is not one line with its placeholders: %q\n%s", l, h.view())
		}
		h.key("enter")
		obeyed("details")
		h.mustSee("Client " + shown)
		if l := h.line("full name"); !strings.Contains(l, shown) {
			t.Fatalf("details: full name line is %q", l)
		}
		if l := h.line("sales contact"); !strings.Contains(l, "S␛]0;title␇am") {
			t.Fatalf("details: sales contact line is %q", l)
		}
		h.key("esc")
		h.key("e")
		obeyed("edit form")
		h.mustSee("Edit client", "> "+shown, "S␛]0;title␇am (sam)")
	})
}

// An error nobody foresaw (here a column the program expects is gone) shows
// as a sentence saying what to do; the driver's words go to the reporter,
// which logs them, never to the screen.
func TestUnexpectedErrorIsASentence(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		app := appOn(t, db)
		f := newFixture(t, app)
		f.client(t, "Alice Martin", "alice@client.test")
		var reported []string
		h := newHarnessWith(t, app, f, func(err error) { reported = append(reported, domain.Detail(err)) })
		h.mustSee("Alice Martin")
		if _, err := db.SQL().ExecContext(context.Background(), `ALTER TABLE clients RENAME COLUMN phone TO phone_gone`); err != nil {
			t.Fatal(err)
		}
		h.key("r")
		h.mustSee(unexpectedText[:20])
		h.mustNotSee("no such column", "does not exist", "pq:", "SQL logic error", "store:")
		if len(reported) == 0 || !strings.Contains(strings.Join(reported, "\n"), "phone") {
			t.Fatalf("the reporter did not get the driver's words: %q", reported)
		}
	})
}

// newHarnessWith starts the app signed in as the fixture's admin, handing
// every error it shows to report.
func newHarnessWith(t *testing.T, app *domain.App, f *fixture, report func(error)) *harness {
	t.Helper()
	s := &memSessions{}
	if _, err := s.Save(f.admin); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, sessions: s, m: New(Options{App: app, Sessions: s, Loc: time.UTC,
		Report: func(err error, _ domain.User) { report(err) }})}
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	h.run(h.m.Init(), 0)
	return h
}

// The screens' own refusals are sentences too, not taken for faults.
func TestOwnRefusalsAreShown(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	h := signedInHarness(t, app, f.admin)
	h.key("4")
	h.mustSee("Ada Admin")
	h.key("d")
	h.mustSee("you cannot delete yourself")
	h.key("R")
	h.mustSee("use P to change your own password")
}
