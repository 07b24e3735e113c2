package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

func TestUserRoundTrip(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		u := newUser(t, db, "alice", domain.RoleAdmin)
		if u.ID == 0 || u.Version != 1 || u.CreatedAt.IsZero() || u.UpdatedAt.Location() != time.UTC {
			t.Fatalf("inserted user: %+v", u)
		}
		got, err := db.User(ctx, u.ID)
		if err != nil || !equalUsers(got, u) {
			t.Fatalf("User = %+v, %v\nwant %+v", got, err, u)
		}
		for _, login := range []string{"u_alice", "ALICE@epic.test", "alice@epic.test"} {
			if got, err := db.UserByLogin(ctx, login); err != nil || got.ID != u.ID {
				t.Errorf("UserByLogin(%q) = %d, %v", login, got.ID, err)
			}
		}
		_, err = db.UserByLogin(ctx, "U_ALICE")
		wantKind(t, err, domain.ErrNotFound)

		u.FullName, u.Role, u.Active = "Alice Liddell", domain.RoleManagement, false
		if err := db.UpdateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		got, _ = db.User(ctx, u.ID)
		if got.Version != 2 || u.Version != 2 || !equalUsers(got, u) {
			t.Errorf("after update: %+v\nwant %+v", got, u)
		}
		if n, _ := db.CountUsers(ctx, domain.UserQuery{PageQuery: domain.PageQuery{Search: "liddell"}}); n != 1 {
			t.Errorf("search text not refreshed by the update: %d found", n)
		}

		locked := baseTime.Add(time.Hour)
		if err := db.SetLoginState(ctx, u.ID, 3, &locked); err != nil {
			t.Fatal(err)
		}
		got, _ = db.User(ctx, u.ID)
		if got.FailedLogins != 3 || got.LockedUntil == nil || !got.LockedUntil.Equal(locked) || got.Version != 2 {
			t.Errorf("after SetLoginState: %+v", got)
		}
		wantKind(t, db.SetLoginState(ctx, 9999, 0, nil), domain.ErrNotFound)

		if n, err := db.CountActiveAdmins(ctx); err != nil || n != 0 {
			t.Errorf("CountActiveAdmins = %d, %v; want 0", n, err)
		}
		newUser(t, db, "root", domain.RoleAdmin)
		if n, _ := db.CountActiveAdmins(ctx); n != 1 {
			t.Errorf("CountActiveAdmins = %d, want 1", n)
		}

		wantKind(t, db.DeleteUser(ctx, u.ID, 1), domain.ErrConflict)
		if err := db.DeleteUser(ctx, u.ID, 2); err != nil {
			t.Fatal(err)
		}
		_, err = db.User(ctx, u.ID)
		wantKind(t, err, domain.ErrNotFound)
		if err.Error() != fmt.Sprintf("user %d not found", u.ID) {
			t.Errorf("not found message: %q", err)
		}
		wantKind(t, db.DeleteUser(ctx, u.ID, 2), domain.ErrNotFound)
	})
}

