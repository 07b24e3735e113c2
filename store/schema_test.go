package store_test

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

// TestSchemaTwins proves schema.sql and schema.sqlite.sql define the same
// tables, columns, nullability, indexes and seed rows.
func TestSchemaTwins(t *testing.T) {
	lite := storetest.OpenSQLite(t)
	pg := storetest.OpenPostgres(t)

	type column struct {
		Table    string `db:"table_name"`
		Column   string `db:"column_name"`
		Nullable bool   `db:"nullable"`
	}
	var liteCols, pgCols []column
	if err := lite.SQL().Select(&liteCols, `SELECT m.name AS table_name, p.name AS column_name,
			(p."notnull" = 0 AND p.pk = 0) AS nullable
		FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'goose_%'
		ORDER BY 1, 2`); err != nil {
		t.Fatal(err)
	}
	if err := pg.SQL().Select(&pgCols, `SELECT table_name, column_name, is_nullable = 'YES' AS nullable
		FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name NOT LIKE 'goose_%'
		ORDER BY 1, 2`); err != nil {
		t.Fatal(err)
	}
	// The FTS5 tables <table>_fts and <table>_words and their shadow tables
	// exist in SQLite only: they are the twins of PostgreSQL's trigram
	// indexes <table>_search_idx and word prefix indexes <table>_words_idx,
	// checked below with the indexes.
	var ftsTwins []string
	liteCols = slices.DeleteFunc(liteCols, func(c column) bool {
		for _, kind := range []string{"_fts", "_words"} {
			if strings.HasSuffix(c.Table, kind) && !slices.Contains(ftsTwins, c.Table) {
				ftsTwins = append(ftsTwins, c.Table)
			}
			if strings.HasSuffix(c.Table, kind) || strings.Contains(c.Table, kind+"_") {
				return true
			}
		}
		return false
	})
	slices.Sort(ftsTwins)
	if want := []string{"clients_fts", "clients_words", "contracts_fts", "contracts_words", "events_fts", "events_words"}; !slices.Equal(ftsTwins, want) {
		t.Errorf("SQLite FTS5 tables %v, want %v", ftsTwins, want)
	}
	if len(liteCols) < 40 {
		t.Fatalf("only %d columns in SQLite", len(liteCols))
	}
	if !slices.Equal(liteCols, pgCols) {
		t.Errorf("columns differ:\nsqlite:   %v\npostgres: %v", liteCols, pgCols)
	}

	var liteIdx, pgIdx []string
	if err := lite.SQL().Select(&liteIdx, `SELECT name FROM sqlite_master
		WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name`); err != nil {
		t.Fatal(err)
	}
	if err := pg.SQL().Select(&pgIdx, `SELECT indexname FROM pg_indexes
		WHERE schemaname = current_schema() AND indexname NOT LIKE '%\_pkey' AND indexname NOT LIKE '%\_key'
		ORDER BY indexname`); err != nil {
		t.Fatal(err)
	}
	for _, fts := range ftsTwins {
		if table, ok := strings.CutSuffix(fts, "_fts"); ok {
			liteIdx = append(liteIdx, table+"_search_idx")
		} else {
			liteIdx = append(liteIdx, fts+"_idx")
		}
	}
	slices.Sort(liteIdx)
	if !slices.Equal(liteIdx, pgIdx) {
		t.Errorf("indexes differ:\nsqlite:   %v\npostgres: %v", liteIdx, pgIdx)
	}

	for _, db := range []*store.DB{lite, pg} {
		var v int
		if err := db.SQL().Get(&v, `SELECT version FROM schema_version WHERE id = 1`); err != nil || v != store.SchemaVersion {
			t.Errorf("%s: schema_version = %d, %v; want %d", db.Dialect(), v, err, store.SchemaVersion)
		}
	}
	litePerms, err := lite.RolePermissions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pgPerms, err := pg.RolePermissions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(litePerms) != 38 || !slices.Equal(litePerms, pgPerms) {
		t.Errorf("role permissions differ: %d on SQLite, %d on PostgreSQL", len(litePerms), len(pgPerms))
	}
	if _, err := domain.NewPolicy(pgPerms); err != nil {
		t.Errorf("policy from seeded permissions: %v", err)
	}
}

// TestSQLitePragmasOnEveryConnection checks that the DSN configures every
// pooled connection, not only the first.
func TestSQLitePragmasOnEveryConnection(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		if db.Dialect() != store.SQLite {
			t.Skip("SQLite pragmas only")
		}
		const n = 4
		var wg sync.WaitGroup
		conns := make(chan error, n)
		hold := make(chan struct{})
		for range n {
			wg.Go(func() {
				conn, err := db.SQL().Conn(ctx)
				if err != nil {
					conns <- err
					return
				}
				defer conn.Close()
				var fk, busy, mmap, cache int
				var journal string
				err = conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk)
				if err == nil {
					err = conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&journal)
				}
				if err == nil {
					err = conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy)
				}
				if err == nil {
					err = conn.QueryRowContext(ctx, `PRAGMA mmap_size`).Scan(&mmap)
				}
				if err == nil {
					err = conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache)
				}
				if err == nil && (fk != 1 || journal != "wal" || busy != 10000 || mmap != 256<<20 || cache != -65536) {
					err = fmt.Errorf("foreign_keys=%d journal_mode=%s busy_timeout=%d mmap_size=%d cache_size=%d",
						fk, journal, busy, mmap, cache)
				}
				conns <- err
				<-hold // keep the connection busy so the others open new ones
			})
		}
		for range n {
			if err := <-conns; err != nil {
				t.Errorf("connection: %v", err)
			}
		}
		if open := db.SQL().Stats().InUse; open != n {
			t.Errorf("%d connections in use, want %d", open, n)
		}
		close(hold)
		wg.Wait()
	})
}

