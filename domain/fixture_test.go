package domain_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

// world is a database with one user of each role (two of sales and
// support), and the sessions to act as them.
type world struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	app   *domain.App
	clock *clock
	users map[string]domain.User
	seq   int
}

// clock is a settable time source, so tests about expiry and throttling
// never sleep.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time          { return c.now }
func (c *clock) Advance(d time.Duration) { c.now = c.now.Add(d) }

const testPassword = "correct horse 1"

func forEachDB(t *testing.T, fn func(t *testing.T, w *world)) {
	t.Helper()
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		fn(t, newWorld(t, db))
	})
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	hasher, err := auth.NewArgon2WithParams(auth.TestParams)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{now: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	app, err := domain.New(ctx, domain.Deps{Store: db, Hasher: hasher, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, ctx: ctx, db: db, app: app, clock: clk, users: map[string]domain.User{}}
	admin, err := app.Auth.SetupAdmin(ctx, domain.NewUser{FullName: "Ada Admin", Username: "admin", Email: "admin@epic.test", Password: testPassword})
	if err != nil {
		t.Fatalf("setup admin: %v", err)
	}
	w.users["admin"] = admin
	for _, u := range []struct {
		key  string
		role domain.Role
		name string
	}{
		{"management", domain.RoleManagement, "Maud Manager"},
		{"sales", domain.RoleSales, "Sam Sales"},
		{"sales2", domain.RoleSales, "Sally Seller"},
		{"support", domain.RoleSupport, "Sue Support"},
		{"support2", domain.RoleSupport, "Stan Support"},
	} {
		w.users[u.key] = w.newUser(u.key, u.role, u.name)
	}
	return w
}

// as returns a session of the named user with the role the fixture knows,
// as a token issued now would carry it.
func (w *world) as(key string) domain.Session {
	u, ok := w.users[key]
	if !ok {
		w.t.Fatalf("no user %q", key)
	}
	s := w.sessionOf(u)
	s.Role = u.Role
	return s
}

// sessionOf is the session a token issued now for u would carry.
func (w *world) sessionOf(u domain.User) domain.Session {
	w.t.Helper()
	cur, err := w.db.User(w.ctx, u.ID)
	if err != nil {
		// Deleted: the session of the user as last known.
		cur = u
	}
	return domain.Session{UserID: u.ID, Role: cur.Role, ValidAfter: cur.TokensValidAfter}
}

func (w *world) newUser(username string, role domain.Role, name string) domain.User {
	w.t.Helper()
	u, err := w.app.Users.Create(w.ctx, w.as("admin"), domain.NewUser{
		FullName: name, Username: username, Email: username + "@epic.test", Role: role, Password: testPassword,
	})
	if err != nil {
		w.t.Fatalf("create user %s: %v", username, err)
	}
	return u
}

// newClient creates a client followed by the named sales user.
func (w *world) newClient(owner string) domain.Client {
	w.t.Helper()
	w.seq++
	c, err := w.app.Clients.Create(w.ctx, w.as("admin"), domain.ClientInput{
		FullName: "Client " + owner, Email: "client" + strconv.Itoa(w.seq) + "@example.com",
		Phone: "06 12 34 56 78", CompanyName: "Co " + owner, SalesContactID: w.users[owner].ID,
	})
	if err != nil {
		w.t.Fatalf("create client: %v", err)
	}
	return c
}

func (w *world) newContract(clientID int64, signed bool) domain.Contract {
	w.t.Helper()
	k, err := w.app.Contracts.Create(w.ctx, w.as("admin"), domain.ContractInput{ClientID: clientID, TotalAmount: 100000, AmountDue: 40000, Signed: signed})
	if err != nil {
		w.t.Fatalf("create contract: %v", err)
	}
	return k
}

// newEvent creates an event on a signed contract, with an optional support
// contact ("" for none).
func (w *world) newEvent(contractID int64, support string) domain.Event {
	w.t.Helper()
	in := eventInput(contractID, w.clock.Now())
	if support != "" {
		id := w.users[support].ID
		in.SupportContactID = &id
	}
	e, err := w.app.Events.Create(w.ctx, w.as("admin"), in)
	if err != nil {
		w.t.Fatalf("create event: %v", err)
	}
	return e
}

func eventInput(contractID int64, now time.Time) domain.EventInput {
	return domain.EventInput{
		ContractID: contractID, Name: "Gala", StartAt: now.Add(48 * time.Hour), EndAt: now.Add(52 * time.Hour),
		Location: "Lyon", Attendees: 120, Notes: "black tie",
	}
}

// auditCount counts every audit row, to prove a refused action wrote nothing.
func (w *world) auditCount() int {
	w.t.Helper()
	var n int
	if err := w.db.SQL().GetContext(w.ctx, &n, "SELECT COUNT(*) FROM audit_log"); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// rowCount counts the rows of a table.
func (w *world) rowCount(table string) int {
	w.t.Helper()
	var n int
	if err := w.db.SQL().GetContext(w.ctx, &n, "SELECT COUNT(*) FROM "+table); err != nil {
		w.t.Fatal(err)
	}
	return n
}
