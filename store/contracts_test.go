package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

func TestApplyPayment(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		sales := newUser(t, db, "sam", domain.RoleSales)
		c := newClient(t, db, "Kevin", sales.ID)
		k := newContract(t, db, c.ID, 10000, 3000, true)

		paid, err := db.ApplyPayment(ctx, k.ID, 1000, baseTime)
		if err != nil {
			t.Fatal(err)
		}
		if paid.AmountDue != 2000 || paid.Version != 2 || !paid.UpdatedAt.Equal(baseTime) || paid.Paid() != 8000 {
			t.Errorf("after a payment: %+v", paid)
		}

		_, err = db.ApplyPayment(ctx, k.ID, 2001, baseTime)
		wantKind(t, err, domain.ErrInvalid)
		var de *domain.Error
		if !errors.As(err, &de) || de.Msg != "payment is more than the amount due" {
			t.Errorf("overpayment: %v", err)
		}
		_, err = db.ApplyPayment(ctx, k.ID, 0, baseTime)
		wantKind(t, err, domain.ErrInvalid)
		_, err = db.ApplyPayment(ctx, 9999, 10, baseTime)
		wantKind(t, err, domain.ErrNotFound)

		paid, err = db.ApplyPayment(ctx, k.ID, 2000, time.Time{})
		if err != nil || paid.AmountDue != 0 || paid.Version != 3 {
			t.Errorf("paying the rest: %+v, %v", paid, err)
		}
	})
}

// TestConcurrentPayments pays one contract from many goroutines at once:
// every payment must count.
func TestConcurrentPayments(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		sales := newUser(t, db, "sam", domain.RoleSales)
		c := newClient(t, db, "Kevin", sales.ID)
		k := newContract(t, db, c.ID, 100000, 100000, true)

		const payers, cents = 50, 700
		var wg sync.WaitGroup
		errs := make(chan error, payers)
		for i := range payers {
			wg.Go(func() {
				if i%2 == 0 {
					_, err := db.ApplyPayment(ctx, k.ID, cents, time.Now())
					errs <- err
					return
				}
				// Half pay inside a transaction, as the domain services do.
				errs <- db.InTx(ctx, func(q domain.Queries) error {
					_, err := q.ApplyPayment(ctx, k.ID, cents, time.Now())
					return err
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("payment: %v", err)
			}
		}
		got, err := db.Contract(ctx, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.AmountDue != 100000-payers*cents || got.Version != 1+payers {
			t.Errorf("after %d payments of %d: due %d, version %d", payers, cents, got.AmountDue, got.Version)
		}
	})
}
