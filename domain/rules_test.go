package domain_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
)

func wantKind(t *testing.T, err error, kind error, contains string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("got %v, want %v", err, kind)
	}
	if contains != "" && !strings.Contains(err.Error(), contains) {
		t.Fatalf("message %q does not say %q", err.Error(), contains)
	}
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestActorIsReReadOnEveryCall(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		sess := w.as("sales")
		_, err := w.app.Clients.List(w.ctx, sess, domain.ClientQuery{})
		ok(t, err)

		// Role changed: the old token's role no longer matches.
		s := w.users["sales"]
		_, err = w.app.Users.Update(w.ctx, w.as("admin"), s.ID, s.Version, domain.UserChanges{
			EmployeeNumber: s.EmployeeNumber, FullName: s.FullName, Username: s.Username, Email: s.Email, Role: domain.RoleSupport, Active: true})
		ok(t, err)
		_, err = w.app.Clients.List(w.ctx, sess, domain.ClientQuery{})
		wantKind(t, err, domain.ErrUnauthenticated, "role has changed")

		// Deactivated: refused at once, whatever the token says.
		sup := w.users["support2"]
		supSess := w.as("support2")
		_, err = w.app.Users.Update(w.ctx, w.as("admin"), sup.ID, sup.Version, domain.UserChanges{
			EmployeeNumber: sup.EmployeeNumber, FullName: sup.FullName, Username: sup.Username, Email: sup.Email, Role: sup.Role, Active: false})
		ok(t, err)
		_, err = w.app.Events.List(w.ctx, supSess, domain.EventQuery{})
		wantKind(t, err, domain.ErrUnauthenticated, "deactivated")
		_, err = w.app.Auth.Login(w.ctx, "support2", testPassword)
		wantKind(t, err, domain.ErrUnauthenticated, "invalid username or password")

		// Deleted: refused.
		m := w.users["management"]
		mSess := w.as("management")
		ok(t, w.app.Users.Delete(w.ctx, w.as("admin"), m.ID, m.Version, ""))
		_, err = w.app.Contracts.List(w.ctx, mSess, domain.ContractQuery{})
		wantKind(t, err, domain.ErrUnauthenticated, "no longer exists")

		// Logged out: tokens issued before are revoked, later ones work.
		old := w.as("admin")
		w.clock.Advance(time.Second)
		ok(t, w.app.Auth.Logout(w.ctx, old))
		_, err = w.app.Users.List(w.ctx, old, domain.UserQuery{})
		wantKind(t, err, domain.ErrUnauthenticated, "session has ended")
		_, err = w.app.Users.List(w.ctx, w.as("admin"), domain.UserQuery{})
		ok(t, err)
		_, err = w.app.Users.List(w.ctx, domain.Session{}, domain.UserQuery{})
		wantKind(t, err, domain.ErrUnauthenticated, "")
	})
}

func TestAdminManagement(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		mgmt := w.as("management")
		_, err := w.app.Users.Create(w.ctx, mgmt, domain.NewUser{FullName: "X", Username: "x-admin", Email: "x@epic.test", Role: domain.RoleAdmin, Password: testPassword})
		wantKind(t, err, domain.ErrForbidden, "only an administrator")

		admin := w.users["admin"]
		_, err = w.app.Users.Update(w.ctx, mgmt, admin.ID, admin.Version, domain.UserChanges{
			EmployeeNumber: admin.EmployeeNumber, FullName: "Hacked", Username: admin.Username, Email: admin.Email, Role: admin.Role, Active: true})
		wantKind(t, err, domain.ErrForbidden, "only an administrator")
		wantKind(t, w.app.Users.Delete(w.ctx, mgmt, admin.ID, admin.Version, ""), domain.ErrForbidden, "")
		wantKind(t, w.app.Users.ResetPassword(w.ctx, mgmt, admin.ID, "new password 1", ""), domain.ErrForbidden, "")

		s := w.users["sales2"]
		_, err = w.app.Users.Update(w.ctx, mgmt, s.ID, s.Version, domain.UserChanges{
			EmployeeNumber: s.EmployeeNumber, FullName: s.FullName, Username: s.Username, Email: s.Email, Role: domain.RoleAdmin, Active: true})
		wantKind(t, err, domain.ErrForbidden, "grant the admin role")

		// Management resets a sales person's password; the old one stops working.
		ok(t, w.app.Users.ResetPassword(w.ctx, mgmt, s.ID, "brand new pass", ""))
		_, err = w.app.Auth.Login(w.ctx, "sales2", testPassword)
		wantKind(t, err, domain.ErrUnauthenticated, "")
		_, err = w.app.Auth.Login(w.ctx, "sales2", "brand new pass")
		ok(t, err)

		// Management cannot see AssignableRoles include admin; admin can.
		if roles := w.app.Users.AssignableRoles(w.users["management"]); len(roles) != 3 {
			t.Errorf("management may assign %v", roles)
		}
		if roles := w.app.Users.AssignableRoles(w.users["sales"]); roles != nil {
			t.Errorf("sales may assign %v", roles)
		}
	})
}

