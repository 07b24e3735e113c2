package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

// Every PostgreSQL connection bounds its statements and its waits for
// locks, unless the URL chose its own bounds.
func TestPostgresConnectionsHaveTimeouts(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	show := func(rawURL string) (statement, lock string) {
		t.Helper()
		db, err := store.Open(ctx, rawURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.SQL().GetContext(ctx, &statement, `SHOW statement_timeout`); err != nil {
			t.Fatal(err)
		}
		if err := db.SQL().GetContext(ctx, &lock, `SHOW lock_timeout`); err != nil {
			t.Fatal(err)
		}
		return statement, lock
	}
	if s, l := show(dbURL); s != "30s" || l != "10s" {
		t.Fatalf("statement_timeout %q, lock_timeout %q; want 30s and 10s", s, l)
	}
	sep := "?"
	if strings.Contains(dbURL, "?") {
		sep = "&"
	}
	if s, l := show(dbURL + sep + "statement_timeout=5000"); s != "5s" || l != "10s" {
		t.Fatalf("with the URL's own bound: statement_timeout %q, lock_timeout %q; want 5s and 10s", s, l)
	}
}

// A statement that runs past its time-out is a sentence that says to try
// again.
func TestStatementTimeoutIsASentence(t *testing.T) {
	db := storetest.OpenPostgres(t)
	tx, err := db.SQL().BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = 1`); err != nil {
		t.Fatal(err)
	}
	_, err = tx.ExecContext(ctx, `SELECT pg_sleep(5)`)
	err = store.Wrap("sleep", err)
	var de *domain.Error
	if !errors.As(err, &de) || !errors.Is(err, domain.ErrUnavailable) || !strings.Contains(de.Msg, "try again") {
		t.Fatalf("got %v, want a sentence saying to try again", err)
	}
}
