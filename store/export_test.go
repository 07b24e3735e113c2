package store

import (
	"context"
	"io/fs"
)

// SetProbeRows sets how many rows a search reads in page order before
// turning to the index, so tests can take both ways with few rows. It
// returns a function that puts the old value back.
func SetProbeRows(n int) (restore func()) {
	old := probeRows
	probeRows = n
	return func() { probeRows = old }
}

// SetFewMatches sets how many matches the trigram index may find for a
// search to skip the probe. It returns a function that puts the old value back.
func SetFewMatches(n int) (restore func()) {
	old := fewMatches
	fewMatches = n
	return func() { fewMatches = old }
}

// SetExactBound sets how many rows an estimate counts exactly. It returns
// a function that puts the old value back.
func SetExactBound(n int) (restore func()) {
	old := exactBound
	exactBound = n
	return func() { exactBound = old }
}

// MigrateFS applies the migrations of fsys instead of the embedded ones, so
// tests can run a migration that fails.
func (db *DB) MigrateFS(ctx context.Context, fsys fs.FS) ([]Migration, error) {
	return db.migrate(ctx, fsys)
}

// MigrationsFS is the embedded migrations of dialect.
func MigrationsFS(dialect Dialect) fs.FS { return migrationsFS(dialect) }

// Wrap is wrap, for tests that make a driver fail on purpose.
func Wrap(op string, err error) error { return wrap(op, err) }
