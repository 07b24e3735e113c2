package ui

import (
	"context"
	"strconv"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

var eventSpec = typed(tabSpec[domain.Event]{
	tab:    tabEvents,
	title:  "Events",
	entity: domain.EntityEvent,
	columns: []column{
		{title: "id", sort: "id", width: 2, right: true, fit: true, pinned: true},
		{title: "name", sort: "name", width: 16, flex: 3, pinned: true},
		{title: "client", sort: "client", width: 10, flex: 2, priority: 6},
		{title: "start", sort: "start_at", width: 16, priority: 7},
		{title: "end", width: 11, priority: 3},
		{title: "location", sort: "location", width: 8, flex: 2, priority: 4},
		{title: "people", sort: "attendees", width: 6, right: true, fit: true, priority: 2},
		{title: "support", width: 8, flex: 2, priority: 5},
	},
	sorts: domain.EventSorts,
	// What comes next matters most: the events not yet over, soonest first.
	defaults: tabView{Filters: []string{"upcoming"}, Sort: "start_at"},
	filters: func(role domain.Role) []filterOption {
		out := []filterOption{allFilter}
		if role == domain.RoleSupport || role == domain.RoleSales {
			out = append(out, filterOption{id: "mine", label: "mine"})
		}
		return append(out, filterOption{id: "nosupport", label: "without support"},
			filterOption{id: "upcoming", label: "upcoming", group: "when"},
			filterOption{id: "week", label: "next 7 days", group: "when"},
			filterOption{id: "month", label: "next 30 days", group: "when"})
	},
	list: func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (domain.Page[domain.Event], error) {
		return app.Events.List(ctx, sess, eventQuery(q))
	},
	count: func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (int, error) {
		return app.Events.Count(ctx, sess, eventQuery(q))
	},
	estimate: func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery) (domain.Estimate, error) {
		return app.Events.Estimate(ctx, sess, eventQuery(q))
	},
	get: func(ctx context.Context, app *domain.App, sess domain.Session, id int64, loc *time.Location) (detail, error) {
		d, err := app.Events.Get(ctx, sess, id)
		if err != nil {
			return detail{}, err
		}
		e := d.Event
		notes := e.Notes
		if notes == "" {
			notes = "—"
		}
		out := detail{
			title: "Event " + e.Name,
			item:  e,
			fields: []field{
				{"id", strconv.FormatInt(e.ID, 10)},
				{"name", e.Name},
				{"client", e.ClientName},
				{"contract", "#" + strconv.FormatInt(e.ContractID, 10)},
				{"start", formatTime(e.StartAt, loc)},
				{"end", formatTime(e.EndAt, loc)},
				{"location", e.Location},
				{"attendees", strconv.Itoa(e.Attendees)},
				{"support", orDash(e.SupportContactName)},
				{"notes", notes},
				{"updated", formatTime(e.UpdatedAt, loc)},
			},
			related: []related{
				{"Contract", tabContracts, d.Contract.ID, contractLabel(d.Contract)},
				{"Client", tabClients, d.Client.ID, d.Client.FullName + " · " + d.Client.Email},
			},
		}
		if e.SupportContactID != nil {
			out.related = append(out.related, related{"Support", tabUsers, *e.SupportContactID, e.SupportContactName})
		}
		return out, nil
	},
	row: eventRow,
	owner: func(e domain.Event) int64 {
		if e.SupportContactID != nil {
			return *e.SupportContactID
		}
		return 0
	},
	label: func(e domain.Event) string { return "event " + e.Name },
	remove: func(ctx context.Context, app *domain.App, sess domain.Session, e domain.Event, key string) error {
		return app.Events.Delete(ctx, sess, e.ID, e.Version, key)
	},
})

func eventQuery(q listQuery) domain.EventQuery {
	out := domain.EventQuery{
		PageQuery:      q.page,
		Mine:           q.has("mine"),
		WithoutSupport: q.has("nosupport"),
		Upcoming:       q.has("upcoming"),
		ClientID:       q.scopedID("client"),
		ContractID:     q.scopedID("contract"),
	}
	days := 0
	switch {
	case q.has("week"):
		days = 7
	case q.has("month"):
		days = 30
	}
	if days > 0 {
		// Events under way or starting within the next days.
		from := time.Now()
		to := from.AddDate(0, 0, days)
		out.From, out.To = &from, &to
	}
	return out
}

// formatEnd shows an event's end briefly: the time alone when it ends the
// day it starts, else the day and time.
func formatEnd(start, end time.Time, loc *time.Location) string {
	s, e := start.In(loc), end.In(loc)
	if s.Year() == e.Year() && s.YearDay() == e.YearDay() {
		return e.Format("15:04")
	}
	return e.Format("01-02 15:04")
}

func eventRow(e domain.Event, loc *time.Location) row {
	return row{id: e.ID, item: e, cells: []string{
		strconv.FormatInt(e.ID, 10),
		e.Name,
		e.ClientName,
		formatTime(e.StartAt, loc),
		formatEnd(e.StartAt, e.EndAt, loc),
		e.Location,
		strconv.Itoa(e.Attendees),
		orDash(e.SupportContactName),
	}}
}
