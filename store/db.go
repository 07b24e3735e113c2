// Package store keeps epic-tui's data in PostgreSQL or SQLite. It implements
// domain.Store with sqlx: one file per entity, plain SQL beside the Go that
// scans it, and every method written once for both databases and for use
// inside or outside a transaction.
package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // registers the "postgres" driver
	"modernc.org/sqlite"  // registers the "sqlite" driver

	"github.com/epicevents/epic-tui/domain"
)

// Dialect names the database behind a DB.
type Dialect string

// The two databases epic-tui speaks to.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// pingTimeout bounds how long Open waits for the database to answer.
const pingTimeout = 5 * time.Second

// sqliteParams apply to every connection the pool opens: a one-off Exec
// would configure only the connection it happened to run on.
var sqliteParams = []string{
	"_pragma=foreign_keys(1)",
	"_pragma=journal_mode(WAL)",
	"_pragma=busy_timeout(10000)",
	// Searches read much of the FTS5 tables: mapped pages skip a read
	// system call each, and a 64 MiB cache keeps them between searches.
	"_pragma=mmap_size(268435456)",
	"_pragma=cache_size(-65536)",
	"_txlock=immediate", // writers queue on BEGIN instead of failing on upgrade
	"_time_format=sqlite",
}

func init() {
	// Searches test short terms with it on rows already read: SQLite has no
	// regular expressions to tell where a word begins.
	sqlite.MustRegisterDeterministicScalarFunction(wordStartFunc, 2,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			text, _ := args[0].(string)
			term, _ := args[1].(string)
			if wordStart(text, term) {
				return int64(1), nil
			}
			return int64(0), nil
		})
}

// queries holds what every store method needs; DB and Tx embed it, so each
// method is written once and runs inside or outside a transaction.
type queries struct {
	x       sqlx.ExtContext
	dialect Dialect
	pool    *sqlx.DB // set where a lost connection should empty the idle pool
}

// DB is an open database. It implements domain.Store.
type DB struct {
	queries
	db *sqlx.DB
}

// Tx is a transaction in progress. It implements domain.Queries.
type Tx struct {
	queries
}

var (
	_ domain.Store   = (*DB)(nil)
	_ domain.Queries = (*Tx)(nil)
)

// Open connects to the database named by rawURL: a postgres:// or
// postgresql:// URL for PostgreSQL; anything else is an SQLite file, given as
// a plain path, sqlite://path or a file: URI. It pings the database and
// returns an error wrapping domain.ErrUnavailable when it does not answer.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	driver, dsn, err := dataSource(rawURL)
	if err != nil {
		return nil, err
	}
	if Dialect(driver) == SQLite {
		if err := checkSQLiteFile(ctx, sqliteBase(dsn)); err != nil {
			return nil, err
		}
	}
	x, err := sqlx.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", Redact(rawURL), err)
	}
	db := &DB{queries: queries{x: x, dialect: Dialect(driver), pool: x}, db: x}
	if db.dialect == SQLite && strings.Contains(dsn, ":memory:") {
		// Every connection to :memory: is a database of its own.
		x.SetMaxOpenConns(1)
	}
	pingCtx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := x.PingContext(pingCtx); err != nil {
		x.Close()
		return nil, unreachable(rawURL, err)
	}
	return db, nil
}

