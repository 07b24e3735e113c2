package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
)

// cliEnv gives a test its own home, config, data and state directories and
// clears the app's variables, so nothing leaks from the machine.
func cliEnv(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "data"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, "state"))
	for _, k := range []string{"EPIC_DATABASE_URL", "EPIC_SECRET", "SENTRY_DSN", "SENTRY_ENVIRONMENT"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	wd, _ := os.Getwd()
	t.Chdir(home)
	t.Cleanup(func() { os.Chdir(wd) })
	return home
}

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// oneLine checks that a failure is one line on stderr, with no stack trace.
func oneLine(t *testing.T, r result, code int, contains string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d; stderr %q", r.code, code, r.stderr)
	}
	if strings.Count(strings.TrimRight(r.stderr, "\n"), "\n") != 0 || !strings.Contains(r.stderr, contains) {
		t.Fatalf("stderr %q: want one line saying %q", r.stderr, contains)
	}
	if strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic") {
		t.Fatalf("stack trace on stderr: %q", r.stderr)
	}
}

func TestVersionAndHelp(t *testing.T) {
	cliEnv(t)
	r := runCLI(t, "", "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "epic-tui ") || !strings.Contains(r.stdout, "commit") {
		t.Fatalf("version: %+v", r)
	}
	for _, args := range [][]string{{"--help"}, {"help"}, {"init", "--help"}, {"admin", "--help"}, {"logout", "--help"}, {"version", "--help"}} {
		r := runCLI(t, "", args...)
		if r.code != 0 || !strings.Contains(r.stdout, "Usage") {
			t.Errorf("%v: %+v", args, r)
		}
	}
	oneLine(t, runCLI(t, "", "frobnicate"), 2, `unknown command "frobnicate"`)
	oneLine(t, runCLI(t, "", "--nope"), 2, "unknown flag: --nope (see epic-tui --help)")
	oneLine(t, runCLI(t, "", "init", "--nope"), 2, "unknown flag: --nope (see epic-tui init --help)")
	oneLine(t, runCLI(t, "", "migrate", "up", "--nope"), 2, "unknown flag: --nope (see epic-tui migrate up --help)")
	oneLine(t, runCLI(t, "", "init", "extra"), 2, "unexpected argument")
}

func TestBadConfiguration(t *testing.T) {
	cliEnv(t)
	t.Setenv("EPIC_DATABASE_URL", "mysql://root@localhost/epic")
	oneLine(t, runCLI(t, "", "init"), 2, "EPIC_DATABASE_URL")
	oneLine(t, runCLI(t, "", "--db", "mongodb://x", "init"), 2, "--db")

	t.Setenv("EPIC_DATABASE_URL", "")
	t.Setenv("EPIC_SECRET", "too short")
	oneLine(t, runCLI(t, "", "init"), 2, "EPIC_SECRET must be at least 32 bytes")

	t.Setenv("EPIC_SECRET", "")
	t.Setenv("SENTRY_DSN", "not a dsn")
	oneLine(t, runCLI(t, "", "init"), 2, "SENTRY_DSN")
}

func TestDotEnvAndRealEnvironment(t *testing.T) {
	home := cliEnv(t)
	fromFile := filepath.Join(home, "from-file.db")
	fromEnv := filepath.Join(home, "from-env.db")
	os.WriteFile(filepath.Join(home, ".env"), []byte("EPIC_DATABASE_URL="+fromFile+"\n"), 0o600)
	if r := runCLI(t, "", "init"); r.code != 0 || !strings.Contains(r.stdout, fromFile) {
		t.Fatalf(".env ignored: %+v", r)
	}
	os.Unsetenv("EPIC_DATABASE_URL")
	t.Setenv("EPIC_DATABASE_URL", fromEnv)
	if r := runCLI(t, "", "init"); r.code != 0 || !strings.Contains(r.stdout, fromEnv) {
		t.Fatalf("the real environment must win over .env: %+v", r)
	}
}

func TestInitDefaultDatabaseTwice(t *testing.T) {
	home := cliEnv(t)
	for range 2 {
		if r := runCLI(t, "", "init"); r.code != 0 {
			t.Fatalf("init: %+v", r)
		}
	}
	if _, err := os.Stat(filepath.Join(home, "data", "epic-tui", "epic-tui.db")); err != nil {
		t.Fatalf("default database not in the data directory: %v", err)
	}
}

func TestAdminCommand(t *testing.T) {
	home := cliEnv(t)
	db := filepath.Join(home, "epic.db")
	args := []string{"admin", "--db", db, "--username", "ada", "--email", "Ada@Epic.test", "--name", "Ada Lovelace", "--password-stdin"}

	oneLine(t, runCLI(t, "short\n", args...), 1, "at least 8 characters")
	oneLine(t, runCLI(t, "", args[:len(args)-1]...), 2, "use --password-stdin")
	oneLine(t, runCLI(t, "long enough 1\n", "admin", "--db", db, "--email", "a@b.co", "--name", "A", "--password-stdin"), 2, "--username is required")
	oneLine(t, runCLI(t, "long enough 1\n", "admin", "--db", db, "--username", "ada", "--email", "nope", "--name", "A", "--password-stdin"), 1, "not a valid address")

	r := runCLI(t, "long enough 1\n", args...)
	if r.code != 0 || !strings.Contains(r.stdout, "administrator ada (ada@epic.test) created") {
		t.Fatalf("admin: %+v", r)
	}
	oneLine(t, runCLI(t, "long enough 1\n", args...), 1, "already")

	// Exactly one user exists, and the password works.
	app := openApp(t, db)
	n, err := app.Users.Count(context.Background(), login(t, app, "ada", "long enough 1"), domain.UserQuery{})
	if err != nil || n != 1 {
		t.Fatalf("users: %d, %v", n, err)
	}
}

