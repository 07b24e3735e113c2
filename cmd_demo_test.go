package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store/storetest"
)

func TestDemoCommand(t *testing.T) {
	home := cliEnv(t)
	db := filepath.Join(home, "demo.db")
	r := runCLI(t, "", "demo", "--clients", "40", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "40 clients") {
		t.Fatalf("demo: %+v", r)
	}
	// Every role, each with a password printed once, that signs in.
	app := openApp(t, db)
	for _, role := range domain.Roles {
		var line []string
		for l := range strings.Lines(r.stdout) {
			if f := strings.Fields(l); len(f) == 3 && f[0] == role.Label() {
				line = f
				break
			}
		}
		if line == nil {
			t.Fatalf("no %s user in %q", role, r.stdout)
		}
		sess := login(t, app, line[1], line[2])
		n, err := app.Clients.Count(context.Background(), sess, domain.ClientQuery{})
		if err != nil || n != 40 {
			t.Fatalf("%s sees %d clients, %v", role, n, err)
		}
	}
	oneLine(t, runCLI(t, "", "demo", "--db", db), 1, "already holds clients")
	oneLine(t, runCLI(t, "", "demo", "--clients", "0", "--db", db), 2, "--clients must be")
}

func TestDemoNeedsMigratedPostgres(t *testing.T) {
	cliEnv(t)
	url := storetest.PostgresURL(t)
	oneLine(t, runCLI(t, "", "demo", "--clients", "5", "--db", url), 2, "migrate up")
}

// TestDemoData: what demo makes passes the forms' validation, and the
// company has contracts in every state and events of every kind.
func TestDemoData(t *testing.T) {
	h, _ := auth.NewArgon2WithParams(auth.TestParams)
	users, passwords, err := demoUsers(h)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[domain.Role]bool{}
	for i, u := range users {
		users[i].ID = int64(i + 1)
		roles[u.Role] = true
		if _, err := domain.NormalizeUsername(u.Username); err != nil {
			t.Errorf("user %q: %v", u.Username, err)
		}
		if err := domain.ValidatePassword("password", passwords[i]); err != nil {
			t.Errorf("password of %s: %v", u.Username, err)
		}
	}
	if len(roles) != len(domain.Roles) {
		t.Fatalf("roles %v, want all", roles)
	}
	now := time.Now()
	b := demoBulk(users, 3000, now)
	states := map[string]int{}
	accents, foreign := 0, 0
	for i := range b.Clients {
		c := b.Client(i)
		if _, err := domain.NormalizePhone(c.Phone); err != nil {
			t.Fatalf("client %d phone: %v", i, err)
		}
		if p, _ := domain.NormalizePhone(c.Phone); p != c.Phone {
			t.Fatalf("client %d phone %q is not E.164", i, c.Phone)
		}
		if e, err := domain.NormalizeEmail(c.Email); err != nil || e != c.Email {
			t.Fatalf("client %d email %q: %v", i, c.Email, err)
		}
		if domain.Fold(c.FullName) != strings.ToLower(c.FullName) {
			accents++
		}
		if !strings.HasPrefix(c.Phone, "+33") {
			foreign++
		}
		for _, k := range b.Contracts(c) {
			switch {
			case !k.Signed:
				states["unsigned"]++
			case k.AmountDue == k.TotalAmount:
				states["signed unpaid"]++
			case k.AmountDue > 0:
				states["partly paid"]++
			default:
				states["paid"]++
			}
			for _, e := range b.Events(c, k) {
				when := "future"
				if e.StartAt.Before(now) {
					when = "past"
				}
				support := "without support"
				if e.SupportContactID != nil {
					support = "with support"
				}
				states[when]++
				states[support]++
				if !e.EndAt.After(e.StartAt) {
					t.Fatalf("event %q ends before it starts", e.Name)
				}
			}
		}
	}
	for _, s := range []string{"unsigned", "signed unpaid", "partly paid", "paid", "past", "future", "with support", "without support"} {
		if states[s] == 0 {
			t.Errorf("no %s in %v", s, states)
		}
	}
	if accents == 0 || foreign == 0 {
		t.Errorf("%d names with accents, %d foreign phones", accents, foreign)
	}
}
