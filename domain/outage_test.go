package domain_test

import (
	"database/sql"
	"errors"
	"os"
	"strings"
	"testing"

	_ "github.com/lib/pq"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store/storetest"
)

// TestConnectionLossRecovers cuts every connection of the app from the
// server side, as a restart or a network cut would, and checks that the app
// goes on: a save either fails as "unreachable" and changes nothing, or
// succeeds; saving again works and never leaves two records.
func TestConnectionLossRecovers(t *testing.T) {
	db := storetest.OpenPostgres(t)
	w := newWorld(t, db)
	admin, err := sql.Open("postgres", os.Getenv(storetest.PostgresEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var name string
	if err := db.SQL().GetContext(w.ctx, &name, "SELECT current_database()"); err != nil {
		t.Fatal(err)
	}
	cut := func() {
		t.Helper()
		// Make sure the pool holds a connection to cut.
		if err := db.SQL().PingContext(w.ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		err := admin.QueryRowContext(w.ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = $1 AND pid <> pg_backend_pid()`, name).Scan(&n)
		if err != nil || n == 0 {
			t.Fatalf("terminated %d connections: %v", n, err)
		}
	}
	// Hold several pooled connections so the cut leaves dead idle ones.
	db.SQL().SetMaxIdleConns(4)
	in := domain.ClientInput{FullName: "Outage Client", Email: "outage@example.com", Phone: "0612345678"}
	cut()
	_, err = w.app.Clients.Create(w.ctx, w.as("sales"), in)
	if err != nil {
		// The first try may fail: as unreachable, with nothing written.
		if !errors.Is(err, domain.ErrUnavailable) {
			t.Fatalf("after a cut: %v, want success or ErrUnavailable", err)
		}
		if strings.Contains(err.Error(), "postgres://") {
			t.Fatalf("the error shows the database URL: %v", err)
		}
		if n := w.rowCount("clients"); n != 0 {
			t.Fatalf("a failed save left %d client(s)", n)
		}
		// The same action, tried again, succeeds.
		if _, err = w.app.Clients.Create(w.ctx, w.as("sales"), in); err != nil {
			t.Fatalf("the retried save failed: %v", err)
		}
	}
	// Saving the same client again is refused as a duplicate, not written twice.
	_, err = w.app.Clients.Create(w.ctx, w.as("sales"), in)
	if !errors.Is(err, domain.ErrDuplicate) {
		t.Fatalf("second save: %v, want ErrDuplicate", err)
	}
	if n := w.rowCount("clients"); n != 1 {
		t.Fatalf("%d clients after the outage, want 1", n)
	}
	// Reads recover the same way: after a cut, at most the first fails,
	// however many dead connections the pool held.
	for round := 0; round < 3; round++ {
		var conns []*sql.Conn
		for range 4 {
			c, err := db.SQL().Conn(w.ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		for _, c := range conns {
			c.Close() // back to the pool, idle
		}
		cut()
		failures := 0
		for range 5 {
			if _, err := w.app.Clients.List(w.ctx, w.as("sales"), domain.ClientQuery{}); err != nil {
				if !errors.Is(err, domain.ErrUnavailable) {
					t.Fatalf("list after a cut: %v", err)
				}
				failures++
			}
		}
		if failures > 1 {
			t.Fatalf("%d reads failed after one cut; only the first may", failures)
		}
	}
}
