package ui

import (
	"bytes"
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store/storetest"
)

// program runs the app in the real Bubble Tea event loop, where commands run
// beside the keys still arriving.
type program struct {
	t  *testing.T
	tm *teatest.TestModel
}

func startProgram(t *testing.T, app *domain.App, sessions *memSessions) *program {
	t.Helper()
	if sessions == nil {
		sessions = &memSessions{}
	}
	tm := teatest.NewTestModel(t, New(Options{App: app, Sessions: sessions, Loc: time.UTC}), teatest.WithInitialTermSize(100, 30))
	return &program{t: t, tm: tm}
}

// sees waits until the screen has shown text.
func (p *program) sees(text string) {
	p.t.Helper()
	teatest.WaitFor(p.t, p.tm.Output(), func(b []byte) bool {
		return bytes.Contains([]byte(ansi.Strip(string(b))), []byte(text))
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// burst sends every key of s at once, as a paste without bracketing or a
// fast typist would: \r is enter, \t tab, \x1b[Z shift+tab, \x02 left.
func (p *program) burst(s string) {
	for _, r := range s {
		switch r {
		case '\r':
			p.tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		case '\t':
			p.tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
		case '\x02':
			p.tm.Send(tea.KeyPressMsg{Code: tea.KeyLeft})
		default:
			p.tm.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
}

func (p *program) quit() {
	p.t.Helper()
	p.tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	p.tm.WaitFinished(p.t, teatest.WithFinalTimeout(5*time.Second))
}

func TestLoginTypedInOneBurst(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	p := startProgram(t, app, nil)
	p.sees("Username or email")
	p.burst("admin\r" + testPassword + "\r")
	p.sees("admin · Administrator")
	d, err := app.Users.Get(context.Background(), f.adminSess, f.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.User.FailedLogins != 0 {
		t.Fatalf("the burst counted %d failed logins", d.User.FailedLogins)
	}
	p.quit()
}

func TestSetupTypedInOneBurst(t *testing.T) {
	app := newApp(t)
	p := startProgram(t, app, nil)
	p.sees("Full name")
	p.burst("Eloise Roux\reloise\reloise@epic.test\rlong password 1\rlong password 1\r")
	p.sees("eloise · Administrator")
	u, err := app.Auth.Login(context.Background(), "eloise@epic.test", "long password 1")
	if err != nil {
		t.Fatal(err)
	}
	if u.FullName != "Eloise Roux" || u.Username != "eloise" {
		t.Fatalf("saved %q %q", u.FullName, u.Username)
	}
	p.quit()
}

func TestClientFormTypedInOneBurst(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	s := &memSessions{}
	if _, err := s.Save(f.admin); err != nil {
		t.Fatal(err)
	}
	p := startProgram(t, app, s)
	p.sees("Clients")
	p.burst("n")
	p.sees("Full name")
	// Tab and enter both move on; the sales contact is the first offered.
	p.burst("Eloise Roux\teloise@rouxe.test\r06 11 22 33 44\tRoux et Fils\r\r")
	p.sees("client Eloise Roux created")
	page, err := app.Clients.List(context.Background(), f.adminSess, domain.ClientQuery{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("clients: %+v %v", page.Items, err)
	}
	c := page.Items[0]
	if c.FullName != "Eloise Roux" || c.Email != "eloise@rouxe.test" || c.Phone != "+33611223344" ||
		c.CompanyName != "Roux et Fils" || c.SalesContactID != f.sales.ID {
		t.Fatalf("saved %+v", c)
	}
	p.quit()
}

func TestContractFormTypedInOneBurst(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	f.manyClients(t, 3)
	want := f.client(t, "Eloise Roux", "eloise@rouxe.test")
	s := &memSessions{}
	if _, err := s.Save(f.admin); err != nil {
		t.Fatal(err)
	}
	p := startProgram(t, app, s)
	p.sees("Clients")
	p.burst("2")
	p.sees("Contracts")
	p.burst("n")
	p.sees("Find a client")
	// The picker's choices come from the database while the keys go on.
	p.burst("elo\t\r50002\r500\r\x02\r")
	p.sees("contract #1 created")
	page, err := app.Contracts.List(context.Background(), f.adminSess, domain.ContractQuery{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("contracts: %+v %v", page.Items, err)
	}
	k := page.Items[0]
	if k.ClientID != want.ID || k.TotalAmount != 5000200 || k.AmountDue != 50000 || !k.Signed {
		t.Fatalf("saved %+v", k)
	}
	p.quit()
}

func TestEscCancelsASaveWaitingOnALockedDatabase(t *testing.T) {
	db := storetest.OpenSQLite(t)
	app := appOn(t, db)
	f := newFixture(t, app)
	s := &memSessions{}
	if _, err := s.Save(f.admin); err != nil {
		t.Fatal(err)
	}
	// Another program holds the write lock.
	ctx := context.Background()
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}

	p := startProgram(t, app, s)
	p.sees("Clients")
	p.burst("n")
	p.sees("Full name")
	p.burst("Eloise Roux\teloise@rouxe.test\r0611223344\tRoux\r\r")
	p.sees("esc cancels")
	p.tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	p.sees("save cancelled")
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	// The form kept what was typed: saving again needs only the last enter.
	p.burst("\r\r\r\r\r")
	p.sees("client Eloise Roux created")
	page, err := app.Clients.List(ctx, f.adminSess, domain.ClientQuery{})
	if err != nil || len(page.Items) != 1 || page.Items[0].Email != "eloise@rouxe.test" {
		t.Fatalf("clients: %+v %v", page.Items, err)
	}
	p.quit()
}
