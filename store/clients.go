package store

import (
	"context"
	"fmt"

	"github.com/epicevents/epic-tui/domain"
)

const clientColumns = `clients.id, clients.full_name, clients.email, clients.phone,
	clients.company_name, clients.sales_contact_id, sales.full_name AS sales_contact_name,
	sales.username AS sales_contact_username, clients.created_at, clients.updated_at, clients.version`

const clientFrom = `clients JOIN users sales ON sales.id = clients.sales_contact_id`

// clientSearch is the text a client is found by: its own and its sales contact's.
var clientSearch = searchable{text: "clients.search_all", id: "clients.id", fts: "clients_fts", table: "clients",
	words: "clients_words"}

// clientSorts are the expressions behind domain.ClientSorts.
var clientSorts = map[string]sortKey{
	"id":            {expr: "clients.id", indexed: true},
	"full_name":     {expr: "clients.sort_name", indexed: true},
	"company_name":  {expr: "clients.sort_company", indexed: true},
	"email":         {expr: "clients.email", indexed: true},
	"sales_contact": {expr: "sales.sort_name"},
	"updated_at":    {expr: "clients.updated_at", indexed: true},
}

// clientRow is a client with its sort key, as lists read it.
type clientRow struct {
	domain.Client
	SortKey any `db:"sort_key"`
}

func (r clientRow) split() (domain.Client, domain.Cursor) {
	fixClient(&r.Client)
	return r.Client, domain.Cursor{Key: r.SortKey, ID: r.ID}
}

// fixClient puts the times of a client read back in UTC.
func fixClient(c *domain.Client) { utc(&c.CreatedAt, &c.UpdatedAt) }

// clientSearchText is what a client is found by.
func clientSearchText(c *domain.Client) string {
	return domain.SearchText(append([]string{c.FullName, c.Email, c.CompanyName}, domain.PhoneForms(c.Phone)...)...)
}

// Client returns the client with the given id.
func (q queries) Client(ctx context.Context, id int64) (domain.Client, error) {
	var c domain.Client
	err := q.get(ctx, &c, `SELECT `+clientColumns+` FROM `+clientFrom+` WHERE clients.id = ?`, id)
	if isNoRows(err) {
		err = notFound("client", id)
	}
	if err != nil {
		return c, wrap(fmt.Sprintf("get client %d", id), err)
	}
	fixClient(&c)
	return c, nil
}

// ClientByEmail returns the client with the given email, as stored
// (normalised, lower case).
func (q queries) ClientByEmail(ctx context.Context, email string) (domain.Client, error) {
	var c domain.Client
	err := q.get(ctx, &c, `SELECT `+clientColumns+` FROM `+clientFrom+` WHERE clients.email = ?`, email)
	if isNoRows(err) {
		err = domain.NewError(domain.ErrNotFound, "email", fmt.Sprintf("no client has the email %s", email))
	}
	if err != nil {
		return c, wrap("get client by email", err)
	}
	fixClient(&c)
	return c, nil
}

// clientFilter is the WHERE clause of ListClients and CountClients.
func clientFilter(q domain.ClientQuery) filter {
	var f filter
	if q.SalesContactID != 0 {
		f.add("clients.sales_contact_id = ?", q.SalesContactID)
	}
	f.search(clientSearch, q.Search)
	return f
}

// ListClients returns one page of the clients q asks for.
func (q queries) ListClients(ctx context.Context, cq domain.ClientQuery) (domain.Page[domain.Client], error) {
	k, err := newKeyset("client", clientSorts, "clients.id", cq.PageQuery)
	if err != nil {
		return domain.Page[domain.Client]{}, err
	}
	page, err := listPage[domain.Client, clientRow](ctx, q, k, clientColumns, clientFrom, clientFilter(cq))
	if err != nil {
		return page, wrap("list clients", err)
	}
	return page, nil
}

// EstimateClients tells quickly about how many clients q asks for.
func (q queries) EstimateClients(ctx context.Context, cq domain.ClientQuery) (domain.Estimate, error) {
	e, err := q.estimate(ctx, "clients", clientFrom, clientFilter(cq))
	if err != nil {
		return e, wrap("estimate clients", err)
	}
	return e, nil
}

// CountClients counts the clients q asks for, all pages together.
func (q queries) CountClients(ctx context.Context, cq domain.ClientQuery) (int, error) {
	n, err := q.count(ctx, "clients", clientFrom, clientFilter(cq))
	if err != nil {
		return 0, wrap("count clients", err)
	}
	return n, nil
}

// InsertClient adds c and sets its ID, version and times.
func (q queries) InsertClient(ctx context.Context, c *domain.Client) error {
	at := now()
	created, updated := orNow(c.CreatedAt, at), orNow(c.UpdatedAt, at)
	var id int64
	err := q.atomic(ctx, func(q queries) error {
		var err error
		id, err = q.insert(ctx, `INSERT INTO clients (full_name, email, phone, company_name,
				sales_contact_id, search_text, sort_name, sort_company, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
			RETURNING id`,
			c.FullName, c.Email, c.Phone, c.CompanyName, c.SalesContactID, clientSearchText(c),
			domain.Fold(c.FullName), domain.Fold(c.CompanyName), created, updated)
		if err != nil {
			return err
		}
		return q.refresh(ctx, clientDerived, "id = ?", id)
	})
	if err != nil {
		return wrap(fmt.Sprintf("insert client %q", c.Email), err)
	}
	c.ID, c.Version, c.CreatedAt, c.UpdatedAt = id, 1, created, updated
	return nil
}

// UpdateClient writes c if nobody changed it since it was read at
// c.Version, then increments the version.
func (q queries) UpdateClient(ctx context.Context, c *domain.Client) error {
	at := now()
	err := q.atomic(ctx, func(q queries) error {
		n, err := q.exec(ctx, `UPDATE clients SET full_name = ?, email = ?, phone = ?,
				company_name = ?, sales_contact_id = ?, search_text = ?, sort_name = ?, sort_company = ?,
				version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`,
			c.FullName, c.Email, c.Phone, c.CompanyName, c.SalesContactID, clientSearchText(c),
			domain.Fold(c.FullName), domain.Fold(c.CompanyName), at, c.ID, c.Version)
		if err == nil && n == 0 {
			err = q.missed(ctx, "clients", "client", c.ID)
		}
		if err != nil {
			return err
		}
		return q.refreshClient(ctx, c.ID)
	})
	if err != nil {
		return wrap(fmt.Sprintf("update client %d", c.ID), err)
	}
	c.Version++
	c.UpdatedAt = at
	return nil
}

// DeleteClient removes the client if it is still at version.
func (q queries) DeleteClient(ctx context.Context, id int64, version int) error {
	return q.deleteRow(ctx, "clients", "client", id, version, "this client still has contracts")
}
