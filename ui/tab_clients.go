package ui

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

var clientSpec = typed(tabSpec[domain.Client]{
	tab:    tabClients,
	title:  "Clients",
	entity: domain.EntityClient,
	columns: []column{
		{title: "id", sort: "id", width: 2, right: true, fit: true, pinned: true},
		{title: "name", sort: "full_name", width: 16, flex: 3, pinned: true},
		{title: "company", sort: "company_name", width: 10, flex: 2, priority: 4},
		{title: "email", sort: "email", width: 14, flex: 3, priority: 6},
		{title: "phone", width: 5, fit: true, priority: 5},
		{title: "sales contact", sort: "sales_contact", width: 10, flex: 2, priority: 3},
		{title: "updated", sort: "updated_at", width: 10, priority: 2},
	},
	sorts: domain.ClientSorts,
	filters: func(role domain.Role) []filterOption {
		out := []filterOption{allFilter}
		if role == domain.RoleSales {
			out = append(out, filterOption{id: "mine", label: "mine"})
		}
		return out
	},
	list: func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (domain.Page[domain.Client], error) {
		return app.Clients.List(ctx, sess, clientQuery(q))
	},
	count: func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (int, error) {
		return app.Clients.Count(ctx, sess, clientQuery(q))
	},
	estimate: func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (domain.Estimate, error) {
		return app.Clients.Estimate(ctx, sess, clientQuery(q))
	},
	get: func(ctx context.Context, app *domain.App, sess domain.Session, id int64, loc *time.Location) (detail, error) {
		d, err := app.Clients.Get(ctx, sess, id)
		if err != nil {
			return detail{}, err
		}
		c := d.Client
		out := detail{
			title: "Client " + c.FullName,
			item:  c,
			fields: []field{
				{"id", strconv.FormatInt(c.ID, 10)},
				{"full name", c.FullName},
				{"company", orDash(c.CompanyName)},
				{"email", c.Email},
				{"phone", domain.FormatPhone(c.Phone)},
				{"sales contact", c.SalesContactName},
				{"first contact", formatTime(c.CreatedAt, loc)},
				{"last update", formatTime(c.UpdatedAt, loc)},
			},
		}
		for _, k := range d.Contracts {
			out.related = append(out.related, related{"Contracts", tabContracts, k.ID, contractLabel(k)})
		}
		for _, e := range d.Events {
			out.related = append(out.related, related{"Events", tabEvents, e.ID, eventLabel(e, loc)})
		}
		return out, nil
	},
	row:   clientRow,
	owner: func(c domain.Client) int64 { return c.SalesContactID },
	label: func(c domain.Client) string { return "client " + c.FullName },
	remove: func(ctx context.Context, app *domain.App, sess domain.Session, c domain.Client, key string) error {
		return app.Clients.Delete(ctx, sess, c.ID, c.Version, key)
	},
})

func clientQuery(q listQuery) domain.ClientQuery {
	return domain.ClientQuery{PageQuery: q.page, Mine: q.has("mine")}
}

func clientRow(c domain.Client, loc *time.Location) row {
	return row{id: c.ID, item: c, cells: []string{
		strconv.FormatInt(c.ID, 10),
		c.FullName,
		c.CompanyName,
		c.Email,
		domain.FormatPhone(c.Phone),
		c.SalesContactName,
		formatDate(c.UpdatedAt, loc),
	}}
}

func contractLabel(k domain.Contract) string {
	signed := "unsigned"
	if k.Signed {
		signed = "signed"
	}
	return fmt.Sprintf("#%d %s · %s, due %s · %s", k.ID, k.ClientName, domain.FormatAmount(k.TotalAmount), domain.FormatAmount(k.AmountDue), signed)
}

func eventLabel(e domain.Event, loc *time.Location) string {
	return fmt.Sprintf("#%d %s · %s · %s", e.ID, e.Name, formatTime(e.StartAt, loc), e.Location)
}