func TestClientContractEventRoundTrip(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		sales := newUser(t, db, "sam", domain.RoleSales)
		support := newUser(t, db, "sue", domain.RoleSupport)
		c := newClient(t, db, "Kevin Casey", sales.ID)
		got, err := db.Client(ctx, c.ID)
		c.SalesContactName, c.SalesContactUsername = "User sam", sales.Username
		if err != nil || got != c {
			t.Fatalf("Client = %+v, %v\nwant %+v", got, err, c)
		}
		if got, err := db.ClientByEmail(ctx, c.Email); err != nil || got != c {
			t.Fatalf("ClientByEmail = %+v, %v\nwant %+v", got, err, c)
		}
		_, err = db.ClientByEmail(ctx, "nobody@example.com")
		wantKind(t, err, domain.ErrNotFound)
		c.CompanyName = "Cool Startup LLC"
		if err := db.UpdateClient(ctx, &c); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Client(ctx, c.ID); got != c {
			t.Errorf("after update: %+v\nwant %+v", got, c)
		}

		k := newContract(t, db, c.ID, 10000, 10000, false)
		gotK, err := db.Contract(ctx, k.ID)
		k.ClientName, k.SalesContactID, k.SalesContactName = c.FullName, sales.ID, "User sam"
		k.ClientEmail, k.SalesContactUsername = c.Email, sales.Username
		if err != nil || !equalContracts(gotK, k) {
			t.Fatalf("Contract = %+v, %v\nwant %+v", gotK, err, k)
		}
		k.Signed, k.SignedAt = true, ptr(baseTime)
		if err := db.UpdateContract(ctx, &k); err != nil {
			t.Fatal(err)
		}
		if gotK, _ := db.Contract(ctx, k.ID); !equalContracts(gotK, k) || !gotK.Signed || gotK.SignedAt.Location() != time.UTC {
			t.Errorf("after update: %+v\nwant %+v", gotK, k)
		}

		e := newEvent(t, db, "Launch party", k.ID, nil, baseTime)
		gotE, err := db.Event(ctx, e.ID)
		e.ClientID, e.ClientName, e.ClientEmail, e.SalesContactID = c.ID, c.FullName, c.Email, sales.ID
		if err != nil || gotE != e {
			t.Fatalf("Event = %+v, %v\nwant %+v", gotE, err, e)
		}
		e.SupportContactID, e.Attendees = &support.ID, 75
		if err := db.UpdateEvent(ctx, &e); err != nil {
			t.Fatal(err)
		}
		gotE, _ = db.Event(ctx, e.ID)
		if gotE.SupportContactName != "User sue" || gotE.SupportContactUsername != support.Username || *gotE.SupportContactID != support.ID || gotE.Attendees != 75 || gotE.Version != 2 {
			t.Errorf("after update: %+v", gotE)
		}
		if nc, ne, err := db.UserReferences(ctx, sales.ID); err != nil || nc != 1 || ne != 0 {
			t.Errorf("UserReferences(sales) = %d, %d, %v", nc, ne, err)
		}
		if nc, ne, err := db.UserReferences(ctx, support.ID); err != nil || nc != 0 || ne != 1 {
			t.Errorf("UserReferences(support) = %d, %d, %v", nc, ne, err)
		}

		// Rows still referenced cannot go.
		err = db.DeleteUser(ctx, support.ID, support.Version)
		wantKind(t, err, domain.ErrReferenced)
		wantKind(t, db.DeleteClient(ctx, c.ID, c.Version), domain.ErrReferenced)
		err = db.DeleteContract(ctx, k.ID, k.Version)
		wantKind(t, err, domain.ErrReferenced)
		if !errors.As(err, new(*domain.Error)) || domain.FieldOf(err) != "" {
			t.Errorf("referenced error: %v", err)
		}

		for _, step := range []error{
			db.DeleteEvent(ctx, e.ID, e.Version),
			db.DeleteContract(ctx, k.ID, k.Version),
			db.DeleteClient(ctx, c.ID, c.Version),
		} {
			if step != nil {
				t.Fatal(step)
			}
		}
		_, err = db.Event(ctx, e.ID)
		wantKind(t, err, domain.ErrNotFound)
		_, err = db.Contract(ctx, k.ID)
		wantKind(t, err, domain.ErrNotFound)
		_, err = db.Client(ctx, c.ID)
		wantKind(t, err, domain.ErrNotFound)
	})
}

func equalContracts(a, b domain.Contract) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) || !a.UpdatedAt.Equal(b.UpdatedAt) ||
		(a.SignedAt == nil) != (b.SignedAt == nil) || a.SignedAt != nil && !a.SignedAt.Equal(*b.SignedAt) {
		return false
	}
	a.CreatedAt, a.UpdatedAt, a.SignedAt = b.CreatedAt, b.UpdatedAt, b.SignedAt
	return a == b
}

