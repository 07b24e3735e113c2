package ui

import (
	"context"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

// tabSpec is one tab written for the record type T it lists. typed turns it
// into the entitySpec the tables, details and forms share, so that the
// conversions from any to T happen here only, each checked by the compiler
// against the tab's own functions.
type tabSpec[T any] struct {
	tab      tabID
	title    string
	entity   domain.Entity
	columns  []column
	sorts    []string
	defaults tabView
	filters  func(role domain.Role) []filterOption
	list     func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (domain.Page[T], error)
	count    func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (int, error)
	// estimate answers at once what count answers exactly.
	estimate func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (domain.Estimate, error)
	get      func(ctx context.Context, app *domain.App, sess domain.Session, id int64, loc *time.Location) (detail, error)
	row      func(item T, loc *time.Location) row
	// owner is the ownerID App.Permission wants for updating item.
	owner func(item T) int64
	// label names a record in messages and confirmations.
	label func(item T) string
	// remove deletes item, as read (its version), under a request key.
	remove func(ctx context.Context, app *domain.App, sess domain.Session, item T, key string) error
}

// typed makes the shared spec of a typed tab.
func typed[T any](s tabSpec[T]) *entitySpec {
	return &entitySpec{
		tab: s.tab, title: s.title, entity: s.entity, columns: s.columns, sorts: s.sorts,
		defaults: s.defaults, filters: s.filters, count: s.count, estimate: s.estimate, get: s.get,
		list: func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery, loc *time.Location) (rowPage, error) {
			p, err := s.list(ctx, app, sess, q)
			return toRowPage(p, func(item T) row { return s.row(item, loc) }), err
		},
		toRow: func(item any, loc *time.Location) row { return s.row(item.(T), loc) },
		owner: func(item any) int64 { return s.owner(item.(T)) },
		label: func(item any) string { return s.label(item.(T)) },
		remove: func(ctx context.Context, app *domain.App, sess domain.Session, item any, key string) error {
			return s.remove(ctx, app, sess, item.(T), key)
		},
	}
}
