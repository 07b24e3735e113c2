package dataio

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

// Format is how records are written: CSV, or JSON lines.
type Format string

// The formats export writes.
const (
	CSV  Format = "csv"
	JSON Format = "json"
)

// Entities are the record kinds export takes, in the order of the tabs.
var Entities = []string{"clients", "contracts", "events", "users"}

// Options tune an export.
type Options struct {
	Format Format // "" is CSV
	// Progress, when set, hears the number of rows written so far after
	// each page.
	Progress func(rows int)
}

// Query is what the command line selects: the search text, quick filters
// (as the tabs name them; all must hold) and the sort.
type Query struct {
	Search  string
	Filters []string
	Sort    string
	Desc    bool
}

// exportPage is the page size of an export: the largest the domain serves,
// so a large table takes few round trips.
const exportPage = domain.MaxPageSize

// Export writes the records of entity ("clients", "contracts", "events" or
// "users") that q selects and sess may read, and returns how many it wrote.
func Export(ctx context.Context, app *domain.App, sess domain.Session, entity string, q Query, w io.Writer, opt Options) (int, error) {
	page := domain.PageQuery{Search: q.Search, Sort: q.Sort, Desc: q.Desc}
	switch entity {
	case "clients":
		cq := domain.ClientQuery{PageQuery: page}
		for _, f := range q.Filters {
			switch f {
			case "mine":
				cq.Mine = true
			default:
				return 0, unknownFilter(entity, f, "mine")
			}
		}
		return ExportClients(ctx, app, sess, cq, w, opt)
	case "contracts":
		cq := domain.ContractQuery{PageQuery: page}
		for _, f := range q.Filters {
			switch f {
			case "mine":
				cq.Mine = true
			case "signed":
				cq.Signed = true
			case "unsigned":
				cq.Unsigned = true
			case "unpaid":
				cq.Unpaid = true
			default:
				return 0, unknownFilter(entity, f, "mine, signed, unsigned, unpaid")
			}
		}
		return ExportContracts(ctx, app, sess, cq, w, opt)
	case "events":
		eq := domain.EventQuery{PageQuery: page}
		for _, f := range q.Filters {
			switch f {
			case "mine":
				eq.Mine = true
			case "nosupport":
				eq.WithoutSupport = true
			case "upcoming":
				eq.Upcoming = true
			case "week", "month":
				days := map[string]int{"week": 7, "month": 30}[f]
				from := time.Now()
				to := from.AddDate(0, 0, days)
				eq.From, eq.To = &from, &to
			default:
				return 0, unknownFilter(entity, f, "mine, nosupport, upcoming, week, month")
			}
		}
		return ExportEvents(ctx, app, sess, eq, w, opt)
	case "users":
		uq := domain.UserQuery{PageQuery: page}
		for _, f := range q.Filters {
			role, isRole := strings.CutPrefix(f, "role:")
			switch {
			case isRole && domain.Role(role).Valid():
				uq.Role = domain.Role(role)
			case f == "active" || f == "inactive":
				active := f == "active"
				uq.Active = &active
			default:
				return 0, unknownFilter(entity, f, "role:admin, role:management, role:sales, role:support, active, inactive")
			}
		}
		return ExportUsers(ctx, app, sess, uq, w, opt)
	}
	return 0, domain.NewError(domain.ErrInvalid, "", fmt.Sprintf("cannot export %q: choose one of %s", entity, strings.Join(Entities, ", ")))
}

func unknownFilter(entity, name, known string) error {
	return domain.NewError(domain.ErrInvalid, "filter", fmt.Sprintf("%s have no filter %q; use %s", entity, name, known))
}

// ExportClients writes the clients q selects, in its order.
func ExportClients(ctx context.Context, app *domain.App, sess domain.Session, q domain.ClientQuery, w io.Writer, opt Options) (int, error) {
	return stream(w, opt, clientColumns, clientCells, func(after *domain.Cursor) (domain.Page[domain.Client], error) {
		q.After, q.Before, q.Limit = after, nil, exportPage
		return app.Clients.List(ctx, sess, q)
	})
}

