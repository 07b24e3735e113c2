package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"charm.land/huh/v2"

	"github.com/epicevents/epic-tui/domain"
)

// eventValues are the editable fields of an event form, as typed.
type eventValues struct {
	contractID int64
	name       string
	start, end string
	location   string
	attendees  string
	notes      string
	supportID  int64  // 0: nobody
	find       string // narrows the contract picker, in the database
}

// eventContent creates or edits an event. Management and admin pick the
// support contact; a support contact edits only dates, location, attendees
// and notes of their own events, and sees the rest read-only.
type eventContent struct {
	id       int64
	version  int
	v, orig  eventValues
	loc      *time.Location
	limited  bool // support editing: only dates, location, attendees and notes
	searches bool // the contract picker searches the contracts one may create events for
	event    domain.Event
	contract []domain.Contract // offered first: the event's or the tab's contract
	key      string            // sent with every save: see requestKey
	support  []domain.User     // nil hides the support picker
	pick     *searchPicker     // the contract picker, when it searches
}

// eventForm loads what the event form needs.
// A new event made while the tab shows one contract's events is for that
// contract, which the picker then offers if it may.
func eventForm(sh *shared, item any, contractID int64) formLoader {
	app, loc, role, actor, fail := sh.app, sh.loc, sh.user.Role, sh.user, sh.failer()
	assigns := role == domain.RoleManagement || role == domain.RoleAdmin
	return func(ctx context.Context, sess domain.Session) (formContent, error) {
		// Management edits events but creates none: it may not search the
		// contracts events are made for, and keeps the event's own.
		c := &eventContent{loc: loc, limited: item != nil && !assigns, key: requestKey(),
			searches: app.CanAny(actor, domain.EntityEvent, domain.ActionCreate)}
		if c.searches {
			c.pick = &searchPicker{key: "contract_id", find: &c.v.find, value: &c.v.contractID,
				search: func(ctx context.Context, sess domain.Session, find string) []huh.Option[int64] {
					return c.contractOptions(ctx, app, sess, find, fail)
				}}
		}
		if item != nil {
			d, err := app.Events.Get(ctx, sess, item.(domain.Event).ID)
			if err != nil {
				return nil, err
			}
			c.load(d.Event)
			c.v = c.orig
			c.contract = []domain.Contract{d.Contract}
		}
		if item == nil && contractID != 0 {
			d, err := app.Contracts.Get(ctx, sess, contractID)
			if err != nil {
				return nil, err
			}
			k := d.Contract
			if k.Signed && app.Permission(actor, domain.EntityEvent, domain.ActionCreate, k.SalesContactID) == nil {
				c.contract = []domain.Contract{k}
				c.v.contractID = contractID
			}
		}
		if assigns {
			users, err := app.Users.Pickable(ctx, sess, domain.RoleSupport)
			if err != nil {
				return nil, err
			}
			c.support = users
		}
		return c, nil
	}
}

func (c *eventContent) load(e domain.Event) {
	c.id, c.version, c.event = e.ID, e.Version, e
	var support int64
	if e.SupportContactID != nil {
		support = *e.SupportContactID
	}
	c.orig = eventValues{
		contractID: e.ContractID, name: safeText(e.Name),
		start: formatTime(e.StartAt, c.loc), end: formatTime(e.EndAt, c.loc),
		location: safeText(e.Location), attendees: strconv.Itoa(e.Attendees), notes: safeLines(e.Notes), supportID: support,
	}
}

func (c *eventContent) fields(f *formModel) []huh.Field {
	var fs []huh.Field
	if c.limited {
		fs = append(fs, huh.NewNote().Title(safeText(c.event.Name)).
			Description("client: "+safeText(c.event.ClientName)+" · contract #"+itoa(c.event.ContractID)+
				" · support: "+safeText(orDash(c.event.SupportContactName))+"\nyou can change dates, location, attendees and notes"))
	} else {
		if c.searches {
			fs = append(fs, huh.NewInput().Key("contract_find").Title("Find a contract").
				Description("part of the client's name, email or company").Value(&c.v.find),
				c.pick.field("Contract (signed)", joinNote(f.fieldNote("contract_id"), "the first 50 matches")))
		} else {
			fs = append(fs, huh.NewSelect[int64]().Key("contract_id").Title("Contract (signed)").Value(&c.v.contractID).
				Description(f.fieldNote("contract_id")).Options(contractOptions(c.contract)...))
		}
		fs = append(fs, huh.NewInput().Key("name").Title("Name").Value(&c.v.name).
			Description(f.fieldNote("name")).
			Validate(validator(func(s string) error { _, err := domain.ValidateName("name", "name", s, true); return err })))
	}
	date := func(field string) func(string) error {
		return validator(func(s string) error { _, err := domain.ParseDateTime(field, s, c.loc); return err })
	}
	// Examples from tomorrow, in the zone the dates are read in.
	tomorrow := time.Now().In(c.loc).AddDate(0, 0, 1)
	example := func(hour int) string {
		return time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), hour, 0, 0, 0, c.loc).Format(domain.DateTimeLayout)
	}
	zone := tomorrow.Format("MST")
	endAfterStart := func(s string) error {
		if err := date("end_at")(s); err != nil {
			return err
		}
		start, err1 := domain.ParseDateTime("start_at", c.v.start, c.loc)
		end, err2 := domain.ParseDateTime("end_at", s, c.loc)
		if err1 == nil && err2 == nil && !end.After(start) {
			return errors.New("the event must end after it starts")
		}
		return nil
	}
	fs = append(fs,
		huh.NewInput().Key("start_at").Title("Start ("+zone+")").Value(&c.v.start).
			Description(joinNote(f.fieldNote("start_at"), "e.g. "+example(14))).Validate(date("start_at")),
		huh.NewInput().Key("end_at").Title("End ("+zone+")").Value(&c.v.end).
			Description(joinNote(f.fieldNote("end_at"), "e.g. "+example(18))).Validate(endAfterStart),
		huh.NewInput().Key("location").Title("Location").Value(&c.v.location).
			Description(f.fieldNote("location")).
			Validate(func(s string) error {
				if strings.TrimSpace(s) == "" {
					return errString("location is required")
				}
				return nil
			}),
		huh.NewInput().Key("attendees").Title("Attendees").Value(&c.v.attendees).
			Description(f.fieldNote("attendees")).
			Validate(func(s string) error { _, err := parseAttendees(s); return err }),
		huh.NewText().Key("notes").Title("Notes").Lines(3).Value(&c.v.notes).
			Description(f.fieldNote("notes")),
	)
	if c.support != nil {
		opts := []huh.Option[int64]{huh.NewOption("— nobody yet", int64(0))}
		for _, u := range c.support {
			opts = append(opts, huh.NewOption(safeText(u.FullName+" ("+u.Username+")"), u.ID))
		}
		fs = append(fs, huh.NewSelect[int64]().Key("support_contact_id").Title("Support contact").
			Description(f.fieldNote("support_contact_id")).
			Options(opts...).Height(min(len(opts)+2, 6)).Value(&c.v.supportID))
	}
	return fs
}

