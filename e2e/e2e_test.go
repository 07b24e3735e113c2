// Package e2e drives the real epic-tui binary in a real terminal (tmux)
// through a working day at Epic Events, on SQLite and on PostgreSQL.
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

// binary is the program under test, built once.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "epic-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "epic-tui")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build epic-tui: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// term is the app running in a tmux window of 80×24.
type term struct {
	t      *testing.T
	socket string
	name   string
}

func startApp(t *testing.T, env map[string]string) *term {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed: end-to-end test skipped")
	}
	tm := &term{t: t, socket: fmt.Sprintf("epic-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()), name: "app"}
	args := []string{"-L", tm.socket, "new-session", "-d", "-s", tm.name, "-x", "80", "-y", "24", "-e", "TERM=xterm-256color"}
	for k, v := range env {
		args = append(args, "-e", k+"="+v)
	}
	args = append(args, binary)
	tm.tmux(args...)
	tm.tmux("set-option", "-t", tm.name, "remain-on-exit", "on")
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *term) tmux(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (tm *term) screen() string { return tm.tmux("capture-pane", "-p", "-t", tm.name) }

// waitFor waits until the screen matches the pattern.
func (tm *term) waitFor(pattern string) {
	tm.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if re.MatchString(tm.screen()) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tm.t.Fatalf("the screen never showed /%s/; it shows:\n%s", pattern, tm.screen())
}

func (tm *term) typ(text string) { tm.t.Helper(); tm.tmux("send-keys", "-t", tm.name, "-l", text) }
func (tm *term) keys(keys ...string) {
	tm.t.Helper()
	tm.tmux(append([]string{"send-keys", "-t", tm.name}, keys...)...)
}

// press sends one key and lets the app take it before the next.
func (tm *term) press(keys ...string) {
	tm.t.Helper()
	for _, k := range keys {
		tm.keys(k)
		time.Sleep(80 * time.Millisecond)
	}
}

// openFirst switches to a tab, waits until its rows have loaded (the
// selected row shows want) and then presses key on that row: a key pressed
// before the page arrives has no row to act on.
func (tm *term) openFirst(tab, want, key string) {
	tm.t.Helper()
	tm.press(tab)
	tm.waitFor(want)
	tm.press(key)
}

// field waits for the form's focus on label, types value and moves on.
func (tm *term) field(label, value string) {
	tm.t.Helper()
	tm.waitFor(`┃ ` + regexp.QuoteMeta(label))
	if value != "" {
		tm.typ(value)
		tm.waitFor(regexp.QuoteMeta(value))
	}
	tm.press("Enter")
}

// password is field for a masked input: the screen shows stars.
func (tm *term) password(label, value string) {
	tm.t.Helper()
	tm.waitFor(`┃ ` + regexp.QuoteMeta(label))
	tm.typ(value)
	tm.waitFor(fmt.Sprintf(`┃ > \*{%d}`, len([]rune(value))))
	tm.press("Enter")
}

// choose moves an inline select on label with left until it shows option.
func (tm *term) choose(label, option string) {
	tm.t.Helper()
	tm.waitFor(`┃ ` + regexp.QuoteMeta(label))
	for range 5 {
		if strings.Contains(tm.screen(), "← "+option+" →") || strings.Contains(tm.screen(), "  "+option+" →") || strings.Contains(tm.screen(), "← "+option) {
			tm.press("Enter")
			return
		}
		tm.press("Left")
	}
	tm.t.Fatalf("option %q never showed:\n%s", option, tm.screen())
}

func (tm *term) login(username, password string) {
	tm.t.Helper()
	tm.waitFor(`Sign in`)
	tm.field("Username or email", username)
	tm.password("Password", password)
	tm.waitFor(username + ` · `)
}

func (tm *term) logout() {
	tm.t.Helper()
	tm.press("L")
	tm.waitFor(`Sign in`)
}

func (tm *term) newUser(name, username, role, password string) {
	tm.t.Helper()
	tm.press("n")
	tm.field("Employee number", "")
	tm.field("Full name", name)
	tm.field("Username", username)
	tm.field("Email", username+"@epic.test")
	tm.choose("Role", role)
	tm.password("Password", password)
	tm.password("Password again", password)
	tm.waitFor(`user ` + username + ` created`)
}

func TestWorkingDaySQLite(t *testing.T) {
	home := t.TempDir()
	dbPath := filepath.Join(home, "epic.db")
	workingDay(t, home, dbPath, "")
	checkDatabase(t, dbPath)
}

func TestWorkingDayPostgres(t *testing.T) {
	url := storetest.PostgresURL(t)
	const secret = "an-end-to-end-secret-of-at-least-32-bytes"
	home := t.TempDir()
	// A team upgrades its database on purpose: the app refuses to start on
	// a database without the schema, and says what to run.
	cmd := exec.Command(binary, "--db", url)
	cmd.Env = append(os.Environ(), "HOME="+home, "EPIC_SECRET="+secret, "XDG_STATE_HOME="+filepath.Join(home, "state"))
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); err == nil || code != 2 || !strings.Contains(string(out), "run `epic-tui migrate up`") {
		t.Fatalf("app on an empty PostgreSQL database: exit %d, %q", code, out)
	}
	cmd = exec.Command(binary, "init", "--db", url)
	cmd.Env = append(os.Environ(), "HOME="+home, "EPIC_SECRET="+secret, "XDG_STATE_HOME="+filepath.Join(home, "state"))
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "database ready") {
		t.Fatalf("init: %v\n%s", err, out)
	}
	workingDay(t, home, url, secret)
	checkDatabase(t, url)
}