// ExportContracts writes the contracts q selects, in its order.
func ExportContracts(ctx context.Context, app *domain.App, sess domain.Session, q domain.ContractQuery, w io.Writer, opt Options) (int, error) {
	return stream(w, opt, contractColumns, contractCells, func(after *domain.Cursor) (domain.Page[domain.Contract], error) {
		q.After, q.Before, q.Limit = after, nil, exportPage
		return app.Contracts.List(ctx, sess, q)
	})
}

// ExportEvents writes the events q selects, in its order.
func ExportEvents(ctx context.Context, app *domain.App, sess domain.Session, q domain.EventQuery, w io.Writer, opt Options) (int, error) {
	return stream(w, opt, eventColumns, eventCells, func(after *domain.Cursor) (domain.Page[domain.Event], error) {
		q.After, q.Before, q.Limit = after, nil, exportPage
		return app.Events.List(ctx, sess, q)
	})
}

// ExportUsers writes the users q selects, in its order. Password hashes and
// sign-in state are never part of it.
func ExportUsers(ctx context.Context, app *domain.App, sess domain.Session, q domain.UserQuery, w io.Writer, opt Options) (int, error) {
	return stream(w, opt, userColumns, userCells, func(after *domain.Cursor) (domain.Page[domain.User], error) {
		q.After, q.Before, q.Limit = after, nil, exportPage
		return app.Users.List(ctx, sess, q)
	})
}

// stream writes page after page, each asked for after the last row of the
// one before (keyset), so memory holds one page whatever the table size.
func stream[T any](w io.Writer, opt Options, cols []column, cells func(T) []string,
	next func(after *domain.Cursor) (domain.Page[T], error)) (int, error) {
	enc, err := newEncoder(opt.Format, w, cols)
	if err != nil {
		return 0, err
	}
	n := 0
	var after *domain.Cursor
	for {
		page, err := next(after)
		if err != nil {
			return n, err
		}
		for _, item := range page.Items {
			if err := enc.row(cells(item)); err != nil {
				return n, fmt.Errorf("write: %w", err)
			}
		}
		n += len(page.Items)
		if opt.Progress != nil {
			opt.Progress(n)
		}
		if !page.HasNext || len(page.Items) == 0 {
			break
		}
		after = &page.Cursors[len(page.Cursors)-1]
	}
	if err := enc.flush(); err != nil {
		return n, fmt.Errorf("write: %w", err)
	}
	return n, nil
}

// encoder writes rows of cells in one format.
type encoder interface {
	row(cells []string) error
	flush() error
}

func newEncoder(f Format, w io.Writer, cols []column) (encoder, error) {
	switch f {
	case CSV, "":
		c := csv.NewWriter(w)
		c.UseCRLF = true
		names := make([]string, len(cols))
		for i, col := range cols {
			names[i] = col.name
		}
		return &csvEncoder{w: c}, c.Write(names)
	case JSON:
		return &jsonEncoder{w: bufio.NewWriterSize(w, 64<<10), cols: cols}, nil
	}
	return nil, domain.NewError(domain.ErrInvalid, "format", fmt.Sprintf("cannot write %q: choose csv or json", f))
}

// csvEncoder writes RFC 4180 CSV (CRLF line ends, quotes where needed),
// every cell neutralised against spreadsheet formulas.
type csvEncoder struct {
	w   *csv.Writer
	buf []string
}

func (e *csvEncoder) row(cells []string) error {
	e.buf = e.buf[:0]
	for _, c := range cells {
		e.buf = append(e.buf, neutralise(c))
	}
	return e.w.Write(e.buf)
}

func (e *csvEncoder) flush() error {
	e.w.Flush()
	return e.w.Error()
}

// jsonEncoder writes JSON lines: one object per record and line, keys in
// column order, numbers and booleans as such, amounts as strings of euros
// (exact), empty times as null.
type jsonEncoder struct {
	w    *bufio.Writer
	cols []column
	line []byte
}

func (e *jsonEncoder) row(cells []string) error {
	b := append(e.line[:0], '{')
	for i, col := range e.cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, col.name)
		b = append(b, ':')
		v := cells[i]
		switch {
		case col.kind == timestamp && v == "":
			b = append(b, "null"...)
		case col.kind == integer && v != "", col.kind == boolean:
			b = append(b, v...)
		default:
			b = appendString(b, v)
		}
	}
	b = append(b, '}', '\n')
	e.line = b
	_, err := e.w.Write(b)
	return err
}

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

func (e *jsonEncoder) flush() error { return e.w.Flush() }
