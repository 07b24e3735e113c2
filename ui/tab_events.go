package ui

import (
	"context"
	"strconv"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

var eventSpec = &entitySpec{
	tab:    tabEvents,
	title:  "Events",
	entity: domain.EntityEvent,
	columns: []column{
		{title: "id", sort: "id", width: 5, right: true},
		{title: "name", sort: "name", width: 9, flex: 3},
		{title: "client", sort: "client", width: 8, flex: 2},
		{title: "start", sort: "start_at", width: 16},
		{title: "end", width: 11},
		{title: "location", sort: "location", width: 7, flex: 2},
		{title: "people", sort: "attendees", width: 6, right: true},
		{title: "support", width: 8, flex: 2},
	},
	sorts: domain.EventSorts,
	filters: func(role domain.Role) []filterOption {
		out := []filterOption{allFilter}
		if role == domain.RoleSupport || role == domain.RoleSales {
			out = append(out, filterOption{"mine", "mine"})
		}
		return append(out, filterOption{"nosupport", "without support"}, filterOption{"upcoming", "upcoming"},
			filterOption{"week", "next 7 days"}, filterOption{"month", "next 30 days"})
	},
	list: func(ctx context.Context, app *domain.App, sess domain.Session, q listQuery, loc *time.Location) (rowPage, error) {
		p, err := app.Events.List(ctx, sess, eventQuery(q))
		return toRowPage(p, func(e domain.Event) row { return eventRow(e, loc) }), err
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
	toRow: func(item any, loc *time.Location) row { return eventRow(item.(domain.Event), loc) },
	owner: func(item any) int64 {
		if id := item.(domain.Event).SupportContactID; id != nil {
			return *id
		}
		return 0
	},
	label: func(item any) string { return "event " + item.(domain.Event).Name },
}

func eventQuery(q listQuery) domain.EventQuery {
	out := domain.EventQuery{
		PageQuery:      q.page,
		Mine:           q.filter == "mine",
		WithoutSupport: q.filter == "nosupport",
		Upcoming:       q.filter == "upcoming",
		ClientID:       q.scopedID("client"),
		ContractID:     q.scopedID("contract"),
	}
	if days := map[string]int{"week": 7, "month": 30}[q.filter]; days > 0 {
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
