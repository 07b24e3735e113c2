package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store/storetest"
)

func TestExportImportCommands(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			home := cliEnv(t)
			t.Setenv("EPIC_SECRET", "a-secret-of-at-least-32-bytes-for-tests")
			db := filepath.Join(home, "epic.db")
			if dialect == "postgres" {
				db = storetest.PostgresURL(t)
			}
			if r := runCLI(t, "", "init", "--db", db); r.code != 0 {
				t.Fatalf("init: %+v", r)
			}
			if r := runCLI(t, "long enough 1\n", "admin", "--db", db, "--username", "ada", "--email", "ada@epic.test", "--name", "Ada", "--password-stdin"); r.code != 0 {
				t.Fatalf("admin: %+v", r)
			}
			app, sdb := openAppDB(t, db)
			ctx := context.Background()
			if _, err := app.Users.Create(ctx, login(t, app, "ada", "long enough 1"), domain.NewUser{
				FullName: "Sam Sales", Username: "sam", Email: "sam@epic.test", Role: domain.RoleSales, Password: "long enough 2"}); err != nil {
				t.Fatal(err)
			}
			write := func(name, body string) string {
				path := filepath.Join(home, name)
				if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
				return path
			}
			ada := []string{"--db", db, "--user", "ada", "--password-stdin"}

			clients := write("clients.csv", "full_name,email,phone,sales_contact\nAna Lima,ana@example.com,+55 11 91234 5678,sam\nBo Berg,bo@example.com,+46 8 123 456 78,sam@epic.test\n")
			if r := runCLI(t, "long enough 1\n", append([]string{"import", "clients", clients, "--dry-run"}, ada...)...); r.code != 0 ||
				r.stdout != "dry run: 2 clients would be created and 0 updated; nothing was written\n" {
				t.Fatalf("import --dry-run: %+v", r)
			}
			if r := runCLI(t, "long enough 1\n", append([]string{"import", "clients", clients}, ada...)...); r.code != 0 || r.stdout != "2 clients created, 0 updated\n" {
				t.Fatalf("import: %+v", r)
			}
			out := filepath.Join(home, "out.csv")
			r := runCLI(t, "long enough 1\n", append([]string{"export", "clients", "--search", "ana", "-o", out}, ada...)...)
			if r.code != 0 || r.stderr != "1 client written to "+out+"\n" {
				t.Fatalf("export: %+v", r)
			}
			if b, _ := os.ReadFile(out); !strings.Contains(string(b), "ana@example.com,'+5511912345678,,sam,Sam Sales,") {
				t.Fatalf("exported file:\n%s", b)
			}

			// Every failed sign-in says the same.
			oneLine(t, runCLI(t, "wrong password\n", append([]string{"export", "clients"}, ada...)...), 1, "invalid username or password")
			oneLine(t, runCLI(t, "long enough 1\n", "export", "clients", "--db", db, "--user", "nobody", "--password-stdin"), 1, "invalid username or password")
			oneLine(t, runCLI(t, "", "export", "clients", "--db", db), 2, "nobody is signed in to this database")
			oneLine(t, runCLI(t, "", "export", "invoices", "--db", db), 2, "clients, contracts, events or users")

			// The session the application saved serves as well.
			cfg, err := loadConfig(db)
			if err != nil {
				t.Fatal(err)
			}
			sessions, err := newSessionFile(ctx, cfg, sdb)
			if err != nil {
				t.Fatal(err)
			}
			sam, err := app.Auth.Login(ctx, "sam", "long enough 2")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := sessions.Save(sam); err != nil {
				t.Fatal(err)
			}
			r = runCLI(t, "", "export", "clients", "--db", db, "--format", "json", "--filter", "mine")
			if r.code != 0 || strings.Count(r.stdout, "\n") != 2 || !strings.Contains(r.stdout, `"sales_contact":"sam"`) {
				t.Fatalf("export as the saved session: %+v", r)
			}
			contracts := write("contracts.csv", "client_email,total_amount\nana@example.com,1500.00\n")
			oneLine(t, runCLI(t, "", "import", "contracts", contracts, "--db", db), 1, "Sales users cannot create contracts")

			bad := write("bad.csv", "full_name,email,phone\nCy,cy@example,+33 6 11 22 33 44\nDi,di@example.com,+33 6 11 22 33 45\nEd,ana@example.com,+33 6 11 22 33 46\n")
			r = runCLI(t, "", "import", "clients", bad, "--db", db)
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if r.code != 1 || len(lines) != 3 || !strings.HasPrefix(lines[0], "bad.csv:2: email: ") || !strings.HasPrefix(lines[1], "bad.csv:4: email: client #") ||
				lines[2] != "epic-tui: bad.csv has 2 bad rows; nothing was imported: correct them and import the file again" {
				t.Fatalf("bad import: %+v", r)
			}
			if n, err := app.Clients.Count(ctx, login(t, app, "ada", "long enough 1"), domain.ClientQuery{}); err != nil || n != 2 {
				t.Fatalf("clients after a bad import: %d, %v", n, err)
			}
		})
	}
}