// errString is a plain validation message.
type errString string

func (e errString) Error() string { return string(e) }

func parseAttendees(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, domain.NewError(domain.ErrInvalid, "attendees", "attendees must be a whole number, 0 or more")
	}
	return n, nil
}

func (c *eventContent) input() (domain.EventInput, error) {
	start, err := domain.ParseDateTime("start_at", c.v.start, c.loc)
	if err != nil {
		return domain.EventInput{}, err
	}
	end, err := domain.ParseDateTime("end_at", c.v.end, c.loc)
	if err != nil {
		return domain.EventInput{}, err
	}
	n, err := parseAttendees(c.v.attendees)
	if err != nil {
		return domain.EventInput{}, err
	}
	in := domain.EventInput{
		ContractID: c.v.contractID, Name: c.v.name, StartAt: start, EndAt: end, RequestKey: c.key,
		Location: c.v.location, Attendees: n, Notes: c.v.notes,
	}
	switch {
	case c.support != nil && c.v.supportID != 0:
		id := c.v.supportID
		in.SupportContactID = &id
	case c.support == nil && c.id != 0:
		// Not ours to change: keep whoever is assigned.
		in.SupportContactID = c.event.SupportContactID
	}
	return in, nil
}

func (c *eventContent) submit(ctx context.Context, app *domain.App, sess domain.Session, _ *time.Location) (any, error) {
	in, err := c.input()
	if err != nil {
		return nil, err
	}
	if c.id == 0 {
		return app.Events.Create(ctx, sess, in)
	}
	return app.Events.Update(ctx, sess, c.id, c.version, in)
}

func (c *eventContent) refetch(ctx context.Context, app *domain.App, sess domain.Session) (any, error) {
	d, err := app.Events.Get(ctx, sess, c.id)
	return d.Event, err
}

func (c *eventContent) merge(fresh any) {
	e := fresh.(domain.Event)
	old := c.orig
	c.load(e)
	next := c.orig
	c.orig = old
	mergeField(&c.v.contractID, &c.orig.contractID, next.contractID)
	mergeField(&c.v.name, &c.orig.name, next.name)
	mergeField(&c.v.start, &c.orig.start, next.start)
	mergeField(&c.v.end, &c.orig.end, next.end)
	mergeField(&c.v.location, &c.orig.location, next.location)
	mergeField(&c.v.attendees, &c.orig.attendees, next.attendees)
	mergeField(&c.v.notes, &c.orig.notes, next.notes)
	mergeField(&c.v.supportID, &c.orig.supportID, next.supportID)
}

// contractOptions are the picker's lines for contracts.
func contractOptions(ks []domain.Contract) []huh.Option[int64] {
	opts := make([]huh.Option[int64], 0, len(ks))
	for _, k := range ks {
		opts = append(opts, huh.NewOption("#"+itoa(k.ID)+" "+safeText(k.ClientName)+" · "+domain.FormatAmount(k.TotalAmount), k.ID))
	}
	return opts
}

func (c *eventContent) picker() *searchPicker { return c.pick }

// contractOptions asks the database for the signed contracts the user may
// create an event for whose client matches find, the event's or the tab's
// contract first. It runs in a command.
func (c *eventContent) contractOptions(ctx context.Context, app *domain.App, sess domain.Session, find string, fail func(error) string) []huh.Option[int64] {
	ks := c.contract
	found, err := app.Events.EventContracts(ctx, sess, find, searchPickerLimit)
	if err != nil {
		return append(contractOptions(ks), huh.NewOption("("+fail(err)+")", int64(0)))
	}
	for _, k := range found {
		if !containsContract(ks, k.ID) {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		return []huh.Option[int64]{huh.NewOption("(no signed contract of yours matches)", int64(0))}
	}
	return contractOptions(ks)
}

func containsContract(ks []domain.Contract, id int64) bool {
	for _, k := range ks {
		if k.ID == id {
			return true
		}
	}
	return false
}
