package dataio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

// ImportOptions tune an import.
type ImportOptions struct {
	// DryRun checks every row, as a real import would, and writes nothing.
	DryRun bool
	// Update changes the record a row names by its key (client email,
	// contract or event id) instead of refusing the row.
	Update bool
	// Progress, when set, hears the number of rows read every
	// ProgressEvery rows.
	Progress func(rows int)
}

// ProgressEvery is how many rows pass between two progress reports.
const ProgressEvery = 10000

// ImportResult counts what an import did (or, dry, would do).
type ImportResult struct {
	Created, Updated int
}

// MaxReported bounds the bad rows an ImportError lists.
const MaxReported = 100

// RowError is one bad row: where, which column, why.
type RowError struct {
	Line   int
	Field  string
	Reason string
}

// ImportError is an import refused because of bad rows: nothing was
// written.
type ImportError struct {
	File  string
	Rows  []RowError // the first MaxReported, in file order
	Total int        // how many bad rows in all
	// Unchecked is set when the database stopped the import before its end
	// (the rows after the last reported one were not checked).
	Unchecked error
}

func (e *ImportError) add(line int, field, reason string) {
	e.Total++
	if len(e.Rows) < MaxReported {
		e.Rows = append(e.Rows, RowError{Line: line, Field: field, Reason: reason})
	}
}

// Lines are the bad rows as FILE:LINE: field: reason, then how many more
// there are.
func (e *ImportError) Lines() []string {
	out := make([]string, 0, len(e.Rows)+1)
	for _, r := range e.Rows {
		out = append(out, fmt.Sprintf("%s:%d: %s: %s", e.File, r.Line, r.Field, r.Reason))
	}
	if e.Total > len(e.Rows) {
		out = append(out, fmt.Sprintf("and %d more", e.Total-len(e.Rows)))
	}
	if e.Unchecked != nil {
		out = append(out, fmt.Sprintf("the rows after line %d were not checked: %v", e.Rows[len(e.Rows)-1].Line, e.Unchecked))
	}
	return out
}

func (e *ImportError) Error() string {
	if e.Total == 1 {
		return fmt.Sprintf("%s has 1 bad row; nothing was imported: correct it and import the file again", e.File)
	}
	return fmt.Sprintf("%s has %d bad rows; nothing was imported: correct them and import the file again", e.File, e.Total)
}

// errDryRun rolls a dry run back.
var errDryRun = errors.New("dry run")

// importer reads the rows of one entity.
type importer struct {
	columns  []column
	required []string
	entity   domain.Entity
	// row creates or updates the record of one row; it returns true when
	// it created one.
	row func(ctx context.Context, b *domain.App, r *row) (bool, error)
}

// row is one CSV record, read by column name.
type row struct {
	line   int
	cells  []string
	index  map[string]int
	sess   domain.Session
	update bool
	users  map[string]int64 // user ids by login, a small cache
	seen   map[string]int   // keys met so far, with their line
}

// get is the cell of a column, neutralisation undone and trimmed; "" for a
// column the file lacks.
func (r *row) get(name string) string {
	i, ok := r.index[name]
	if !ok {
		return ""
	}
	return strings.TrimSpace(restore(r.cells[i]))
}

func fieldErr(field, format string, args ...any) error {
	return domain.NewError(domain.ErrInvalid, field, fmt.Sprintf(format, args...))
}

// once refuses a key met on an earlier line.
func (r *row) once(field, key string) error {
	if prev, ok := r.seen[key]; ok {
		return fieldErr(field, "line %d has the same %s", prev, field)
	}
	r.seen[key] = r.line
	return nil
}

// user finds a user by username or email.
func (r *row) user(ctx context.Context, b *domain.App, field, login string) (int64, error) {
	if id, ok := r.users[strings.ToLower(login)]; ok {
		return id, nil
	}
	u, err := b.Users.ByLogin(ctx, r.sess, login)
	if errors.Is(err, domain.ErrNotFound) {
		return 0, fieldErr(field, "no user has the username or email %q", login)
	}
	if err != nil {
		return 0, err
	}
	r.users[strings.ToLower(login)] = u.ID
	return u.ID, nil
}

// id reads an optional id column: 0 when empty.
func (r *row) id(field string) (int64, error) {
	s := r.get(field)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fieldErr(field, "%q is not a record number", s)
	}
	return n, nil
}

func (r *row) boolean(field string) (bool, error) {
	switch strings.ToLower(r.get(field)) {
	case "", "false", "no", "0":
		return false, nil
	case "true", "yes", "1":
		return true, nil
	}
	return false, fieldErr(field, "%q is neither true nor false", r.get(field))
}

// time reads RFC 3339, or the forms' "2026-06-01 14:00" taken as UTC.
func (r *row) time(field string) (time.Time, error) {
	s := r.get(field)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return domain.ParseDateTime(field, s, time.UTC)
}

