// Package storetest opens throwaway databases for tests: an SQLite file in a
// temporary directory, and a fresh PostgreSQL database when
// EPIC_TEST_POSTGRES_URL names a server.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/store"
)

// PostgresEnv names the variable holding the URL of a PostgreSQL server the
// tests may create databases on, e.g.
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
const PostgresEnv = "EPIC_TEST_POSTGRES_URL"

// OpenSQLite returns a migrated SQLite database in a temporary file, closed
// when the test ends.
func OpenSQLite(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "epic.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return db
}

// OpenPostgres returns a migrated PostgreSQL database of its own, created on
// the server named by EPIC_TEST_POSTGRES_URL and dropped when the test ends.
// The test is skipped when the variable is not set.
func OpenPostgres(t testing.TB) *store.DB {
	t.Helper()
	adminURL := os.Getenv(PostgresEnv)
	if adminURL == "" {
		t.Skip(PostgresEnv + " not set: PostgreSQL test skipped")
	}
	db, drop, err := CreatePostgres(context.Background(), adminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Error(err)
		}
	})
	return db
}

// PostgresURL creates an empty database of its own on the server named by
// EPIC_TEST_POSTGRES_URL and returns its URL, for tests that run the
// program itself; it is dropped when the test ends. The test is skipped when
// the variable is not set.
func PostgresURL(t testing.TB) string {
	t.Helper()
	adminURL := os.Getenv(PostgresEnv)
	if adminURL == "" {
		t.Skip(PostgresEnv + " not set: PostgreSQL test skipped")
	}
	dbURL, drop, err := createDatabase(context.Background(), adminURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Error(err)
		}
	})
	return dbURL
}

// createDatabase creates a database with a random name on the server at
// adminURL and returns its URL; drop drops it, closing its connections.
func createDatabase(ctx context.Context, adminURL string) (dbURL string, drop func() error, err error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("storetest: %s: %w", PostgresEnv, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	admin, err := sql.Open("postgres", adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("storetest: open postgres admin: %w", err)
	}
	name := "epic_test_" + randomHex(8)
	// The name is ours, made of hex digits: safe to put in the statement.
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("storetest: create database %s: %w", name, err)
	}
	drop = func() error {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("storetest: drop database %s: %w", name, err)
		}
		return nil
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}

// CreatePostgres creates a database with a random name on the server at
// adminURL, opens and migrates it. drop closes it and drops the database.
func CreatePostgres(ctx context.Context, adminURL string) (db *store.DB, drop func() error, err error) {
	dbURL, dropDB, err := createDatabase(ctx, adminURL)
	if err != nil {
		return nil, nil, err
	}
	drop = func() error {
		if db != nil {
			db.Close()
		}
		return dropDB()
	}
	if db, err = store.Open(ctx, dbURL); err != nil {
		drop()
		return nil, nil, fmt.Errorf("storetest: open postgres: %w", err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		drop()
		return nil, nil, fmt.Errorf("storetest: migrate postgres: %w", err)
	}
	return db, drop, nil
}

// OpenEmpty opens a database with no schema, of dialect: an SQLite file in a
// temporary directory, or a PostgreSQL database of its own (the test is
// skipped when EPIC_TEST_POSTGRES_URL is not set). It returns the URL too, so
// a test can open it again as another program would.
func OpenEmpty(t testing.TB, dialect store.Dialect) (*store.DB, string) {
	t.Helper()
	dbURL := filepath.Join(t.TempDir(), "epic.db")
	if dialect == store.Postgres {
		dbURL = PostgresURL(t)
	}
	db, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatalf("open %s: %v", dialect, err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dbURL
}

// ForEachEmpty runs fn as the subtests "sqlite" and "postgres", each with a
// database of its own that holds no schema yet.
func ForEachEmpty(t *testing.T, fn func(t *testing.T, db *store.DB, dbURL string)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			db, dbURL := OpenEmpty(t, d)
			fn(t, db, dbURL)
		})
	}
}

// ForEach runs fn as the subtests "sqlite" and "postgres", each with a
// database of its own.
func ForEach(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
}

// randomHex returns n random bytes as hex digits.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
