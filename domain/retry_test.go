package domain_test

import (
	"testing"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
)

// signings counts the events an observer hears.
type signings struct{ created, signed int }

func (s *signings) UserCreated(domain.User, domain.User)           { s.created++ }
func (s *signings) UserUpdated(domain.User, domain.User, []string) {}
func (s *signings) ContractSigned(domain.User, domain.Contract)    { s.signed++ }

// A save whose answer was lost is sent again with the same request key: it
// returns the record the first one made, writes nothing more and tells the
// observer nothing twice.
func TestRetriedCreateMakesOneRecord(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		heard := &signings{}
		hasher, err := auth.NewArgon2WithParams(auth.TestParams)
		ok(t, err)
		app, err := domain.New(w.ctx, domain.Deps{Store: w.db, Hasher: hasher, Now: w.clock.Now, Observer: heard})
		ok(t, err)
		admin, mgmt, sales := w.as("admin"), w.as("management"), w.as("sales")

		twice := func(table string, create func() (int64, error)) int64 {
			t.Helper()
			rows, audits := w.rowCount(table), w.auditCount()
			first, err := create()
			ok(t, err)
			again, err := create()
			ok(t, err)
			if again != first {
				t.Fatalf("%s: the retry made #%d, the first save #%d", table, again, first)
			}
			if got := w.rowCount(table); got != rows+1 {
				t.Fatalf("%s: %d rows after two saves of one form, want %d", table, got, rows+1)
			}
			if got := w.auditCount(); got != audits+1 {
				t.Fatalf("%s: %d audit rows after two saves of one form, want %d", table, got, audits+1)
			}
			return first
		}

		clientID := twice("clients", func() (int64, error) {
			c, err := app.Clients.Create(w.ctx, sales, domain.ClientInput{
				FullName: "Kévin Casey", Email: "kevin@startup.io", Phone: "0612345678", RequestKey: "client-form-1"})
			return c.ID, err
		})
		contractID := twice("contracts", func() (int64, error) {
			k, err := app.Contracts.Create(w.ctx, mgmt, domain.ContractInput{
				ClientID: clientID, TotalAmount: 1200000, AmountDue: 400050, Signed: true, RequestKey: "contract-form-1"})
			return k.ID, err
		})
		twice("events", func() (int64, error) {
			in := eventInput(contractID, w.clock.Now())
			in.RequestKey = "event-form-1"
			e, err := app.Events.Create(w.ctx, sales, in)
			return e.ID, err
		})
		twice("users", func() (int64, error) {
			u, err := app.Users.Create(w.ctx, admin, domain.NewUser{
				FullName: "Nina New", Username: "nina", Email: "nina@epic.test", Role: domain.RoleSales,
				Password: testPassword, RequestKey: "user-form-1"})
			return u.ID, err
		})
		if heard.signed != 1 || heard.created != 1 {
			t.Fatalf("observer heard %d signatures and %d user creations, want 1 and 1", heard.signed, heard.created)
		}

		// Without a key every save is a new record: two forms, two contracts.
		for range 2 {
			_, err := app.Contracts.Create(w.ctx, mgmt, domain.ContractInput{ClientID: clientID, TotalAmount: 100, AmountDue: 100})
			ok(t, err)
		}
		if got := w.rowCount("contracts"); got != 3 {
			t.Fatalf("%d contracts, want 3", got)
		}

		// A key belongs to the user and the kind of record it was made with.
		rows, audits := w.rowCount("contracts")+w.rowCount("clients"), w.auditCount()
		_, err = app.Contracts.Create(w.ctx, admin, domain.ContractInput{ClientID: clientID, TotalAmount: 100, AmountDue: 100, RequestKey: "contract-form-1"})
		wantKind(t, err, domain.ErrInvalid, "already used")
		_, err = app.Clients.Create(w.ctx, sales, domain.ClientInput{
			FullName: "Other", Email: "other@example.com", Phone: "0612345678", RequestKey: "contract-form-1"})
		wantKind(t, err, domain.ErrInvalid, "already used")
		for _, bad := range []string{"has space", "'; DROP TABLE audit_log; --", string(make([]byte, 65))} {
			_, err = app.Contracts.Create(w.ctx, mgmt, domain.ContractInput{ClientID: clientID, TotalAmount: 100, AmountDue: 100, RequestKey: bad})
			wantKind(t, err, domain.ErrInvalid, "request key is not valid")
		}
		if w.rowCount("contracts")+w.rowCount("clients") != rows || w.auditCount() != audits {
			t.Fatal("a refused key wrote something")
		}

		// A form changed between the lost answer and the retry: the record
		// stays as the first save made it, and the change is refused, not
		// dropped without a word.
		_, err = app.Contracts.Create(w.ctx, mgmt, domain.ContractInput{
			ClientID: clientID, TotalAmount: 1200000, AmountDue: 0, Signed: true, RequestKey: "contract-form-1"})
		wantKind(t, err, domain.ErrDuplicate, "already created this contract")
		_, err = app.Users.Create(w.ctx, admin, domain.NewUser{
			FullName: "Nina New", Username: "nina", Email: "nina@epic.test", Role: domain.RoleSales,
			Password: "another password", RequestKey: "user-form-1"})
		wantKind(t, err, domain.ErrDuplicate, "already created this user")
		k, err := app.Contracts.Get(w.ctx, mgmt, contractID)
		ok(t, err)
		if k.Contract.AmountDue != 400050 || w.auditCount() != audits {
			t.Fatalf("a refused retry changed something: due %d", k.Contract.AmountDue)
		}
		if _, err := app.Auth.Login(w.ctx, "nina", testPassword); err != nil {
			t.Fatalf("nina's first password no longer works: %v", err)
		}

		// A retry is still checked: a key does not let a refused user through.
		_, err = app.Contracts.Create(w.ctx, sales, domain.ContractInput{ClientID: clientID, TotalAmount: 100, AmountDue: 100, RequestKey: "contract-form-1"})
		wantKind(t, err, domain.ErrForbidden, "")
	})
}
