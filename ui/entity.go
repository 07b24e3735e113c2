package ui

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

// tabID names one of the four tabs of the main screen.
type tabID int

const (
	tabClients tabID = iota
	tabContracts
	tabEvents
	tabUsers
	tabCount
)

// column is one column of a table. When the screen is too narrow for every
// column, the ones of lowest priority are hidden first; the pinned ones
// never are.
type column struct {
	title    string
	sort     string // the domain sort column it orders by, or ""
	width    int    // minimum width
	flex     int    // share of the spare width
	right    bool   // right-aligned (numbers)
	fit      bool   // as wide as its widest value on screen (ids, amounts)
	priority int    // higher stays longer when space runs out
	pinned   bool   // always shown: what tells rows apart
}

// row is one loaded record as the table shows it.
type row struct {
	id     int64
	cells  []string
	cursor domain.Cursor // its keyset position, for the next and previous pages
	item   any           // the domain record: Client, Contract, Event or User
}

// rowPage is one page of rows, in display order.
type rowPage struct {
	rows             []row
	hasPrev, hasNext bool
}

// listQuery is what a tab asks for: search, sort and page, plus its quick
// filters, which all apply at once.
type listQuery struct {
	page    domain.PageQuery
	filters []string // the quick filters' ids, in menu order
	filter  string   // "client:ID" / "contract:ID": one record's own, or ""
	scope   string   // the label of filter
}

// has reports whether the quick filter id is on.
func (q listQuery) has(id string) bool { return slices.Contains(q.filters, id) }

// filtered reports whether any filter narrows the list.
func (q listQuery) filtered() bool { return len(q.filters) > 0 || q.filter != "" }

// scopedID reads the id of a "kind:ID" filter, 0 when it is not one.
func (q listQuery) scopedID(kind string) int64 {
	rest, ok := strings.CutPrefix(q.filter, kind+":")
	if !ok {
		return 0
	}
	id, _ := strconv.ParseInt(rest, 10, 64)
	return id
}

// filterOption is one choice of a tab's quick-filter menu. Options of the
// same group exclude each other (one role, one time span); the others
// combine.
type filterOption struct {
	id, label string
	group     string
}

// field is one labelled value of a detail view.
type field struct{ label, value string }

// related is a record a detail view links to; enter jumps to it.
type related struct {
	group string // "Contracts", "Events", ...
	tab   tabID
	id    int64
	label string
}

// detail is what a detail view shows of one record.
type detail struct {
	title   string
	item    any
	fields  []field
	related []related
}

// entitySpec describes one tab: its columns, sorts and filters, and how to
// fetch its rows and details. One per entity, written typed in tab_*.go
// (see tabSpec) and shared in this form.
type entitySpec struct {
	tab     tabID
	title   string
	entity  domain.Entity
	columns []column
	sorts   []string
	// defaults is the view the tab starts with until its user changes it.
	defaults tabView
	// filters lists the quick filters the role is offered; the first is "all".
	filters func(role domain.Role) []filterOption
	list    func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery, loc *time.Location) (rowPage, error)
	count   func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (int, error)
	// estimate answers at once what count answers exactly.
	estimate func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (domain.Estimate, error)
	get      func(ctx context.Context, app *domain.App, sess domain.Session, id int64, loc *time.Location) (detail, error)
	toRow    func(item any, loc *time.Location) row
	// owner is the ownerID App.Permission wants for updating item.
	owner func(item any) int64
	// label names a record in messages and confirmations.
	label func(item any) string
	// remove deletes item, as read, under a request key.
	remove func(ctx context.Context, app *domain.App, sess domain.Session, item any, key string) error
}

// toRowPage converts a domain page into rows.
func toRowPage[T any](p domain.Page[T], conv func(T) row) rowPage {
	out := rowPage{rows: make([]row, len(p.Items)), hasPrev: p.HasPrev, hasNext: p.HasNext}
	for i, it := range p.Items {
		r := conv(it)
		if i < len(p.Cursors) {
			r.cursor = p.Cursors[i]
		}
		out.rows[i] = r
	}
	return out
}

// specs holds the four tabs, in order.
var specs = [tabCount]*entitySpec{
	tabClients:   clientSpec,
	tabContracts: contractSpec,
	tabEvents:    eventSpec,
	tabUsers:     userSpec,
}

// allFilter is every tab's first quick filter.
var allFilter = filterOption{id: "", label: "all"}
