package server_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/server"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

const testPassword = "correct horse"

// world is a server on a random port over a database with two people in it.
type world struct {
	t       testing.TB
	db      *store.DB
	changes *server.Changes
	app     *domain.App
	srv     *server.Server
	addr    string
	served  chan error

	admin, sales domain.User
	adminSess    domain.Session
}

// forEachDB runs fn on SQLite and on PostgreSQL.
func forEachDB(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	storetest.ForEach(t, fn)
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

// newWorld starts a server on db; tune changes its configuration first.
func newWorld(t testing.TB, db *store.DB, tune func(*server.Config)) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{t: t, db: db, changes: server.NewChanges(db, nil)}
	w.app = appOn(t, w.changes.Store())
	admin, err := w.app.Auth.SetupAdmin(ctx, domain.NewUser{FullName: "Ada Admin", Username: "admin", Email: "admin@epic.test", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	w.admin, w.adminSess = admin, domain.Session{UserID: admin.ID, Role: admin.Role, ValidAfter: admin.TokensValidAfter}
	w.sales, err = w.app.Users.Create(ctx, w.adminSess, domain.NewUser{FullName: "Sam Sales", Username: "sam",
		Email: "sam@epic.test", Role: domain.RoleSales, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	w.start(tune)
	return w
}

// start runs a server of the world's app.
func (w *world) start(tune func(*server.Config)) {
	t := w.t
	cfg := server.Config{App: w.app, Changes: w.changes, HostKeyPath: filepath.Join(t.TempDir(), "host_key")}
	if tune != nil {
		tune(&cfg)
	}
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w.srv, w.addr, w.served = srv, ln.Addr().String(), make(chan error, 1)
	go func() { w.served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		_ = srv.Shutdown(context.Background())
		<-w.served
	})
}

// another starts a second server on the same database, as a second
// process would: its own app, and the changes of the first heard through
// the PostgreSQL database at dbURL.
func (w *world) another(dbURL string) *world {
	t := w.t
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := w.changes.Listen(ctx, dbURL); err != nil {
		t.Fatal(err)
	}
	o := *w
	o.changes = server.NewChanges(w.db, nil)
	o.app = appOn(t, o.changes.Store())
	if err := o.changes.Listen(ctx, dbURL); err != nil {
		t.Fatal(err)
	}
	o.start(nil)
	return &o
}

// newKey makes an SSH key pair for a client.
func newKey(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// client is one SSH connection with a session.
type client struct {
	t    testing.TB
	conn *gossh.Client
	sess *gossh.Session
	in   io.WriteCloser

	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{} // closed when the server ended the session
}

// dial connects with key (nil: no key, keyboard-interactive) and starts a
// shell, on a PTY of 100×30 when pty is set.
func (w *world) dial(key gossh.Signer, pty bool) *client {
	t := w.t
	t.Helper()
	methods := []gossh.AuthMethod{gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })}
	if key != nil {
		methods = []gossh.AuthMethod{gossh.PublicKeys(key)}
	}
	conn, err := gossh.Dial("tcp", w.addr, &gossh.ClientConfig{
		User: "anyone", Auth: methods,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), //nolint:gosec // a test server on loopback
		Timeout:         10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, conn: conn, sess: sess, done: make(chan struct{})}
	t.Cleanup(func() { conn.Close() })
	if pty {
		if err := sess.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
	}
	c.in, err = sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := stdout.Read(buf)
			c.mu.Lock()
			c.out.Write(buf[:n])
			c.mu.Unlock()
			if err != nil {
				close(c.done)
				return
			}
		}
	}()
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	return c
}

// text is everything the session wrote, escapes stripped.
func (c *client) text() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return ansi.Strip(c.out.String())
}

// waitFor waits until the output holds want; it fails the test after a
// generous bound, for a server that never draws it.
func (c *client) waitFor(want string) {
	c.t.Helper()
	c.waitWithin(want, 15*time.Second)
}

// waitWithin is waitFor with its bound.
func (c *client) waitWithin(want string, bound time.Duration) {
	c.t.Helper()
	for end := time.Now().Add(bound); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if strings.Contains(c.text(), want) {
			return
		}
	}
	c.t.Fatalf("the session never showed %q; it showed:\n%s", want, c.text())
}

// mark forgets the output so far, so that waitFor sees only what follows.
func (c *client) mark() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.out.Reset()
}

// waitEnd waits until the server ends the session.
func (c *client) waitEnd() {
	c.t.Helper()
	select {
	case <-c.done:
	case <-time.After(15 * time.Second):
		c.t.Fatalf("the session never ended; it showed:\n%s", c.text())
	}
}

// typeText types s, then presses the keys given (raw bytes: "\r" is enter).
func (c *client) typeText(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.in, s); err != nil {
		c.t.Fatal(err)
	}
}

// login signs in through the login screen.
func (c *client) login(name, password string) {
	c.t.Helper()
	c.waitFor("Username or email")
	c.typeText(name + "\r")
	c.waitFor("Password")
	c.typeText(password + "\r")
}
