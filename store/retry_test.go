package store_test

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

// Two transactions that lock two rows in opposite orders deadlock;
// PostgreSQL aborts one of them, and InTx runs it again, so both commit.
func TestDeadlockedTransactionIsRunAgain(t *testing.T) {
	db := storetest.OpenPostgres(t)
	x := newUser(t, db, "x", domain.RoleSales)
	y := newUser(t, db, "y", domain.RoleSales)
	var runs atomic.Int32
	var holding sync.WaitGroup
	holding.Add(2)
	lockBoth := func(first, second int64) func(q domain.Queries) error {
		var attempt int
		return func(q domain.Queries) error {
			attempt++
			runs.Add(1)
			if err := q.Lock(ctx, domain.EntityUser, first); err != nil {
				return err
			}
			if attempt == 1 {
				// Both hold their first row before either asks for its second.
				holding.Done()
				holding.Wait()
			}
			return q.Lock(ctx, domain.EntityUser, second)
		}
	}
	var errs [2]error
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); errs[0] = db.InTx(ctx, lockBoth(x.ID, y.ID)) }()
	go func() { defer wg.Done(); errs[1] = db.InTx(ctx, lockBoth(y.ID, x.ID)) }()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("transaction %d: %v", i, err)
		}
	}
	if n := runs.Load(); n != 3 {
		t.Fatalf("%d runs, want 3: the deadlocked one once more", n)
	}
}

// A transaction that keeps failing for a deadlock is tried three times in
// all, then said to be a busy database, with the driver's words kept for the
// log only.
func TestRetriesAreBounded(t *testing.T) {
	db := storetest.OpenPostgres(t)
	runs := 0
	err := db.InTx(ctx, func(q domain.Queries) error {
		runs++
		_, err := db.SQL().ExecContext(ctx, `DO $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = '40P01'; END $$`)
		return store.Wrap("raise", err)
	})
	if runs != 3 {
		t.Fatalf("%d runs, want 3", runs)
	}
	if !errors.Is(err, domain.ErrUnavailable) || strings.Contains(err.Error(), "40P01") || !strings.Contains(err.Error(), "busy") {
		t.Fatalf("got %q, want the busy sentence", err)
	}
	if !strings.Contains(domain.Detail(err), "40P01") {
		t.Fatalf("the detail %q lost the driver's error", domain.Detail(err))
	}
}
