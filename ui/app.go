// Package ui is the terminal application: first-run setup, login, and the
// main screen of tabbed tables, details and forms. It calls domain, nothing
// else; every database call runs in a tea.Cmd.
package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/epicevents/epic-tui/domain"
)

// Sessions saves and restores the signed-in session; main implements it with
// JWT files.
type Sessions interface {
	// Load returns the saved session, or an error with a one-line reason
	// (expired, tampered…) when it is invalid; an error wrapping
	// os.ErrNotExist when there is simply none.
	Load() (domain.Session, error)
	// Save issues and persists a token for u and returns its session.
	Save(u domain.User) (domain.Session, error)
	// Clear deletes the saved token.
	Clear() error
}

// Options configure the app.
type Options struct {
	App      *domain.App
	Sessions Sessions
	Loc      *time.Location // for showing and parsing dates; nil = time.Local
	// Report hears every error the app shows, with the signed-in user, so
	// the unexpected ones reach the log and Sentry; nil ignores them.
	Report func(err error, actor domain.User)
	// OnPanic hears a recovered panic and its stack; nil ignores it.
	OnPanic func(value any, stack []byte)
	// ViewsPath is the file where each person's tabs remember their
	// filters, sort and search between launches; "" remembers nothing.
	ViewsPath string
	// Instance names the database (store.DB.InstanceID), so the views of
	// several databases stay apart in one file.
	Instance string
	// SSHKey is the public key (authorized_keys line) a server session
	// came with: after a password sign-in the app offers to register it.
	SSHKey string
}

// Minimum terminal size; below it the app asks for a bigger window.
const (
	minWidth  = 60
	minHeight = 15
)

// screen is what the root model shows.
type screen int

const (
	screenStart screen = iota // finding out whether to set up, log in or go on
	screenSetup
	screenLogin
	screenMain
)

// startMsg says where the app begins.
type startMsg struct {
	needsSetup bool
	sess       domain.Session
	user       domain.User
	reason     string // why the saved session was not used
	err        error
}

// signedInMsg: someone has signed in (or set up the first admin).
type signedInMsg struct {
	sess     domain.Session
	user     domain.User
	password bool // signed in with a password on the login screen
}

// signedOutMsg sends the app back to the login screen with a reason.
type signedOutMsg struct{ reason string }

// model is the root: it routes messages to the current screen.
type model struct {
	sh     *shared
	screen screen
	err    string // a failure before any screen could start

	form   *formModel // the setup or login form
	reason string     // the line above the login form
	main   *mainModel

	// parked is the main screen of the user who was signed out, kept with
	// its open form until they sign in again; anyone else gets a new one.
	parked   *mainModel
	parkedID int64

	stopping bool // the server is stopping: quit once no form holds work

	sshKey   string      // see Options.SSHKey
	offer    *keyOffer   // asking to register sshKey
	keysView *keysScreen // the SSH keys screen, over the main screen
}

// New returns the root model of the app.
func New(opts Options) tea.Model {
	return newModel(context.Background(), opts)
}

// newModel builds the root model; ctx bounds every database call.
func newModel(ctx context.Context, opts Options) *model {
	loc := opts.Loc
	if loc == nil {
		loc = time.Local
	}
	sh := &shared{
		ctx:       ctx,
		app:       opts.App,
		sessions:  opts.Sessions,
		loc:       loc,
		report:    opts.Report,
		viewsPath: opts.ViewsPath,
		instance:  opts.Instance,
		styles:    newStyles(noColorEnv()),
		width:     80,
		height:    24,
	}
	return &model{sh: sh, sshKey: opts.SSHKey}
}

// Run runs the app until the user quits or ctx ends. A panic ends it with
// the terminal restored and a *PanicError.
func Run(ctx context.Context, opts Options) error {
	g := &guard{inner: newModel(ctx, opts), onPanic: opts.OnPanic}
	// lipgloss detected the terminal's colours when it loaded (in tmux that
	// runs `tmux info`): the program takes that answer instead of asking
	// again.
	p := tea.NewProgram(g, tea.WithContext(ctx), tea.WithColorProfile(lipgloss.Writer.Profile))
	g.quit = p.Quit
	_, err := p.Run()
	if pe := g.panicked(); pe != nil {
		return pe
	}
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// Init finds out where to start.
func (m *model) Init() tea.Cmd {
	sh := m.sh
	return func() tea.Msg {
		ctx := sh.ctx
		needs, err := sh.app.Auth.NeedsSetup(ctx)
		if err != nil {
			return startMsg{err: err}
		}
		if needs {
			return startMsg{needsSetup: true}
		}
		sess, err := sh.sessions.Load()
		if errors.Is(err, os.ErrNotExist) {
			return startMsg{}
		}
		if err != nil {
			return startMsg{reason: err.Error()}
		}
		u, err := sh.app.Auth.Authenticate(ctx, sess)
		if err != nil {
			return startMsg{reason: errText(err)}
		}
		return startMsg{sess: sess, user: u}
	}
}

// Update routes a message: ctrl+c and resizes first, then the screen.
func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.update(msg)
	return next, tea.Batch(cmd, m.quitIfStopping())
}