var importers = map[string]importer{
	"clients": {
		columns: clientColumns, required: []string{"full_name", "email", "phone"}, entity: domain.EntityClient,
		row: importClient,
	},
	"contracts": {
		columns: contractColumns, required: []string{"client_email", "total_amount"}, entity: domain.EntityContract,
		row: importContract,
	},
	"events": {
		columns: eventColumns, required: []string{"name", "contract_id", "start_at", "end_at"}, entity: domain.EntityEvent,
		row: importEvent,
	},
}

func importClient(ctx context.Context, b *domain.App, r *row) (bool, error) {
	in := domain.ClientInput{FullName: r.get("full_name"), Email: r.get("email"), Phone: r.get("phone"), CompanyName: r.get("company_name")}
	if login := r.get("sales_contact"); login != "" {
		id, err := r.user(ctx, b, "sales_contact", login)
		if err != nil {
			return false, err
		}
		in.SalesContactID = id
	}
	email, err := domain.NormalizeEmail(in.Email)
	if err != nil {
		return false, err
	}
	if err := r.once("email", email); err != nil {
		return false, err
	}
	old, err := b.Clients.ByEmail(ctx, r.sess, email)
	switch {
	case err == nil && !r.update:
		return false, fieldErr("email", "client #%d already has this email; import with --update to change it", old.ID)
	case err == nil:
		_, err = b.Clients.Update(ctx, r.sess, old.ID, old.Version, in)
		return false, err
	case errors.Is(err, domain.ErrNotFound):
		_, err = b.Clients.Create(ctx, r.sess, in)
		return true, err
	}
	return false, err
}

func importContract(ctx context.Context, b *domain.App, r *row) (bool, error) {
	id, err := r.id("id")
	if err != nil {
		return false, err
	}
	email := r.get("client_email")
	if email == "" {
		return false, fieldErr("client_email", "the client's email is required")
	}
	client, err := b.Clients.ByEmail(ctx, r.sess, email)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return false, fieldErr("client_email", "no client has the email %s", email)
	case errors.Is(err, domain.ErrInvalid):
		return false, fieldErr("client_email", "%s", err.Error())
	}
	if err != nil {
		return false, err
	}
	in := domain.ContractInput{ClientID: client.ID}
	if in.TotalAmount, err = domain.ParseAmount("total_amount", r.get("total_amount")); err != nil {
		return false, err
	}
	in.AmountDue = in.TotalAmount
	if due := r.get("amount_due"); due != "" {
		if in.AmountDue, err = domain.ParseAmount("amount_due", due); err != nil {
			return false, err
		}
	}
	if in.Signed, err = r.boolean("signed"); err != nil {
		return false, err
	}
	if id != 0 {
		if err := r.once("id", strconv.FormatInt(id, 10)); err != nil {
			return false, err
		}
		old, err := b.Contracts.Get(ctx, r.sess, id)
		switch {
		case err == nil && !r.update:
			return false, fieldErr("id", "contract #%d already exists; import with --update to change it", id)
		case err == nil:
			_, err = b.Contracts.Update(ctx, r.sess, id, old.Contract.Version, in)
			return false, err
		case !errors.Is(err, domain.ErrNotFound):
			return false, err
		}
	}
	_, err = b.Contracts.Create(ctx, r.sess, in)
	return true, err
}

func importEvent(ctx context.Context, b *domain.App, r *row) (bool, error) {
	id, err := r.id("id")
	if err != nil {
		return false, err
	}
	in := domain.EventInput{Name: r.get("name"), Location: r.get("location"), Notes: r.get("notes")}
	if in.ContractID, err = r.id("contract_id"); err != nil {
		return false, err
	}
	if in.ContractID == 0 {
		return false, fieldErr("contract_id", "the contract number is required")
	}
	if login := r.get("support_contact"); login != "" {
		uid, err := r.user(ctx, b, "support_contact", login)
		if err != nil {
			return false, err
		}
		in.SupportContactID = &uid
	}
	if in.StartAt, err = r.time("start_at"); err != nil {
		return false, err
	}
	if in.EndAt, err = r.time("end_at"); err != nil {
		return false, err
	}
	if s := r.get("attendees"); s != "" {
		if in.Attendees, err = strconv.Atoi(s); err != nil {
			return false, fieldErr("attendees", "%q is not a whole number", s)
		}
	}
	if id != 0 {
		if err := r.once("id", strconv.FormatInt(id, 10)); err != nil {
			return false, err
		}
		old, err := b.Events.Get(ctx, r.sess, id)
		switch {
		case err == nil && !r.update:
			return false, fieldErr("id", "event #%d already exists; import with --update to change it", id)
		case err == nil:
			_, err = b.Events.Update(ctx, r.sess, id, old.Event.Version, in)
			return false, err
		case !errors.Is(err, domain.ErrNotFound):
			return false, err
		}
	}
	_, err = b.Events.Create(ctx, r.sess, in)
	return true, err
}

// fieldColumns name, for the domain's input fields, the column a bad value
// came from.
var fieldColumns = map[string]string{
	"sales_contact_id":   "sales_contact",
	"client_id":          "client_email",
	"support_contact_id": "support_contact",
}

