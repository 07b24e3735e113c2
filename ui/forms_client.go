package ui

import (
	"context"
	"time"

	"charm.land/huh/v2"

	"github.com/epicevents/epic-tui/domain"
)

// clientValues are the editable fields of a client form.
type clientValues struct {
	fullName, email, phone, company string
	salesID                         int64
}

// clientContent creates or edits a client. Only an administrator picks the
// sales contact; a sales person creating a client becomes it.
type clientContent struct {
	id      int64
	version int
	v, orig clientValues
	sales   []domain.User // the picker's choices; nil hides it
	key     string        // sent with every save: see requestKey
}

// clientForm loads what the client form needs.
func clientForm(sh *shared, item any) formLoader {
	app, isAdmin := sh.app, sh.user.Role == domain.RoleAdmin
	return func(ctx context.Context, sess domain.Session) (formContent, error) {
		c := &clientContent{key: requestKey()}
		if item != nil {
			d, err := app.Clients.Get(ctx, sess, item.(domain.Client).ID)
			if err != nil {
				return nil, err
			}
			c.load(d.Client)
			c.v = c.orig
		}
		if isAdmin {
			users, err := app.Users.Pickable(ctx, sess, domain.RoleSales)
			if err != nil {
				return nil, err
			}
			c.sales = users
		}
		return c, nil
	}
}

func (c *clientContent) load(k domain.Client) {
	c.id, c.version = k.ID, k.Version
	c.orig = clientValues{safeText(k.FullName), safeText(k.Email), safeText(domain.FormatPhone(k.Phone)), safeText(k.CompanyName), k.SalesContactID}
}

func (c *clientContent) fields(f *formModel) []huh.Field {
	fs := []huh.Field{
		huh.NewInput().Key("full_name").Title("Full name").Value(&c.v.fullName).
			Description(f.fieldNote("full_name")).
			Validate(validator(func(s string) error {
				_, err := domain.ValidateName("full_name", "full name", s, true)
				return err
			})),
		huh.NewInput().Key("email").Title("Email").Value(&c.v.email).
			Description(f.fieldNote("email")).
			Validate(validator(func(s string) error { _, err := domain.NormalizeEmail(s); return err })),
		huh.NewInput().Key("phone").Title("Phone").Value(&c.v.phone).
			Description(joinNote(f.fieldNote("phone"), "e.g. 06 12 34 56 78")).
			Validate(validator(func(s string) error { _, err := domain.NormalizePhone(s); return err })),
		huh.NewInput().Key("company_name").Title("Company").Value(&c.v.company).
			Description(f.fieldNote("company_name")).
			Validate(validator(func(s string) error {
				_, err := domain.ValidateName("company_name", "company name", s, false)
				return err
			})),
	}
	if c.sales != nil {
		opts := make([]huh.Option[int64], 0, len(c.sales))
		for _, u := range c.sales {
			opts = append(opts, huh.NewOption(safeText(u.FullName+" ("+u.Username+")"), u.ID))
		}
		if c.v.salesID == 0 && len(opts) > 0 {
			c.v.salesID = opts[0].Value
		}
		fs = append(fs, huh.NewSelect[int64]().Key("sales_contact_id").Title("Sales contact").
			Description(f.fieldNote("sales_contact_id")).
			Options(opts...).Height(min(len(opts)+2, 8)).Value(&c.v.salesID))
	}
	return fs
}

func (c *clientContent) input() domain.ClientInput {
	return domain.ClientInput{
		FullName: c.v.fullName, Email: c.v.email, Phone: c.v.phone, CompanyName: c.v.company,
		SalesContactID: c.v.salesID, RequestKey: c.key,
	}
}

func (c *clientContent) submit(ctx context.Context, app *domain.App, sess domain.Session, _ *time.Location) (any, error) {
	if c.id == 0 {
		return app.Clients.Create(ctx, sess, c.input())
	}
	return app.Clients.Update(ctx, sess, c.id, c.version, c.input())
}

func (c *clientContent) refetch(ctx context.Context, app *domain.App, sess domain.Session) (any, error) {
	d, err := app.Clients.Get(ctx, sess, c.id)
	return d.Client, err
}

func (c *clientContent) merge(fresh any) {
	k := fresh.(domain.Client)
	c.version = k.Version
	mergeField(&c.v.fullName, &c.orig.fullName, safeText(k.FullName))
	mergeField(&c.v.email, &c.orig.email, safeText(k.Email))
	mergeField(&c.v.phone, &c.orig.phone, safeText(domain.FormatPhone(k.Phone)))
	mergeField(&c.v.company, &c.orig.company, safeText(k.CompanyName))
	mergeField(&c.v.salesID, &c.orig.salesID, k.SalesContactID)
}
