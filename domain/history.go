package domain

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// HistoryQuery asks for one page of a record's history.
type HistoryQuery struct {
	Entity Entity
	ID     int64
	Before int64 // the audit id the page starts below; 0 for the newest
	Limit  int   // 0 means DefaultPageSize
}

// What a history entry says happened.
const (
	HistoryCreated  = "created"
	HistoryChanged  = "changed"
	HistorySigned   = "signed"
	HistoryPayment  = "payment"
	HistoryPassword = "password changed"
	HistoryDeleted  = "deleted"
)

// FieldChange is one field of a history entry. Old is empty for a
// creation, New for a deletion; a time is in RFC 3339.
type FieldChange struct {
	Field    string // the field's name, in words: "sales contact"
	Old, New string
	Time     bool // Old and New are times, to show in the reader's zone
}

// HistoryEntry is one change of a record, as people read it.
type HistoryEntry struct {
	ID      int64
	At      time.Time
	Actor   string
	What    string // one of the History* words
	Amount  int64  // a payment's amount, in cents
	Changes []FieldChange
}

// HistoryPage is one page of a record's history, newest first.
type HistoryPage struct {
	Entries []HistoryEntry
	// Next is the Before of the following, older page; 0 when this one is
	// the last.
	Next int64
}

// hiddenFields are the fields whose values a history never shows: the
// audit rows of the services hold none of them (a password change says
// "(changed)"), but another program may write any row.
var hiddenFields = []string{"password", "hash", "token", "secret"}

// History returns one page of the changes of a record, newest first, to
// whoever may read that record. The record of a deleted one stays
// readable by administrators, who may delete any record; anyone else is
// told it does not exist, as for an id that never did.
func (a *App) History(ctx context.Context, s Session, hq HistoryQuery) (HistoryPage, error) {
	c := a.core
	if !historyEntities[hq.Entity] {
		return HistoryPage{}, invalid("", "there is no history of %q records", hq.Entity)
	}
	actor, err := c.authorize(ctx, c.store, s, hq.Entity, ActionRead)
	if err != nil {
		return HistoryPage{}, err
	}
	owner, err := recordOwner(ctx, c.store, hq.Entity, hq.ID)
	gone := errors.Is(err, ErrNotFound)
	switch {
	case gone && actor.Role != RoleAdmin:
		return HistoryPage{}, noRecord(hq)
	case err != nil && !gone:
		return HistoryPage{}, err
	case !gone:
		if err := c.permit(actor, hq.Entity, ActionRead, hq.ID, owner); err != nil {
			return HistoryPage{}, err
		}
	}
	limit := hq.Limit
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	rows, err := c.store.AuditPage(ctx, hq.Entity, hq.ID, hq.Before, limit+1)
	if err != nil {
		return HistoryPage{}, err
	}
	if gone && len(rows) == 0 && hq.Before == 0 {
		return HistoryPage{}, noRecord(hq)
	}
	var page HistoryPage
	if len(rows) > limit {
		rows = rows[:limit]
		page.Next = rows[limit-1].ID
	}
	names := userNames{q: c.store, names: map[int64]string{}}
	for _, r := range rows {
		e, err := historyEntry(ctx, r, &names)
		if err != nil {
			return HistoryPage{}, err
		}
		page.Entries = append(page.Entries, e)
	}
	return page, nil
}

// historyEntities are the entities whose records have a history.
var historyEntities = map[Entity]bool{EntityUser: true, EntityClient: true, EntityContract: true, EntityEvent: true}

// recordOwner reads a record and returns who owns it for the permission
// table: a client's or a contract's sales contact, an event's support
// contact, a user themselves.
func recordOwner(ctx context.Context, q Queries, entity Entity, id int64) (int64, error) {
	switch entity {
	case EntityClient:
		r, err := q.Client(ctx, id)
		return r.SalesContactID, err
	case EntityContract:
		r, err := q.Contract(ctx, id)
		return r.SalesContactID, err
	case EntityEvent:
		r, err := q.Event(ctx, id)
		if r.SupportContactID == nil {
			return 0, err
		}
		return *r.SupportContactID, err
	}
	_, err := q.User(ctx, id)
	return id, err
}