func TestDuplicates(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		a := newUser(t, db, "alice", domain.RoleSales)
		cases := []struct {
			field, msg string
			change     func(u *domain.User)
		}{
			{"email", "email is already in use", func(u *domain.User) { u.Email = a.Email }},
			{"username", "username is already taken", func(u *domain.User) { u.Username = a.Username }},
			{"employee_number", "employee number is already in use", func(u *domain.User) { u.EmployeeNumber = a.EmployeeNumber }},
		}
		for _, c := range cases {
			u := domain.User{EmployeeNumber: "E-new", FullName: "New", Username: "newbie", Email: "new@epic.test",
				Role: domain.RoleSupport, PasswordHash: testHash, TokensValidAfter: baseTime}
			c.change(&u)
			err := db.InsertUser(ctx, &u)
			wantKind(t, err, domain.ErrDuplicate)
			var de *domain.Error
			if !errors.As(err, &de) || de.Field != c.field || de.Msg != c.msg {
				t.Errorf("duplicate %s: %#v", c.field, de)
			}
		}

		b := newUser(t, db, "bob", domain.RoleSales)
		b.Email = a.Email
		err := db.UpdateUser(ctx, &b)
		wantKind(t, err, domain.ErrDuplicate)
		if domain.FieldOf(err) != "email" || b.Version != 1 {
			t.Errorf("update to a used email: field %q, version %d", domain.FieldOf(err), b.Version)
		}

		c := newClient(t, db, "Kevin", a.ID)
		d := domain.Client{FullName: "Other", Email: c.Email, Phone: "+33102030405", SalesContactID: a.ID}
		err = db.InsertClient(ctx, &d)
		wantKind(t, err, domain.ErrDuplicate)
		if domain.FieldOf(err) != "email" {
			t.Errorf("client duplicate field %q", domain.FieldOf(err))
		}
	})
}

func TestConstraints(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		a := newUser(t, db, "alice", domain.RoleSales)
		c := domain.Client{FullName: "Kevin", Email: "k@c.test", Phone: "+33102030405", SalesContactID: 9999}
		err := db.InsertClient(ctx, &c)
		wantKind(t, err, domain.ErrReferenced)
		if c.ID != 0 {
			t.Errorf("failed insert set ID %d", c.ID)
		}
		k := domain.Contract{ClientID: 9999, TotalAmount: 10, AmountDue: 10}
		wantKind(t, db.InsertContract(ctx, &k), domain.ErrReferenced)

		c.SalesContactID, c.Phone = a.ID, "0102"
		err = db.InsertClient(ctx, &c)
		wantKind(t, err, domain.ErrInvalid)
		if domain.FieldOf(err) != "phone" {
			t.Errorf("check violation field %q, want phone (%v)", domain.FieldOf(err), err)
		}
		c.Phone = "+33102030405"
		cl := newClient(t, db, "Kevin", a.ID)
		k = domain.Contract{ClientID: cl.ID, TotalAmount: 10, AmountDue: 20}
		err = db.InsertContract(ctx, &k)
		wantKind(t, err, domain.ErrInvalid)
		// SQLite names the first column of a check on several; PostgreSQL does not.
		if f := domain.FieldOf(err); f != "amount_due" && f != "" {
			t.Errorf("check violation field %q, want amount_due or none (%v)", f, err)
		}
		k = domain.Contract{ClientID: cl.ID, TotalAmount: 10, AmountDue: 10, Signed: true}
		wantKind(t, db.InsertContract(ctx, &k), domain.ErrInvalid)
	})
}

func TestStaleVersion(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		a := newUser(t, db, "alice", domain.RoleSales)
		c := newClient(t, db, "Kevin", a.ID)
		first, second := c, c
		first.FullName = "First"
		if err := db.UpdateClient(ctx, &first); err != nil {
			t.Fatal(err)
		}
		second.FullName = "Second"
		err := db.UpdateClient(ctx, &second)
		wantKind(t, err, domain.ErrConflict)
		var de *domain.Error
		if !errors.As(err, &de) || de.Msg != "this client was changed by someone else; reload it and try again" {
			t.Errorf("conflict message: %v", err)
		}
		if second.Version != 1 {
			t.Errorf("a failed update moved the version to %d", second.Version)
		}
		got, _ := db.Client(ctx, c.ID)
		if got.FullName != "First" || got.Version != 2 {
			t.Errorf("stale update wrote: %+v", got)
		}
		wantKind(t, db.DeleteClient(ctx, c.ID, 1), domain.ErrConflict)
		missing := c
		missing.ID = 9999
		wantKind(t, db.UpdateClient(ctx, &missing), domain.ErrNotFound)

		k := newContract(t, db, c.ID, 100, 100, false)
		stale := k
		k.AmountDue = 50
		if err := db.UpdateContract(ctx, &k); err != nil {
			t.Fatal(err)
		}
		wantKind(t, db.UpdateContract(ctx, &stale), domain.ErrConflict)
		e := newEvent(t, db, "Gala", k.ID, nil, baseTime)
		staleE := e
		if err := db.UpdateEvent(ctx, &e); err != nil {
			t.Fatal(err)
		}
		wantKind(t, db.UpdateEvent(ctx, &staleE), domain.ErrConflict)
		wantKind(t, db.DeleteEvent(ctx, e.ID, staleE.Version), domain.ErrConflict)
	})
}

