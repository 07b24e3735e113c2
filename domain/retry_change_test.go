package domain_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
)

// lostAnswers is a real store whose next transactions commit but whose
// answers are lost on the way back, as when the connection drops just
// after COMMIT.
type lostAnswers struct {
	*store.DB
	lose atomic.Int32 // answers still to lose
}

func (s *lostAnswers) InTx(ctx context.Context, fn func(q domain.Queries) error) error {
	err := s.DB.InTx(ctx, fn)
	if err == nil && s.lose.Add(-1) >= 0 {
		return domain.NewError(domain.ErrUnavailable, "", "the database cannot be reached: connection reset by peer")
	}
	return err
}

// heard counts what an observer is told.
type heard struct{ signed, updated int }

func (h *heard) UserCreated(domain.User, domain.User)           {}
func (h *heard) UserUpdated(domain.User, domain.User, []string) { h.updated++ }
func (h *heard) ContractSigned(domain.User, domain.Contract)    { h.signed++ }

// A payment, an edit, a signature, a delete or a password change whose
// answer was lost after COMMIT is sent again under the same request key: it
// answers as the first one did and applies nothing twice; the same key
// with other values is refused with a sentence.
func TestRetriedChangeAppliesOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		lost := &lostAnswers{DB: w.db}
		obs := &heard{}
		hasher, err := auth.NewArgon2WithParams(auth.TestParams)
		ok(t, err)
		app, err := domain.New(w.ctx, domain.Deps{Store: lost, Hasher: hasher, Now: w.clock.Now, Observer: obs})
		ok(t, err)
		admin, mgmt, sales := w.as("admin"), w.as("management"), w.as("sales")

		// retried runs a change whose first answer is lost, then runs it
		// again, and checks that one audit row was written.
		retried := func(what string, change func() error) {
			t.Helper()
			audits := w.auditCount()
			lost.lose.Store(1)
			if err := change(); !errors.Is(err, domain.ErrUnavailable) {
				t.Fatalf("%s: first save %v, want its answer lost", what, err)
			}
			if err := change(); err != nil {
				t.Fatalf("%s: the retry failed: %v", what, err)
			}
			if got := w.auditCount(); got != audits+1 {
				t.Fatalf("%s: %d audit rows after two saves of one form, want %d", what, got, audits+1)
			}
		}

		// A payment of 10.00 sent twice takes 10.00 off, not 20.00.
		k := w.newContract(w.newClient("sales").ID, true)
		var paid domain.Contract
		retried("payment", func() (err error) {
			paid, err = app.Contracts.RecordPayment(w.ctx, mgmt, k.ID, 1000, "pay-form-1")
			return err
		})
		if paid.AmountDue != k.AmountDue-1000 {
			t.Fatalf("due %d after paying 10.00 on %d", paid.AmountDue, k.AmountDue)
		}
		_, err = app.Contracts.RecordPayment(w.ctx, mgmt, k.ID, 2000, "pay-form-1")
		wantKind(t, err, domain.ErrDuplicate, "already recorded a payment of 10.00")

		// An edit sent twice is the user's own save, not someone else's.
		c := w.newClient("sales")
		in := domain.ClientInput{FullName: c.FullName, Email: c.Email, Phone: "0698765432", CompanyName: "Renamed", RequestKey: "client-edit-1"}
		var edited domain.Client
		retried("client edit", func() (err error) {
			edited, err = app.Clients.Update(w.ctx, sales, c.ID, c.Version, in)
			return err
		})
		if edited.CompanyName != "Renamed" || edited.Version != c.Version+1 {
			t.Fatalf("the retry answered %+v, want the client as first saved", edited)
		}
		in.Email = "changed@example.com"
		_, err = app.Clients.Update(w.ctx, sales, c.ID, c.Version, in)
		wantKind(t, err, domain.ErrDuplicate, "already changed client")

		// Signing twice signs once and tells the observer no more than once
		// (the first save, seen as failed, told it nothing).
		unsigned := w.newContract(c.ID, false)
		retried("signature", func() error {
			_, err := app.Contracts.Update(w.ctx, mgmt, unsigned.ID, unsigned.Version, domain.ContractInput{
				TotalAmount: unsigned.TotalAmount, AmountDue: unsigned.AmountDue, Signed: true, RequestKey: "sign-1"})
			return err
		})
		if obs.signed > 1 {
			t.Fatalf("observer heard %d signatures, want at most 1", obs.signed)
		}

		e := w.newEvent(k.ID, "support")
		ein := eventInput(k.ID, w.clock.Now())
		ein.SupportContactID, ein.Location, ein.RequestKey = e.SupportContactID, "Paris", "event-edit-1"
		retried("event edit", func() error {
			_, err := app.Events.Update(w.ctx, mgmt, e.ID, e.Version, ein)
			return err
		})

		u := w.users["sales2"]
		retried("user edit", func() error {
			_, err := app.Users.Update(w.ctx, admin, u.ID, u.Version, domain.UserChanges{
				EmployeeNumber: u.EmployeeNumber, FullName: "Sally Renamed", Username: u.Username,
				Email: u.Email, Role: u.Role, Active: true, RequestKey: "user-edit-1"})
			return err
		})

		// A delete sent twice is done, not "not found".
		gone := w.newClient("sales")
		retried("delete", func() error {
			return app.Clients.Delete(w.ctx, admin, gone.ID, gone.Version, "delete-1")
		})

		// A reset sent twice sets the password once; another password
		// under the same key is refused and changes nothing.
		updates := obs.updated
		retried("password reset", func() error {
			return app.Users.ResetPassword(w.ctx, admin, u.ID, "reset password 1", "reset-1")
		})
		wantKind(t, app.Users.ResetPassword(w.ctx, admin, u.ID, "reset password 2", "reset-1"), domain.ErrDuplicate, "another password")
		if _, err := app.Auth.Login(w.ctx, u.Username, "reset password 1"); err != nil {
			t.Fatalf("the password reset first no longer works: %v", err)
		}
		if obs.updated > updates+1 {
			t.Fatalf("observer heard %d password changes, want at most 1", obs.updated-updates)
		}

		// The own password: the first save ended the session the retry is
		// sent from; the retry still answers with the user to sign in again.
		sess := w.as("support2")
		w.clock.Advance(time.Minute)
		var changed domain.User
		retried("own password", func() (err error) {
			changed, err = app.Auth.ChangePassword(w.ctx, sess, testPassword, "my new password 1", "own-password-1")
			return err
		})
		cur, err := w.db.User(w.ctx, sess.UserID)
		ok(t, err)
		if !changed.TokensValidAfter.Equal(cur.TokensValidAfter) {
			t.Fatal("the retry did not answer with the user as changed")
		}
		// From the ended session, another password under the key is a
		// guess: refused as the session, and counted as a failed sign-in.
		_, err = app.Auth.ChangePassword(w.ctx, sess, testPassword, "yet another pass 1", "own-password-1")
		wantKind(t, err, domain.ErrUnauthenticated, "session has ended")
		if st := w.accountThrottle("support2"); st.failures != 1 {
			t.Fatalf("a wrong guess from an ended session left the throttle at %+v, want 1 failure", st)
		}
		_, err = app.Auth.ChangePassword(w.ctx, sess, testPassword, "my new password 1", "")
		wantKind(t, err, domain.ErrUnauthenticated, "")
		if _, err := app.Auth.Login(w.ctx, "support2", "my new password 1"); err != nil {
			t.Fatalf("the new password does not work: %v", err)
		}

		// A key answers only the change it was made with.
		audits := w.auditCount()
		_, err = app.Contracts.RecordPayment(w.ctx, mgmt, unsigned.ID, 1000, "pay-form-1")
		wantKind(t, err, domain.ErrInvalid, "already used")
		_, err = app.Contracts.RecordPayment(w.ctx, mgmt, k.ID, 1000, "sign-1")
		wantKind(t, err, domain.ErrInvalid, "already used")
		wantKind(t, app.Clients.Delete(w.ctx, admin, c.ID, edited.Version, "client-edit-1"), domain.ErrInvalid, "already used")
		wantKind(t, app.Users.ResetPassword(w.ctx, admin, u.ID, "reset password 1", "user-edit-1"), domain.ErrInvalid, "already used")
		if w.auditCount() != audits {
			t.Fatal("a refused key wrote something")
		}
	})
}