// userNames finds the names of the users an entry refers to, once each.
type userNames struct {
	q     Queries
	names map[int64]string
}

func (u *userNames) name(ctx context.Context, id int64) (string, error) {
	if n, ok := u.names[id]; ok {
		return n, nil
	}
	n := fmt.Sprintf("#%d", id)
	usr, err := u.q.User(ctx, id)
	switch {
	case err == nil:
		n = fmt.Sprintf("%s (#%d)", usr.FullName, id)
	case !errors.Is(err, ErrNotFound):
		return "", err
	}
	u.names[id] = n
	return n, nil
}

// historyEntry reads one audit row.
func historyEntry(ctx context.Context, a AuditEntry, names *userNames) (HistoryEntry, error) {
	e := HistoryEntry{ID: a.ID, At: a.At, Actor: a.Actor}
	fields := map[string][2]any{}
	dec := json.NewDecoder(bytes.NewReader([]byte(a.Changes)))
	dec.UseNumber()
	if err := dec.Decode(&fields); err != nil {
		return e, fmt.Errorf("domain: read audit entry %d: %w", a.ID, err)
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	hidden := false
	for _, k := range keys {
		if slices.ContainsFunc(hiddenFields, func(h string) bool { return strings.Contains(k, h) }) {
			hidden = true
			continue
		}
		fc := FieldChange{Field: strings.ReplaceAll(strings.TrimSuffix(k, "_id"), "_", " "), Time: strings.HasSuffix(k, "_at")}
		for i, v := range fields[k] {
			text, err := historyValue(ctx, k, v, names)
			if err != nil {
				return e, err
			}
			if i == 0 {
				fc.Old = text
			} else {
				fc.New = text
			}
		}
		e.Changes = append(e.Changes, fc)
	}
	switch a.Action {
	case ActionCreate:
		e.What = HistoryCreated
	case ActionDelete:
		e.What = HistoryDeleted
	default:
		e.What = HistoryChanged
		if sg, ok := fields["signed"]; ok && sg[0] == false && sg[1] == true {
			e.What = HistorySigned
		}
		if due, ok := fields["amount_due"]; ok && len(fields) == 1 {
			before, _ := due[0].(json.Number).Int64()
			after, _ := due[1].(json.Number).Int64()
			if after < before {
				e.What, e.Amount = HistoryPayment, before-after
			}
		}
		if hidden && len(e.Changes) == 0 {
			e.What = HistoryPassword
		}
	}
	return e, nil
}

// historyValue writes one value of field for people: money in euros, a
// phone as people read it, a user by name, a hash never.
func historyValue(ctx context.Context, field string, v any, names *userNames) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case bool:
		if v {
			return "yes", nil
		}
		return "no", nil
	case json.Number:
		n, err := v.Int64()
		switch {
		case err != nil:
			return v.String(), nil
		case field == "total_amount" || field == "amount_due":
			return FormatAmount(n), nil
		case field == "sales_contact_id" || field == "support_contact_id":
			return names.name(ctx, n)
		case strings.HasSuffix(field, "_id"):
			return "#" + strconv.FormatInt(n, 10), nil
		}
		return v.String(), nil
	case string:
		switch {
		case strings.HasPrefix(v, "$argon2"):
			return "(hidden)", nil
		case field == "phone":
			return FormatPhone(v), nil
		}
		return v, nil
	}
	body, _ := json.Marshal(v)
	return string(body), nil
}

// noRecord is the refusal of the history of a record that does not exist,
// or no longer does.
func noRecord(hq HistoryQuery) error {
	return NewError(ErrNotFound, "", fmt.Sprintf("there is no %s #%d; it may have been deleted", hq.Entity, hq.ID))
}
