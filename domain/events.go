package domain

import (
	"context"
	"errors"
	"time"
)

// EventInput is what creating or editing an event takes.
type EventInput struct {
	ContractID       int64
	Name             string
	StartAt          time.Time
	EndAt            time.Time
	Location         string
	Attendees        int
	Notes            string
	SupportContactID *int64 // nil: nobody; set by management and admin only
	// RequestKey, when set, makes a save safe to send again: see
	// ClientInput.RequestKey.
	RequestKey string
}

// EventDetail is an event with its contract and client.
type EventDetail struct {
	Event    Event
	Contract Contract
	Client   Client
}

// EventService manages events.
type EventService struct{ c *core }

func (s *EventService) resolve(actor User, q *EventQuery) {
	if q.Mine {
		switch actor.Role {
		case RoleSupport:
			q.SupportContactID = actor.ID
		case RoleSales:
			q.SalesContactID = actor.ID
		default:
			// Management and admin own no event: "mine" holds nothing.
			q.SupportContactID = -1
		}
	}
	if q.Upcoming && q.From == nil {
		now := s.c.stamp()
		q.From = &now
	}
}

// List returns a page of events.
func (s *EventService) List(ctx context.Context, sess Session, q EventQuery) (Page[Event], error) {
	actor, err := s.c.authorize(ctx, s.c.store, sess, EntityEvent, ActionRead)
	if err != nil {
		return Page[Event]{}, err
	}
	if err := checkSort(q.Sort, EventSorts); err != nil {
		return Page[Event]{}, err
	}
	s.resolve(actor, &q)
	pageLimit(&q.PageQuery)
	return s.c.store.ListEvents(ctx, q)
}

// Count returns how many events match q.
func (s *EventService) Count(ctx context.Context, sess Session, q EventQuery) (int, error) {
	actor, err := s.c.authorize(ctx, s.c.store, sess, EntityEvent, ActionRead)
	if err != nil {
		return 0, err
	}
	s.resolve(actor, &q)
	return s.c.store.CountEvents(ctx, q)
}

// Estimate tells quickly about how many events match q.
func (s *EventService) Estimate(ctx context.Context, sess Session, q EventQuery) (Estimate, error) {
	actor, err := s.c.authorize(ctx, s.c.store, sess, EntityEvent, ActionRead)
	if err != nil {
		return Estimate{}, err
	}
	s.resolve(actor, &q)
	return s.c.store.EstimateEvents(ctx, q)
}

// Get returns an event with its contract and client.
func (s *EventService) Get(ctx context.Context, sess Session, id int64) (EventDetail, error) {
	if _, err := s.c.authorize(ctx, s.c.store, sess, EntityEvent, ActionRead); err != nil {
		return EventDetail{}, err
	}
	e, err := s.c.store.Event(ctx, id)
	if err != nil {
		return EventDetail{}, err
	}
	k, err := s.c.store.Contract(ctx, e.ContractID)
	if err != nil {
		return EventDetail{}, err
	}
	c, err := s.c.store.Client(ctx, k.ClientID)
	if err != nil {
		return EventDetail{}, err
	}
	return EventDetail{Event: e, Contract: k, Client: c}, nil
}

// EventContracts lists up to limit contracts actor may create an event for,
// matching search: signed ones, and for a sales person only those of their
// own clients.
func (s *EventService) EventContracts(ctx context.Context, sess Session, search string, limit int) ([]Contract, error) {
	actor, err := s.c.authorize(ctx, s.c.store, sess, EntityEvent, ActionCreate)
	if err != nil {
		return nil, err
	}
	q := ContractQuery{Signed: true, PageQuery: PageQuery{Search: search, Sort: "client", Limit: limit}}
	pageLimit(&q.PageQuery)
	if s.c.policy.Scope(actor.Role, EntityEvent, ActionCreate) == ScopeOwn {
		q.SalesContactID = actor.ID
	}
	p, err := s.c.store.ListContracts(ctx, q)
	return p.Items, err
}

