package domain_test

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

func TestClientOwnership(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		in := domain.ClientInput{FullName: "Kévin Casey", Email: "Kevin@Startup.io", Phone: "06 12 34 56 78", CompanyName: "Cool Startup LLC"}
		c, err := w.app.Clients.Create(w.ctx, w.as("sales"), in)
		ok(t, err)
		if c.SalesContactID != w.users["sales"].ID || c.SalesContactName != "Sam Sales" {
			t.Fatalf("client belongs to %d %q, want its creator", c.SalesContactID, c.SalesContactName)
		}
		if c.Email != "kevin@startup.io" || c.Phone != "+33612345678" {
			t.Fatalf("stored %q %q, want lowercased email and E.164 phone", c.Email, c.Phone)
		}

		// A sales person cannot hand a new client to someone else.
		in.Email, in.SalesContactID = "other@startup.io", w.users["sales2"].ID
		_, err = w.app.Clients.Create(w.ctx, w.as("sales"), in)
		wantKind(t, err, domain.ErrForbidden, "administrator")

		// An admin must pick an active sales user.
		in.SalesContactID = 0
		_, err = w.app.Clients.Create(w.ctx, w.as("admin"), in)
		wantKind(t, err, domain.ErrInvalid, "sales contact")
		in.SalesContactID = w.users["support"].ID
		_, err = w.app.Clients.Create(w.ctx, w.as("admin"), in)
		wantKind(t, err, domain.ErrInvalid, "active sales user")

		// Only an admin reassigns.
		_, err = w.app.Clients.Update(w.ctx, w.as("sales"), c.ID, c.Version, domain.ClientInput{
			FullName: c.FullName, Email: c.Email, Phone: c.Phone, CompanyName: c.CompanyName, SalesContactID: w.users["sales2"].ID})
		wantKind(t, err, domain.ErrForbidden, "reassign")
		k := w.newContract(c.ID, true)
		if k.SalesContactID != w.users["sales"].ID {
			t.Fatalf("contract sales contact %d, want the client's", k.SalesContactID)
		}
		c, err = w.app.Clients.Update(w.ctx, w.as("admin"), c.ID, c.Version, domain.ClientInput{
			FullName: c.FullName, Email: c.Email, Phone: c.Phone, CompanyName: c.CompanyName, SalesContactID: w.users["sales2"].ID})
		ok(t, err)
		// The contract's sales contact follows the client's: derived, not stored.
		k, err = w.db.Contract(w.ctx, k.ID)
		ok(t, err)
		if k.SalesContactID != w.users["sales2"].ID || k.SalesContactName != "Sally Seller" {
			t.Fatalf("contract sales contact %d %q after reassignment", k.SalesContactID, k.SalesContactName)
		}
		// Now the old owner may no longer edit it.
		_, err = w.app.Clients.Update(w.ctx, w.as("sales"), c.ID, c.Version, domain.ClientInput{FullName: "x", Email: c.Email, Phone: c.Phone})
		wantKind(t, err, domain.ErrForbidden, "sales contact")
	})
}