// freshApp starts the app on a new SQLite database in a home of its own,
// creates the first administrator (ada, "admin pass 1") by typing the whole
// setup form in one burst, and opens the same database for the test to read
// and write through the domain, as another program would.
func freshApp(t *testing.T) (*term, *domain.App) {
	t.Helper()
	home := t.TempDir()
	dbPath := filepath.Join(home, "epic.db")
	tm := startApp(t, map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "config"),
		"XDG_DATA_HOME": filepath.Join(home, "data"), "XDG_STATE_HOME": filepath.Join(home, "state"),
		"EPIC_DATABASE_URL": dbPath, "NO_COLOR": "",
	})
	tm.waitFor(`Create the administrator account`)
	tm.keys("Ada Lovelace", "Enter", "ada", "Enter", "ada@epic.test", "Enter",
		"admin pass 1", "Enter", "admin pass 1", "Enter")
	tm.waitFor(`ada · Administrator`)

	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	hasher, _ := auth.NewArgon2WithParams(auth.TestParams)
	app, err := domain.New(ctx, domain.Deps{Store: db, Hasher: hasher})
	if err != nil {
		t.Fatal(err)
	}
	return tm, app
}

// workingDay: first-run admin → users → sales creates a client →
// management creates and signs a contract → sales creates an event →
// management assigns support → support edits the notes; each role refuses
// something; search narrows a table; logout; quit.
func workingDay(t *testing.T, home, dbURL, secret string) {
	env := map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "config"),
		"XDG_DATA_HOME": filepath.Join(home, "data"), "XDG_STATE_HOME": filepath.Join(home, "state"),
		"EPIC_DATABASE_URL": dbURL, "EPIC_SECRET": secret, "NO_COLOR": "",
	}
	tm := startApp(t, env)

	tm.waitFor(`Create the administrator account`)
	tm.field("Full name", "Ada Lovelace")
	tm.field("Username", "ada")
	tm.field("Email", "ada@epic.test")
	tm.password("Password", "admin pass 1")
	tm.password("Password again", "admin pass 1")
	tm.waitFor(`1 Clients +2 Contracts +3 Events +4 Users`)
	tm.waitFor(`ada · Administrator`)

	// The admin creates the team, and cannot delete themselves.
	tm.press("4", "g")
	tm.waitFor(`Ada Lovelace`)
	tm.press("d")
	tm.waitFor(`you cannot delete yourself`)
	tm.newUser("Maud Manager", "maud", "Management", "maud pass 1")
	tm.newUser("Sam Sales", "sam", "Sales", "sam pass 12")
	tm.newUser("Sue Support", "sue", "Support", "sue pass 12")
	tm.logout()

	// Sales: a new client; contracts are not theirs to write.
	tm.login("sam", "sam pass 12")
	tm.press("1", "n")
	tm.field("Full name", "Kévin Casey")
	tm.field("Email", "kevin@startup.io")
	tm.field("Phone", "06 12 34 56 78")
	tm.field("Company", "Cool Startup")
	tm.waitFor(`client Kévin Casey created`)
	tm.press("2", "n")
	tm.waitFor(`Sales users cannot create contracts`)
	tm.logout()

	// Management: a signed contract; clients are not theirs to create.
	tm.login("maud", "maud pass 1")
	tm.press("1", "n")
	tm.waitFor(`Management users cannot create clients`)
	tm.press("2", "n")
	tm.field("Find a client", "kev")
	tm.waitFor(`> Kévin Casey`)
	tm.field("Client", "")
	tm.field("Total (€)", "12000")
	tm.field("Amount due (€)", "4000,50")
	tm.waitFor(`┃ Signed`)
	tm.press("Left", "Enter")
	tm.waitFor(`contract #1 created`)
	tm.waitFor(`12 000.00 €`)
	tm.logout()

	// Sales: an event on that contract.
	tm.login("sam", "sam pass 12")
	tm.press("3", "n")
	tm.field("Find a contract", "")
	tm.waitFor(`> #1 Kévin Casey`)
	tm.field("Contract (signed)", "")
	tm.field("Name", "Product launch")
	tm.field("Start", "2030-03-10 18:00")
	tm.field("End", "2030-03-10 23:00")
	tm.field("Location", "Lyon")
	tm.field("Attendees", "250")
	tm.field("Notes", "Bring the projector")
	tm.waitFor(`event Product launch created`)
	tm.logout()

	// Management: assigns the support contact.
	tm.login("maud", "maud pass 1")
	tm.openFirst("3", `› +1 Product`, "e")
	for _, label := range []string{"Contract (signed)", "Name", "Start", "End", "Location", "Attendees", "Notes"} {
		tm.field(label, "")
	}
	tm.waitFor(`┃ Support contact`)
	tm.press("Down", "Enter")
	tm.waitFor(`Product launch: saved`)
	tm.waitFor(`Sue Sup`)
	tm.logout()

	// Support: edits the notes of their event; deleting is not theirs.
	tm.login("sue", "sue pass 12")
	tm.openFirst("3", `› +1 Product`, "e")
	for _, label := range []string{"Start", "End", "Location", "Attendees"} {
		tm.field(label, "")
	}
	tm.waitFor(`┃ Notes`)
	tm.typ(" and a spare cable")
	tm.waitFor(`spare cable`)
	tm.press("Enter")
	tm.waitFor(`Product launch: saved`)
	tm.press("d")
	tm.waitFor(`Support users cannot delete events`)

	// Search narrows the table as you type.
	tm.press("1", "/")
	tm.typ("kev")
	tm.waitFor(`1/1`)
	tm.typ("zz")
	tm.waitFor(`0/0`)
	tm.press("Escape")
	tm.waitFor(`Kévin Casey`)

	// x exports what the tab shows to the home folder (no Downloads here).
	tm.press("2", "x")
	tm.waitFor(`exported 1 row to ~/epic-tui-contracts-`)
	exported, _ := filepath.Glob(filepath.Join(home, "epic-tui-contracts-*.csv"))
	if b, err := os.ReadFile(exported[0]); err != nil || !strings.Contains(string(b), "1,kevin@startup.io,Kévin Casey,sam,12000.00,4000.50,true,") {
		t.Fatalf("exported contracts: %s %v", b, err)
	}

	// h shows who made the contract and what it held; esc goes back.
	tm.press("h")
	tm.waitFor(`History of contract`)
	tm.waitFor(`maud +created`)
	tm.waitFor(`total amount: 12 000.00 €`)
	tm.press("Escape")
	tm.waitFor(`Kévin Casey`)

	tm.logout()
	tm.press("C-c")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(tm.tmux("list-panes", "-t", tm.name, "-F", "#{pane_dead}"), "1") {
		if time.Now().After(deadline) {
			t.Fatalf("the app did not quit:\n%s", tm.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkDatabase reads back what the day wrote.
func checkDatabase(t *testing.T, dbURL string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hasher, _ := auth.NewArgon2WithParams(auth.TestParams)
	app, err := domain.New(ctx, domain.Deps{Store: db, Hasher: hasher})
	if err != nil {
		t.Fatal(err)
	}
	u, err := app.Auth.Login(ctx, "sue", "sue pass 12")
	if err != nil {
		t.Fatal(err)
	}
	sess := domain.Session{UserID: u.ID, Role: u.Role, ValidAfter: u.TokensValidAfter}
	events, err := app.Events.List(ctx, sess, domain.EventQuery{Mine: true})
	if err != nil || len(events.Items) != 1 {
		t.Fatalf("sue's events: %+v, %v", events.Items, err)
	}
	e := events.Items[0]
	if e.Notes != "Bring the projector and a spare cable" || e.SupportContactName != "Sue Support" || e.Attendees != 250 {
		t.Fatalf("event after the day: %+v", e)
	}
	contracts, err := app.Contracts.List(ctx, sess, domain.ContractQuery{})
	if err != nil || len(contracts.Items) != 1 || !contracts.Items[0].Signed || contracts.Items[0].AmountDue != 400050 {
		t.Fatalf("contracts after the day: %+v, %v", contracts.Items, err)
	}
}