func TestInTx(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		boom := errors.New("boom")
		err := db.InTx(ctx, func(q domain.Queries) error {
			newUser(t, q, "ghost", domain.RoleSales)
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want boom", err)
		}
		if n, _ := db.CountUsers(ctx, domain.UserQuery{}); n != 0 {
			t.Errorf("rolled back insert left %d users", n)
		}
		inTx(t, db, func(q domain.Queries) {
			a := newUser(t, q, "alice", domain.RoleSales)
			if got, err := q.User(ctx, a.ID); err != nil || got.ID != a.ID {
				t.Errorf("read own write in tx: %v", err)
			}
		})
		if n, _ := db.CountUsers(ctx, domain.UserQuery{}); n != 1 {
			t.Errorf("committed insert: %d users", n)
		}
	})
}

func TestAudit(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		a := newUser(t, db, "alice", domain.RoleAdmin)
		for i, action := range []domain.Action{domain.ActionCreate, domain.ActionUpdate} {
			e := domain.AuditEntry{ActorID: &a.ID, Actor: a.FullName, At: baseTime.Add(time.Duration(i) * time.Minute),
				Entity: domain.EntityClient, EntityID: 7, Action: action, Changes: `{"full_name":["a","b"]}`}
			if err := db.InsertAudit(ctx, &e); err != nil || e.ID == 0 {
				t.Fatalf("InsertAudit: %v", err)
			}
		}
		other := domain.AuditEntry{Actor: "system", Entity: domain.EntityClient, EntityID: 8, Action: domain.ActionDelete}
		if err := db.InsertAudit(ctx, &other); err != nil {
			t.Fatal(err)
		}
		got, err := db.ListAudit(ctx, domain.EntityClient, 7)
		if err != nil || len(got) != 2 {
			t.Fatalf("ListAudit = %d entries, %v", len(got), err)
		}
		if got[0].Action != domain.ActionUpdate || got[1].Action != domain.ActionCreate ||
			!got[0].At.Equal(baseTime.Add(time.Minute)) || got[0].At.Location() != time.UTC || *got[0].ActorID != a.ID {
			t.Errorf("ListAudit, newest first: %+v", got)
		}
		bad := domain.AuditEntry{Actor: "x", Entity: "nope", EntityID: 1, Action: domain.ActionCreate}
		wantKind(t, db.InsertAudit(ctx, &bad), domain.ErrInvalid)
	})
}

// Two creates under one request key cannot both commit; the second is told
// in a sentence.
func TestRequestKeyIsUnique(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		key := "form-key-1"
		inTx(t, db, func(q domain.Queries) {
			if err := q.InsertAudit(ctx, &domain.AuditEntry{Actor: "system", Entity: domain.EntityClient, EntityID: 1,
				Action: domain.ActionCreate, RequestKey: &key}); err != nil {
				t.Fatal(err)
			}
		})
		err := db.InTx(ctx, func(q domain.Queries) error {
			return q.InsertAudit(ctx, &domain.AuditEntry{Actor: "system", Entity: domain.EntityClient, EntityID: 2,
				Action: domain.ActionCreate, RequestKey: &key})
		})
		wantKind(t, err, domain.ErrDuplicate)
		if !strings.Contains(err.Error(), "saved twice at once") {
			t.Errorf("message %q", err.Error())
		}
		a, err := db.AuditByRequestKey(ctx, key)
		if err != nil || a.EntityID != 1 {
			t.Errorf("the key's entry: %+v, %v", a, err)
		}
	})
}