func TestEventsNeedSignedOwnContracts(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		mine := w.newClient("sales")
		theirs := w.newClient("sales2")
		unsigned := w.newContract(mine.ID, false)
		signed := w.newContract(mine.ID, true)
		other := w.newContract(theirs.ID, true)

		_, err := w.app.Events.Create(w.ctx, w.as("sales"), eventInput(unsigned.ID, w.clock.Now()))
		wantKind(t, err, domain.ErrInvalid, "not signed")
		_, err = w.app.Events.Create(w.ctx, w.as("sales"), eventInput(other.ID, w.clock.Now()))
		wantKind(t, err, domain.ErrForbidden, "your own clients")
		in := eventInput(signed.ID, w.clock.Now())
		sup := w.users["support"].ID
		in.SupportContactID = &sup
		_, err = w.app.Events.Create(w.ctx, w.as("sales"), in)
		wantKind(t, err, domain.ErrForbidden, "only management")
		e, err := w.app.Events.Create(w.ctx, w.as("sales"), eventInput(signed.ID, w.clock.Now()))
		ok(t, err)
		if e.SupportContactID != nil || e.ClientID != mine.ID || e.SalesContactID != w.users["sales"].ID {
			t.Fatalf("event %+v", e)
		}

		// The picker offers only signed contracts of the sales person's clients.
		ks, err := w.app.Events.EventContracts(w.ctx, w.as("sales"), "", 0)
		ok(t, err)
		if len(ks) != 1 || ks[0].ID != signed.ID {
			t.Fatalf("event contracts for sales = %+v, want only %d", ks, signed.ID)
		}

		// A contract with events cannot be unsigned, nor change client, nor be deleted.
		signed, _ = w.db.Contract(w.ctx, signed.ID)
		_, err = w.app.Contracts.Update(w.ctx, w.as("management"), signed.ID, signed.Version, domain.ContractInput{
			ClientID: signed.ClientID, TotalAmount: signed.TotalAmount, AmountDue: signed.AmountDue, Signed: false})
		wantKind(t, err, domain.ErrReferenced, "cannot be unsigned")
		_, err = w.app.Contracts.Update(w.ctx, w.as("management"), signed.ID, signed.Version, domain.ContractInput{
			ClientID: theirs.ID, TotalAmount: signed.TotalAmount, AmountDue: signed.AmountDue, Signed: true})
		wantKind(t, err, domain.ErrReferenced, "client cannot change")
		wantKind(t, w.app.Contracts.Delete(w.ctx, w.as("admin"), signed.ID, signed.Version, ""), domain.ErrReferenced, "1 event")
		wantKind(t, w.app.Clients.Delete(w.ctx, w.as("admin"), mine.ID, mine.Version, ""), domain.ErrReferenced, "2 contract")
		// Without events, unsigning is fine.
		_, err = w.app.Contracts.Update(w.ctx, w.as("management"), other.ID, other.Version, domain.ContractInput{
			ClientID: other.ClientID, TotalAmount: other.TotalAmount, AmountDue: other.AmountDue, Signed: false})
		ok(t, err)
	})
}

func TestSupportAssignmentAndLimits(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		k := w.newContract(w.newClient("sales").ID, true)
		e := w.newEvent(k.ID, "")
		in := eventInput(k.ID, w.clock.Now())

		// Only active support users can be assigned.
		for _, who := range []string{"sales", "management"} {
			id := w.users[who].ID
			in.SupportContactID = &id
			_, err := w.app.Events.Update(w.ctx, w.as("management"), e.ID, e.Version, in)
			wantKind(t, err, domain.ErrInvalid, "active support user")
		}
		s2 := w.users["support2"]
		_, err := w.app.Users.Update(w.ctx, w.as("admin"), s2.ID, s2.Version, domain.UserChanges{
			EmployeeNumber: s2.EmployeeNumber, FullName: s2.FullName, Username: s2.Username, Email: s2.Email, Role: s2.Role, Active: false})
		ok(t, err)
		in.SupportContactID = &s2.ID
		_, err = w.app.Events.Update(w.ctx, w.as("management"), e.ID, e.Version, in)
		wantKind(t, err, domain.ErrInvalid, "active support user")

		sup := w.users["support"].ID
		in.SupportContactID = &sup
		e, err = w.app.Events.Update(w.ctx, w.as("management"), e.ID, e.Version, in)
		ok(t, err)
		if e.SupportContactName != "Sue Support" {
			t.Fatalf("support contact %q", e.SupportContactName)
		}

		// The support contact edits dates, location, attendees and notes...
		in.Notes, in.Location, in.Attendees = "vegan menu", "Paris", 80
		in.StartAt, in.EndAt = in.StartAt.Add(time.Hour), in.EndAt.Add(time.Hour)
		e, err = w.app.Events.Update(w.ctx, w.as("support"), e.ID, e.Version, in)
		ok(t, err)
		if e.Notes != "vegan menu" || e.Location != "Paris" || e.Attendees != 80 {
			t.Fatalf("support edit not saved: %+v", e)
		}
		// ...but not the name, the contract or the support contact.
		bad := in
		bad.Name = "Renamed"
		_, err = w.app.Events.Update(w.ctx, w.as("support"), e.ID, e.Version, bad)
		wantKind(t, err, domain.ErrForbidden, "not its name")
		bad = in
		bad.SupportContactID = nil
		_, err = w.app.Events.Update(w.ctx, w.as("support"), e.ID, e.Version, bad)
		wantKind(t, err, domain.ErrForbidden, "only management")
		bad = in
		bad.ContractID = w.newContract(w.newClient("sales").ID, true).ID
		_, err = w.app.Events.Update(w.ctx, w.as("support"), e.ID, e.Version, bad)
		wantKind(t, err, domain.ErrForbidden, "another contract")
		// Another support user cannot edit it at all.
		_, err = w.app.Events.Update(w.ctx, w.as("support2"), e.ID, e.Version, in)
		if err == nil {
			t.Fatal("support2 edited an event that is not theirs")
		}
		// End before start is refused.
		bad = in
		bad.EndAt = bad.StartAt.Add(-time.Minute)
		_, err = w.app.Events.Update(w.ctx, w.as("support"), e.ID, e.Version, bad)
		wantKind(t, err, domain.ErrInvalid, "end after it starts")
	})
}

