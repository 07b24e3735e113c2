package store

import (
	"context"
	"time"

	"github.com/lib/pq"
)

// changesChannel is the PostgreSQL channel on which servers sharing a
// database tell each other that data changed.
const changesChannel = "epic_tui_changes"

// NotifyChange tells every program listening on this PostgreSQL database
// (ListenChanges) that data changed; origin names the sender, so that it
// can ignore its own word. On SQLite, which one process uses, it does
// nothing.
func (db *DB) NotifyChange(ctx context.Context, origin string) error {
	if db.dialect != Postgres {
		return nil
	}
	if _, err := db.exec(ctx, `SELECT pg_notify(?, ?)`, changesChannel, origin); err != nil {
		return wrap("notify a change", err)
	}
	return nil
}

// ListenChanges calls changed with the origin of every NotifyChange made
// on the PostgreSQL database at rawURL, until ctx ends; after a lost
// connection, once reconnected, it calls changed with "" since changes may
// have been missed. It returns when listening could not start.
func ListenChanges(ctx context.Context, rawURL string, changed func(origin string)) error {
	l := pq.NewListener(rawURL, time.Second, 30*time.Second, nil)
	if err := l.Listen(changesChannel); err != nil {
		l.Close()
		return wrap("listen for changes", err)
	}
	go func() {
		defer l.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case n := <-l.NotificationChannel():
				if n == nil {
					changed("")
					continue
				}
				changed(n.Extra)
			}
		}
	}()
	return nil
}