// dataSource picks the driver for rawURL and the DSN to give it.
func dataSource(rawURL string) (driver, dsn string, err error) {
	if strings.HasPrefix(rawURL, "postgres://") || strings.HasPrefix(rawURL, "postgresql://") {
		return string(Postgres), withTimeouts(rawURL), nil
	}
	params := strings.Join(sqliteParams, "&")
	switch {
	case strings.HasPrefix(rawURL, "file:"):
		sep := "?"
		if strings.Contains(rawURL, "?") {
			sep = "&"
		}
		return string(SQLite), rawURL + sep + params, nil
	case strings.HasPrefix(rawURL, "sqlite://"):
		rawURL = strings.TrimPrefix(rawURL, "sqlite://")
	}
	if rawURL == "" {
		return "", "", domain.NewError(domain.ErrInvalid, "database", "the database path is empty")
	}
	if rawURL != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(rawURL), 0o700); err != nil {
			return "", "", fmt.Errorf("store: create the database directory: %w", err)
		}
		// A new database file is the owner's alone (it holds password
		// hashes); SQLite gives its -wal and -shm files the same mode.
		f, err := os.OpenFile(rawURL, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		switch {
		case err == nil:
			f.Close()
		case !errors.Is(err, os.ErrExist):
			return "", "", fmt.Errorf("store: create the database file: %w", err)
		}
	}
	return string(SQLite), rawURL + "?" + params, nil
}

// sqliteBase is an SQLite DSN without the settings dataSource adds.
func sqliteBase(dsn string) string {
	params := strings.Join(sqliteParams, "&")
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(dsn, params), "&"), "?")
}

// postgresTimeouts bound every statement and every wait for a lock on each
// connection the pool opens, unless the URL sets its own: a query stuck
// behind a long lock, or on a plan gone wrong, ends with "the database is
// busy" instead of holding the screen and a connection for ever.
var postgresTimeouts = [][2]string{
	{"statement_timeout", "30000"}, // milliseconds
	{"lock_timeout", "10000"},
}

// withTimeouts adds postgresTimeouts to a PostgreSQL URL as run-time
// parameters, which the driver sends when each connection starts.
func withTimeouts(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		// Open reports the bad URL when it connects.
		return rawURL
	}
	params := u.Query()
	for _, p := range postgresTimeouts {
		if !params.Has(p[0]) {
			params.Set(p[0], p[1])
		}
	}
	u.RawQuery = params.Encode()
	return u.String()
}

// unreachable builds the one-line error Open returns when the database does
// not answer; it never shows the URL's password.
func unreachable(rawURL string, err error) error {
	reason := strings.Join(strings.Fields(err.Error()), " ")
	// Drivers may quote the URL or its credentials; replacing the bare
	// password everywhere would mangle the message when it is a common word.
	reason = strings.ReplaceAll(reason, rawURL, Redact(rawURL))
	if u, perr := url.Parse(rawURL); perr == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			reason = strings.ReplaceAll(reason, u.User.String()+"@", u.User.Username()+":xxxxx@")
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		reason = "no answer within " + pingTimeout.String()
	}
	msg := fmt.Sprintf("cannot reach the database at %s: %s", Redact(rawURL), reason)
	return domain.NewError(domain.ErrUnavailable, "", msg)
}

// Redact hides the password of a database URL so it can be shown in messages.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		if i := strings.Index(rawURL, "@"); i >= 0 && strings.Contains(rawURL, "://") {
			// Unparsable but holding credentials: show the host part only.
			return rawURL[:strings.Index(rawURL, "://")+3] + "xxxxx" + rawURL[i:]
		}
		return rawURL
	}
	return u.Redacted()
}

// Dialect tells which database db is.
func (db *DB) Dialect() Dialect { return db.dialect }

// SQL returns the underlying handle, for tools and tests that need raw SQL.
func (db *DB) SQL() *sqlx.DB { return db.db }

// Close closes every connection of the pool.
func (db *DB) Close() error { return db.db.Close() }