func TestDeleteRefusalsNameWhatBlocks(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		c := w.newClient("sales")
		w.newEvent(w.newContract(c.ID, true).ID, "support")
		s := w.users["sales"]
		err := w.app.Users.Delete(w.ctx, w.as("admin"), s.ID, s.Version, "")
		wantKind(t, err, domain.ErrReferenced, "sales contact of 1 client")
		sup := w.users["support"]
		err = w.app.Users.Delete(w.ctx, w.as("management"), sup.ID, sup.Version, "")
		wantKind(t, err, domain.ErrReferenced, "support contact of 1 event")
		// Deactivation is the way out; history stays.
		_, err = w.app.Users.Update(w.ctx, w.as("management"), sup.ID, sup.Version, domain.UserChanges{
			EmployeeNumber: sup.EmployeeNumber, FullName: sup.FullName, Username: sup.Username, Email: sup.Email, Role: sup.Role, Active: false})
		ok(t, err)
		// Taking a sales person off sales while clients remain is refused.
		_, err = w.app.Users.Update(w.ctx, w.as("management"), s.ID, s.Version, domain.UserChanges{
			EmployeeNumber: s.EmployeeNumber, FullName: s.FullName, Username: s.Username, Email: s.Email, Role: domain.RoleSupport, Active: true})
		wantKind(t, err, domain.ErrReferenced, "reassign")
		// An unreferenced user is deleted.
		u := w.newUser("temp", domain.RoleSales, "Temp Worker")
		ok(t, w.app.Users.Delete(w.ctx, w.as("management"), u.ID, u.Version, ""))
		if _, err := w.db.User(w.ctx, u.ID); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("deleted user still there: %v", err)
		}
	})
}

func TestPasswords(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		sess := w.as("sales")
		_, err := w.app.Auth.ChangePassword(w.ctx, sess, "wrong password", "another pass 1", "")
		wantKind(t, err, domain.ErrInvalid, "current password")
		_, err = w.app.Auth.ChangePassword(w.ctx, sess, testPassword, "short", "")
		wantKind(t, err, domain.ErrInvalid, "at least 8")
		_, err = w.app.Auth.ChangePassword(w.ctx, sess, testPassword, strings.Repeat("x", 65), "")
		wantKind(t, err, domain.ErrInvalid, "at most 64")
		w.clock.Advance(time.Second)
		changed, err := w.app.Auth.ChangePassword(w.ctx, sess, testPassword, "another pass 1", "")
		ok(t, err)
		if changed.TokensValidAfter.Equal(sess.ValidAfter) {
			t.Fatal("a password change must move tokens_valid_after")
		}
		// The old session is revoked, the new password works, the old does not.
		_, err = w.app.Clients.List(w.ctx, sess, domain.ClientQuery{})
		wantKind(t, err, domain.ErrUnauthenticated, "")
		_, err = w.app.Auth.Login(w.ctx, "sales", testPassword)
		wantKind(t, err, domain.ErrUnauthenticated, "")
		_, err = w.app.Auth.Login(w.ctx, "SALES@epic.test", "another pass 1")
		ok(t, err)
		// Nobody resets their own password through the admin path.
		err = w.app.Users.ResetPassword(w.ctx, w.as("admin"), w.users["admin"].ID, "another pass 1", "")
		wantKind(t, err, domain.ErrForbidden, "")
		// The audit row says the password changed, never what it is.
		entries, err := w.app.AuditTrail(w.ctx, w.as("admin"), domain.EntityUser, w.users["sales"].ID)
		ok(t, err)
		if len(entries) == 0 || !strings.Contains(entries[0].Changes, "password") || strings.Contains(entries[0].Changes, "argon2") || strings.Contains(entries[0].Changes, "another pass") {
			t.Fatalf("audit of a password change: %+v", entries)
		}
	})
}

