package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

// ErrForeignDatabase is wrapped by Open when an SQLite file holds something
// other than an epic-tui database.
var ErrForeignDatabase = errors.New("not an epic-tui database")

// foreignDatabase is the sentence people read when the file is not ours.
type foreignDatabase struct{ path, why string }

func (e *foreignDatabase) Error() string {
	return fmt.Sprintf("%s %s; it was left untouched: name another file with --db or EPIC_DATABASE_URL", e.path, e.why)
}

// Unwrap lets errors.Is match ErrForeignDatabase.
func (e *foreignDatabase) Unwrap() error { return ErrForeignDatabase }

// checkSQLiteFile refuses an SQLite file that is neither empty nor an
// epic-tui database, before anything touches it: the connections Open makes
// switch the file to WAL, and migrating would add tables to it. base is the
// file's DSN without epic-tui's connection settings, so reading it writes
// nothing.
func checkSQLiteFile(ctx context.Context, base string) error {
	path := strings.TrimPrefix(base, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" || strings.Contains(path, ":memory:") {
		return nil
	}
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil // SQLite creates it
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if info.IsDir() {
		return &foreignDatabase{path: path, why: "is a directory, not an SQLite file"}
	}
	if info.Size() == 0 {
		return nil
	}
	db, err := sql.Open(string(SQLite), base)
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err == nil {
		for rows.Next() {
			var name string
			if err = rows.Scan(&name); err != nil {
				break
			}
			tables = append(tables, name)
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	switch {
	case err != nil:
		return &foreignDatabase{path: path, why: "is not an SQLite database"}
	case len(tables) == 0:
		return nil
	case slices.Contains(tables, "instance") &&
		(slices.Contains(tables, "schema_version") || slices.Contains(tables, versionTable)):
		return nil
	}
	return &foreignDatabase{path: path, why: fmt.Sprintf("is not an epic-tui database (it holds %d other tables)", len(tables))}
}