func TestSelfAndLastAdmin(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		admin := w.users["admin"]
		as := w.as("admin")
		wantKind(t, w.app.Users.Delete(w.ctx, as, admin.ID, admin.Version, ""), domain.ErrForbidden, "yourself")
		_, err := w.app.Users.Update(w.ctx, as, admin.ID, admin.Version, domain.UserChanges{
			EmployeeNumber: admin.EmployeeNumber, FullName: admin.FullName, Username: admin.Username, Email: admin.Email, Role: admin.Role, Active: false})
		wantKind(t, err, domain.ErrForbidden, "yourself")

		// A second admin cannot remove or demote the last one... until there are two.
		second := w.newUser("second", domain.RoleAdmin, "Second Admin")
		as2 := w.as("admin")
		as2.UserID, as2.Role = second.ID, domain.RoleAdmin
		admin, _ = w.db.User(w.ctx, admin.ID)
		_, err = w.app.Users.Update(w.ctx, as2, admin.ID, admin.Version, domain.UserChanges{
			EmployeeNumber: admin.EmployeeNumber, FullName: admin.FullName, Username: admin.Username, Email: admin.Email, Role: domain.RoleManagement, Active: true})
		ok(t, err) // two admins: demoting one is fine
		admin, _ = w.db.User(w.ctx, admin.ID)
		// Now second is the last active admin; the demoted one (management) cannot touch it.
		mgmtSess := w.sessionOf(admin)
		wantKind(t, w.app.Users.Delete(w.ctx, mgmtSess, second.ID, second.Version, ""), domain.ErrForbidden, "")
		// Add a third admin, deactivate it, and the last-admin rule still holds for second.
		third, err := w.app.Users.Create(w.ctx, as2, domain.NewUser{FullName: "Third Admin", Username: "third", Email: "third@epic.test", Role: domain.RoleAdmin, Password: testPassword})
		ok(t, err)
		_, err = w.app.Users.Update(w.ctx, as2, third.ID, third.Version, domain.UserChanges{
			EmployeeNumber: third.EmployeeNumber, FullName: third.FullName, Username: third.Username, Email: third.Email, Role: domain.RoleAdmin, Active: false})
		ok(t, err)
		third, _ = w.db.User(w.ctx, third.ID)
		thirdSess := w.sessionOf(third)
		thirdSess.Role = domain.RoleAdmin
		_, err = w.app.Users.List(w.ctx, thirdSess, domain.UserQuery{})
		wantKind(t, err, domain.ErrUnauthenticated, "deactivated")
		n, err := w.db.CountActiveAdmins(w.ctx)
		ok(t, err)
		if n != 1 {
			t.Fatalf("active admins = %d, want 1", n)
		}
		_, err = w.app.Users.Update(w.ctx, as2, second.ID, second.Version, domain.UserChanges{
			EmployeeNumber: second.EmployeeNumber, FullName: second.FullName, Username: second.Username, Email: second.Email, Role: domain.RoleAdmin, Active: false})
		wantKind(t, err, domain.ErrForbidden, "yourself")
	})
}

func TestLogoutAndRehashAreNotEdits(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		before, _ := w.db.User(w.ctx, w.users["sales"].ID)
		w.clock.Advance(time.Second)
		ok(t, w.app.Auth.Logout(w.ctx, w.as("sales")))
		after, _ := w.db.User(w.ctx, before.ID)
		if after.Version != before.Version || !after.TokensValidAfter.After(before.TokensValidAfter) {
			t.Fatalf("logout: version %d→%d, tokens valid after %v→%v", before.Version, after.Version, before.TokensValidAfter, after.TokensValidAfter)
		}

		// A hash made with other parameters is replaced at the next login.
		strong, err := auth.NewArgon2WithParams(auth.Params{Memory: 2048, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})
		ok(t, err)
		app2, err := domain.New(w.ctx, domain.Deps{Store: w.db, Hasher: strong, Now: w.clock.Now})
		ok(t, err)
		_, err = app2.Auth.Login(w.ctx, "sales", testPassword)
		ok(t, err)
		rehashed, _ := w.db.User(w.ctx, before.ID)
		if rehashed.PasswordHash == after.PasswordHash || !strings.Contains(rehashed.PasswordHash, "m=2048") || rehashed.Version != after.Version {
			t.Fatalf("rehash: %q (version %d), was %q (version %d)", rehashed.PasswordHash, rehashed.Version, after.PasswordHash, after.Version)
		}
		_, err = app2.Auth.Login(w.ctx, "sales", testPassword)
		ok(t, err)
	})
}

// TestRevocationNeedsNoAgreeingClocks: a logout made on a machine whose
// clock runs behind still ends the sessions issued before it.
func TestRevocationNeedsNoAgreeingClocks(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		old := w.as("sales")
		w.clock.Advance(-time.Hour) // the other terminal's clock is behind
		ok(t, w.app.Auth.Logout(w.ctx, old))
		_, err := w.app.Clients.List(w.ctx, old, domain.ClientQuery{})
		wantKind(t, err, domain.ErrUnauthenticated, "session has ended")
		u, err := w.app.Auth.Login(w.ctx, "sales", testPassword)
		ok(t, err)
		fresh := domain.Session{UserID: u.ID, Role: u.Role, ValidAfter: u.TokensValidAfter}
		_, err = w.app.Clients.List(w.ctx, fresh, domain.ClientQuery{})
		ok(t, err)
	})
}