func TestLoginAndThrottling(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		_, err := w.app.Auth.Login(w.ctx, "nobody", testPassword)
		wantKind(t, err, domain.ErrUnauthenticated, "invalid username or password")
		unknown := err.Error()
		_, err = w.app.Auth.Login(w.ctx, "sales", "wrong password")
		if err == nil || err.Error() != unknown {
			t.Fatalf("wrong password says %q, unknown user says %q: they must be the same", err, unknown)
		}
		for i := 2; i <= domain.ThrottleAfter; i++ {
			_, err = w.app.Auth.Login(w.ctx, "sales", "wrong password")
		}
		var th *domain.ThrottledError
		if !errors.As(err, &th) || th.RetryAfter <= 0 || !strings.Contains(err.Error(), "invalid username or password") {
			t.Fatalf("after %d failures: %v, want throttled", domain.ThrottleAfter, err)
		}
		// While locked, even the right password is refused.
		_, err = w.app.Auth.Login(w.ctx, "sales", testPassword)
		if !errors.As(err, &th) {
			t.Fatalf("locked account accepted a login: %v", err)
		}
		// The delay grows with each further failure.
		first := th.RetryAfter
		w.clock.Advance(first)
		_, err = w.app.Auth.Login(w.ctx, "sales", "wrong again")
		if !errors.As(err, &th) || th.RetryAfter <= first {
			t.Fatalf("delay did not grow: %v then %v", first, err)
		}
		// An unknown name is throttled the same way, so the answers never
		// tell whether an account exists (its first failure came above).
		for i := 2; i <= domain.ThrottleAfter; i++ {
			_, err = w.app.Auth.Login(w.ctx, "nobody", "x")
			if i < domain.ThrottleAfter && err.Error() != unknown {
				t.Fatalf("unknown login %d says %q", i, err)
			}
		}
		var thUnknown *domain.ThrottledError
		if !errors.As(err, &thUnknown) || thUnknown.RetryAfter != first {
			t.Fatalf("unknown login after %d failures: %v, want throttled for %v", domain.ThrottleAfter, err, first)
		}
		w.clock.Advance(th.RetryAfter)
		u, err := w.app.Auth.Login(w.ctx, "Sales", testPassword)
		ok(t, err)
		if u.FailedLogins != 0 || u.LockedUntil != nil {
			t.Fatalf("a good login must reset the counter: %+v", u)
		}
	})
}

func TestOptimisticConcurrency(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		c := w.newClient("sales")
		edit := func(name string) error {
			_, err := w.app.Clients.Update(w.ctx, w.as("admin"), c.ID, c.Version, domain.ClientInput{
				FullName: name, Email: c.Email, Phone: c.Phone, CompanyName: c.CompanyName})
			return err
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, name := range []string{"First Writer", "Second Writer"} {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = edit(name) }()
		}
		wg.Wait()
		won, lost := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, domain.ErrConflict):
				lost++
			default:
				t.Fatalf("unexpected error: %v", err)
			}
		}
		if won != 1 || lost != 1 {
			t.Fatalf("won %d, lost %d; want exactly one of each", won, lost)
		}
		got, _ := w.db.Client(w.ctx, c.ID)
		if got.Version != c.Version+1 {
			t.Fatalf("version %d, want %d", got.Version, c.Version+1)
		}
		// A stale edit later is a conflict too, and writes nothing.
		before := w.auditCount()
		wantKind(t, edit("Third"), domain.ErrConflict, "changed by someone else")
		if w.auditCount() != before {
			t.Fatal("a conflict wrote an audit row")
		}
	})
}

