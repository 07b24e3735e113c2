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

// What a table keeps from the rows it shows, as expressions for an UPDATE
// of that table: search_all and, for contracts and events, sort_client (the
// client's folded name, which the lists sort by, so that an index serves
// that order).
type derived struct {
	table      string
	searchAll  string
	sortClient string // "" when the table has no sort_client
}

var (
	clientDerived = derived{table: "clients",
		searchAll: `clients.search_text || ' ' || COALESCE((SELECT users.search_text FROM users
		WHERE users.id = clients.sales_contact_id), '')`}
	contractDerived = derived{table: "contracts",
		searchAll: `contracts.search_text || ' ' || COALESCE((SELECT clients.search_text || ' ' || users.search_text
		FROM clients JOIN users ON users.id = clients.sales_contact_id
		WHERE clients.id = contracts.client_id), '')`,
		sortClient: `COALESCE((SELECT clients.sort_name FROM clients WHERE clients.id = contracts.client_id), '')`}
	eventDerived = derived{table: "events",
		searchAll: `events.search_text || ' ' || COALESCE((SELECT clients.search_text
		FROM contracts JOIN clients ON clients.id = contracts.client_id
		WHERE contracts.id = events.contract_id), '') || ' ' || COALESCE((SELECT users.search_text
		FROM users WHERE users.id = events.support_contact_id), '')`,
		sortClient: `COALESCE((SELECT clients.sort_name FROM contracts JOIN clients ON clients.id = contracts.client_id
		WHERE contracts.id = events.contract_id), '')`}
)

// refresh recomputes what d derives for the rows of its table that pass
// where and are out of date.
func (q queries) refresh(ctx context.Context, d derived, where string, args ...any) error {
	set, stale := `search_all = `+d.searchAll, `search_all <> `+d.searchAll
	if d.sortClient != "" {
		set += `, sort_client = ` + d.sortClient
		stale += ` OR sort_client <> ` + d.sortClient
	}
	_, err := q.exec(ctx, `UPDATE `+d.table+` SET `+set+` WHERE (`+where+`) AND (`+stale+`)`, args...)
	return err
}

// refreshUserRefs refreshes the rows that show user id: the clients they
// follow, those clients' contracts and the events they support.
func (q queries) refreshUserRefs(ctx context.Context, id int64) error {
	err := q.refresh(ctx, clientDerived, "sales_contact_id = ?", id)
	if err == nil {
		err = q.refresh(ctx, contractDerived,
			"client_id IN (SELECT id FROM clients WHERE sales_contact_id = ?)", id)
	}
	if err == nil {
		err = q.refresh(ctx, eventDerived, "support_contact_id = ?", id)
	}
	return err
}

// refreshClient refreshes client id and the rows that show it: its
// contracts and their events.
func (q queries) refreshClient(ctx context.Context, id int64) error {
	err := q.refresh(ctx, clientDerived, "id = ?", id)
	if err == nil {
		err = q.refresh(ctx, contractDerived, "client_id = ?", id)
	}
	if err == nil {
		err = q.refresh(ctx, eventDerived,
			"contract_id IN (SELECT id FROM contracts WHERE client_id = ?)", id)
	}
	return err
}

// refreshContract refreshes contract id and its events, which show its client.
func (q queries) refreshContract(ctx context.Context, id int64) error {
	err := q.refresh(ctx, contractDerived, "id = ?", id)
	if err == nil {
		err = q.refresh(ctx, eventDerived, "contract_id = ?", id)
	}
	return err
}

// refreshEvent refreshes event id.
func (q queries) refreshEvent(ctx context.Context, id int64) error {
	return q.refresh(ctx, eventDerived, "id = ?", id)
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