// inTx runs fn in one transaction, committed when fn returns nil and rolled
// back otherwise (and when fn panics).
func (db *DB) inTx(ctx context.Context, fn func(q domain.Queries) error) (err error) {
	tx, err := db.db.BeginTxx(ctx, nil)
	if err != nil {
		return db.lost(wrap("begin transaction", err))
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(&Tx{queries{x: tx, dialect: db.dialect, pool: db.db}}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return db.lost(wrap("commit transaction", err))
	}
	return nil
}

// lost empties the pool's idle connections when err says the database was
// unreachable: after a server restart or a cut, every idle connection is
// dead, and without this each of them would fail one more request before
// the next one works. It returns err.
func (q queries) lost(err error) error {
	if q.pool != nil && errors.Is(mapError(err), domain.ErrUnavailable) {
		q.pool.SetMaxIdleConns(0)
		q.pool.SetMaxIdleConns(idleConns)
	}
	return err
}

// idleConns is database/sql's default number of idle connections kept.
const idleConns = 2

// InstanceID names this database: random, made with the schema. Session
// tokens carry it.
func (db *DB) InstanceID(ctx context.Context) (string, error) {
	var id string
	if err := db.get(ctx, &id, `SELECT uid FROM instance WHERE id = 1`); err != nil {
		return "", wrap("read the instance id", err)
	}
	return id, nil
}

// forUpdate is the clause that locks the rows a SELECT reads until the
// transaction ends: PostgreSQL's FOR UPDATE. SQLite needs none, its
// transactions take the write lock when they begin (_txlock=immediate).
func (q queries) forUpdate() string {
	if q.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// lockTables are the tables Lock may name, by entity.
var lockTables = map[domain.Entity]string{
	domain.EntityUser: "users", domain.EntityClient: "clients",
	domain.EntityContract: "contracts", domain.EntityEvent: "events",
}

// Lock holds the row of entity id until the transaction ends, so that a rule
// checked on it stays true until the change is committed. A missing row is
// no error: the read that follows reports it.
func (q queries) Lock(ctx context.Context, entity domain.Entity, id int64) error {
	table, ok := lockTables[entity]
	if !ok {
		return fmt.Errorf("store: lock: unknown entity %q", entity)
	}
	if q.dialect != Postgres {
		return nil
	}
	var ids []int64
	// table comes from lockTables, never from input.
	if err := q.selectRows(ctx, &ids, "SELECT id FROM "+table+" WHERE id = ? FOR UPDATE", id); err != nil {
		return wrap(fmt.Sprintf("lock %s %d", entity, id), err)
	}
	return nil
}

// rebind turns the ? placeholders of query into the dialect's.
func (q queries) rebind(query string) string { return q.x.Rebind(query) }

// get scans one row into dest.
func (q queries) get(ctx context.Context, dest any, query string, args ...any) error {
	return q.lost(sqlx.GetContext(ctx, q.x, dest, q.rebind(query), args...))
}

// selectRows scans every row into dest, a pointer to a slice.
func (q queries) selectRows(ctx context.Context, dest any, query string, args ...any) error {
	return q.lost(sqlx.SelectContext(ctx, q.x, dest, q.rebind(query), args...))
}

// exec runs a statement and returns how many rows it touched.
func (q queries) exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := q.x.ExecContext(ctx, q.rebind(query), args...)
	if err != nil {
		return 0, q.lost(err)
	}
	return res.RowsAffected()
}

// insert runs an INSERT ... RETURNING id and returns the id.
func (q queries) insert(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := q.x.QueryRowxContext(ctx, q.rebind(query), args...).Scan(&id)
	return id, q.lost(err)
}

// now is the time written for a change: UTC, to the microsecond, as both
// databases keep it.
func now() time.Time { return dbTime(time.Now()) }

// dbTime is t as the databases store it: UTC, truncated to the microsecond,
// so what is read back equals what was written.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// dbTimePtr is dbTime for a nullable time.
func dbTimePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := dbTime(*t)
	return &v
}

// orNow returns dbTime(t), or now when t is zero.
func orNow(t time.Time, at time.Time) time.Time {
	if t.IsZero() {
		return at
	}
	return dbTime(t)
}

// utc puts times read back in UTC: the drivers hand them in fixed zones.
func utc(ts ...*time.Time) {
	for _, t := range ts {
		*t = t.UTC()
	}
}

// utcPtr is utc for nullable times.
func utcPtr(ts ...**time.Time) {
	for _, t := range ts {
		if *t != nil {
			v := (*t).UTC()
			*t = &v
		}
	}
}
