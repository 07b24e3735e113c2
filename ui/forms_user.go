package ui

import (
	"context"
	"time"

	"charm.land/huh/v2"

	"github.com/epicevents/epic-tui/domain"
)

// userValues are the editable fields of a user form.
type userValues struct {
	employeeNumber, fullName, username, email string
	role                                      domain.Role
	active                                    bool
}

// userContent creates a user (with a password, typed twice) or edits one
// (with the active toggle). Roles offered are those the actor may give.
type userContent struct {
	id                int64
	version           int
	v, orig           userValues
	roles             []domain.Role
	password, confirm string
	key               string // sent with every save: see requestKey
}

// userForm loads what the user form needs.
func userForm(sh *shared, item any) formLoader {
	app, actor := sh.app, sh.user
	return func(ctx context.Context, sess domain.Session) (formContent, error) {
		c := &userContent{roles: app.Users.AssignableRoles(actor), v: userValues{active: true}, key: requestKey()}
		if item != nil {
			d, err := app.Users.Get(ctx, sess, item.(domain.User).ID)
			if err != nil {
				return nil, err
			}
			c.load(d.User)
			c.v = c.orig
		}
		return c, nil
	}
}

func (c *userContent) load(u domain.User) {
	c.id, c.version = u.ID, u.Version
	c.orig = userValues{safeText(u.EmployeeNumber), safeText(u.FullName), safeText(u.Username), safeText(u.Email), u.Role, u.Active}
}

func (c *userContent) fields(f *formModel) []huh.Field {
	roles := make([]huh.Option[domain.Role], 0, len(c.roles)+1)
	for _, r := range c.roles {
		roles = append(roles, huh.NewOption(r.Label(), r))
	}
	if c.v.role != "" && !hasRole(c.roles, c.v.role) {
		roles = append(roles, huh.NewOption(c.v.role.Label(), c.v.role))
	}
	if c.v.role == "" && len(roles) > 0 {
		c.v.role = roles[len(roles)-1].Value
	}
	fs := []huh.Field{
		huh.NewInput().Key("employee_number").Title("Employee number").
			Value(&c.v.employeeNumber).Description(joinNote(f.fieldNote("employee_number"), "empty: assigned")).
			Validate(validator(func(s string) error { _, err := domain.ValidateEmployeeNumber(s); return err })),
		huh.NewInput().Key("full_name").Title("Full name").Value(&c.v.fullName).
			Description(f.fieldNote("full_name")).
			Validate(validator(func(s string) error {
				_, err := domain.ValidateName("full_name", "full name", s, true)
				return err
			})),
		huh.NewInput().Key("username").Title("Username").Value(&c.v.username).
			Description(f.fieldNote("username")).
			Validate(validator(func(s string) error { _, err := domain.NormalizeUsername(s); return err })),
		huh.NewInput().Key("email").Title("Email").Value(&c.v.email).
			Description(f.fieldNote("email")).
			Validate(validator(func(s string) error { _, err := domain.NormalizeEmail(s); return err })),
		huh.NewSelect[domain.Role]().Key("role").Title("Role").Inline(true).
			Description(f.fieldNote("role")).Options(roles...).Value(&c.v.role),
	}
	if c.id == 0 {
		fs = append(fs,
			huh.NewInput().Key("password").Title("Password").EchoMode(huh.EchoModePassword).
				Value(&c.password).Description(f.fieldNote("password")).
				Validate(validator(func(s string) error { return domain.ValidatePassword("password", s) })),
			huh.NewInput().Key("confirm").Title("Password again").EchoMode(huh.EchoModePassword).
				Value(&c.confirm).Validate(func(s string) error { return samePassword(c.password, s) }),
		)
	} else {
		fs = append(fs, huh.NewConfirm().Key("active").Title("Active").
			Description(joinNote(f.fieldNote("active"), "a deactivated user can no longer sign in")).
			Affirmative("Active").Negative("Deactivated").Value(&c.v.active))
	}
	return fs
}

func hasRole(roles []domain.Role, r domain.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

func (c *userContent) submit(ctx context.Context, app *domain.App, sess domain.Session, _ *time.Location) (any, error) {
	if c.id == 0 {
		if err := samePassword(c.password, c.confirm); err != nil {
			return nil, domain.NewError(domain.ErrInvalid, "confirm", err.Error())
		}
		return app.Users.Create(ctx, sess, domain.NewUser{
			EmployeeNumber: c.v.employeeNumber, FullName: c.v.fullName, Username: c.v.username,
			Email: c.v.email, Role: c.v.role, Password: c.password, RequestKey: c.key,
		})
	}
	return app.Users.Update(ctx, sess, c.id, c.version, domain.UserChanges{
		EmployeeNumber: c.v.employeeNumber, FullName: c.v.fullName, Username: c.v.username,
		Email: c.v.email, Role: c.v.role, Active: c.v.active, RequestKey: c.key,
	})
}

func (c *userContent) refetch(ctx context.Context, app *domain.App, sess domain.Session) (any, error) {
	d, err := app.Users.Get(ctx, sess, c.id)
	return d.User, err
}

func (c *userContent) merge(fresh any) {
	u := fresh.(domain.User)
	c.version = u.Version
	mergeField(&c.v.employeeNumber, &c.orig.employeeNumber, safeText(u.EmployeeNumber))
	mergeField(&c.v.fullName, &c.orig.fullName, safeText(u.FullName))
	mergeField(&c.v.username, &c.orig.username, safeText(u.Username))
	mergeField(&c.v.email, &c.orig.email, safeText(u.Email))
	mergeField(&c.v.role, &c.orig.role, u.Role)
	mergeField(&c.v.active, &c.orig.active, u.Active)
}
