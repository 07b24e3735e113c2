package store_test

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

// TestMigrationFiles checks that both databases have the same migrations and
// that SchemaVersion names the newest.
func TestMigrationFiles(t *testing.T) {
	names := map[store.Dialect][]string{}
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		entries, err := fs.ReadDir(store.MigrationsFS(d), ".")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !regexp.MustCompile(`^\d{5}_[a-z0-9_]+\.sql$`).MatchString(e.Name()) {
				t.Errorf("%s migration %q is not named NNNNN_words.sql", d, e.Name())
			}
			names[d] = append(names[d], e.Name())
		}
	}
	if !slices.Equal(names[store.SQLite], names[store.Postgres]) {
		t.Errorf("migrations differ:\nsqlite:   %v\npostgres: %v", names[store.SQLite], names[store.Postgres])
	}
	last := names[store.Postgres][len(names[store.Postgres])-1]
	if want := fmt.Sprintf("%05d_", store.SchemaVersion); !strings.HasPrefix(last, want) {
		t.Errorf("newest migration %s, but SchemaVersion is %d", last, store.SchemaVersion)
	}
}

// TestSchemaFileMatchesMigrations proves schema.sql, the readable PostgreSQL
// schema, builds what the migrations build.
func TestSchemaFileMatchesMigrations(t *testing.T) {
	migrated := storetest.OpenPostgres(t)
	fromFile, _ := storetest.OpenEmpty(t, store.Postgres)
	text, err := os.ReadFile(filepath.Join("..", "schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fromFile.SQL().Exec(string(text)); err != nil {
		t.Fatalf("apply schema.sql: %v", err)
	}
	a, b := catalog(t, migrated), catalog(t, fromFile)
	if len(a) < 100 {
		t.Fatalf("only %d catalog lines", len(a))
	}
	if !slices.Equal(a, b) {
		for _, l := range a {
			if !slices.Contains(b, l) {
				t.Errorf("only the migrations build: %s", l)
			}
		}
		for _, l := range b {
			if !slices.Contains(a, l) {
				t.Errorf("only schema.sql builds: %s", l)
			}
		}
	}
}

// catalog describes a PostgreSQL schema as sorted lines: columns with their
// types and defaults, constraints, indexes, triggers, functions and the
// seeded rows of the reference tables.
func catalog(t *testing.T, db *store.DB) []string {
	t.Helper()
	var lines []string
	for _, q := range []string{
		`SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable
			|| ' default=' || COALESCE(column_default, '')
		FROM information_schema.columns WHERE table_schema = current_schema() AND table_name NOT LIKE 'goose%'`,
		`SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
		FROM pg_constraint WHERE connamespace = current_schema()::regnamespace AND conrelid::regclass::text NOT LIKE 'goose%'`,
		`SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename NOT LIKE 'goose%'`,
		`SELECT 'trigger ' || tgname || ' ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal`,
		`SELECT 'function ' || p.proname || ' ' || pg_get_functiondef(p.oid) FROM pg_proc p
		WHERE p.pronamespace = current_schema()::regnamespace AND p.prokind = 'f'
		AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`,
		`SELECT 'extension ' || extname FROM pg_extension`,
		`SELECT 'role ' || name || ' ' || label FROM roles`,
		`SELECT 'permission ' || id || ' ' || entity || ' ' || action FROM permissions`,
		`SELECT 'grant ' || role || ' ' || permission_id || ' ' || scope FROM role_permissions`,
		`SELECT 'schema_version ' || version FROM schema_version`,
		`SELECT 'instance ' || count(*) FROM instance`,
	} {
		var got []string
		if err := db.SQL().Select(&got, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		lines = append(lines, got...)
	}
	slices.Sort(lines)
	return lines
}

// legacySchema is migration 1 as programs from before versioned migrations
// applied it at every start: the same statements, run as one script.
func legacySchema(t *testing.T, d store.Dialect) string {
	t.Helper()
	b, err := fs.ReadFile(store.MigrationsFS(d), "00001_initial.sql")
	if err != nil {
		t.Fatal(err)
	}
	return regexp.MustCompile(`(?m)^-- \+goose .*$`).ReplaceAllString(string(b), "")
}

// TestMigrateLegacyDatabase upgrades a database made before migrations were
// versioned, holding data, and checks nothing is lost.
func TestMigrateLegacyDatabase(t *testing.T) {
	storetest.ForEachEmpty(t, func(t *testing.T, db *store.DB, _ string) {
		if _, err := db.SQL().Exec(legacySchema(t, db.Dialect())); err != nil {
			t.Fatalf("legacy schema: %v", err)
		}
		var instance string
		if err := db.SQL().Get(&instance, `SELECT uid FROM instance`); err != nil {
			t.Fatal(err)
		}
		u := newUser(t, db, "kept", domain.RoleAdmin)
		c := newClient(t, db, "Kept Client", u.ID)

		st, err := db.SchemaState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !st.Legacy || !st.Pending() || st.Current != 0 {
			t.Errorf("legacy database seen as %+v, want legacy with migration 1 pending", st)
		}
		if err := db.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaOutOfDate) {
			t.Errorf("check of a legacy database: %v, want ErrSchemaOutOfDate", err)
		}

		applied, err := db.Migrate(ctx)
		if err != nil {
			t.Fatalf("migrate a legacy database: %v", err)
		}
		if applied[0].Version != 1 || applied[len(applied)-1].Version != store.SchemaVersion {
			t.Errorf("applied %+v, want every migration from 1", applied)
		}
		if err := db.CheckSchema(ctx); err != nil {
			t.Errorf("check after migrate: %v", err)
		}
		if _, err := db.User(ctx, u.ID); err != nil {
			t.Errorf("user lost: %v", err)
		}
		if got, err := db.Client(ctx, c.ID); err != nil || got.FullName != "Kept Client" {
			t.Errorf("client lost: %+v, %v", got, err)
		}
		// Rows made before the word indexes are found by a word's beginning.
		for _, search := range []string{"k", "cl", "kept c"} {
			page, err := db.ListClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: search}})
			if err != nil || len(page.Items) != 1 || page.Items[0].ID != c.ID {
				t.Errorf("search %q after migrate: %+v, %v", search, page.Items, err)
			}
		}
		var after string
		if err := db.SQL().Get(&after, `SELECT uid FROM instance`); err != nil || after != instance {
			t.Errorf("instance id %q became %q (%v): saved sessions would be refused", instance, after, err)
		}
		perms, _ := db.RolePermissions(ctx)
		if len(perms) != 38 {
			t.Errorf("%d role permissions, want 38", len(perms))
		}
		st, err = db.SchemaState(ctx)
		if err != nil || st.Legacy || st.Current != store.SchemaVersion || st.Migrations[0].AppliedAt == nil {
			t.Errorf("state after migrate: %+v, %v", st, err)
		}
	})
}

