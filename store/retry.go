package store

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

// txAttempts bounds how many times InTx runs a transaction that PostgreSQL
// aborted to break a deadlock or a serialization conflict.
const txAttempts = 3

// retryPause is the longest wait before the second attempt; the third waits
// up to twice as long. The wait is random so that the two transactions that
// collided do not collide again.
const retryPause = 20 * time.Millisecond

// InTx runs fn in one transaction, committed when fn returns nil and rolled
// back otherwise (and when fn panics). A transaction the database aborted
// for a deadlock or a serialization failure is run again from the start, up
// to txAttempts times in all: fn must only read and write through q and the
// variables it sets afresh. What still fails is a sentence, "the database is
// busy".
func (db *DB) InTx(ctx context.Context, fn func(q domain.Queries) error) error {
	for attempt := 1; ; attempt++ {
		err := db.inTx(ctx, fn)
		if attempt == txAttempts || !retryable(err) {
			return err
		}
		wait := time.NewTimer(rand.N(retryPause * time.Duration(attempt)))
		select {
		case <-ctx.Done():
			wait.Stop()
			return err
		case <-wait.C:
		}
	}
}
