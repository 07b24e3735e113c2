package ui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/epicevents/epic-tui/domain"
)

// loginContent is the login form: a username or email, and a masked
// password.
type loginContent struct {
	sessions Sessions
	login    string
	password string
}

func newLoginForm(sh *shared) *formModel {
	c := &loginContent{sessions: sh.sessions}
	return newFormModel(sh, "Sign in", c, signedIn)
}

func (c *loginContent) fields(f *formModel) []huh.Field {
	return []huh.Field{
		huh.NewInput().Key("login").Title("Username or email").Value(&c.login).
			Validate(func(s string) error {
				if s == "" {
					return errors.New("enter your username or email")
				}
				return nil
			}),
		huh.NewInput().Key("password").Title("Password").EchoMode(huh.EchoModePassword).Value(&c.password),
	}
}

func (c *loginContent) submit(ctx context.Context, app *domain.App, _ domain.Session, _ *time.Location) (any, error) {
	u, err := app.Auth.Login(ctx, c.login, c.password)
	if err != nil {
		return nil, err
	}
	msg, err := saveSession(c.sessions, u)
	msg.password = true
	return msg, err
}

// failed forgets the password: the next try types it again.
func (c *loginContent) failed() { c.password = "" }

// saveSession persists a token for u and says who is signed in.
func saveSession(sessions Sessions, u domain.User) (signedInMsg, error) {
	sess, err := sessions.Save(u)
	if err != nil {
		return signedInMsg{}, err
	}
	return signedInMsg{sess: sess, user: u}, nil
}

// signedIn turns a saved login into the message that opens the main screen.
func signedIn(item any) tea.Cmd {
	msg := item.(signedInMsg)
	return func() tea.Msg { return msg }
}
