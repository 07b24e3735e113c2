package store

import (
	"context"
	"fmt"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

const contractColumns = `contracts.id, contracts.client_id, clients.full_name AS client_name,
	clients.email AS client_email, clients.sales_contact_id, sales.full_name AS sales_contact_name,
	sales.username AS sales_contact_username, contracts.total_amount,
	contracts.amount_due, contracts.signed, contracts.signed_at, contracts.created_at,
	contracts.updated_at, contracts.version`

const contractFrom = `contracts
	JOIN clients ON clients.id = contracts.client_id
	JOIN users sales ON sales.id = clients.sales_contact_id`

// contractSearch is the text a contract is found by: its own, its client's
// and its sales contact's.
var contractSearch = searchable{text: "contracts.search_all", id: "contracts.id", fts: "contracts_fts", table: "contracts",
	words: "contracts_words"}

// contractSorts are the expressions behind domain.ContractSorts.
var contractSorts = map[string]sortKey{
	"id":           {expr: "contracts.id", indexed: true},
	"client":       {expr: "contracts.sort_client", indexed: true},
	"total_amount": {expr: "contracts.total_amount", indexed: true},
	"amount_due":   {expr: "contracts.amount_due", indexed: true},
	"signed":       {expr: "contracts.signed", boolean: true},
	"created_at":   {expr: "contracts.created_at", indexed: true},
}

// contractRow is a contract with its sort key, as lists read it.
type contractRow struct {
	domain.Contract
	SortKey any `db:"sort_key"`
}

func (r contractRow) split() (domain.Contract, domain.Cursor) {
	fixContract(&r.Contract)
	return r.Contract, domain.Cursor{Key: r.SortKey, ID: r.ID}
}

// fixContract puts the times of a contract read back in UTC.
func fixContract(c *domain.Contract) {
	utc(&c.CreatedAt, &c.UpdatedAt)
	utcPtr(&c.SignedAt)
}

// contractSearchText is what a contract is found by, besides its client.
func contractSearchText(c *domain.Contract) string {
	if c.Signed {
		return domain.SearchText("signed")
	}
	return domain.SearchText("unsigned")
}

// Contract returns the contract with the given id.
func (q queries) Contract(ctx context.Context, id int64) (domain.Contract, error) {
	var c domain.Contract
	err := q.get(ctx, &c, `SELECT `+contractColumns+` FROM `+contractFrom+` WHERE contracts.id = ?`, id)
	if isNoRows(err) {
		err = notFound("contract", id)
	}
	if err != nil {
		return c, wrap(fmt.Sprintf("get contract %d", id), err)
	}
	fixContract(&c)
	return c, nil
}

// contractFilter is the WHERE clause of ListContracts and CountContracts.
func contractFilter(q domain.ContractQuery) filter {
	var f filter
	if q.SalesContactID != 0 {
		f.addJoined("clients.sales_contact_id = ?", q.SalesContactID)
	}
	if q.ClientID != 0 {
		f.add("contracts.client_id = ?", q.ClientID)
	}
	if q.Unsigned {
		f.add("contracts.signed = ?", false)
	}
	if q.Signed {
		f.add("contracts.signed = ?", true)
	}
	if q.Unpaid {
		f.add("contracts.amount_due > 0")
	}
	f.search(contractSearch, q.Search)
	return f
}

// ListContracts returns one page of the contracts q asks for.
func (q queries) ListContracts(ctx context.Context, cq domain.ContractQuery) (domain.Page[domain.Contract], error) {
	k, err := newKeyset("contract", contractSorts, "contracts.id", cq.PageQuery)
	if err != nil {
		return domain.Page[domain.Contract]{}, err
	}
	page, err := listPage[domain.Contract, contractRow](ctx, q, k, contractColumns, contractFrom, contractFilter(cq))
	if err != nil {
		return page, wrap("list contracts", err)
	}
	return page, nil
}

// EstimateContracts tells quickly about how many contracts q asks for.
func (q queries) EstimateContracts(ctx context.Context, cq domain.ContractQuery) (domain.Estimate, error) {
	e, err := q.estimate(ctx, "contracts", contractFrom, contractFilter(cq))
	if err != nil {
		return e, wrap("estimate contracts", err)
	}
	return e, nil
}

// CountContracts counts the contracts q asks for, all pages together.
func (q queries) CountContracts(ctx context.Context, cq domain.ContractQuery) (int, error) {
	n, err := q.count(ctx, "contracts", contractFrom, contractFilter(cq))
	if err != nil {
		return 0, wrap("count contracts", err)
	}
	return n, nil
}

// InsertContract adds c and sets its ID, version and times.
func (q queries) InsertContract(ctx context.Context, c *domain.Contract) error {
	at := now()
	created, updated, signedAt := orNow(c.CreatedAt, at), orNow(c.UpdatedAt, at), dbTimePtr(c.SignedAt)
	var id int64
	err := q.atomic(ctx, func(q queries) error {
		var err error
		id, err = q.insert(ctx, `INSERT INTO contracts (client_id, total_amount, amount_due, signed,
				signed_at, search_text, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
			RETURNING id`,
			c.ClientID, c.TotalAmount, c.AmountDue, c.Signed, signedAt, contractSearchText(c),
			created, updated)
		if err != nil {
			return err
		}
		return q.refresh(ctx, contractDerived, "id = ?", id)
	})
	if err != nil {
		return wrap(fmt.Sprintf("insert contract for client %d", c.ClientID), err)
	}
	c.ID, c.Version, c.SignedAt, c.CreatedAt, c.UpdatedAt = id, 1, signedAt, created, updated
	return nil
}

// UpdateContract writes c if nobody changed it since it was read at
// c.Version, then increments the version.
func (q queries) UpdateContract(ctx context.Context, c *domain.Contract) error {
	at, signedAt := now(), dbTimePtr(c.SignedAt)
	err := q.atomic(ctx, func(q queries) error {
		n, err := q.exec(ctx, `UPDATE contracts SET client_id = ?, total_amount = ?, amount_due = ?,
				signed = ?, signed_at = ?, search_text = ?,
				version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`,
			c.ClientID, c.TotalAmount, c.AmountDue, c.Signed, signedAt, contractSearchText(c),
			at, c.ID, c.Version)
		if err == nil && n == 0 {
			err = q.missed(ctx, "contracts", "contract", c.ID)
		}
		if err != nil {
			return err
		}
		return q.refreshContract(ctx, c.ID)
	})
	if err != nil {
		return wrap(fmt.Sprintf("update contract %d", c.ID), err)
	}
	c.Version++
	c.SignedAt, c.UpdatedAt = signedAt, at
	return nil
}

// ApplyPayment lowers the amount due by cents in one statement, so that
// concurrent payments never lose an update, and returns the contract as it
// now is. A payment larger than what is due is refused.
func (q queries) ApplyPayment(ctx context.Context, id int64, cents int64, at time.Time) (domain.Contract, error) {
	op := fmt.Sprintf("apply payment to contract %d", id)
	if cents <= 0 {
		return domain.Contract{}, wrap(op, domain.NewError(domain.ErrInvalid, "amount", "a payment must be more than zero"))
	}
	n, err := q.exec(ctx, `UPDATE contracts SET amount_due = amount_due - ?,
			version = version + 1, updated_at = ?
		WHERE id = ? AND amount_due >= ?`,
		cents, orNow(at, now()), id, cents)
	if err == nil && n == 0 {
		if err = q.missed(ctx, "contracts", "contract", id); isConflict(err) {
			err = domain.NewError(domain.ErrInvalid, "amount", "payment is more than the amount due")
		}
	}
	if err != nil {
		return domain.Contract{}, wrap(op, err)
	}
	return q.Contract(ctx, id)
}

// DeleteContract removes the contract if it is still at version.
func (q queries) DeleteContract(ctx context.Context, id int64, version int) error {
	return q.deleteRow(ctx, "contracts", "contract", id, version, "this contract still has events")
}
