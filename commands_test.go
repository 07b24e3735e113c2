package main

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the help texts in testdata/help")

// TestHelpTexts checks the help of every command against testdata/help, so a
// change to the command line shows in review (go test -run TestHelpTexts
// -update rewrites them).
func TestHelpTexts(t *testing.T) {
	cliEnv(t)
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				walk(sub, append(slices(path), sub.Name()))
			}
		}
	}
	root := newRootCommand(nil)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	walk(root, nil)
	if len(paths) < 12 {
		t.Fatalf("only %d commands: %v", len(paths), paths)
	}
	for _, path := range paths {
		name := strings.Join(append([]string{"epic-tui"}, path...), "_")
		r := runCLI(t, "", append(slices(path), "--help")...)
		if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("%s --help: %+v", name, r)
			continue
		}
		golden := filepath.Join(testdataDir(t), "help", name+".txt")
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(r.stdout), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Errorf("%s: %v (run go test -run TestHelpTexts -update)", name, err)
			continue
		}
		if r.stdout != string(want) {
			t.Errorf("%s --help changed:\n%s\nwant:\n%s", name, r.stdout, want)
		}
	}
}

// slices copies a path, so appending to it never shares memory.
func slices(path []string) []string { return append([]string(nil), path...) }

// moduleDir is the working directory the tests start in, before cliEnv
// moves them into a temporary home.
var moduleDir, _ = os.Getwd()

// testdataDir is testdata beside this file.
func testdataDir(t *testing.T) string {
	t.Helper()
	return filepath.Join(moduleDir, "testdata")
}

func TestVersionFlag(t *testing.T) {
	cliEnv(t)
	for _, args := range [][]string{{"--version"}, {"version"}} {
		r := runCLI(t, "", args...)
		if r.code != 0 || r.stdout != versionString()+"\n" {
			t.Errorf("%v: %+v, want %q", args, r, versionString())
		}
	}
}

func TestCompletionScripts(t *testing.T) {
	cliEnv(t)
	for shell, marker := range map[string]string{
		"bash": "__start_epic-tui",
		"zsh":  "#compdef epic-tui",
		"fish": "complete -c epic-tui",
	} {
		r := runCLI(t, "", "completion", shell)
		if r.code != 0 || !strings.Contains(r.stdout, marker) {
			t.Errorf("completion %s: exit %d, no %q in %d bytes; stderr %q", shell, r.code, marker, len(r.stdout), r.stderr)
		}
	}
	// Completion knows the sub-commands.
	r := runCLI(t, "", "__complete", "mi")
	if r.code != 0 || !strings.Contains(r.stdout, "migrate") {
		t.Errorf("completing mi: %+v", r)
	}
}

func TestManPage(t *testing.T) {
	cliEnv(t)
	r := runCLI(t, "", "man")
	if r.code != 0 || !strings.HasPrefix(r.stdout, `.nh`) || !strings.Contains(r.stdout, `.TH "EPIC-TUI" "1"`) {
		t.Fatalf("man: exit %d, %.200q", r.code, r.stdout)
	}
	for _, sub := range []string{"epic-tui-init(1)", "epic-tui-migrate(1)", "epic-tui-admin(1)", "epic-tui-logout(1)"} {
		if !strings.Contains(r.stdout, sub) {
			t.Errorf("the manual page does not name %s", sub)
		}
	}
	dir := t.TempDir()
	if r := runCLI(t, "", "man", "--dir", dir); r.code != 0 {
		t.Fatalf("man --dir: %+v", r)
	}
	for _, page := range []string{"epic-tui.1", "epic-tui-migrate-up.1", "epic-tui-migrate-status.1", "epic-tui-admin.1"} {
		if b, err := os.ReadFile(filepath.Join(dir, page)); err != nil || !bytes.Contains(b, []byte(".TH")) {
			t.Errorf("%s: %v", page, err)
		}
	}
}