func validateEvent(in EventInput) (Event, error) {
	var e Event
	var err error
	if e.Name, err = ValidateName("name", "name", in.Name, true); err != nil {
		return e, err
	}
	if e.Location, err = cleanText("location", "location", in.Location, 1, MaxLocationLen, false); err != nil {
		return e, err
	}
	if e.Notes, err = cleanText("notes", "notes", in.Notes, 0, MaxNotesLen, true); err != nil {
		return e, err
	}
	if in.StartAt.IsZero() {
		return e, invalid("start_at", "the start date is required")
	}
	if in.EndAt.IsZero() {
		return e, invalid("end_at", "the end date is required")
	}
	if !in.EndAt.After(in.StartAt) {
		return e, invalid("end_at", "the event must end after it starts")
	}
	if in.Attendees < 0 {
		return e, invalid("attendees", "attendees cannot be negative")
	}
	if in.Attendees > MaxAttendees {
		return e, invalid("attendees", "attendees must be at most %d", MaxAttendees)
	}
	e.StartAt = in.StartAt.UTC().Truncate(time.Microsecond)
	e.EndAt = in.EndAt.UTC().Truncate(time.Microsecond)
	e.Attendees = in.Attendees
	e.ContractID = in.ContractID
	e.SupportContactID = in.SupportContactID
	return e, nil
}

// eventContract checks that id names a signed contract and returns it.
func eventContract(ctx context.Context, q Queries, id int64) (Contract, error) {
	if id == 0 {
		return Contract{}, invalid("contract_id", "choose the event's contract")
	}
	// Held until commit: nobody unsigns it meanwhile.
	if err := q.Lock(ctx, EntityContract, id); err != nil {
		return Contract{}, err
	}
	k, err := q.Contract(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Contract{}, invalid("contract_id", "contract %d does not exist", id)
	}
	if err != nil {
		return Contract{}, err
	}
	if !k.Signed {
		return Contract{}, invalid("contract_id", "contract %d is not signed; events need a signed contract", id)
	}
	return k, nil
}

// supportContact checks that id names an active support user.
func supportContact(ctx context.Context, q Queries, id int64) error {
	if err := q.Lock(ctx, EntityUser, id); err != nil {
		return err
	}
	u, err := q.User(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return invalid("support_contact_id", "the chosen support contact does not exist")
	}
	if err != nil {
		return err
	}
	if u.Role != RoleSupport || !u.Active {
		return invalid("support_contact_id", "the support contact must be an active support user; %s is not", u.FullName)
	}
	return nil
}

// mayAssignSupport is true for the roles that choose support contacts.
func mayAssignSupport(actor User) bool {
	return actor.Role == RoleManagement || actor.Role == RoleAdmin
}

// Create adds an event to a signed contract. A sales person does it for
// their own clients' contracts only, and leaves the support contact to
// management.
func (s *EventService) Create(ctx context.Context, sess Session, in EventInput) (Event, error) {
	var out Event
	err := s.c.store.InTx(ctx, func(q Queries) error {
		actor, err := s.c.authorize(ctx, q, sess, EntityEvent, ActionCreate)
		if err != nil {
			return err
		}
		e, err := validateEvent(in)
		if err != nil {
			return err
		}
		k, err := eventContract(ctx, q, in.ContractID)
		if err != nil {
			return err
		}
		if err := s.c.permit(actor, EntityEvent, ActionCreate, 0, k.SalesContactID); err != nil {
			return err
		}
		if e.SupportContactID != nil {
			if !mayAssignSupport(actor) {
				return s.c.refuse(actor, EntityEvent, ActionCreate, 0, "only management assigns the support contact")
			}
			if err := supportContact(ctx, q, *e.SupportContactID); err != nil {
				return err
			}
		}
		if prev, ok, err := replayed(ctx, q, actor, EntityEvent, in.RequestKey, q.Event, func(p Event) bool {
			return p.ContractID == e.ContractID && p.Name == e.Name && p.StartAt.Equal(e.StartAt.Truncate(time.Microsecond)) &&
				p.EndAt.Equal(e.EndAt.Truncate(time.Microsecond)) && p.Location == e.Location && p.Attendees == e.Attendees &&
				p.Notes == e.Notes && sameID(p.SupportContactID, e.SupportContactID)
		}); ok || err != nil {
			out = prev
			return err
		}
		now := s.c.stamp()
		e.CreatedAt, e.UpdatedAt = now, now
		if err := q.InsertEvent(ctx, &e); err != nil {
			return err
		}
		if err := s.c.audit(ctx, q, actor, EntityEvent, e.ID, ActionCreate, eventCreated(e), in.RequestKey); err != nil {
			return err
		}
		out, err = q.Event(ctx, e.ID)
		return err
	})
	return out, err
}

// sameID reports whether two optional ids are both unset or equal.
func sameID(a, b *int64) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func idOrNil(id *int64) any {
	if id == nil {
		return nil
	}
	return *id
}

