package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
)

func TestScrubRemovesSecrets(t *testing.T) {
	s := &secretScrubber{}
	s.add("0123456789abcdef0123456789abcdef-secret")
	in := `failed for postgres://epic:hunter2@db:5432/epic with hash $argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA ` +
		`token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl password=swordfish secret: "0123456789abcdef0123456789abcdef-secret"`
	out := s.scrub(in)
	for _, leak := range []string{"hunter2", "$argon2id", "eyJhbGci", "swordfish", "0123456789abcdef0123456789abcdef-secret"} {
		if strings.Contains(out, leak) {
			t.Errorf("%q survived scrubbing: %s", leak, out)
		}
	}
	if !strings.Contains(out, "failed for") {
		t.Errorf("scrubbing ate the message: %s", out)
	}
}

func TestSentryOffWithoutDSN(t *testing.T) {
	cliEnv(t)
	cfg, err := loadConfig(filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	sentry.CurrentHub().BindClient(nil)
	flush, err := startSentry(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	flush()
	if sentry.CurrentHub().Client() != nil {
		t.Fatal("Sentry started without SENTRY_DSN")
	}
}

// fakeSentry stands in for a Sentry server and keeps the envelopes it gets.
type fakeSentry struct {
	mu     sync.Mutex
	bodies []string
	events []map[string]any
}

func (f *fakeSentry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		if gz, err := gzip.NewReader(r.Body); err == nil {
			body = gz
		}
	}
	raw, _ := io.ReadAll(body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bodies = append(f.bodies, string(raw))
	// An envelope: a header line, then item header and payload lines.
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	for i := 1; i+1 < len(lines); i += 2 {
		var item struct {
			Type string `json:"type"`
		}
		json.Unmarshal([]byte(lines[i]), &item)
		if item.Type != "event" {
			continue
		}
		var ev map[string]any
		if json.Unmarshal([]byte(lines[i+1]), &ev) == nil {
			f.events = append(f.events, ev)
		}
	}
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(`{}`))
}

func TestSentryEnvelopes(t *testing.T) {
	cliEnv(t)
	fake := &fakeSentry{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	defer sentry.CurrentHub().BindClient(nil)

	dbPath := filepath.Join(t.TempDir(), "epic.db")
	t.Setenv("SENTRY_DSN", strings.Replace(srv.URL, "http://", "http://publickey@", 1)+"/42")
	t.Setenv("SENTRY_ENVIRONMENT", "ci")
	const secret = "a-very-long-signing-secret-of-at-least-32-bytes"
	t.Setenv("EPIC_SECRET", secret)
	cfg, err := loadConfig(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	flush, err := startSentry(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	hasher, _ := auth.NewArgon2WithParams(auth.TestParams)
	log, closeLog, err := openLog(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer closeLog.Close()
	app, err := domain.New(ctx, domain.Deps{Store: db, Hasher: hasher, Observer: observer{log}, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	const password = "first password 1"
	admin, err := app.Auth.SetupAdmin(ctx, domain.NewUser{FullName: "Ada", Username: "ada", Email: "ada@epic.test", Password: password})
	must(t, err)
	as := domain.Session{UserID: admin.ID, Role: admin.Role, ValidAfter: admin.TokensValidAfter}
	sales, err := app.Users.Create(ctx, as, domain.NewUser{FullName: "Sam", Username: "sam", Email: "sam@epic.test", Role: domain.RoleSales, Password: password})
	must(t, err)
	_, err = app.Users.Update(ctx, as, sales.ID, sales.Version, domain.UserChanges{EmployeeNumber: sales.EmployeeNumber, FullName: "Samuel", Username: "sam", Email: "sam@epic.test", Role: domain.RoleSales, Active: true})
	must(t, err)
	must(t, app.Users.ResetPassword(ctx, as, sales.ID, "second password 2", ""))
	client, err := app.Clients.Create(ctx, as, domain.ClientInput{FullName: "Kim", Email: "kim@example.com", Phone: "0612345678", SalesContactID: sales.ID})
	must(t, err)
	k, err := app.Contracts.Create(ctx, as, domain.ContractInput{ClientID: client.ID, TotalAmount: 1000, AmountDue: 1000})
	must(t, err)
	k, err = app.Contracts.Update(ctx, as, k.ID, k.Version, domain.ContractInput{ClientID: client.ID, TotalAmount: 1000, AmountDue: 1000, Signed: true})
	must(t, err)
	// Still signed, other change: no second signature event.
	_, err = app.Contracts.Update(ctx, as, k.ID, k.Version, domain.ContractInput{ClientID: client.ID, TotalAmount: 1000, AmountDue: 500, Signed: true})
	must(t, err)
	func() {
		defer func() {
			if r := recover(); r != nil {
				reporter{log}.Panic(r, nil)
			}
		}()
		panic("boom while connecting to postgres://epic:dbpassword@db/epic")
	}()
	reporter{log}.Report(domain.NewError(domain.ErrInvalid, "email", "bad email"), admin) // expected: not sent
	flush()

	fake.mu.Lock()
	defer fake.mu.Unlock()
	counts := map[string]int{}
	for _, ev := range fake.events {
		tags, _ := ev["tags"].(map[string]any)
		kind, _ := tags["event"].(string)
		counts[kind]++
		if ev["environment"] != "ci" || !strings.HasPrefix(ev["release"].(string), "epic-tui@") {
			t.Errorf("event without environment or release: %v %v", ev["environment"], ev["release"])
		}
		if kind != "panic" {
			user, _ := ev["user"].(map[string]any)
			if kind != "user.created" || tags["user.id"] != "1" { // the first admin has no actor
				if user["username"] != "ada" || user["id"] != "1" {
					t.Errorf("%s event not tagged with the actor: %v", kind, user)
				}
			}
		}
	}
	want := map[string]int{"user.created": 2, "user.updated": 2, "contract.signed": 1, "panic": 1}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%d %s event(s), want %d (all: %v)", counts[k], k, n, counts)
		}
	}
	if len(fake.events) != 6 {
		t.Errorf("%d events, want 6: %v", len(fake.events), counts)
	}
	all := strings.Join(fake.bodies, "\n")
	for _, leak := range []string{password, "second password", "$argon2id", secret, "dbpassword", "eyJ"} {
		if strings.Contains(all, leak) {
			t.Errorf("Sentry received %q", leak)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestLogFile(t *testing.T) {
	home := cliEnv(t)
	o, err := startOps(filepath.Join(home, "epic.db"))
	must(t, err)
	ctx := context.Background()
	db, app, err := o.openApp(ctx)
	must(t, err)
	defer db.Close()
	const password = "the right password"
	admin, err := app.Auth.SetupAdmin(ctx, domain.NewUser{FullName: "Ada", Username: "ada", Email: "ada@epic.test", Password: password})
	must(t, err)
	_, err = app.Auth.Login(ctx, "ada", "a wrong password")
	if err == nil {
		t.Fatal("wrong password accepted")
	}
	_, err = app.Auth.Login(ctx, "ada", password)
	must(t, err)
	sess := domain.Session{UserID: admin.ID, Role: admin.Role, ValidAfter: admin.TokensValidAfter}
	_, err = app.Users.Create(ctx, sess, domain.NewUser{FullName: "X", Username: "xx-admin", Email: "x@epic.test", Role: "boss", Password: password})
	if err == nil {
		t.Fatal("bad role accepted")
	}
	reporter{o.log}.Report(errors.New("disk on fire"), admin)
	o.close()

	raw, err := os.ReadFile(filepath.Join(home, "state", "epic-tui", logFileName))
	must(t, err)
	if info, _ := os.Stat(filepath.Join(home, "state", "epic-tui", logFileName)); info.Mode().Perm() != 0o600 {
		t.Errorf("log mode %v, want 0600", info.Mode().Perm())
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		if ts, _ := rec["time"].(string); !strings.HasSuffix(ts, "Z") {
			t.Errorf("time %q is not UTC", ts)
		}
		seen[rec["msg"].(string)] = true
	}
	for _, msg := range []string{"login failed", "login", "user created", "unexpected error"} {
		if !seen[msg] {
			t.Errorf("no %q in the log: %v", msg, seen)
		}
	}
	for _, leak := range []string{password, "a wrong password", "$argon2id"} {
		if strings.Contains(string(raw), leak) {
			t.Errorf("the log holds %q", leak)
		}
	}
}

// recorder is a Sentry transport that keeps the events instead of sending them.
type recorder struct {
	mu     sync.Mutex
	events []*sentry.Event
}

func (r *recorder) Configure(sentry.ClientOptions) {}
func (r *recorder) SendEvent(e *sentry.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}
func (r *recorder) Flush(time.Duration) bool                  { return true }
func (r *recorder) FlushWithContext(ctx context.Context) bool { return true }
func (r *recorder) Close()                                    {}

func TestReporterSendsOnlyTheUnexpected(t *testing.T) {
	cliEnv(t)
	t.Setenv("SENTRY_DSN", "https://publickey@sentry.invalid/1")
	cfg, err := loadConfig(filepath.Join(t.TempDir(), "x.db"))
	must(t, err)
	rec := &recorder{}
	flush, err := startSentry(cfg, rec)
	must(t, err)
	defer sentry.CurrentHub().BindClient(nil)
	log, closeLog, err := openLog(cfg)
	must(t, err)
	defer closeLog.Close()

	actor := domain.User{ID: 3, Username: "maud", PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"}
	r := reporter{log}
	r.Report(domain.NewError(domain.ErrForbidden, "", "Sales users cannot delete clients"), actor)
	r.Report(domain.NewError(domain.ErrUnavailable, "", "the database cannot be reached"), actor)
	r.Report(errors.New("store: scan client 4: bad value near password=hunter22"), actor)
	observer{log}.UserUpdated(actor, domain.User{ID: 9, Username: "sam", Role: domain.RoleSales}, []string{"email", "password"})
	flush()

	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.events) != 2 {
		t.Fatalf("%d events, want the unexpected error and the user update", len(rec.events))
	}
	exc, upd := rec.events[0], rec.events[1]
	if len(exc.Exception) == 0 || exc.User.ID != "3" || exc.User.Username != "maud" {
		t.Fatalf("error event: %+v", exc)
	}
	if strings.Contains(exc.Exception[len(exc.Exception)-1].Value, "hunter22") {
		t.Fatalf("a password reached Sentry: %q", exc.Exception[len(exc.Exception)-1].Value)
	}
	if upd.Message != "user updated" || upd.Tags["event"] != "user.updated" || upd.Tags["user.id"] != "9" {
		t.Fatalf("update event: %q %v", upd.Message, upd.Tags)
	}
	if fields := fmt.Sprint(upd.Contexts["epic"]["fields"]); !strings.Contains(fields, "email") || !strings.Contains(fields, "password") {
		t.Fatalf("update event fields: %v", upd.Contexts["epic"])
	}
}

func TestCrashIsOneLine(t *testing.T) {
	var stderr bytes.Buffer
	code := report(&crashError{value: "index out of range", logPath: "/home/x/.local/state/epic-tui/epic-tui.log"}, &stderr)
	if code != 3 || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), "details in /home/x/.local/state/epic-tui/epic-tui.log") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}
