package domain_test

import (
	"errors"
	"testing"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
)

// A batch commits every change its calls made, or none: a failure anywhere
// undoes the calls that succeeded before it, and the observer hears only of
// what was committed, once committed.
func TestBatchIsAllOrNothing(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		heard := &signings{}
		hasher, err := auth.NewArgon2WithParams(auth.TestParams)
		ok(t, err)
		app, err := domain.New(w.ctx, domain.Deps{Store: w.db, Hasher: hasher, Now: w.clock.Now, Observer: heard})
		ok(t, err)
		client := w.newClient("sales")
		contracts, audits := w.rowCount("contracts"), w.auditCount()
		signed := domain.ContractInput{ClientID: client.ID, TotalAmount: 1000, AmountDue: 1000, Signed: true}

		stop := errors.New("stop")
		err = app.Batch(w.ctx, func(b *domain.App) error {
			if _, err := b.Contracts.Create(w.ctx, w.as("admin"), signed); err != nil {
				return err
			}
			if heard.signed != 0 {
				t.Error("the observer heard of a change not yet committed")
			}
			return stop
		})
		if !errors.Is(err, stop) || w.rowCount("contracts") != contracts || w.auditCount() != audits || heard.signed != 0 {
			t.Fatalf("a failed batch: %v; %d contracts, %d audit rows, %d heard", err, w.rowCount("contracts"), w.auditCount(), heard.signed)
		}

		err = app.Batch(w.ctx, func(b *domain.App) error {
			for range 2 {
				if _, err := b.Contracts.Create(w.ctx, w.as("admin"), signed); err != nil {
					return err
				}
			}
			// Refused as alone: sales people write no contracts.
			_, err := b.Contracts.Create(w.ctx, w.as("sales"), signed)
			if !errors.Is(err, domain.ErrForbidden) {
				t.Errorf("sales creating a contract in a batch: %v", err)
			}
			return nil
		})
		ok(t, err)
		if w.rowCount("contracts") != contracts+2 || w.auditCount() != audits+2 || heard.signed != 2 {
			t.Fatalf("a committed batch: %d contracts, %d audit rows, %d heard", w.rowCount("contracts"), w.auditCount(), heard.signed)
		}
	})
}
