package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/ui"
)

// session is one SSH session running the app.
type session struct {
	srv         *Server
	ss          ssh.Session
	fingerprint string // of the key the client signed in with; "" without one
	program     *ui.Program
	signIn      *memorySessions

	mu        sync.Mutex
	lastInput time.Time
	reason    string // why the session was ended from outside the app
}

func newSession(srv *Server, ss ssh.Session) *session {
	sess := &session{srv: srv, ss: ss, signIn: &memorySessions{}, lastInput: time.Now()}
	if k := ss.PublicKey(); k != nil {
		sess.fingerprint = gossh.FingerprintSHA256(k)
	}
	return sess
}

// run runs the app until it quits or the connection ends, and returns how
// the session ended, for the log.
func (sess *session) run() string {
	ss := sess.ss
	pty, windows, ok := ss.Pty()
	if !ok {
		wish.Println(ss, "epic-tui needs a terminal: connect with ssh -t")
		_ = ss.Exit(1)
		return "refused: no terminal"
	}
	cfg := sess.srv.cfg
	ctx, cancel := context.WithCancel(ss.Context())
	defer cancel()
	opts := ui.Options{App: cfg.App, Sessions: sess.signIn, Loc: cfg.Loc, Report: cfg.Report}
	if k := ss.PublicKey(); k != nil {
		opts.SSHKey = strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k)))
		sess.signInWithKey(ctx)
	}
	if cfg.OnPanic != nil {
		opts.OnPanic = func(value any, stack []byte) { cfg.OnPanic(value, stack, sess.user()) }
	}
	popts := append(programOptions(ss),
		tea.WithWindowSize(pty.Window.Width, pty.Window.Height),
		tea.WithFilter(sess.filter))
	sess.program = ui.NewProgram(ctx, opts, popts...)
	if err := sess.srv.add(sess); err != nil {
		wish.Println(ss, err.Error())
		_ = ss.Exit(1)
		return "refused: " + err.Error()
	}
	defer sess.srv.remove(sess)

	go sess.watch(ctx, windows)
	_, err := sess.program.Run()
	sess.program.Kill()
	if reason := sess.endReason(); reason != "" {
		wish.Println(ss, "\r\nepic-tui: "+reason)
		_ = ss.Exit(1)
		return reason
	}
	switch {
	case sess.program.Panicked() != nil:
		wish.Println(ss, "\r\nepic-tui: internal error; it was reported, connect again")
		_ = ss.Exit(3)
		return "internal error"
	case ctx.Err() != nil:
		return "disconnected"
	case err != nil:
		_ = ss.Exit(1)
		return "error: " + err.Error()
	}
	_ = ss.Exit(0)
	return "quit"
}

// signInWithKey signs the session in when its key is registered to an
// active user; otherwise the app starts on its login screen.
func (sess *session) signInWithKey(ctx context.Context) {
	u, err := sess.srv.cfg.App.SSHKeys.SignIn(ctx, sess.fingerprint)
	switch {
	case err == nil:
		_, _ = sess.signIn.Save(u)
	case !errors.Is(err, domain.ErrUnauthenticated):
		sess.srv.cfg.Log.Error("ssh key sign-in", "remote", sess.ss.RemoteAddr().String(), "key", sess.fingerprint, "error", domain.Detail(err))
	}
}

// filter notes when a key was last pressed, for the idle time-out.
func (sess *session) filter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg, tea.MouseMsg:
		sess.mu.Lock()
		sess.lastInput = time.Now()
		sess.mu.Unlock()
	}
	return msg
}

// watch follows the client's window size and ends the session once no key
// was pressed for the idle time.
func (sess *session) watch(ctx context.Context, windows <-chan ssh.Window) {
	idle := sess.srv.cfg.IdleTimeout
	timer := time.NewTimer(idle)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case w := <-windows:
			sess.program.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
		case <-timer.C:
			sess.mu.Lock()
			left := idle - time.Since(sess.lastInput)
			sess.mu.Unlock()
			if left <= 0 {
				sess.end(fmt.Sprintf("session closed after %s without a key pressed", idle))
				return
			}
			timer.Reset(left)
		}
	}
}

// end quits the app for reason, said to the client and logged.
func (sess *session) end(reason string) {
	sess.mu.Lock()
	if sess.reason == "" {
		sess.reason = reason
	}
	sess.mu.Unlock()
	sess.program.Quit()
}

func (sess *session) endReason() string {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	return sess.reason
}

// user is who signed in last, or the zero user.
func (sess *session) user() domain.User { return sess.signIn.user() }

// memorySessions keeps the sign-in of one SSH session in the server's
// memory: no file, no token on the client, gone at disconnect.
type memorySessions struct {
	mu   sync.Mutex
	sess domain.Session
	u    domain.User // the last user signed in, kept after a sign-out for the log
}

// Load returns the session signed in, or os.ErrNotExist.
func (m *memorySessions) Load() (domain.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sess.UserID == 0 {
		return domain.Session{}, os.ErrNotExist
	}
	return m.sess, nil
}

// Save signs u in for the rest of the connection.
func (m *memorySessions) Save(u domain.User) (domain.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.u = u
	m.sess = domain.Session{UserID: u.ID, Role: u.Role, ValidAfter: u.TokensValidAfter}
	return m.sess, nil
}

// Clear signs out.
func (m *memorySessions) Clear() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sess = domain.Session{}
	return nil
}

func (m *memorySessions) user() domain.User {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.u
}
