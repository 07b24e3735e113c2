package ui

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store/storetest"
)

func init() {
	// Searches run as soon as typing stops; the debounce itself is tested
	// through the seq it carries.
	searchDebounce = time.Millisecond
}

// memSessions keeps the saved session in memory: the stand-in for main's
// JWT file, not for the database (which is real in every test).
type memSessions struct {
	mu      sync.Mutex
	sess    *domain.Session
	loadErr error
}

func (s *memSessions) Load() (domain.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loadErr != nil {
		return domain.Session{}, s.loadErr
	}
	if s.sess == nil {
		return domain.Session{}, fmt.Errorf("no saved session: %w", os.ErrNotExist)
	}
	return *s.sess, nil
}

func (s *memSessions) Save(u domain.User) (domain.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := domain.Session{UserID: u.ID, Role: u.Role, ValidAfter: u.TokensValidAfter}
	s.sess = &sess
	return sess, nil
}

func (s *memSessions) Clear() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sess = nil
	return nil
}

// newApp builds the services over a fresh SQLite database.
func newApp(t testing.TB) *domain.App {
	t.Helper()
	return appOn(t, storetest.OpenSQLite(t))
}

func appOn(t testing.TB, db domain.Store) *domain.App {
	t.Helper()
	h, err := auth.NewArgon2WithParams(auth.TestParams)
	if err != nil {
		t.Fatal(err)
	}
	app, err := domain.New(context.Background(), domain.Deps{Store: db, Hasher: h})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// fixture is a database with people in it.
type fixture struct {
	app          *domain.App
	admin, sales domain.User
	adminSess    domain.Session
}

const testPassword = "correct horse"

func newFixture(t testing.TB, app *domain.App) *fixture {
	t.Helper()
	ctx := context.Background()
	admin, err := app.Auth.SetupAdmin(ctx, domain.NewUser{FullName: "Ada Admin", Username: "admin", Email: "admin@epic.test", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{app: app, admin: admin, adminSess: domain.Session{UserID: admin.ID, Role: admin.Role, ValidAfter: admin.TokensValidAfter}}
	f.sales = f.user(t, "sam", domain.RoleSales)
	return f
}

func (f *fixture) user(t testing.TB, username string, role domain.Role) domain.User {
	t.Helper()
	u, err := f.app.Users.Create(context.Background(), f.adminSess, domain.NewUser{
		FullName: strings.ToUpper(username[:1]) + username[1:] + " Person", Username: username,
		Email: username + "@epic.test", Role: role, Password: testPassword,
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *fixture) client(t testing.TB, name, email string) domain.Client {
	t.Helper()
	c, err := f.app.Clients.Create(context.Background(), f.adminSess, domain.ClientInput{
		FullName: name, Email: email, Phone: "06 12 34 56 78", CompanyName: name + " SA", SalesContactID: f.sales.ID,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// manyClients creates the clients "Client 0" to "Client n-1".
func (f *fixture) manyClients(t testing.TB, n int) {
	t.Helper()
	for i := range n {
		if _, err := f.app.Clients.Create(context.Background(), f.adminSess, domain.ClientInput{
			FullName: "Client " + itoa(int64(i)), Email: "c" + itoa(int64(i)) + "@x.test", Phone: "0612345678", SalesContactID: f.sales.ID,
		}); err != nil {
			t.Fatal(err)
		}
	}
}

func (f *fixture) contract(t testing.TB, clientID int64, total, due int64, signed bool) domain.Contract {
	t.Helper()
	k, err := f.app.Contracts.Create(context.Background(), f.adminSess, domain.ContractInput{ClientID: clientID, TotalAmount: total, AmountDue: due, Signed: signed})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// harness drives the root model as the program would, without a terminal:
// it sends messages to Update and runs the returned commands, feeding their
// messages back.
type harness struct {
	t        testing.TB
	m        tea.Model
	sessions *memSessions
	quit     bool
}

// cmdTimeout is how long a command may take before it is taken for a timer
// (a cursor blink, every 530 ms) and dropped. Database commands take
// milliseconds.
const cmdTimeout = 450 * time.Millisecond

func newHarness(t testing.TB, app *domain.App, sessions *memSessions) *harness {
	t.Helper()
	if sessions == nil {
		sessions = &memSessions{}
	}
	h := &harness{t: t, m: New(Options{App: app, Sessions: sessions, Loc: time.UTC}), sessions: sessions}
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	h.run(h.m.Init(), 0)
	return h
}

// signedInHarness starts the app with a saved session for u.
func signedInHarness(t testing.TB, app *domain.App, u domain.User) *harness {
	t.Helper()
	s := &memSessions{}
	if _, err := s.Save(u); err != nil {
		t.Fatal(err)
	}
	return newHarness(t, app, s)
}

func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	h.run(cmd, 0)
}

// run executes cmd and everything that follows from it.
func (h *harness) run(cmd tea.Cmd, depth int) {
	h.t.Helper()
	if cmd == nil {
		return
	}
	if depth > 40 {
		h.t.Fatal("commands keep producing commands")
	}
	for _, msg := range collect([]tea.Cmd{cmd}) {
		h.deliver(msg, depth)
	}
}

func (h *harness) deliver(msg tea.Msg, depth int) {
	h.t.Helper()
	switch msg := msg.(type) {
	case nil:
		return
	case tea.QuitMsg:
		h.quit = true
		return
	case tea.BatchMsg:
		for _, m := range collect(msg) {
			h.deliver(m, depth+1)
		}
		return
	}
	// tea.Sequence's message type is unexported: a slice of commands.
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		for i := 0; i < v.Len(); i++ {
			h.run(v.Index(i).Interface().(tea.Cmd), depth+1)
		}
		return
	}
	_, cmd := h.m.Update(msg)
	h.run(cmd, depth+1)
}

// collect runs cmds at once and returns, in order, the messages of those
// that finish within cmdTimeout.
func collect(cmds []tea.Cmd) []tea.Msg {
	out := make([]chan tea.Msg, len(cmds))
	for i, c := range cmds {
		out[i] = make(chan tea.Msg, 1)
		if c == nil {
			out[i] <- nil
			continue
		}
		go func() { out[i] <- c() }()
	}
	deadline := time.After(cmdTimeout)
	late := false
	msgs := make([]tea.Msg, 0, len(cmds))
	for _, ch := range out {
		if late {
			// Past the deadline a slow command (a timer) is skipped, not
			// the quick ones queued behind it.
			select {
			case m := <-ch:
				msgs = append(msgs, m)
			default:
			}
			continue
		}
		select {
		case m := <-ch:
			msgs = append(msgs, m)
		case <-deadline:
			late = true
		}
	}
	return msgs
}

// key presses one key, named as tea names it ("enter", "shift+tab", "j").
func (h *harness) key(name string) {
	h.t.Helper()
	h.send(keyPress(name))
}

// typ types text; only the last keystroke's commands run, the others being
// cursor blinks and debounce ticks made stale by the next keystroke.
func (h *harness) typ(s string) {
	h.t.Helper()
	rs := []rune(s)
	for i, r := range rs {
		msg := tea.KeyPressMsg{Code: r, Text: string(r)}
		if i == len(rs)-1 {
			h.send(msg)
		} else {
			h.m.Update(msg)
		}
	}
}

func keyPress(name string) tea.KeyPressMsg {
	special := map[string]tea.KeyPressMsg{
		"enter":     {Code: tea.KeyEnter},
		"esc":       {Code: tea.KeyEscape},
		"tab":       {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"up":        {Code: tea.KeyUp},
		"down":      {Code: tea.KeyDown},
		"left":      {Code: tea.KeyLeft},
		"right":     {Code: tea.KeyRight},
		"pgup":      {Code: tea.KeyPgUp},
		"pgdown":    {Code: tea.KeyPgDown},
		"backspace": {Code: tea.KeyBackspace},
		"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
	}
	if k, ok := special[name]; ok {
		return k
	}
	r := []rune(name)[0]
	return tea.KeyPressMsg{Code: r, Text: name}
}

// view is the screen as text, without colours.
func (h *harness) view() string {
	return ansi.Strip(h.m.View().Content)
}

func (h *harness) mustSee(texts ...string) {
	h.t.Helper()
	v := h.view()
	for _, s := range texts {
		if !strings.Contains(v, s) {
			h.t.Fatalf("screen lacks %q:\n%s", s, v)
		}
	}
}

func (h *harness) mustNotSee(texts ...string) {
	h.t.Helper()
	v := h.view()
	for _, s := range texts {
		if strings.Contains(v, s) {
			h.t.Fatalf("screen shows %q:\n%s", s, v)
		}
	}
}

// line returns the screen line containing s, or "".
func (h *harness) line(s string) string {
	for _, l := range strings.Split(h.view(), "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// lastLine is the footer's first line from the bottom.
func (h *harness) footer() string {
	lines := strings.Split(strings.TrimRight(h.view(), "\n"), "\n")
	return lines[len(lines)-1]
}
