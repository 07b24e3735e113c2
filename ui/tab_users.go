package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

var userSpec = typed(tabSpec[domain.User]{
	tab:    tabUsers,
	title:  "Users",
	entity: domain.EntityUser,
	columns: []column{
		{title: "id", sort: "id", width: 2, right: true, fit: true, pinned: true},
		{title: "emp no", sort: "employee_number", width: 6, fit: true, priority: 3},
		{title: "name", sort: "full_name", width: 16, flex: 3, pinned: true},
		{title: "username", sort: "username", width: 10, flex: 1, priority: 6},
		{title: "email", sort: "email", width: 12, flex: 3, priority: 4},
		{title: "role", sort: "role", width: 13, priority: 5},
		{title: "active", width: 6, priority: 2},
	},
	sorts: domain.UserSorts,
	filters: func(domain.Role) []filterOption {
		out := []filterOption{allFilter}
		for _, r := range domain.Roles {
			out = append(out, filterOption{id: "role:" + string(r), label: "role: " + r.Label(), group: "role"})
		}
		return append(out, filterOption{id: "active", label: "active", group: "active"}, filterOption{id: "inactive", label: "deactivated", group: "active"})
	},
	list: func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (domain.Page[domain.User], error) {
		return app.Users.List(ctx, sess, userQuery(q))
	},
	count: func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (int, error) {
		return app.Users.Count(ctx, sess, userQuery(q))
	},
	estimate: func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (domain.Estimate, error) {
		return app.Users.Estimate(ctx, sess, userQuery(q))
	},
	get: func(ctx context.Context, app *domain.App, sess domain.Session, id int64, loc *time.Location) (detail, error) {
		d, err := app.Users.Get(ctx, sess, id)
		if err != nil {
			return detail{}, err
		}
		u := d.User
		out := detail{
			title: "User " + u.FullName,
			item:  u,
			fields: []field{
				{"id", strconv.FormatInt(u.ID, 10)},
				{"employee no", u.EmployeeNumber},
				{"full name", u.FullName},
				{"username", u.Username},
				{"email", u.Email},
				{"role", u.Role.Label()},
				{"active", yesNo(u.Active)},
				{"created", formatTime(u.CreatedAt, loc)},
				{"updated", formatTime(u.UpdatedAt, loc)},
			},
		}
		for _, c := range d.Clients {
			out.related = append(out.related, related{"Clients", tabClients, c.ID, c.FullName + " · " + c.CompanyName})
		}
		for _, e := range d.Events {
			out.related = append(out.related, related{"Events", tabEvents, e.ID, eventLabel(e, loc)})
		}
		return out, nil
	},
	row:   func(u domain.User, _ *time.Location) row { return userRow(u) },
	owner: func(u domain.User) int64 { return u.ID },
	label: func(u domain.User) string { return "user " + u.Username },
	remove: func(ctx context.Context, app *domain.App, sess domain.Session, u domain.User, key string) error {
		return app.Users.Delete(ctx, sess, u.ID, u.Version, key)
	},
})

func userQuery(q listQuery) domain.UserQuery {
	uq := domain.UserQuery{PageQuery: q.page}
	for _, f := range q.filters {
		switch {
		case f == "active", f == "inactive":
			active := f == "active"
			uq.Active = &active
		case strings.HasPrefix(f, "role:"):
			uq.Role = domain.Role(f[5:])
		}
	}
	return uq
}

func userRow(u domain.User) row {
	return row{id: u.ID, item: u, cells: []string{
		strconv.FormatInt(u.ID, 10),
		u.EmployeeNumber,
		u.FullName,
		u.Username,
		u.Email,
		u.Role.Label(),
		yesNo(u.Active),
	}}
}
