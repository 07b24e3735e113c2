package store

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"

	"github.com/lib/pq"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/epicevents/epic-tui/domain"
)

// wrap turns a driver error into a domain error, which is returned as is
// because people read it ("email is already in use"); any other error gets
// the operation: "store: update client 42: driver: bad connection".
func wrap(op string, err error) error {
	err = mapError(err)
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// mapError is the one place that knows the drivers' error types. It turns
// constraint violations and lost connections into domain errors and returns
// anything else unchanged.
func mapError(err error) error {
	var de *domain.Error
	if err == nil || errors.As(err, &de) {
		return err
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		return mapPostgres(pe, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return mapSQLite(se, err)
	}
	var ne net.Error
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne) {
		return unavailable(err)
	}
	return err
}

// mapPostgres maps a PostgreSQL error by its SQLSTATE code.
func mapPostgres(pe *pq.Error, err error) error {
	code := string(pe.Code)
	field := constraintField(pe.Table, pe.Constraint)
	switch {
	case code == "23505":
		if strings.HasSuffix(pe.Constraint, "_pkey") {
			field = ""
		}
		return duplicate(field)
	case code == "23503":
		if strings.HasPrefix(pe.Message, "update or delete") {
			field = ""
		}
		return referenced(field)
	case code == "23514":
		return invalid(field)
	case code == "23502":
		return invalid(pe.Column)
	case code == "22001":
		return domain.NewError(domain.ErrInvalid, pe.Column, "a value is too long")
	case code == "22021", code == "22P05":
		// A NUL or a character the database's encoding lacks.
		return domain.NewError(domain.ErrInvalid, pe.Column, "a value holds a character the database cannot store; remove it and save again")
	case code == "40P01", code == "40001":
		// Retried by InTx first; what remains after the last attempt.
		return busy(err)
	case code == "55P03":
		return busy(err)
	case code == "57014" && strings.Contains(pe.Message, "statement timeout"):
		return domain.NewError(domain.ErrUnavailable, "", "the database is busy and did not answer in time; try again in a moment")
	case strings.HasPrefix(code, "08"), code == "57P01", code == "57P02", code == "57P03", code == "53300":
		return unavailable(err)
	}
	return err
}

// retryable reports whether err ended a transaction that may succeed when
// run again: a deadlock, or a serialization failure.
func retryable(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// busy says that the database could not do the change now because other
// changes held what it needed.
func busy(err error) error {
	e := domain.NewError(domain.ErrUnavailable, "", "the database is busy; try again in a moment")
	e.Cause = err
	return e
}

// sqliteColumn finds "table.column" in SQLite's constraint messages, such as
// "UNIQUE constraint failed: users.email".
var sqliteColumn = regexp.MustCompile(`constraint failed: (\w+)\.(\w+)`)

// sqliteCheck finds the constraint name or the first column of the
// expression in "CHECK constraint failed: length(email) BETWEEN 3 AND 254".
var sqliteCheck = regexp.MustCompile(`CHECK constraint failed: (?:\w+\()?(\w+)`)

// mapSQLite maps an SQLite error by its extended result code.
func mapSQLite(se *sqlite.Error, err error) error {
	msg := se.Error()
	field := ""
	if m := sqliteColumn.FindStringSubmatch(msg); m != nil {
		field = m[2]
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE:
		return duplicate(field)
	case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return duplicate("")
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return referenced("")
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return invalid(field)
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		if m := sqliteCheck.FindStringSubmatch(msg); m != nil {
			if t := strings.Index(m[1], "_"); t > 0 && strings.HasSuffix(m[1], "_check") {
				// A named constraint: table_column_check.
				field = strings.TrimSuffix(m[1][t+1:], "_check")
			} else {
				field = m[1]
			}
		}
		return invalid(field)
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return busy(err)
	case sqlite3.SQLITE_CONSTRAINT:
		return invalid(field)
	}
	return err
}

// checkName is the name PostgreSQL gives a check of several columns, once
// the table prefix is gone.
var checkName = regexp.MustCompile(`^check\d*$`)

// constraintField names the column a PostgreSQL constraint is about:
// users_email_key → email, clients_sales_contact_id_fkey → sales_contact_id.
func constraintField(table, constraint string) string {
	if table == "" || !strings.HasPrefix(constraint, table+"_") {
		return ""
	}
	field := strings.TrimPrefix(constraint, table+"_")
	if checkName.MatchString(field) {
		// PostgreSQL names a check on several columns table_check, table_check1...
		return ""
	}
	for _, suffix := range []string{"_key", "_fkey", "_check", "_pkey", "_idx"} {
		if strings.HasSuffix(field, suffix) {
			return strings.TrimSuffix(field, suffix)
		}
	}
	return field
}

// label is a column name as people read it.
func label(field string) string { return strings.ReplaceAll(field, "_", " ") }

// duplicate says that a unique value is already used.
func duplicate(field string) error {
	switch field {
	case "":
		return domain.NewError(domain.ErrDuplicate, "", "this record already exists")
	case "username":
		return domain.NewError(domain.ErrDuplicate, field, "username is already taken")
	case "request_key":
		// Two saves of one form at once: the other one made the change.
		return domain.NewError(domain.ErrDuplicate, "", "this form was saved twice at once; the change was made once: close the form and find it in the list")
	}
	return domain.NewError(domain.ErrDuplicate, field, label(field)+" is already in use")
}

// referenced says that a foreign key does not hold. Deletes replace the
// message with one naming what still refers to the row.
func referenced(field string) error {
	if field == "" {
		return domain.NewError(domain.ErrReferenced, "", "a linked record is missing or still in use")
	}
	return domain.NewError(domain.ErrReferenced, field, "the chosen "+label(field)+" does not exist")
}

// invalid says that a check constraint refused a value.
func invalid(field string) error {
	if field == "" {
		return domain.NewError(domain.ErrInvalid, "", "a value is not valid")
	}
	return domain.NewError(domain.ErrInvalid, field, label(field)+" is not valid")
}

// unavailable says that the database cannot be reached. The driver's reason
// ("driver: bad connection") goes to the log only.
func unavailable(err error) error {
	e := domain.NewError(domain.ErrUnavailable, "", "the database cannot be reached; check the connection and try again")
	e.Cause = err
	return e
}

// notFound says that entity id does not exist.
func notFound(entity string, id int64) error {
	return domain.NewError(domain.ErrNotFound, "", fmt.Sprintf("%s %d not found", entity, id))
}

// conflict says that entity changed since it was read.
func conflict(entity string) error {
	return domain.NewError(domain.ErrConflict, "",
		"this "+entity+" was changed by someone else; reload it and try again")
}
