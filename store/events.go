package store

import (
	"context"
	"fmt"

	"github.com/epicevents/epic-tui/domain"
)

const eventColumns = `events.id, events.name, events.contract_id, contracts.client_id,
	clients.full_name AS client_name, clients.email AS client_email, clients.sales_contact_id,
	events.support_contact_id, COALESCE(support.full_name, '') AS support_contact_name,
	COALESCE(support.username, '') AS support_contact_username, events.start_at, events.end_at,
	events.location, events.attendees, events.notes, events.created_at, events.updated_at,
	events.version`

const eventFrom = `events
	JOIN contracts ON contracts.id = events.contract_id
	JOIN clients ON clients.id = contracts.client_id
	LEFT JOIN users support ON support.id = events.support_contact_id`

// eventSearch is the text an event is found by: its own, its client's and
// its support contact's.
var eventSearch = searchable{text: "events.search_all", id: "events.id", fts: "events_fts", table: "events",
	words: "events_words"}

// eventSorts are the expressions behind domain.EventSorts.
var eventSorts = map[string]sortKey{
	"id":        {expr: "events.id", indexed: true},
	"name":      {expr: "events.sort_name", indexed: true},
	"client":    {expr: "events.sort_client", indexed: true},
	"start_at":  {expr: "events.start_at", indexed: true},
	"location":  {expr: "events.sort_location"},
	"attendees": {expr: "events.attendees"},
}

// eventRow is an event with its sort key, as lists read it.
type eventRow struct {
	domain.Event
	SortKey any `db:"sort_key"`
}

func (r eventRow) split() (domain.Event, domain.Cursor) {
	fixEvent(&r.Event)
	return r.Event, domain.Cursor{Key: r.SortKey, ID: r.ID}
}

// fixEvent puts the times of an event read back in UTC.
func fixEvent(e *domain.Event) { utc(&e.StartAt, &e.EndAt, &e.CreatedAt, &e.UpdatedAt) }

// eventSearchText is what an event is found by, besides its client and support.
func eventSearchText(e *domain.Event) string {
	return domain.SearchText(e.Name, e.Location, e.Notes)
}

// Event returns the event with the given id.
func (q queries) Event(ctx context.Context, id int64) (domain.Event, error) {
	var e domain.Event
	err := q.get(ctx, &e, `SELECT `+eventColumns+` FROM `+eventFrom+` WHERE events.id = ?`, id)
	if isNoRows(err) {
		err = notFound("event", id)
	}
	if err != nil {
		return e, wrap(fmt.Sprintf("get event %d", id), err)
	}
	fixEvent(&e)
	return e, nil
}

// eventFilter is the WHERE clause of ListEvents and CountEvents.
func eventFilter(q domain.EventQuery) filter {
	var f filter
	if q.SupportContactID != 0 {
		f.add("events.support_contact_id = ?", q.SupportContactID)
	}
	if q.SalesContactID != 0 {
		f.addJoined("clients.sales_contact_id = ?", q.SalesContactID)
	}
	if q.ContractID != 0 {
		f.add("events.contract_id = ?", q.ContractID)
	}
	if q.ClientID != 0 {
		f.addJoined("contracts.client_id = ?", q.ClientID)
	}
	if q.WithoutSupport {
		f.add("events.support_contact_id IS NULL")
	}
	if q.From != nil {
		f.add("events.end_at >= ?", dbTime(*q.From))
	}
	if q.To != nil {
		f.add("events.start_at < ?", dbTime(*q.To))
	}
	f.search(eventSearch, q.Search)
	return f
}

// ListEvents returns one page of the events q asks for.
func (q queries) ListEvents(ctx context.Context, eq domain.EventQuery) (domain.Page[domain.Event], error) {
	k, err := newKeyset("event", eventSorts, "events.id", eq.PageQuery)
	if err != nil {
		return domain.Page[domain.Event]{}, err
	}
	page, err := listPage[domain.Event, eventRow](ctx, q, k, eventColumns, eventFrom, eventFilter(eq))
	if err != nil {
		return page, wrap("list events", err)
	}
	return page, nil
}

// EstimateEvents tells quickly about how many events q asks for.
func (q queries) EstimateEvents(ctx context.Context, eq domain.EventQuery) (domain.Estimate, error) {
	e, err := q.estimate(ctx, "events", eventFrom, eventFilter(eq))
	if err != nil {
		return e, wrap("estimate events", err)
	}
	return e, nil
}

// CountEvents counts the events q asks for, all pages together.
func (q queries) CountEvents(ctx context.Context, eq domain.EventQuery) (int, error) {
	n, err := q.count(ctx, "events", eventFrom, eventFilter(eq))
	if err != nil {
		return 0, wrap("count events", err)
	}
	return n, nil
}

// InsertEvent adds e and sets its ID, version and times.
func (q queries) InsertEvent(ctx context.Context, e *domain.Event) error {
	at := now()
	created, updated := orNow(e.CreatedAt, at), orNow(e.UpdatedAt, at)
	start, end := dbTime(e.StartAt), dbTime(e.EndAt)
	var id int64
	err := q.atomic(ctx, func(q queries) error {
		var err error
		id, err = q.insert(ctx, `INSERT INTO events (name, contract_id, support_contact_id, start_at,
				end_at, location, attendees, notes, search_text, sort_name, sort_location,
				created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
			RETURNING id`,
			e.Name, e.ContractID, e.SupportContactID, start, end, e.Location, e.Attendees, e.Notes,
			eventSearchText(e), domain.Fold(e.Name), domain.Fold(e.Location), created, updated)
		if err != nil {
			return err
		}
		return q.refreshEvent(ctx, id)
	})
	if err != nil {
		return wrap(fmt.Sprintf("insert event %q", e.Name), err)
	}
	e.ID, e.Version, e.StartAt, e.EndAt, e.CreatedAt, e.UpdatedAt = id, 1, start, end, created, updated
	return nil
}

// UpdateEvent writes e if nobody changed it since it was read at
// e.Version, then increments the version.
func (q queries) UpdateEvent(ctx context.Context, e *domain.Event) error {
	at := now()
	start, end := dbTime(e.StartAt), dbTime(e.EndAt)
	err := q.atomic(ctx, func(q queries) error {
		n, err := q.exec(ctx, `UPDATE events SET name = ?, contract_id = ?, support_contact_id = ?,
				start_at = ?, end_at = ?, location = ?, attendees = ?, notes = ?, search_text = ?,
				sort_name = ?, sort_location = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`,
			e.Name, e.ContractID, e.SupportContactID, start, end, e.Location, e.Attendees, e.Notes,
			eventSearchText(e), domain.Fold(e.Name), domain.Fold(e.Location), at, e.ID, e.Version)
		if err == nil && n == 0 {
			err = q.missed(ctx, "events", "event", e.ID)
		}
		if err != nil {
			return err
		}
		return q.refreshEvent(ctx, e.ID)
	})
	if err != nil {
		return wrap(fmt.Sprintf("update event %d", e.ID), err)
	}
	e.Version++
	e.StartAt, e.EndAt, e.UpdatedAt = start, end, at
	return nil
}

// DeleteEvent removes the event if it is still at version.
func (q queries) DeleteEvent(ctx context.Context, id int64, version int) error {
	return q.deleteRow(ctx, "events", "event", id, version, "this event is still referenced")
}