func TestUnreachableDatabase(t *testing.T) {
	cliEnv(t)
	start := time.Now()
	t.Setenv("EPIC_SECRET", "a-secret-of-at-least-32-bytes-for-tests")
	r := runCLI(t, "", "--db", "postgres://epic:hunter2secret@127.0.0.1:1/epic?sslmode=disable&connect_timeout=2", "init")
	oneLine(t, r, 2, "cannot reach the database")
	if strings.Contains(r.stderr, "hunter2secret") {
		t.Fatalf("the password leaked: %q", r.stderr)
	}
	if time.Since(start) > 15*time.Second {
		t.Fatalf("giving up took %v", time.Since(start))
	}
}

func TestLogoutRevokes(t *testing.T) {
	home := cliEnv(t)
	db := filepath.Join(home, "epic.db")
	if r := runCLI(t, "long enough 1\n", "admin", "--db", db, "--username", "ada", "--email", "ada@epic.test", "--name", "Ada", "--password-stdin"); r.code != 0 {
		t.Fatalf("admin: %+v", r)
	}
	if r := runCLI(t, "", "logout", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "no saved session") {
		t.Fatalf("logout without session: %+v", r)
	}

	// Sign in as the app would, and keep the session.
	app, sessions, sess := signInAsApp(t, db, "ada", "long enough 1")
	if info, err := os.Stat(sessions.path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("session file: %v %v", info, err)
	}
	if _, err := os.Stat(db + ".secret"); err != nil {
		t.Fatalf("no generated secret beside the database: %v", err)
	}

	time.Sleep(2 * time.Millisecond)
	if r := runCLI(t, "", "logout", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "signed out") {
		t.Fatalf("logout: %+v", r)
	}
	if _, err := os.Stat(sessions.path); !os.IsNotExist(err) {
		t.Fatalf("session file still there: %v", err)
	}
	// The token is revoked on the server side too, even if someone kept a copy.
	if _, err := app.Auth.Authenticate(context.Background(), sess); err == nil {
		t.Fatal("a token issued before logout still works")
	}
}

// signInAsApp signs name in on the SQLite file dbPath as the app does, and
// keeps the session in the session file of that database.
func signInAsApp(t *testing.T, dbPath, name, password string) (*domain.App, *sessionFile, domain.Session) {
	t.Helper()
	cfg, err := loadConfig(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	app, db := openAppDB(t, dbPath)
	sessions, err := newSessionFile(context.Background(), cfg, db)
	if err != nil {
		t.Fatal(err)
	}
	u, err := app.Auth.Login(context.Background(), name, password)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := sessions.Save(u)
	if err != nil {
		t.Fatal(err)
	}
	return app, sessions, sess
}

func openApp(t *testing.T, dbPath string) *domain.App {
	t.Helper()
	app, _ := openAppDB(t, dbPath)
	return app
}

func openAppDB(t *testing.T, dbPath string) (*domain.App, *store.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	hasher, _ := auth.NewArgon2WithParams(auth.TestParams)
	app, err := domain.New(ctx, domain.Deps{Store: db, Hasher: hasher})
	if err != nil {
		t.Fatal(err)
	}
	return app, db
}

func login(t *testing.T, app *domain.App, name, password string) domain.Session {
	t.Helper()
	u, err := app.Auth.Login(context.Background(), name, password)
	if err != nil {
		t.Fatal(err)
	}
	return domain.Session{UserID: u.ID, Role: u.Role, ValidAfter: u.TokensValidAfter}
}

// TestSessionBelongsToItsDatabase: two databases sharing a secret do not
// share sessions, even if a token file is copied from one to the other.
func TestSessionBelongsToItsDatabase(t *testing.T) {
	home := cliEnv(t)
	t.Setenv("EPIC_SECRET", "one-secret-for-two-databases-0123456789")
	ctx := context.Background()
	var files []*sessionFile
	var users []domain.User
	for _, name := range []string{"a.db", "b.db"} {
		path := filepath.Join(home, name)
		if r := runCLI(t, "long enough 1\n", "admin", "--db", path, "--username", "ada", "--email", "ada@epic.test", "--name", "Ada", "--password-stdin"); r.code != 0 {
			t.Fatalf("admin: %+v", r)
		}
		cfg, err := loadConfig(path)
		if err != nil {
			t.Fatal(err)
		}
		app, db := openAppDB(t, path)
		sf, err := newSessionFile(ctx, cfg, db)
		if err != nil {
			t.Fatal(err)
		}
		u, err := app.Auth.Login(ctx, "ada", "long enough 1")
		if err != nil {
			t.Fatal(err)
		}
		files, users = append(files, sf), append(users, u)
	}
	if _, err := files[0].Save(users[0]); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(files[0].path)
	if err != nil {
		t.Fatal(err)
	}
	if err := auth.SaveSession(files[1].path, string(raw)); err != nil {
		t.Fatal(err)
	}
	if _, err := files[0].Load(); err != nil {
		t.Fatalf("own session refused: %v", err)
	}
	if _, err := files[1].Load(); !errors.Is(err, auth.ErrTokenInvalid) {
		t.Fatalf("a session of database a was accepted by database b: %v", err)
	}
}
