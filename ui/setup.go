package ui

import (
	"context"
	"errors"
	"time"

	"charm.land/huh/v2"

	"github.com/epicevents/epic-tui/domain"
)

// setupContent is the first-run form that creates the administrator.
type setupContent struct {
	sessions                  Sessions
	fullName, username, email string
	password, confirm         string
}

func newSetupForm(sh *shared) *formModel {
	c := &setupContent{sessions: sh.sessions}
	return newFormModel(sh, "First administrator", c, signedIn)
}

func (c *setupContent) fields(f *formModel) []huh.Field {
	return []huh.Field{
		huh.NewInput().Key("full_name").Title("Full name").Value(&c.fullName).
			Description(f.fieldNote("full_name")).
			Validate(validator(func(s string) error {
				_, err := domain.ValidateName("full_name", "full name", s, true)
				return err
			})),
		huh.NewInput().Key("username").Title("Username").Value(&c.username).
			Description(f.fieldNote("username")).
			Validate(validator(func(s string) error { _, err := domain.NormalizeUsername(s); return err })),
		huh.NewInput().Key("email").Title("Email").Value(&c.email).
			Description(f.fieldNote("email")).
			Validate(validator(func(s string) error { _, err := domain.NormalizeEmail(s); return err })),
		huh.NewInput().Key("password").Title("Password").EchoMode(huh.EchoModePassword).Value(&c.password).
			Description(f.fieldNote("password")).
			Validate(validator(func(s string) error { return domain.ValidatePassword("password", s) })),
		huh.NewInput().Key("confirm").Title("Password again").EchoMode(huh.EchoModePassword).Value(&c.confirm).
			Validate(func(s string) error { return samePassword(c.password, s) }),
	}
}

// samePassword checks the second typing of a new password.
func samePassword(first, again string) error {
	if first != again {
		return errors.New("the two passwords differ")
	}
	return nil
}

func (c *setupContent) submit(ctx context.Context, app *domain.App, _ domain.Session, _ *time.Location) (any, error) {
	if err := samePassword(c.password, c.confirm); err != nil {
		return nil, domain.NewError(domain.ErrInvalid, "confirm", err.Error())
	}
	u, err := app.Auth.SetupAdmin(ctx, domain.NewUser{
		FullName: c.fullName, Username: c.username, Email: c.email, Password: c.password,
	})
	if err != nil {
		return nil, err
	}
	return saveSession(c.sessions, u)
}
