package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrationFiles holds the numbered migrations of each database, in
// migrations/postgres and migrations/sqlite: the same numbers, the same
// tables. An applied migration is never edited; a change is a new file.
//
//go:embed migrations
var migrationFiles embed.FS

// SchemaVersion is the number of the newest migration this build holds. A
// test checks it against the files.
const SchemaVersion = 3

// versionTable is where goose records the migrations applied.
const versionTable = "goose_db_version"

// migrationLockID is the PostgreSQL advisory lock that keeps two programs
// from migrating one database at once.
const migrationLockID = 7340813

// ErrSchemaTooNew is wrapped by Migrate and CheckSchema when the database
// was migrated by a newer epic-tui.
var ErrSchemaTooNew = errors.New("database schema is newer than this epic-tui")

// ErrSchemaOutOfDate is wrapped by CheckSchema when migrations are pending.
var ErrSchemaOutOfDate = errors.New("database schema is out of date")

// schemaTooNew is the sentence people read when the schema is too new.
type schemaTooNew struct{ version, known int64 }

func (e *schemaTooNew) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this epic-tui understands (%d); upgrade epic-tui",
		e.version, e.known)
}

// Unwrap lets errors.Is match ErrSchemaTooNew.
func (e *schemaTooNew) Unwrap() error { return ErrSchemaTooNew }

// schemaOutOfDate is the sentence people read when migrations are pending
// and the program may not apply them itself.
type schemaOutOfDate struct{ current, latest int64 }

func (e *schemaOutOfDate) Error() string {
	if e.current == 0 {
		return fmt.Sprintf("the database has no up-to-date epic-tui schema (this epic-tui needs version %d); run `epic-tui migrate up` once", e.latest)
	}
	return fmt.Sprintf("the database schema is at version %d and this epic-tui needs version %d; run `epic-tui migrate up` once for the whole team", e.current, e.latest)
}

// Unwrap lets errors.Is match ErrSchemaOutOfDate.
func (e *schemaOutOfDate) Unwrap() error { return ErrSchemaOutOfDate }

// Migration is one numbered migration and when it was applied.
type Migration struct {
	Version   int64
	Name      string     // file name, e.g. 00001_initial.sql
	AppliedAt *time.Time // nil while pending
}

// SchemaState is where a database stands against this build's migrations.
type SchemaState struct {
	Current    int64       // newest migration applied; 0 for an empty database
	Latest     int64       // newest migration this build holds
	Legacy     bool        // made before migrations were versioned: its schema is migration 1's, unrecorded
	Recorded   int64       // the version in schema_version, which older programs read
	Migrations []Migration // every migration this build holds, oldest first
}

// Pending reports whether migrations remain to apply.
func (s SchemaState) Pending() bool { return s.Current < s.Latest }

// tooNew is the error for a database migrated by a newer program, or nil.
func (s SchemaState) tooNew() error {
	if v := max(s.Current, s.Recorded); v > s.Latest {
		return &schemaTooNew{version: v, known: s.Latest}
	}
	return nil
}

// migrationsFS is the migrations of dialect.
func migrationsFS(dialect Dialect) fs.FS {
	sub, err := fs.Sub(migrationFiles, path.Join("migrations", string(dialect)))
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}

// SchemaState reads where the database stands, without writing anything:
// starting the program on a database must not change it.
func (db *DB) SchemaState(ctx context.Context) (SchemaState, error) {
	return db.schemaState(ctx, migrationsFS(db.dialect))
}

func (db *DB) schemaState(ctx context.Context, fsys fs.FS) (SchemaState, error) {
	var st SchemaState
	files, err := migrationNames(fsys)
	if err != nil {
		return st, err
	}
	hasGoose, err := db.tableExists(ctx, versionTable)
	if err != nil {
		return st, db.lost(wrap("read the schema version", err))
	}
	applied := map[int64]time.Time{}
	if hasGoose {
		var rows []struct {
			Version int64     `db:"version_id"`
			At      time.Time `db:"tstamp"`
		}
		if err := db.selectRows(ctx, &rows, `SELECT version_id, tstamp FROM `+versionTable+`
			WHERE is_applied AND version_id > 0`); err != nil {
			return st, wrap("read the schema version", err)
		}
		for _, r := range rows {
			applied[r.Version] = r.At.UTC()
			st.Current = max(st.Current, r.Version)
		}
	}
	// Another program may be creating the schema right now: goose's table
	// can exist before migration 1, which makes schema_version, commits.
	hasVersion, err := db.tableExists(ctx, "schema_version")
	if err != nil {
		return st, wrap("read the schema version", err)
	}
	st.Legacy = hasVersion && !hasGoose
	if hasVersion {
		// Programs from before versioned migrations read schema_version, and
		// every migration sets it to its own number: a number above the
		// newest this build holds means a newer program migrated it.
		if err := db.get(ctx, &st.Recorded, `SELECT COALESCE(MAX(version), 0) FROM schema_version`); err != nil {
			return st, wrap("read the schema version", err)
		}
	}
	st.Latest = latestVersion(files)
	for _, f := range files {
		m := Migration{Version: f.version, Name: f.name}
		if at, ok := applied[f.version]; ok {
			m.AppliedAt = &at
		}
		st.Migrations = append(st.Migrations, m)
	}
	return st, nil
}

// CheckSchema fails when the database was migrated by a newer epic-tui
// (ErrSchemaTooNew) or when migrations are pending (ErrSchemaOutOfDate). It
// writes nothing.
func (db *DB) CheckSchema(ctx context.Context) error {
	st, err := db.SchemaState(ctx)
	if err != nil {
		return err
	}
	if err := st.tooNew(); err != nil {
		return err
	}
	if st.Pending() {
		return &schemaOutOfDate{current: st.Current, latest: st.Latest}
	}
	return nil
}

