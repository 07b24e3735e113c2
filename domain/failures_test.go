package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/epicevents/epic-tui/domain"
)

// sentence fails t unless err is nil or an error people can read: a
// domain.Error whose message names no driver.
func sentence(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("%s: a raw error reaches the screen: %v", what, err)
	}
	for _, raw := range []string{"pq:", "SQL logic error", "driver:", "sqlite", "SQLSTATE", "deadlock"} {
		if strings.Contains(de.Msg, raw) {
			t.Fatalf("%s: the message quotes the driver: %q", what, de.Msg)
		}
	}
}

// Searches holding NUL, escapes or bidi controls are searches like others:
// they find nothing or something, never a driver error.
func TestSearchWithControlCharacters(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		w.newClient("sales")
		s := w.as("admin")
		for _, search := range []string{"a\x00b", "\x00", "Sam\x00", "\x1b[8m", "\u202eSam", "'\x00'", "\"\x00", "\x7f\u0085"} {
			_, err := w.app.Clients.List(w.ctx, s, domain.ClientQuery{PageQuery: domain.PageQuery{Search: search}})
			if err != nil {
				t.Fatalf("clients, search %q: %v", search, err)
			}
			if _, err := w.app.Clients.Count(w.ctx, s, domain.ClientQuery{PageQuery: domain.PageQuery{Search: search}}); err != nil {
				t.Fatalf("count clients, search %q: %v", search, err)
			}
			if _, err := w.app.Contracts.List(w.ctx, s, domain.ContractQuery{PageQuery: domain.PageQuery{Search: search}}); err != nil {
				t.Fatalf("contracts, search %q: %v", search, err)
			}
			if _, err := w.app.Events.List(w.ctx, s, domain.EventQuery{PageQuery: domain.PageQuery{Search: search}}); err != nil {
				t.Fatalf("events, search %q: %v", search, err)
			}
			if _, err := w.app.Users.List(w.ctx, s, domain.UserQuery{PageQuery: domain.PageQuery{Search: search}}); err != nil {
				t.Fatalf("users, search %q: %v", search, err)
			}
		}
	})
}

// Two administrators demoting each other at once: each ends in success or
// in a sentence, never in a driver's error (a deadlock on PostgreSQL), and
// one administrator always stays.
func TestTwoAdminsDemoteEachOther(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		for round := 0; round < 8; round++ {
			a := w.newUser("alpha"+itoa(round), domain.RoleAdmin, "Alpha")
			b := w.newUser("bravo"+itoa(round), domain.RoleAdmin, "Bravo")
			if cur, _ := w.db.User(w.ctx, w.users["admin"].ID); cur.Active && cur.Role == domain.RoleAdmin {
				_, err := w.app.Users.Update(w.ctx, w.sessionOf(a), cur.ID, cur.Version, domain.UserChanges{
					EmployeeNumber: cur.EmployeeNumber, FullName: cur.FullName, Username: cur.Username, Email: cur.Email,
					Role: domain.RoleManagement, Active: true})
				ok(t, err)
			}
			var errs [2]error
			demote := func(i int, actor, target domain.User) func() {
				return func() {
					_, errs[i] = w.app.Users.Update(w.ctx, w.sessionOf(actor), target.ID, target.Version,
						domain.UserChanges{EmployeeNumber: target.EmployeeNumber, FullName: target.FullName,
							Username: target.Username, Email: target.Email, Role: domain.RoleManagement, Active: true})
				}
			}
			race(demote(0, a, b), demote(1, b, a))
			sentence(t, "round "+itoa(round)+", alpha demotes bravo", errs[0])
			sentence(t, "round "+itoa(round)+", bravo demotes alpha", errs[1])
			n, err := w.db.CountActiveAdmins(w.ctx)
			ok(t, err)
			if n < 1 {
				t.Fatalf("round %d: no active administrator left", round)
			}
			for _, u := range []domain.User{a, b} {
				if cur, _ := w.db.User(w.ctx, u.ID); cur.Role == domain.RoleAdmin {
					w.users["admin"] = cur
				}
			}
		}
	})
}