func TestConcurrentPayments(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		k := w.newContract(w.newClient("sales").ID, true) // 1000.00 total, 400.00 due
		const n = 50
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := w.app.Contracts.RecordPayment(w.ctx, w.as("management"), k.ID, 500, "")
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			ok(t, err)
		}
		got, _ := w.db.Contract(w.ctx, k.ID)
		if got.AmountDue != 40000-n*500 {
			t.Fatalf("amount due %d after %d payments, want %d", got.AmountDue, n, 40000-n*500)
		}
		_, err := w.app.Contracts.RecordPayment(w.ctx, w.as("management"), k.ID, got.AmountDue+1, "")
		wantKind(t, err, domain.ErrInvalid, "more than the amount due")
		_, err = w.app.Contracts.RecordPayment(w.ctx, w.as("sales"), k.ID, 1, "")
		wantKind(t, err, domain.ErrForbidden, "")
	})
}

func TestQuickFilters(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		mine := w.newClient("sales")
		theirs := w.newClient("sales2")
		k1 := w.newContract(mine.ID, true)                                                                                                                   // signed, due
		k2 := w.newContract(mine.ID, false)                                                                                                                  // unsigned
		k3, err := w.app.Contracts.Create(w.ctx, w.as("management"), domain.ContractInput{ClientID: theirs.ID, TotalAmount: 10, AmountDue: 0, Signed: true}) // paid
		ok(t, err)
		past := eventInput(k1.ID, w.clock.Now().Add(-30*24*time.Hour))
		pastEvent, err := w.app.Events.Create(w.ctx, w.as("admin"), past)
		ok(t, err)
		upcoming := w.newEvent(k1.ID, "support")
		other := w.newEvent(k3.ID, "")

		ids := func(n int, err error) int { t.Helper(); ok(t, err); return n }
		contracts := func(q domain.ContractQuery, sess domain.Session) []int64 {
			t.Helper()
			p, err := w.app.Contracts.List(w.ctx, sess, q)
			return listed(t, p, err, ids(w.app.Contracts.Count(w.ctx, sess, q)), func(k domain.Contract) int64 { return k.ID })
		}
		events := func(q domain.EventQuery, sess domain.Session) []int64 {
			t.Helper()
			p, err := w.app.Events.List(w.ctx, sess, q)
			return listed(t, p, err, ids(w.app.Events.Count(w.ctx, sess, q)), func(e domain.Event) int64 { return e.ID })
		}
		same := func(name string, got []int64, want ...int64) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("%s: got %v, want %v", name, got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%s: got %v, want %v", name, got, want)
				}
			}
		}
		sales, sup := w.as("sales"), w.as("support")
		same("contracts mine", contracts(domain.ContractQuery{Mine: true}, sales), k1.ID, k2.ID)
		same("contracts unsigned", contracts(domain.ContractQuery{Unsigned: true}, sup), k2.ID)
		same("contracts unpaid", contracts(domain.ContractQuery{Unpaid: true}, sup), k1.ID, k2.ID)
		same("contracts by client", contracts(domain.ContractQuery{ClientID: theirs.ID}, sup), k3.ID)
		same("events mine (support)", events(domain.EventQuery{Mine: true}, sup), upcoming.ID)
		same("events mine (sales)", events(domain.EventQuery{Mine: true}, sales), pastEvent.ID, upcoming.ID)
		same("events without support", events(domain.EventQuery{WithoutSupport: true}, sup), pastEvent.ID, other.ID)
		same("events upcoming", events(domain.EventQuery{Upcoming: true}, sup), upcoming.ID, other.ID)
		same("events by contract", events(domain.EventQuery{ContractID: k3.ID}, sup), other.ID)
		same("events by client", events(domain.EventQuery{ClientID: mine.ID}, sup), pastEvent.ID, upcoming.ID)
		from, to := w.clock.Now().Add(-40*24*time.Hour), w.clock.Now().Add(-20*24*time.Hour)
		same("events by date range", events(domain.EventQuery{From: &from, To: &to}, sup), pastEvent.ID)

		p, err := w.app.Clients.List(w.ctx, sales, domain.ClientQuery{Mine: true})
		ok(t, err)
		if len(p.Items) != 1 || p.Items[0].ID != mine.ID {
			t.Fatalf("clients mine: %+v", p.Items)
		}
		active, inactive := true, false
		n := ids(w.app.Users.Count(w.ctx, sup, domain.UserQuery{Role: domain.RoleSales}))
		if n != 2 {
			t.Fatalf("sales users: %d", n)
		}
		if n := ids(w.app.Users.Count(w.ctx, sup, domain.UserQuery{Active: &inactive})); n != 0 {
			t.Fatalf("deactivated users: %d", n)
		}
		if n := ids(w.app.Users.Count(w.ctx, sup, domain.UserQuery{Active: &active})); n != 6 {
			t.Fatalf("active users: %d", n)
		}
		// Search is accent-folding and needs every term.
		p2, err := w.app.Clients.List(w.ctx, sup, domain.ClientQuery{PageQuery: domain.PageQuery{Search: "CLÏENT sales2"}})
		ok(t, err)
		if len(p2.Items) != 1 || p2.Items[0].ID != theirs.ID {
			t.Fatalf("search: %+v", p2.Items)
		}
		// A phone number is found however it is typed.
		for _, typed := range []string{"0612345678", "06 12 34", "+33 6 12", "+3361234"} {
			n, err := w.app.Clients.Count(w.ctx, sup, domain.ClientQuery{PageQuery: domain.PageQuery{Search: typed}})
			if err != nil || n != 2 {
				t.Fatalf("search %q: %d clients, %v", typed, n, err)
			}
		}
		_, err = w.app.Clients.List(w.ctx, sup, domain.ClientQuery{PageQuery: domain.PageQuery{Sort: "password_hash"}})
		wantKind(t, err, domain.ErrInvalid, "sort")
	})
}

