package store

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// A row's search_text is its own folded text; its search_all is what a
// search looks in: search_text and the search_text of the rows its table
// shows beside it. search_all is written from the database's own copy of the
// related texts, so it is refreshed whenever one of them changes, in the
// same transaction.

// The expressions of search_all, for an UPDATE of their table.
const (
	clientSearchAll = `clients.search_text || ' ' || COALESCE((SELECT users.search_text FROM users
		WHERE users.id = clients.sales_contact_id), '')`
	contractSearchAll = `contracts.search_text || ' ' || COALESCE((SELECT clients.search_text || ' ' || users.search_text
		FROM clients JOIN users ON users.id = clients.sales_contact_id
		WHERE clients.id = contracts.client_id), '')`
	eventSearchAll = `events.search_text || ' ' || COALESCE((SELECT clients.search_text
		FROM contracts JOIN clients ON clients.id = contracts.client_id
		WHERE contracts.id = events.contract_id), '') || ' ' || COALESCE((SELECT users.search_text
		FROM users WHERE users.id = events.support_contact_id), '')`
)

// refresh recomputes search_all, as expr says, for the rows of table that
// pass where and whose search_all is out of date.
func (q queries) refresh(ctx context.Context, table, expr, where string, args ...any) error {
	_, err := q.exec(ctx, `UPDATE `+table+` SET search_all = `+expr+
		` WHERE (`+where+`) AND search_all <> `+expr, args...)
	return err
}

// refreshUserRefs refreshes the rows that show user id: the clients they
// follow, those clients' contracts and the events they support.
func (q queries) refreshUserRefs(ctx context.Context, id int64) error {
	err := q.refresh(ctx, "clients", clientSearchAll, "sales_contact_id = ?", id)
	if err == nil {
		err = q.refresh(ctx, "contracts", contractSearchAll,
			"client_id IN (SELECT id FROM clients WHERE sales_contact_id = ?)", id)
	}
	if err == nil {
		err = q.refresh(ctx, "events", eventSearchAll, "support_contact_id = ?", id)
	}
	return err
}

// refreshClient refreshes client id and the rows that show it: its
// contracts and their events.
func (q queries) refreshClient(ctx context.Context, id int64) error {
	err := q.refresh(ctx, "clients", clientSearchAll, "id = ?", id)
	if err == nil {
		err = q.refresh(ctx, "contracts", contractSearchAll, "client_id = ?", id)
	}
	if err == nil {
		err = q.refresh(ctx, "events", eventSearchAll,
			"contract_id IN (SELECT id FROM contracts WHERE client_id = ?)", id)
	}
	return err
}

// refreshContract refreshes contract id and its events, which show its client.
func (q queries) refreshContract(ctx context.Context, id int64) error {
	err := q.refresh(ctx, "contracts", contractSearchAll, "id = ?", id)
	if err == nil {
		err = q.refresh(ctx, "events", eventSearchAll, "contract_id = ?", id)
	}
	return err
}

// refreshEvent refreshes event id.
func (q queries) refreshEvent(ctx context.Context, id int64) error {
	return q.refresh(ctx, "events", eventSearchAll, "id = ?", id)
}

// atomic runs fn in q's transaction, or in a transaction of its own when q
// is not in one, so a change and the refresh it calls for land together.
func (q queries) atomic(ctx context.Context, fn func(q queries) error) error {
	db, ok := q.x.(*sqlx.DB)
	if !ok {
		return fn(q)
	}
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(queries{x: tx, dialect: q.dialect}); err != nil {
		return err
	}
	return tx.Commit()
}