// TestTimesStoredAsUTC checks that times written in another zone are stored
// and read back in UTC, to the microsecond.
func TestTimesStoredAsUTC(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		u := domain.User{
			EmployeeNumber: "E1", FullName: "Zoned", Username: "zoned", Email: "zoned@epic.test",
			Role: domain.RoleSales, Active: true, PasswordHash: testHash,
			TokensValidAfter: baseTime.Add(789 * time.Nanosecond),
			CreatedAt:        baseTime,
			UpdatedAt:        baseTime,
			LockedUntil:      ptr(baseTime.Add(time.Hour)),
		}
		if err := db.InsertUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		got, err := db.User(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.CreatedAt.Location() != time.UTC || !got.CreatedAt.Equal(baseTime) {
			t.Errorf("created_at read back as %v, want %v in UTC", got.CreatedAt, baseTime)
		}
		if !got.TokensValidAfter.Equal(baseTime) {
			t.Errorf("tokens_valid_after = %v, want it truncated to %v", got.TokensValidAfter, baseTime)
		}
		if got.LockedUntil == nil || got.LockedUntil.Location() != time.UTC {
			t.Errorf("locked_until = %v, want a UTC time", got.LockedUntil)
		}
		if got != u {
			// The inserted struct holds what was stored.
			if !equalUsers(got, u) {
				t.Errorf("read back %+v\nwant      %+v", got, u)
			}
		}
		if db.Dialect() == store.SQLite {
			var raw string
			if err := db.SQL().Get(&raw, `SELECT CAST(created_at AS TEXT) FROM users WHERE id = ?`, u.ID); err != nil {
				t.Fatal(err)
			}
			if raw != "2031-05-17 12:30:15.123456+00:00" {
				t.Errorf("stored created_at = %q, want UTC text", raw)
			}
		} else {
			var raw string
			if err := db.SQL().Get(&raw, `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM users WHERE id = $1`, u.ID); err != nil {
				t.Fatal(err)
			}
			if raw != "2031-05-17 12:30:15.123456" {
				t.Errorf("stored created_at = %q in UTC, want 2031-05-17 12:30:15.123456", raw)
			}
		}
	})
}

// equalUsers compares users, times by instant.
func equalUsers(a, b domain.User) bool {
	if !a.TokensValidAfter.Equal(b.TokensValidAfter) || !a.CreatedAt.Equal(b.CreatedAt) || !a.UpdatedAt.Equal(b.UpdatedAt) {
		return false
	}
	if (a.LockedUntil == nil) != (b.LockedUntil == nil) || a.LockedUntil != nil && !a.LockedUntil.Equal(*b.LockedUntil) {
		return false
	}
	a.TokensValidAfter, a.CreatedAt, a.UpdatedAt, a.LockedUntil = b.TokensValidAfter, b.CreatedAt, b.UpdatedAt, b.LockedUntil
	return a == b
}

// TestOpenUnreachable checks the sentence shown when PostgreSQL is down.
func TestOpenUnreachable(t *testing.T) {
	_, err := store.Open(ctx, "postgres://bob:s3cret@127.0.0.1:1/epic?sslmode=disable")
	if !errors.Is(err, domain.ErrUnavailable) {
		t.Fatalf("open: %v, want ErrUnavailable", err)
	}
	if msg := err.Error(); strings.Contains(msg, "s3cret") || strings.Contains(msg, "\n") || !strings.Contains(msg, "127.0.0.1:1") {
		t.Errorf("message %q must name the host, on one line, without the password", msg)
	}
}

// TestRedact checks that passwords never show.
func TestRedact(t *testing.T) {
	cases := map[string]string{
		"postgres://bob:s3cret@db:5432/epic?sslmode=disable": "postgres://bob:xxxxx@db:5432/epic?sslmode=disable",
		"postgres://bob@db/epic":                             "postgres://bob@db/epic",
		"/var/lib/epic/epic.db":                              "/var/lib/epic/epic.db",
	}
	for _, in := range slices.Sorted(maps.Keys(cases)) {
		if got := store.Redact(in); got != cases[in] {
			t.Errorf("Redact(%q) = %q, want %q", in, got, cases[in])
		}
	}
}

// TestOpenSQLiteForms checks the spellings of an SQLite database.
func TestOpenSQLiteForms(t *testing.T) {
	dir := t.TempDir()
	for _, u := range []string{
		dir + "/new/dir/plain.db",
		"sqlite://" + dir + "/url.db",
		"file:" + dir + "/uri.db?cache=private",
	} {
		db, err := store.Open(ctx, u)
		if err != nil {
			t.Errorf("open %s: %v", u, err)
			continue
		}
		if db.Dialect() != store.SQLite {
			t.Errorf("%s: dialect %s", u, db.Dialect())
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Errorf("migrate %s: %v", u, err)
		}
		db.Close()
	}
}

func TestNewSQLiteFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "private.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal"} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), info.Mode().Perm())
		}
	}
}