func TestAuditTrail(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		c := w.newClient("sales")
		c, err := w.app.Clients.Update(w.ctx, w.as("sales"), c.ID, c.Version, domain.ClientInput{FullName: "New Name", Email: c.Email, Phone: c.Phone, CompanyName: c.CompanyName})
		ok(t, err)
		ok(t, w.app.Clients.Delete(w.ctx, w.as("admin"), c.ID, c.Version, ""))
		entries, err := w.app.AuditTrail(w.ctx, w.as("support"), domain.EntityClient, c.ID)
		ok(t, err)
		if len(entries) != 3 {
			t.Fatalf("%d audit rows, want create, update, delete", len(entries))
		}
		wantActions := []domain.Action{domain.ActionDelete, domain.ActionUpdate, domain.ActionCreate}
		for i, e := range entries {
			if e.Action != wantActions[i] {
				t.Fatalf("row %d is %s, want %s", i, e.Action, wantActions[i])
			}
		}
		var upd map[string][2]any
		ok(t, json.Unmarshal([]byte(entries[1].Changes), &upd))
		if upd["full_name"] != [2]any{"Client sales", "New Name"} || len(upd) != 1 || entries[1].Actor != "sales" {
			t.Fatalf("update audit %+v by %q", upd, entries[1].Actor)
		}
		// Users' audit rows never carry hashes.
		var hashes int
		ok(t, w.db.SQL().GetContext(w.ctx, &hashes, "SELECT COUNT(*) FROM audit_log WHERE changes LIKE '%argon2%' OR changes LIKE '%password_hash%'"))
		if hashes != 0 {
			t.Fatalf("%d audit rows carry a password hash", hashes)
		}
	})
}