// TestMigrateAgain checks that a migrated database has nothing to apply and
// that one migrated by a newer program is refused before anything is
// written.
func TestMigrateAgain(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		u := newUser(t, db, "kept", domain.RoleAdmin)
		applied, err := db.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, %v; want nothing", applied, err)
		}
		if _, err := db.User(ctx, u.ID); err != nil {
			t.Errorf("user lost by second migrate: %v", err)
		}

		next := store.SchemaVersion + 1
		if _, err := db.SQL().Exec(db.SQL().Rebind(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, TRUE)`), next); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("database schema version %d is newer than this epic-tui understands (%d); upgrade epic-tui", next, store.SchemaVersion)
		for name, f := range map[string]func() error{
			"migrate": func() error { _, err := db.Migrate(ctx); return err },
			"check":   func() error { return db.CheckSchema(ctx) },
		} {
			if err := f(); err == nil || err.Error() != want || !errors.Is(err, store.ErrSchemaTooNew) {
				t.Errorf("%s of a newer schema: %v, want %q", name, err, want)
			}
		}
	})
}

// TestOlderProgramSeesNewerSchema checks that schema_version follows the
// migrations, since programs from before versioned migrations refuse a
// database by it.
func TestOlderProgramSeesNewerSchema(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		if _, err := db.SQL().Exec(`UPDATE schema_version SET version = 99`); err != nil {
			t.Fatal(err)
		}
		if err := db.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaTooNew) {
			t.Errorf("schema_version 99: %v, want ErrSchemaTooNew", err)
		}
	})
}

// TestMigrateConcurrently runs four programs migrating one database at
// once, from empty and then to a migration that cannot run twice: each
// migration is applied once, and every program succeeds.
func TestMigrateConcurrently(t *testing.T) {
	storetest.ForEachEmpty(t, func(t *testing.T, first *store.DB, dbURL string) {
		const n = 4
		dbs := []*store.DB{first}
		for range n - 1 {
			db, err := store.Open(ctx, dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			dbs = append(dbs, db)
		}
		initial, err := fs.ReadFile(store.MigrationsFS(first.Dialect()), "00001_initial.sql")
		if err != nil {
			t.Fatal(err)
		}
		v1 := fstest.MapFS{"00001_initial.sql": {Data: initial}}
		v2 := fstest.MapFS{"00001_initial.sql": {Data: initial}, "00002_extra.sql": {Data: []byte(`-- +goose Up
CREATE TABLE extra (id INTEGER PRIMARY KEY);
`)}}
		for _, fsys := range []fstest.MapFS{v1, v2} {
			var wg sync.WaitGroup
			errs := make([]error, n)
			total := make([]int, n)
			for i, db := range dbs {
				wg.Go(func() {
					applied, err := db.MigrateFS(ctx, fsys)
					errs[i], total[i] = err, len(applied)
				})
			}
			wg.Wait()
			sum := 0
			for i := range n {
				if errs[i] != nil {
					t.Errorf("program %d: %v", i, errs[i])
				}
				sum += total[i]
			}
			if sum != 1 {
				t.Errorf("%d migrations applied in all, want 1", sum)
			}
		}
		var rows []int64
		if err := first.SQL().Select(&rows, `SELECT version_id FROM goose_db_version WHERE version_id > 0 ORDER BY 1`); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rows, []int64{1, 2}) {
			t.Errorf("versions recorded %v, want 1 and 2 once each", rows)
		}
		var recorded int64
		if err := first.SQL().Get(&recorded, `SELECT version FROM schema_version`); err != nil || recorded != 2 {
			t.Errorf("schema_version = %d (%v), want 2 for older programs to see", recorded, err)
		}
	})
}

// TestFailingMigrationLeavesDatabase runs a migration that fails halfway:
// nothing of it stays, and the database is at the version before.
func TestFailingMigrationLeavesDatabase(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		u := newUser(t, db, "kept", domain.RoleAdmin)
		fsys := fstest.MapFS{}
		real := store.MigrationsFS(db.Dialect())
		names, err := fs.Glob(real, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			b, err := fs.ReadFile(real, name)
			if err != nil {
				t.Fatal(err)
			}
			fsys[name] = &fstest.MapFile{Data: b}
		}
		broken := fmt.Sprintf("%05d_broken.sql", store.SchemaVersion+1)
		fsys[broken] = &fstest.MapFile{Data: []byte(`-- +goose Up
CREATE TABLE half_done (id INTEGER PRIMARY KEY);
UPDATE users SET full_name = 'Overwritten';
INSERT INTO no_such_table VALUES (1);
`)}
		applied, err := db.MigrateFS(ctx, fsys)
		if err == nil || len(applied) != 0 {
			t.Fatalf("broken migration: applied %v, err %v", applied, err)
		}
		if !strings.Contains(err.Error(), broken+" failed and was rolled back") {
			t.Errorf("error %q does not name the migration", err)
		}
		var n int
		exists := `SELECT count(*) FROM sqlite_master WHERE name = 'half_done'`
		if db.Dialect() == store.Postgres {
			exists = `SELECT count(*) FROM information_schema.tables WHERE table_name = 'half_done'`
		}
		if err := db.SQL().Get(&n, exists); err != nil || n != 0 {
			t.Errorf("half_done table left behind (%d, %v)", n, err)
		}
		if got, err := db.User(ctx, u.ID); err != nil || got.FullName == "Overwritten" {
			t.Errorf("user changed by a rolled-back migration: %+v, %v", got, err)
		}
		st, err := db.SchemaState(ctx)
		if err != nil || st.Current != store.SchemaVersion {
			t.Errorf("version after the failure: %+v, %v; want %d", st, err, store.SchemaVersion)
		}
	})
}

// TestForeignSQLiteFileUntouched opens files that are not epic-tui
// databases: each is refused and left byte for byte as it was, with no WAL
// file beside it.
func TestForeignSQLiteFileUntouched(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other.db")
	raw, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("shopping list\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		other: "is not an epic-tui database (it holds 1 other tables)",
		text:  "is not an SQLite database",
	} {
		before, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{path, "sqlite://" + path, "file:" + path} {
			db, err := store.Open(ctx, u)
			if err == nil {
				db.Close()
				t.Errorf("%s opened", u)
				continue
			}
			if !errors.Is(err, store.ErrForeignDatabase) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "untouched") {
				t.Errorf("open %s: %v, want ErrForeignDatabase saying %q", u, err, want)
			}
		}
		after, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(before, after) {
			t.Errorf("%s changed by the refused open", path)
		}
		if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s-wal exists: the journal mode was changed", path)
		}
	}
}

// TestEmptySQLiteFileAccepted checks that an empty file, such as one made
// with touch, becomes a database.
func TestEmptySQLiteFileAccepted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "touched.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()
	again, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen an epic-tui database: %v", err)
	}
	again.Close()
}