// TestMigrateCommands drives migrate status and up on both databases.
func TestMigrateCommands(t *testing.T) {
	for _, dialect := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			home := cliEnv(t)
			db := filepath.Join(home, "epic.db")
			if dialect == store.Postgres {
				db = storetest.PostgresURL(t)
				t.Setenv("EPIC_SECRET", "a-secret-of-at-least-32-bytes-for-tests")
			}
			latest := fmt.Sprint(store.SchemaVersion)
			r := runCLI(t, "", "migrate", "status", "--db", db)
			if r.code != 0 || !strings.Contains(r.stdout, "00001_initial.sql") || !strings.Contains(r.stdout, "pending") ||
				!strings.Contains(r.stdout, "version 0 of "+latest+": run `epic-tui migrate up`") {
				t.Fatalf("status of an empty database: %+v", r)
			}
			r = runCLI(t, "", "migrate", "up", "--db", db)
			if r.code != 0 || strings.Count(r.stdout, "applied 0") != store.SchemaVersion ||
				!strings.HasPrefix(r.stdout, "applied 00001_initial.sql\n") ||
				!strings.HasSuffix(r.stdout, "the database is at version "+latest+"\n") {
				t.Fatalf("up: %+v", r)
			}
			r = runCLI(t, "", "--db", db, "migrate", "up")
			if r.code != 0 || r.stdout != "nothing to apply: the database is at version "+latest+"\n" {
				t.Fatalf("up again: %+v", r)
			}
			r = runCLI(t, "", "migrate", "status", "--db", db)
			if r.code != 0 || strings.Count(r.stdout, "applied 20") != store.SchemaVersion || !strings.Contains(r.stdout, "version "+latest+": up to date") {
				t.Fatalf("status after up: %+v", r)
			}
			oneLine(t, runCLI(t, "", "migrate", "sideways", "--db", db), 2, `unknown command "sideways" (see epic-tui migrate --help)`)
		})
	}
}

// TestInitChecksConfigurationFirst checks that init writes nothing when the
// configuration is incomplete: with PostgreSQL and no EPIC_SECRET, the
// database stays empty.
func TestInitChecksConfigurationFirst(t *testing.T) {
	cliEnv(t)
	url := storetest.PostgresURL(t)
	oneLine(t, runCLI(t, "", "init", "--db", url), 2, "EPIC_SECRET is required")
	oneLine(t, runCLI(t, "", "migrate", "up", "--db", url), 2, "EPIC_SECRET is required")
	raw, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d tables in the database after a refused init (%v)", n, err)
	}
	// The app, too, refuses before anything.
	oneLine(t, runCLI(t, "", "--db", url), 2, "EPIC_SECRET is required")
}

// TestInitRefusesForeignSQLite runs init and the app on another program's
// SQLite file: both refuse in one line and the file stays as it was.
func TestInitRefusesForeignSQLite(t *testing.T) {
	home := cliEnv(t)
	path := filepath.Join(home, "other.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	before, _ := os.ReadFile(path)
	oneLine(t, runCLI(t, "", "init", "--db", path), 2, "is not an epic-tui database")
	oneLine(t, runCLI(t, "", "--db", path), 2, "is not an epic-tui database")
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("the file changed")
	}
	for _, beside := range []string{path + "-wal", path + ".secret"} {
		if _, err := os.Stat(beside); !os.IsNotExist(err) {
			t.Errorf("%s was created", filepath.Base(beside))
		}
	}
}

// TestAdminUnlock locks an account by failed sign-ins, then lifts the lock
// from the command line.
func TestAdminUnlock(t *testing.T) {
	home := cliEnv(t)
	db := filepath.Join(home, "epic.db")
	if r := runCLI(t, "long enough 1\n", "admin", "--db", db, "--username", "ada", "--email", "ada@epic.test", "--name", "Ada", "--password-stdin"); r.code != 0 {
		t.Fatalf("admin: %+v", r)
	}
	if r := runCLI(t, "", "admin", "unlock", "ada", "--db", db); r.code != 0 || r.stdout != "ada was not locked; their failed sign-ins are forgotten\n" {
		t.Fatalf("unlock of an unlocked account: %+v", r)
	}
	app := openApp(t, db)
	for range domain.ThrottleAfter + 1 {
		app.Auth.Login(context.Background(), "ada", "wrong password")
	}
	if _, err := app.Auth.Login(context.Background(), "ada", "long enough 1"); err == nil {
		t.Fatal("the account is not locked after failed sign-ins")
	}
	if r := runCLI(t, "", "admin", "unlock", "ADA@epic.test", "--db", db); r.code != 0 || r.stdout != "ada unlocked: they can sign in again\n" {
		t.Fatalf("unlock: %+v", r)
	}
	if _, err := app.Auth.Login(context.Background(), "ada", "long enough 1"); err != nil {
		t.Fatalf("sign-in after unlock: %v", err)
	}
	oneLine(t, runCLI(t, "", "admin", "unlock", "--db", db), 2, "name one account")
	oneLine(t, runCLI(t, "", "admin", "unlock", "nobody", "--db", db), 1, `no account has the username or email "nobody"`)
}
