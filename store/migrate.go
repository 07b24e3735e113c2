package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// SchemaVersion is the version of the schema this build understands. The
// schema files record it in the schema_version table.
const SchemaVersion = 1

// ErrSchemaTooNew is wrapped by Migrate when the database was created by a
// newer epic-tui.
var ErrSchemaTooNew = errors.New("database schema is newer than this epic-tui")

// schemaTooNew is the sentence people read when the schema is too new.
type schemaTooNew struct{ version int }

func (e *schemaTooNew) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this epic-tui understands (%d); upgrade epic-tui",
		e.version, SchemaVersion)
}

// Unwrap lets errors.Is match ErrSchemaTooNew.
func (e *schemaTooNew) Unwrap() error { return ErrSchemaTooNew }

// SchemaFor picks the schema text for dialect.
func SchemaFor(dialect Dialect, postgres, sqlite string) string {
	if dialect == Postgres {
		return postgres
	}
	return sqlite
}

// Migrate applies schema, the text of schema.sql or schema.sqlite.sql, in one
// transaction. Every statement of the schema is idempotent, so applying it
// again is harmless. It refuses a database whose schema is newer than
// SchemaVersion, before and after applying.
func (db *DB) Migrate(ctx context.Context, schema string) error {
	tx, err := db.db.BeginTxx(ctx, nil)
	if err != nil {
		return wrap("migrate", err)
	}
	defer tx.Rollback()
	q := queries{x: tx, dialect: db.dialect}
	if db.dialect == Postgres {
		// Two programs starting at once must not race on CREATE TABLE.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7340813)`); err != nil {
			return wrap("migrate: lock", err)
		}
	}
	if err := q.checkSchemaVersion(ctx); err != nil {
		return err
	}
	for _, stmt := range statements(schema) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return wrap("migrate: "+firstLine(stmt), err)
		}
	}
	if err := q.checkSchemaVersion(ctx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return wrap("migrate: commit", err)
	}
	return nil
}

// checkSchemaVersion fails when the database holds a newer schema than this
// build knows. A database without a schema_version table is new.
func (q queries) checkSchemaVersion(ctx context.Context) error {
	exists := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`
	if q.dialect == Postgres {
		exists = `SELECT count(*) FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_name = 'schema_version'`
	}
	var n int
	if err := q.get(ctx, &n, exists); err != nil {
		return wrap("migrate: read schema version", err)
	}
	if n == 0 {
		return nil
	}
	var version int
	if err := q.get(ctx, &version, `SELECT COALESCE(MAX(version), 0) FROM schema_version`); err != nil {
		return wrap("migrate: read schema version", err)
	}
	if version > SchemaVersion {
		return &schemaTooNew{version: version}
	}
	return nil
}

// statements splits a schema file into its statements: the schema files end
// every statement with a semicolon at the end of a line, and hold none
// inside a string. A CREATE TRIGGER, whose body holds statements of its own,
// ends at a line reading END;.
func statements(schema string) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.Lines(schema) {
		cur.WriteString(line)
		end := strings.HasSuffix(strings.TrimSpace(line), ";")
		if end && strings.HasPrefix(strings.ToUpper(firstLine(cur.String())), "CREATE TRIGGER") {
			end = strings.EqualFold(strings.TrimSpace(line), "END;")
		}
		if end {
			if s := strings.TrimSpace(cur.String()); !commentOnly(s) {
				out = append(out, s)
			}
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); !commentOnly(s) {
		out = append(out, s)
	}
	return out
}

// commentOnly reports whether s holds nothing but -- comments and blanks.
func commentOnly(s string) bool {
	for line := range strings.Lines(s) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "--") {
			return false
		}
	}
	return true
}

// firstLine is the first line of a statement that is not a comment, to name
// it in errors.
func firstLine(stmt string) string {
	for line := range strings.Lines(stmt) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "--") {
			return line
		}
	}
	return stmt
}
