package ui

import (
	"context"
	"strings"
	"time"

	"charm.land/huh/v2"

	"github.com/epicevents/epic-tui/domain"
)

// contractValues are the editable fields of a contract form; amounts as
// typed.
type contractValues struct {
	clientID   int64
	total, due string
	signed     bool
	find       string // narrows the client picker, in the database
}

// contractContent creates or edits a contract.
type contractContent struct {
	id      int64
	version int
	v, orig contractValues
	clients []domain.Client // offered first: the contract's or the tab's client
	key     string          // sent with every save: see requestKey
	pick    *searchPicker   // the client picker
}

// searchPickerLimit bounds the choices a picker that searches the database
// shows at once: the search, not scrolling, finds the others.
const searchPickerLimit = 50

// contractForm loads what the contract form needs: the record when editing,
// and the client to offer first: the contract's, or, for a new contract made
// while the tab shows one client's contracts, that client. The picker finds
// the others in the database as the user types.
func contractForm(sh *shared, item any, clientID int64) formLoader {
	app, fail := sh.app, sh.failer()
	return func(ctx context.Context, sess domain.Session) (formContent, error) {
		c := &contractContent{key: requestKey()}
		c.pick = &searchPicker{key: "client_id", find: &c.v.find, value: &c.v.clientID,
			search: func(ctx context.Context, sess domain.Session, find string) []huh.Option[int64] {
				return c.clientOptions(ctx, app, sess, find, fail)
			}}
		if item != nil {
			d, err := app.Contracts.Get(ctx, sess, item.(domain.Contract).ID)
			if err != nil {
				return nil, err
			}
			c.load(d.Contract)
			c.v = c.orig
			clientID = d.Contract.ClientID
		}
		if clientID != 0 {
			cl, err := app.Clients.Get(ctx, sess, clientID)
			if err != nil {
				return nil, err
			}
			c.clients = []domain.Client{cl.Client}
			c.v.clientID = clientID
		}
		return c, nil
	}
}

func containsClient(cs []domain.Client, id int64) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}

func (c *contractContent) load(k domain.Contract) {
	c.id, c.version = k.ID, k.Version
	c.orig = contractValues{clientID: k.ClientID, total: amountText(k.TotalAmount), due: amountText(k.AmountDue), signed: k.Signed}
}

// amountText writes cents the way the amount inputs read them: "1500.50".
func amountText(cents int64) string {
	s := domain.FormatAmount(cents)
	return strings.ReplaceAll(strings.TrimSuffix(s, " €"), " ", "")
}

func (c *contractContent) picker() *searchPicker { return c.pick }

// clientOptions asks the database for the clients matching the find text,
// the contract's or the tab's client first. It runs in a command.
func (c *contractContent) clientOptions(ctx context.Context, app *domain.App, sess domain.Session, find string, fail func(error) string) []huh.Option[int64] {
	label := func(cl domain.Client) string {
		if cl.CompanyName != "" {
			return safeText(cl.FullName + " · " + cl.CompanyName)
		}
		return safeText(cl.FullName)
	}
	var opts []huh.Option[int64]
	for _, cl := range c.clients { // the contract's or the tab's client
		opts = append(opts, huh.NewOption(label(cl), cl.ID))
	}
	p, err := app.Clients.List(ctx, sess, domain.ClientQuery{PageQuery: domain.PageQuery{Search: find, Sort: "full_name", Limit: searchPickerLimit}})
	if err != nil {
		return append(opts, huh.NewOption("("+fail(err)+")", int64(0)))
	}
	for _, cl := range p.Items {
		if !containsClient(c.clients, cl.ID) {
			opts = append(opts, huh.NewOption(label(cl), cl.ID))
		}
	}
	if len(opts) == 0 {
		opts = append(opts, huh.NewOption("(no client matches)", int64(0)))
	}
	return opts
}

func (c *contractContent) fields(f *formModel) []huh.Field {
	amount := func(field string) func(string) error {
		return validator(func(s string) error { _, err := domain.ParseAmount(field, s); return err })
	}
	return []huh.Field{
		huh.NewInput().Key("client_find").Title("Find a client").
			Description("part of a name, email or company").Value(&c.v.find),
		c.pick.field("Client", joinNote(f.fieldNote("client_id"), "the first 50 matches")),
		huh.NewInput().Key("total_amount").Title("Total (€)").Value(&c.v.total).
			DescriptionFunc(amountNote(f.fieldNote("total_amount"), &c.v.total, "e.g. 1 500,00"), &c.v.total).
			Validate(amount("total_amount")),
		huh.NewInput().Key("amount_due").Title("Amount due (€)").Value(&c.v.due).
			DescriptionFunc(amountNote(f.fieldNote("amount_due"), &c.v.due, "empty: the total"), &c.v.due).
			Validate(func(s string) error {
				if strings.TrimSpace(s) == "" {
					return nil
				}
				return amount("amount_due")(s)
			}),
		huh.NewConfirm().Key("signed").Title("Signed").Affirmative("Yes").Negative("No").
			Description(f.fieldNote("signed")).Value(&c.v.signed),
	}
}

// amountNote describes an amount field: the database's error about it, or
// the amount read from what is typed ("= 1 234.50 €"), or why it cannot be
// read, or, while empty, the hint.
func amountNote(note string, typed *string, hint string) func() string {
	return func() string {
		switch {
		case note != "":
			return note
		case strings.TrimSpace(*typed) == "":
			return hint
		}
		cents, err := domain.ParseAmount("", *typed)
		if err != nil {
			return "✗ " + errText(err)
		}
		return "= " + domain.FormatAmount(cents)
	}
}

// joinNote puts an error before a hint, either may be empty.
func joinNote(note, hint string) string {
	if note == "" {
		return hint
	}
	return note
}

func (c *contractContent) input() (domain.ContractInput, error) {
	total, err := domain.ParseAmount("total_amount", c.v.total)
	if err != nil {
		return domain.ContractInput{}, err
	}
	due := total
	if strings.TrimSpace(c.v.due) != "" {
		if due, err = domain.ParseAmount("amount_due", c.v.due); err != nil {
			return domain.ContractInput{}, err
		}
	}
	return domain.ContractInput{ClientID: c.v.clientID, TotalAmount: total, AmountDue: due, Signed: c.v.signed, RequestKey: c.key}, nil
}

func (c *contractContent) submit(ctx context.Context, app *domain.App, sess domain.Session, _ *time.Location) (any, error) {
	in, err := c.input()
	if err != nil {
		return nil, err
	}
	if c.id == 0 {
		return app.Contracts.Create(ctx, sess, in)
	}
	return app.Contracts.Update(ctx, sess, c.id, c.version, in)
}

func (c *contractContent) refetch(ctx context.Context, app *domain.App, sess domain.Session) (any, error) {
	d, err := app.Contracts.Get(ctx, sess, c.id)
	return d.Contract, err
}

func (c *contractContent) merge(fresh any) {
	k := fresh.(domain.Contract)
	c.version = k.Version
	mergeField(&c.v.clientID, &c.orig.clientID, k.ClientID)
	mergeField(&c.v.total, &c.orig.total, amountText(k.TotalAmount))
	mergeField(&c.v.due, &c.orig.due, amountText(k.AmountDue))
	mergeField(&c.v.signed, &c.orig.signed, k.Signed)
}