func (m *model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case ChangedMsg:
		return m, m.changed()
	case StoppingMsg:
		m.stopping = true
		return m, nil
	case tea.WindowSizeMsg:
		m.sh.width, m.sh.height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+c" && !m.formHoldsWork() {
			return m, tea.Quit
		}
		if m.tooSmall() {
			if msg.String() == "q" {
				return m, tea.Quit
			}
			return m, nil
		}
	case startMsg:
		return m, m.start(msg)
	case signedInMsg:
		m.sh.sess, m.sh.user = msg.sess, msg.user
		m.screen, m.form = screenMain, nil
		m.main = newMainModel(m.sh)
		var restore tea.Cmd
		if m.parked != nil && m.parkedID == msg.user.ID {
			m.main = m.parked
			if m.main.form != nil {
				// The form was submitted when the session ended: rebuild
				// it from the values it keeps.
				restore = m.main.form.build()
			}
		}
		m.parked = nil
		if msg.password && m.sshKey != "" {
			m.offer = newKeyOffer(m.sh, m.sshKey)
		}
		m.resize()
		return m, tea.Batch(m.main.Init(), restore)
	case signedOutMsg:
		m.parked, m.parkedID = m.main, m.sh.user.ID
		m.sh.sess, m.sh.user = domain.Session{}, domain.User{}
		m.main, m.offer, m.keysView = nil, nil, nil
		return m, m.showLogin(msg.reason)
	}

	if m.screen == screenMain {
		if cmd, ok := m.overlay(msg); ok {
			return m, cmd
		}
	}
	switch m.screen {
	case screenStart:
		if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "q" {
			return m, tea.Quit
		}
	case screenSetup, screenLogin:
		cmd := m.form.Update(msg)
		if m.form.done && !m.form.busy {
			// Cancelled: the form starts afresh.
			if m.screen == screenLogin {
				m.form = newLoginForm(m.sh)
			} else {
				m.form = newSetupForm(m.sh)
			}
			m.resize()
			cmd = m.form.build()
		}
		return m, cmd
	case screenMain:
		return m, m.main.Update(msg)
	}
	return m, nil
}

// formHoldsWork reports whether ctrl+c belongs to an open form, which asks
// before losing what was typed, rather than quitting at once.
func (m *model) formHoldsWork() bool {
	switch m.screen {
	case screenSetup, screenLogin:
		return m.form != nil && m.form.holdsWork()
	case screenMain:
		return m.main != nil && m.main.form != nil
	}
	return false
}

func (m *model) start(msg startMsg) tea.Cmd {
	switch {
	case msg.err != nil:
		m.err = m.sh.failure(msg.err)
		return nil
	case msg.needsSetup:
		m.screen = screenSetup
		m.form = newSetupForm(m.sh)
		m.resize()
		return m.form.build()
	case msg.sess.UserID != 0:
		return func() tea.Msg { return signedInMsg{sess: msg.sess, user: msg.user} }
	}
	return m.showLogin(msg.reason)
}

func (m *model) showLogin(reason string) tea.Cmd {
	m.screen = screenLogin
	m.reason = reason
	m.form = newLoginForm(m.sh)
	m.resize()
	return m.form.build()
}

func (m *model) tooSmall() bool {
	return m.sh.width < minWidth || m.sh.height < minHeight
}

// resize passes the window size down.
func (m *model) resize() {
	w, h := m.sh.width, m.sh.height
	if m.form != nil {
		m.form.SetSize(min(w, 72), h-4)
	}
	if m.main != nil {
		m.main.SetSize(w, h)
	}
}

// View renders the current screen in the alternate screen.
func (m *model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "epic-tui"
	return v
}

func (m *model) render() string {
	st := m.sh.styles
	if m.tooSmall() {
		return fmt.Sprintf("terminal too small (need %d×%d, have %d×%d)\nenlarge the window, or press q to quit",
			minWidth, minHeight, m.sh.width, m.sh.height)
	}
	switch m.screen {
	case screenSetup:
		return st.title.Render("Epic Events CRM") + "\n" +
			"Welcome! Create the administrator account to begin.\n\n" + m.form.View()
	case screenLogin:
		reason := ""
		if m.reason != "" {
			reason = st.errorText.Render(truncate(m.reason, m.sh.width)) + "\n"
		}
		return st.title.Render("Epic Events CRM") + "\n" + reason + "\n" + m.form.View() +
			"\n\n" + st.dim.Render("enter next · esc clear · ctrl+c quit")
	case screenMain:
		if v := m.overlayView(); v != "" {
			return v
		}
		return m.main.View()
	}
	if m.err != "" {
		return st.errorText.Render("cannot start: "+m.err) + "\n" + st.dim.Render("press q to quit")
	}
	return st.dim.Render("connecting…")
}