// Update edits an event at the version the caller read. Management and
// admin change anything, including the support contact; a support contact
// changes only the dates, location, attendees and notes of their events.
func (s *EventService) Update(ctx context.Context, sess Session, id int64, version int, in EventInput) (Event, error) {
	var out Event
	err := s.c.store.InTx(ctx, func(q Queries) error {
		actor, err := s.c.authorize(ctx, q, sess, EntityEvent, ActionUpdate)
		if err != nil {
			return err
		}
		old, err := q.Event(ctx, id)
		if err != nil {
			return err
		}
		if err := s.c.permit(actor, EntityEvent, ActionUpdate, id, derefID(old.SupportContactID)); err != nil {
			return err
		}
		prior, err := priorChange(ctx, q, actor, EntityEvent, id, ActionUpdate, in.RequestKey)
		if err != nil {
			return err
		}
		if prior == nil && old.Version != version {
			return conflict(EntityEvent)
		}
		if in.ContractID == 0 {
			in.ContractID = old.ContractID
		}
		e, err := validateEvent(in)
		if err != nil {
			return err
		}
		if !mayAssignSupport(actor) {
			switch {
			case derefID(e.SupportContactID) != derefID(old.SupportContactID):
				return s.c.refuse(actor, EntityEvent, ActionUpdate, id, "only management assigns the support contact")
			case e.ContractID != old.ContractID:
				return s.c.refuse(actor, EntityEvent, ActionUpdate, id, "you cannot move an event to another contract")
			case e.Name != old.Name:
				return s.c.refuse(actor, EntityEvent, ActionUpdate, id, "you can change the dates, location, attendees and notes of this event, not its name")
			}
		}
		if e.ContractID != old.ContractID {
			if _, err := eventContract(ctx, q, e.ContractID); err != nil {
				return err
			}
		}
		if e.SupportContactID != nil && derefID(e.SupportContactID) != derefID(old.SupportContactID) {
			if err := supportContact(ctx, q, *e.SupportContactID); err != nil {
				return err
			}
		}
		ch := changes{}
		ch.set("name", old.Name, e.Name)
		ch.set("contract_id", old.ContractID, e.ContractID)
		ch.set("support_contact_id", idOrNil(old.SupportContactID), idOrNil(e.SupportContactID))
		ch.set("start_at", old.StartAt.Format(time.RFC3339), e.StartAt.Format(time.RFC3339))
		ch.set("end_at", old.EndAt.Format(time.RFC3339), e.EndAt.Format(time.RFC3339))
		ch.set("location", old.Location, e.Location)
		ch.set("attendees", old.Attendees, e.Attendees)
		ch.set("notes", old.Notes, e.Notes)
		if prior != nil && len(ch) > 0 {
			return changedOtherwise(EntityEvent, id)
		}
		if len(ch) == 0 {
			out = old
			return nil
		}
		e.ID, e.Version, e.CreatedAt, e.UpdatedAt = old.ID, old.Version, old.CreatedAt, s.c.stamp()
		if err := q.UpdateEvent(ctx, &e); err != nil {
			return err
		}
		if err := s.c.audit(ctx, q, actor, EntityEvent, e.ID, ActionUpdate, ch, in.RequestKey); err != nil {
			return err
		}
		out, err = q.Event(ctx, e.ID)
		return err
	})
	return out, err
}

func derefID(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

// Delete removes an event. A delete sent again under the key of one that
// committed succeeds without doing anything more.
func (s *EventService) Delete(ctx context.Context, sess Session, id int64, version int, requestKey string) error {
	return s.c.store.InTx(ctx, func(q Queries) error {
		actor, err := s.c.authorize(ctx, q, sess, EntityEvent, ActionDelete)
		if err != nil {
			return err
		}
		if prior, err := priorChange(ctx, q, actor, EntityEvent, id, ActionDelete, requestKey); prior != nil || err != nil {
			return err
		}
		e, err := q.Event(ctx, id)
		if err != nil {
			return err
		}
		if e.Version != version {
			return conflict(EntityEvent)
		}
		if err := q.DeleteEvent(ctx, id, version); err != nil {
			return err
		}
		ch := changes{}
		ch.set("name", e.Name, nil)
		ch.set("contract_id", e.ContractID, nil)
		ch.set("location", e.Location, nil)
		return s.c.audit(ctx, q, actor, EntityEvent, id, ActionDelete, ch, requestKey)
	})
}