// rowFault tells a bad row (a refusal or invalid value the domain explained)
// from a failure of the database, which ends the import.
func rowFault(err error) bool {
	var de *domain.Error
	if !errors.As(err, &de) || de.Cause != nil {
		return false
	}
	return !errors.Is(err, domain.ErrUnavailable) && !errors.Is(err, domain.ErrUnauthenticated)
}

// Import reads the CSV file r (called name in messages) of entity
// ("clients", "contracts" or "events") and creates, or with Update changes,
// one record per row, through the same services as the forms, with the
// rights of sess. All or nothing: the rows are written in one transaction,
// and one bad row anywhere leaves the database as it was, the error an
// *ImportError listing the bad rows.
func Import(ctx context.Context, app *domain.App, sess domain.Session, entity, name string, r io.Reader, opt ImportOptions) (ImportResult, error) {
	imp, ok := importers[entity]
	if !ok {
		return ImportResult{}, domain.NewError(domain.ErrInvalid, "", fmt.Sprintf("cannot import %q: choose clients, contracts or events", entity))
	}
	actor, err := app.Auth.Authenticate(ctx, sess)
	if err != nil {
		return ImportResult{}, err
	}
	if !app.CanAny(actor, imp.entity, domain.ActionCreate) && !(opt.Update && app.CanAny(actor, imp.entity, domain.ActionUpdate)) {
		return ImportResult{}, domain.NewError(domain.ErrForbidden, "", fmt.Sprintf(
			"%s users cannot create %s, so they cannot import them; nothing was imported", actor.Role.Label(), entity))
	}
	br := bufio.NewReaderSize(r, 64<<10)
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	// Spreadsheets set to French (and others) save CSV with semicolons.
	if first, _ := br.Peek(br.Size()); bytes.Count(firstLine(first), []byte(";")) > bytes.Count(firstLine(first), []byte(",")) {
		cr.Comma = ';'
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return ImportResult{}, domain.NewError(domain.ErrInvalid, "", name+" is empty: its first line must name the columns, as export writes them")
	}
	if err != nil {
		return ImportResult{}, csvError(name, err)
	}
	index, err := readHeader(name, header, imp)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	bad := &ImportError{File: name}
	attempts := 0
	err = app.Batch(ctx, func(b *domain.App) error {
		if attempts++; attempts > 1 {
			// The file was read once; the database gave up on it meanwhile.
			return domain.NewError(domain.ErrUnavailable, "", "the database is busy; nothing was imported: import the file again in a moment")
		}
		r := &row{index: index, sess: sess, update: opt.Update, users: map[string]int64{}, seen: map[string]int{}}
		for n := 1; ; n++ {
			cells, err := cr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				var pe *csv.ParseError
				if !errors.As(err, &pe) {
					return fmt.Errorf("read %s: %w", name, err)
				}
				bad.add(pe.Line, "row", pe.Err.Error())
				if errors.Is(err, csv.ErrFieldCount) {
					continue
				}
				break
			}
			r.line, _ = cr.FieldPos(0)
			r.cells = cells
			created, err := imp.row(ctx, b, r)
			switch {
			case err == nil && created:
				res.Created++
			case err == nil:
				res.Updated++
			case rowFault(err):
				field := domain.FieldOf(err)
				if c, ok := fieldColumns[field]; ok {
					field = c
				}
				if field == "" {
					field = "row"
				}
				bad.add(r.line, field, err.Error())
			case bad.Total > 0:
				// PostgreSQL refuses every statement of a transaction
				// after a failed one: report what is known.
				bad.Unchecked = err
				return bad
			default:
				return err
			}
			if opt.Progress != nil && n%ProgressEvery == 0 {
				opt.Progress(n)
			}
		}
		switch {
		case bad.Total > 0:
			return bad
		case opt.DryRun:
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return res, err
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}

// readHeader maps column names to their place, refusing unknown and
// missing ones.
func readHeader(name string, header []string, imp importer) (map[string]int, error) {
	known := map[string]bool{}
	names := make([]string, 0, len(imp.columns))
	for _, c := range imp.columns {
		known[c.name] = true
		names = append(names, c.name)
	}
	index := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !known[h] {
			return nil, domain.NewError(domain.ErrInvalid, "", fmt.Sprintf("%s:1: unknown column %q; the columns are %s", name, h, strings.Join(names, ", ")))
		}
		if _, dup := index[h]; dup {
			return nil, domain.NewError(domain.ErrInvalid, "", fmt.Sprintf("%s:1: column %q appears twice", name, h))
		}
		index[h] = i
	}
	for _, c := range imp.columns {
		if c.readOnly {
			// Written by export, read by nobody: a file may keep or drop it.
			delete(index, c.name)
		}
	}
	for _, req := range imp.required {
		if _, ok := index[req]; !ok {
			return nil, domain.NewError(domain.ErrInvalid, "", fmt.Sprintf("%s:1: the column %q is missing", name, req))
		}
	}
	return index, nil
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return domain.NewError(domain.ErrInvalid, "", fmt.Sprintf("%s:%d: %v", name, pe.Line, pe.Err))
	}
	return fmt.Errorf("read %s: %w", name, err)
}
