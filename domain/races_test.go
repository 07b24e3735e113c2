package domain_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
)

// race runs the functions at the same moment and waits for them.
func race(fns ...func()) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, fn := range fns {
		wg.Add(1)
		go func() { defer wg.Done(); <-start; fn() }()
	}
	close(start)
	wg.Wait()
}

func TestTwoAdminsCannotRemoveEachOther(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		for round := 0; round < 5; round++ {
			a := w.newUser("alpha"+itoa(round), domain.RoleAdmin, "Alpha")
			b := w.newUser("bravo"+itoa(round), domain.RoleAdmin, "Bravo")
			// Leave only a and b active.
			for _, key := range []string{"admin"} {
				u, _ := w.db.User(w.ctx, w.users[key].ID)
				if u.Active {
					_, err := w.app.Users.Update(w.ctx, w.sessionOf(a), u.ID, u.Version, domain.UserChanges{
						EmployeeNumber: u.EmployeeNumber, FullName: u.FullName, Username: u.Username, Email: u.Email, Role: u.Role, Active: false})
					ok(t, err)
				}
			}
			deactivate := func(actor, target domain.User) func() {
				return func() {
					w.app.Users.Update(w.ctx, w.sessionOf(actor), target.ID, target.Version,
						domain.UserChanges{EmployeeNumber: target.EmployeeNumber, FullName: target.FullName, Username: target.Username, Email: target.Email, Role: domain.RoleAdmin, Active: false})
				}
			}
			race(deactivate(a, b), deactivate(b, a))
			n, err := w.db.CountActiveAdmins(w.ctx)
			ok(t, err)
			if n < 1 {
				t.Fatalf("round %d: no active administrator left", round)
			}
			// Make the survivor the fixture's admin for the next round.
			for _, u := range []domain.User{a, b} {
				if cur, _ := w.db.User(w.ctx, u.ID); cur.Active {
					w.users["admin"] = cur
				}
			}
		}
	})
}

func TestUnsignRacesEventCreation(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		client := w.newClient("sales")
		for round := 0; round < 5; round++ {
			k := w.newContract(client.ID, true)
			race(func() {
				w.app.Events.Create(w.ctx, w.as("sales"), eventInput(k.ID, w.clock.Now()))
			}, func() {
				w.app.Contracts.Update(w.ctx, w.as("management"), k.ID, k.Version, domain.ContractInput{
					ClientID: k.ClientID, TotalAmount: k.TotalAmount, AmountDue: k.AmountDue, Signed: false})
			})
			got, _ := w.db.Contract(w.ctx, k.ID)
			n, err := w.db.CountEvents(w.ctx, domain.EventQuery{ContractID: k.ID})
			ok(t, err)
			if !got.Signed && n > 0 {
				t.Fatalf("round %d: an unsigned contract has %d event(s)", round, n)
			}
		}
	})
}

func TestSupportWithEventsKeepsRole(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		w.newEvent(w.newContract(w.newClient("sales").ID, true).ID, "support")
		s := w.users["support"]
		_, err := w.app.Users.Update(w.ctx, w.as("management"), s.ID, s.Version, domain.UserChanges{
			EmployeeNumber: s.EmployeeNumber, FullName: s.FullName, Username: s.Username, Email: s.Email, Role: domain.RoleSales, Active: true})
		wantKind(t, err, domain.ErrReferenced, "support contact of 1 event")
	})
}

func TestConcurrentFailedLoginsAllCount(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		var fns []func()
		for range 4 {
			fns = append(fns, func() { w.app.Auth.Login(w.ctx, "sales", "wrong password") })
		}
		race(fns...)
		u, err := w.db.User(w.ctx, w.users["sales"].ID)
		ok(t, err)
		if u.FailedLogins != 4 {
			t.Fatalf("%d failures counted, want 4", u.FailedLogins)
		}
		w.clock.Advance(time.Hour)
	})
}

func TestUserListsCarryNoPasswordHash(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		p, err := w.app.Users.List(w.ctx, w.as("support"), domain.UserQuery{})
		ok(t, err)
		d, err := w.app.Users.Get(w.ctx, w.as("sales"), w.users["admin"].ID)
		ok(t, err)
		for _, u := range append(p.Items, d.User) {
			if u.PasswordHash != "" {
				t.Fatalf("user %s handed out with its password hash", u.Username)
			}
		}
	})
}

func itoa(i int) string { return string(rune('a' + i)) }

func TestUnknownLoginThrottleOutlivesTheProcess(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		for range domain.ThrottleAfter - 1 {
			w.app.Auth.Login(w.ctx, "ghost", "secret guess")
		}
		// A new program on the same database remembers.
		hasher, _ := auth.NewArgon2WithParams(auth.TestParams)
		again, err := domain.New(w.ctx, domain.Deps{Store: w.db, Hasher: hasher, Now: w.clock.Now})
		ok(t, err)
		_, err = again.Auth.Login(w.ctx, "ghost", "secret guess")
		var th *domain.ThrottledError
		if !errors.As(err, &th) {
			t.Fatalf("unknown login after a restart: %v, want throttled like an account", err)
		}
		var plain int
		ok(t, w.db.SQL().GetContext(w.ctx, &plain, "SELECT COUNT(*) FROM unknown_logins WHERE login_hash LIKE '%ghost%'"))
		if plain != 0 {
			t.Fatal("the login name is stored in clear")
		}
	})
}
