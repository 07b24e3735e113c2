package ui

import (
	"context"
	"strconv"
	"time"

	"charm.land/huh/v2"

	"github.com/epicevents/epic-tui/domain"
)

// deleteContent asks to confirm a delete; No is the default.
type deleteContent struct {
	spec *entitySpec
	item any
	yes  bool
	key  string // sent with every save: see requestKey
}

func newDeleteContent(spec *entitySpec, item any) *deleteContent {
	return &deleteContent{spec: spec, item: item, key: requestKey()}
}

func (c *deleteContent) fields(f *formModel) []huh.Field {
	return []huh.Field{
		huh.NewConfirm().Key("confirm").
			Title("Delete " + c.spec.label(c.item) + "?").
			Description("This cannot be undone.").
			Affirmative("Delete").Negative("No").
			Value(&c.yes),
	}
}

// submit deletes when confirmed; a nil result means nothing was deleted.
func (c *deleteContent) submit(ctx context.Context, app *domain.App, sess domain.Session, _ *time.Location) (any, error) {
	if !c.yes {
		return nil, nil
	}
	if err := c.spec.remove(ctx, app, sess, c.item, c.key); err != nil {
		return nil, err
	}
	return c.item, nil
}

// paymentContent records a payment on a contract.
type paymentContent struct {
	contract domain.Contract
	amount   string
	key      string // sent with every save: see requestKey
}

func (c *paymentContent) fields(f *formModel) []huh.Field {
	return []huh.Field{
		huh.NewNote().Title("Contract #" + itoa(c.contract.ID) + " · " + safeText(c.contract.ClientName)).
			Description("due: " + domain.FormatAmount(c.contract.AmountDue)),
		huh.NewInput().Key("payment").Title("Amount paid (€)").Value(&c.amount).
			DescriptionFunc(amountNote(f.fieldNote("payment"), &c.amount, "e.g. 250,50"), &c.amount).
			Validate(validator(func(s string) error { _, err := domain.ParseAmount("payment", s); return err })),
	}
}

func (c *paymentContent) submit(ctx context.Context, app *domain.App, sess domain.Session, _ *time.Location) (any, error) {
	cents, err := domain.ParseAmount("payment", c.amount)
	if err != nil {
		return nil, err
	}
	return app.Contracts.RecordPayment(ctx, sess, c.contract.ID, cents, c.key)
}

// passwordContent changes the signed-in user's own password.
type passwordContent struct {
	sessions               Sessions
	user                   domain.User
	current, next, confirm string
	key                    string // sent with every save: see requestKey
}

func (c *passwordContent) fields(f *formModel) []huh.Field {
	return []huh.Field{
		huh.NewInput().Key("current_password").Title("Current password").EchoMode(huh.EchoModePassword).
			Value(&c.current).Description(f.fieldNote("current_password")),
		huh.NewInput().Key("new_password").Title("New password").EchoMode(huh.EchoModePassword).
			Value(&c.next).Description(f.fieldNote("new_password")).
			Validate(validator(func(s string) error { return domain.ValidatePassword("new_password", s) })),
		huh.NewInput().Key("confirm").Title("New password again").EchoMode(huh.EchoModePassword).
			Value(&c.confirm).Validate(func(s string) error { return samePassword(c.next, s) }),
	}
}

// submit changes the password, which ends every session, then issues a new
// token so the user stays signed in.
func (c *passwordContent) submit(ctx context.Context, app *domain.App, sess domain.Session, _ *time.Location) (any, error) {
	if err := samePassword(c.next, c.confirm); err != nil {
		return nil, domain.NewError(domain.ErrInvalid, "confirm", err.Error())
	}
	changed, err := app.Auth.ChangePassword(ctx, sess, c.current, c.next, c.key)
	if err != nil {
		return nil, err
	}
	// The change revoked this session too: the new one carries the new
	// tokens_valid_after.
	return saveSession(c.sessions, changed)
}

// resetContent sets another user's password.
type resetContent struct {
	user          domain.User
	next, confirm string
	key           string // sent with every save: see requestKey
}

func (c *resetContent) fields(f *formModel) []huh.Field {
	return []huh.Field{
		huh.NewInput().Key("password").Title("New password").EchoMode(huh.EchoModePassword).
			Value(&c.next).Description(f.fieldNote("password")).
			Validate(validator(func(s string) error { return domain.ValidatePassword("password", s) })),
		huh.NewInput().Key("confirm").Title("New password again").EchoMode(huh.EchoModePassword).
			Value(&c.confirm).Validate(func(s string) error { return samePassword(c.next, s) }),
	}
}

func (c *resetContent) submit(ctx context.Context, app *domain.App, sess domain.Session, _ *time.Location) (any, error) {
	if err := samePassword(c.next, c.confirm); err != nil {
		return nil, domain.NewError(domain.ErrInvalid, "confirm", err.Error())
	}
	return c.user, app.Users.ResetPassword(ctx, sess, c.user.ID, c.next, c.key)
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
