package ui

import (
	"context"
	"strconv"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

var contractSpec = typed(tabSpec[domain.Contract]{
	tab:    tabContracts,
	title:  "Contracts",
	entity: domain.EntityContract,
	columns: []column{
		{title: "id", sort: "id", width: 2, right: true, fit: true, pinned: true},
		{title: "client", sort: "client", width: 16, flex: 3, pinned: true},
		{title: "sales contact", width: 10, flex: 2, priority: 3},
		{title: "total", sort: "total_amount", width: 5, right: true, fit: true, priority: 5},
		{title: "paid", width: 4, right: true, fit: true, priority: 2},
		{title: "due", sort: "amount_due", width: 3, right: true, fit: true, priority: 6},
		{title: "signed", sort: "signed", width: 6, priority: 4},
	},
	sorts: domain.ContractSorts,
	filters: func(role domain.Role) []filterOption {
		out := []filterOption{allFilter}
		if role == domain.RoleSales {
			out = append(out, filterOption{id: "mine", label: "mine"})
		}
		return append(out, filterOption{id: "unsigned", label: "unsigned"}, filterOption{id: "unpaid", label: "unpaid"})
	},
	list: func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (domain.Page[domain.Contract], error) {
		return app.Contracts.List(ctx, sess, contractQuery(q))
	},
	count: func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (int, error) {
		return app.Contracts.Count(ctx, sess, contractQuery(q))
	},
	estimate: func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (domain.Estimate, error) {
		return app.Contracts.Estimate(ctx, sess, contractQuery(q))
	},
	get: func(ctx context.Context, app *domain.App, sess domain.Session, id int64, loc *time.Location) (detail, error) {
		d, err := app.Contracts.Get(ctx, sess, id)
		if err != nil {
			return detail{}, err
		}
		k := d.Contract
		signedAt := "—"
		if k.SignedAt != nil {
			signedAt = formatTime(*k.SignedAt, loc)
		}
		out := detail{
			title: "Contract #" + strconv.FormatInt(k.ID, 10),
			item:  k,
			fields: []field{
				{"id", strconv.FormatInt(k.ID, 10)},
				{"client", k.ClientName},
				{"sales contact", k.SalesContactName},
				{"total", domain.FormatAmount(k.TotalAmount)},
				{"paid", domain.FormatAmount(k.Paid())},
				{"due", domain.FormatAmount(k.AmountDue)},
				{"signed", yesNo(k.Signed)},
				{"signed at", signedAt},
				{"created", formatTime(k.CreatedAt, loc)},
				{"updated", formatTime(k.UpdatedAt, loc)},
			},
			related: []related{{"Client", tabClients, k.ClientID, k.ClientName}},
		}
		for _, e := range d.Events {
			out.related = append(out.related, related{"Events", tabEvents, e.ID, eventLabel(e, loc)})
		}
		return out, nil
	},
	row:   func(k domain.Contract, _ *time.Location) row { return contractRow(k) },
	owner: func(k domain.Contract) int64 { return k.SalesContactID },
	label: func(k domain.Contract) string { return "contract #" + strconv.FormatInt(k.ID, 10) },
	remove: func(ctx context.Context, app *domain.App, sess domain.Session, k domain.Contract, key string) error {
		return app.Contracts.Delete(ctx, sess, k.ID, k.Version, key)
	},
})

func contractQuery(q listQuery) domain.ContractQuery {
	return domain.ContractQuery{
		PageQuery: q.page,
		Mine:      q.has("mine"),
		Unsigned:  q.has("unsigned"),
		Unpaid:    q.has("unpaid"),
		ClientID:  q.scopedID("client"),
	}
}

func contractRow(k domain.Contract) row {
	return row{id: k.ID, item: k, cells: []string{
		strconv.FormatInt(k.ID, 10),
		k.ClientName,
		k.SalesContactName,
		domain.FormatAmount(k.TotalAmount),
		domain.FormatAmount(k.Paid()),
		domain.FormatAmount(k.AmountDue),
		yesNo(k.Signed),
	}}
}