// Migrate applies the pending migrations, each in a transaction of its own,
// and returns those it applied. Two programs migrating one database at once
// take turns: the second finds nothing left to do. A database made before
// migrations were versioned is brought under them without loss. A database
// migrated by a newer epic-tui is refused before anything is written.
func (db *DB) Migrate(ctx context.Context) ([]Migration, error) {
	return db.migrate(ctx, migrationsFS(db.dialect))
}

func (db *DB) migrate(ctx context.Context, fsys fs.FS) ([]Migration, error) {
	st, err := db.schemaState(ctx, fsys)
	if err != nil {
		return nil, err
	}
	if err := st.tooNew(); err != nil {
		return nil, err
	}
	if !st.Pending() {
		return nil, nil
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true), goose.WithTableName(versionTable)}
	dialect := goose.DialectSQLite3
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrationLockID), lock.WithLockTimeout(1, 600))
		if err != nil {
			return nil, fmt.Errorf("store: migrate: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	} else {
		opts = append(opts, goose.WithLocker(newSQLiteLocker()))
	}
	p, err := goose.NewProvider(dialect, db.db.DB, fsys, opts...)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	results, err := p.Up(ctx)
	var applied []Migration
	for _, r := range results {
		applied = append(applied, Migration{Version: r.Source.Version, Name: path.Base(r.Source.Path)})
	}
	if err != nil {
		var partial *goose.PartialError
		if errors.As(err, &partial) {
			for _, r := range partial.Applied {
				applied = append(applied, Migration{Version: r.Source.Version, Name: path.Base(r.Source.Path)})
			}
			return applied, fmt.Errorf("store: migration %s failed and was rolled back: %w",
				path.Base(partial.Failed.Source.Path), mapError(partial.Err))
		}
		return applied, db.lost(wrap("migrate", err))
	}
	// Another program may have migrated meanwhile, past this build.
	if st, err = db.schemaState(ctx, fsys); err != nil {
		return applied, err
	}
	if err := st.tooNew(); err != nil {
		return applied, err
	}
	// Programs from before versioned migrations refuse a database by
	// schema_version: keep it at the newest migration applied.
	if _, err := db.exec(ctx, `UPDATE schema_version SET version = ? WHERE version < ?`, st.Current, st.Current); err != nil {
		return applied, wrap("migrate: record the schema version", err)
	}
	return applied, nil
}

// migrationFile is a migration's number and file name.
type migrationFile struct {
	version int64
	name    string
}

// migrationNames lists the migrations of fsys, oldest first.
func migrationNames(fsys fs.FS) ([]migrationFile, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("store: list migrations: %w", err)
	}
	var out []migrationFile
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		var v int64
		if _, err := fmt.Sscanf(e.Name(), "%d_", &v); err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration %s has no number", e.Name())
		}
		out = append(out, migrationFile{version: v, name: e.Name()})
	}
	slices.SortFunc(out, func(a, b migrationFile) int { return int(a.version - b.version) })
	return out, nil
}

// latestVersion is the number of the newest migration.
func latestVersion(files []migrationFile) int64 {
	if len(files) == 0 {
		return 0
	}
	return files[len(files)-1].version
}

// tableExists reports whether the current schema holds a table named name.
func (q queries) tableExists(ctx context.Context, name string) (bool, error) {
	query := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	if q.dialect == Postgres {
		query = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?`
	}
	var n int
	err := q.get(ctx, &n, query, name)
	return n > 0, err
}

// sqliteLocker keeps two programs from migrating one SQLite file at once.
// SQLite has no advisory lock: the lock is a row with a lease, renewed while
// held, so a program that dies holding it keeps the others out for a lease
// at most.
type sqliteLocker struct {
	holder string
	lease  time.Duration
	stop   context.CancelFunc
	done   chan struct{}
}

func newSQLiteLocker() *sqliteLocker {
	return &sqliteLocker{holder: rand.Text(), lease: 30 * time.Second}
}

// Lock waits until the lock is free or its lease expired, then takes it.
func (l *sqliteLocker) Lock(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS goose_lock (
		id         INTEGER PRIMARY KEY CHECK (id = 1),
		holder     TEXT    NOT NULL,
		expires_at INTEGER NOT NULL
	)`); err != nil {
		return wrap("migrate: lock", err)
	}
	for {
		now := time.Now()
		res, err := db.ExecContext(ctx, `INSERT INTO goose_lock (id, holder, expires_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE goose_lock.expires_at < ?`, l.holder, now.Add(l.lease).UnixMilli(), now.UnixMilli())
		if err != nil {
			return wrap("migrate: lock", err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 1 {
			break
		}
		select {
		case <-ctx.Done():
			return wrap("migrate: wait for the lock", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	renew, stop := context.WithCancel(context.WithoutCancel(ctx))
	l.stop, l.done = stop, make(chan struct{})
	go func() {
		defer close(l.done)
		t := time.NewTicker(l.lease / 3)
		defer t.Stop()
		for {
			select {
			case <-renew.Done():
				return
			case <-t.C:
				db.ExecContext(renew, `UPDATE goose_lock SET expires_at = ? WHERE holder = ?`,
					time.Now().Add(l.lease).UnixMilli(), l.holder)
			}
		}
	}()
	return nil
}

// Unlock releases the lock.
func (l *sqliteLocker) Unlock(ctx context.Context, db *sql.DB) error {
	if l.stop != nil {
		l.stop()
		<-l.done
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM goose_lock WHERE holder = ?`, l.holder); err != nil {
		return wrap("migrate: unlock", err)
	}
	return nil
}