func TestHostileInput(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		long := strings.Repeat("a", 10000)
		good := domain.ClientInput{FullName: "Good", Email: "good@example.com", Phone: "0612345678", CompanyName: "Co"}
		cases := []struct {
			name  string
			edit  func(*domain.ClientInput)
			field string
		}{
			{"malformed email", func(c *domain.ClientInput) { c.Email = "not-an-email" }, "email"},
			{"email with name", func(c *domain.ClientInput) { c.Email = "Bob <bob@example.com>" }, "email"},
			{"email without domain dot", func(c *domain.ClientInput) { c.Email = "bob@localhost" }, "email"},
			{"bad phone", func(c *domain.ClientInput) { c.Phone = "12" }, "phone"},
			{"letters phone", func(c *domain.ClientInput) { c.Phone = "call me maybe" }, "phone"},
			{"long name", func(c *domain.ClientInput) { c.FullName = long }, "full_name"},
			{"empty name", func(c *domain.ClientInput) { c.FullName = "   " }, "full_name"},
			{"control characters", func(c *domain.ClientInput) { c.FullName = "Bob\x1b[31m" }, "full_name"},
			{"newline in name", func(c *domain.ClientInput) { c.FullName = "Bob\nSmith" }, "full_name"},
			{"long company", func(c *domain.ClientInput) { c.CompanyName = long }, "company_name"},
		}
		before := w.rowCount("clients")
		for _, tc := range cases {
			in := good
			tc.edit(&in)
			_, err := w.app.Clients.Create(w.ctx, w.as("sales"), in)
			if !errors.Is(err, domain.ErrInvalid) || domain.FieldOf(err) != tc.field {
				t.Errorf("%s: got %v (field %q), want invalid %s", tc.name, err, domain.FieldOf(err), tc.field)
			}
		}
		if w.rowCount("clients") != before {
			t.Fatal("refused input was written")
		}
		// SQL metacharacters are data, not code.
		in := good
		in.FullName = "Robert'); DROP TABLE clients;--"
		c, err := w.app.Clients.Create(w.ctx, w.as("sales"), in)
		ok(t, err)
		if c.FullName != in.FullName || w.rowCount("clients") != before+1 {
			t.Fatalf("stored %q", c.FullName)
		}
		p, err := w.app.Clients.List(w.ctx, w.as("sales"), domain.ClientQuery{PageQuery: domain.PageQuery{Search: "'); drop"}})
		ok(t, err)
		if len(p.Items) != 1 {
			t.Fatalf("search for metacharacters found %d", len(p.Items))
		}
		// Duplicates are refused with the field named.
		in.FullName = "Copy"
		_, err = w.app.Clients.Create(w.ctx, w.as("sales"), in)
		if !errors.Is(err, domain.ErrDuplicate) || domain.FieldOf(err) != "email" {
			t.Fatalf("duplicate email: %v", err)
		}

		k := w.newContract(c.ID, false)
		for _, amounts := range [][2]int64{{0, 0}, {-5, 0}, {100, 101}, {100, -1}} {
			_, err := w.app.Contracts.Create(w.ctx, w.as("management"), domain.ContractInput{ClientID: c.ID, TotalAmount: amounts[0], AmountDue: amounts[1]})
			wantKind(t, err, domain.ErrInvalid, "")
		}
		_, err = w.app.Contracts.Create(w.ctx, w.as("management"), domain.ContractInput{ClientID: 999999, TotalAmount: 1, AmountDue: 1})
		wantKind(t, err, domain.ErrInvalid, "does not exist")
		_ = k

		// Users: bad usernames, emails and passwords.
		for _, nu := range []domain.NewUser{
			{FullName: "A", Username: "ab", Email: "a@epic.test", Role: domain.RoleSales, Password: testPassword},
			{FullName: "A", Username: "has space", Email: "a@epic.test", Role: domain.RoleSales, Password: testPassword},
			{FullName: "A", Username: "fine", Email: "a@epic.test", Role: "boss", Password: testPassword},
			{FullName: "A", Username: "fine", Email: "a@epic.test", Role: domain.RoleSales, Password: "short"},
			{FullName: "A", Username: "fine", Email: "a@epic.test", Role: domain.RoleSales, Password: "tab\tin password"},
			{FullName: "A", Username: "sales", Email: "a@epic.test", Role: domain.RoleSales, Password: testPassword},
		} {
			_, err := w.app.Users.Create(w.ctx, w.as("admin"), nu)
			if err == nil {
				t.Errorf("user %+v accepted", nu)
			}
		}
	})
}

// listed returns the ids of a page, checking that the count agrees.
func listed[T any](t *testing.T, p domain.Page[T], err error, count int, id func(T) int64) []int64 {
	t.Helper()
	ok(t, err)
	var out []int64
	for _, item := range p.Items {
		out = append(out, id(item))
	}
	if count != len(out) {
		t.Fatalf("count %d, list %d", count, len(out))
	}
	return out
}
