package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

// TestFiltersCommandLineAndBackStack: a sales person combines filters on
// the events, goes to a record with the command line, and walks from a
// client to its contract's events and back again with esc.
func TestFiltersCommandLineAndBackStack(t *testing.T) {
	tm, app := freshApp(t)
	ctx := context.Background()
	admin, err := app.Auth.Login(ctx, "ada", "admin pass 1")
	if err != nil {
		t.Fatal(err)
	}
	as := domain.Session{UserID: admin.ID, Role: admin.Role, ValidAfter: admin.TokensValidAfter}
	newUser := func(name, username string, role domain.Role) domain.User {
		u, err := app.Users.Create(ctx, as, domain.NewUser{FullName: name, Username: username,
			Email: username + "@epic.test", Role: role, Password: username + " pass 12"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	sam := newUser("Sam Sales", "sam", domain.RoleSales)
	olga := newUser("Olga Sales", "olga", domain.RoleSales)
	sue := newUser("Sue Support", "sue", domain.RoleSupport)
	newClient := func(name string, sales int64) domain.Client {
		c, err := app.Clients.Create(ctx, as, domain.ClientInput{FullName: name, Email: strings.ToLower(strings.Fields(name)[0]) + "@client.test",
			Phone: "0612345678", SalesContactID: sales})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	newContract := func(clientID, total int64) domain.Contract {
		k, err := app.Contracts.Create(ctx, as, domain.ContractInput{ClientID: clientID, TotalAmount: total, AmountDue: total, Signed: true})
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	newEvent := func(contractID int64, name string, start time.Time, support *int64) {
		if _, err := app.Events.Create(ctx, as, domain.EventInput{ContractID: contractID, Name: name, StartAt: start,
			EndAt: start.Add(2 * time.Hour), Location: "Lyon", Attendees: 50, SupportContactID: support}); err != nil {
			t.Fatal(err)
		}
	}
	alice := newClient("Alice Martin", sam.ID)
	bob := newClient("Bob Stone", olga.ID)
	ka := newContract(alice.ID, 111100)
	kb := newContract(bob.ID, 222200)
	soon := time.Now().Add(72 * time.Hour)
	newEvent(ka.ID, "Wanted Gala", soon, nil)
	newEvent(ka.ID, "Later Gala", soon.AddDate(0, 0, 20), nil)
	newEvent(ka.ID, "Staffed Gala", soon, &sue.ID)
	newEvent(kb.ID, "Their Gala", soon, nil)

	tm.logout()
	tm.login("sam", "sam pass 12")

	// Mine, without support, next 7 days: the morning question.
	tm.press("3")
	tm.waitFor(`Their Gala`)
	tm.press("f")
	tm.waitFor(`\[x\] upcoming`)
	tm.press("Down", "Space", "Down", "Space", "Down", "Down", "Space", "Enter")
	tm.waitFor(`filter: mine \+ without support \+ next 7 days`)
	tm.waitFor(`Wanted Gala`)
	for _, gone := range []string{"Later Gala", "Staffed Gala", "Their Gala"} {
		if strings.Contains(tm.screen(), gone) {
			t.Fatalf("%s shows under the combined filters:\n%s", gone, tm.screen())
		}
	}

	// The command line: a tab by name, a record by id.
	tm.press(":")
	tm.typ("clients")
	tm.press("Enter")
	tm.waitFor(`Bob Stone`)
	tm.press(":")
	tm.typ(strconv.FormatInt(bob.ID, 10))
	tm.press("Enter")
	tm.waitFor(`› +` + strconv.FormatInt(bob.ID, 10) + ` Bob Stone`)
	tm.press(":")
	tm.typ(strconv.FormatInt(alice.ID, 10))
	tm.press("Enter")
	tm.waitFor(`› +` + strconv.FormatInt(alice.ID, 10) + ` Alice Martin`)

	// Client → its contracts → one contract → its events, and back.
	tm.press("Enter")
	tm.waitFor(`Client Alice Martin`)
	tm.press("c")
	tm.waitFor(`filter: Client Alice Martin`)
	tm.waitFor(`› +` + strconv.FormatInt(ka.ID, 10))
	tm.press("Enter")
	tm.waitFor(`Contract #` + strconv.FormatInt(ka.ID, 10))
	tm.press("v")
	tm.waitFor(`filter: Contract #` + strconv.FormatInt(ka.ID, 10))
	tm.waitFor(`Later Gala`)
	tm.press("Escape")
	tm.waitFor(`Contract #` + strconv.FormatInt(ka.ID, 10))
	tm.press("Escape")
	tm.waitFor(`filter: Client Alice Martin`)
	tm.press("Escape")
	tm.waitFor(`Client Alice Martin`)
	tm.waitFor(`esc back`)
	tm.press("Escape")
	tm.waitFor(`Bob Stone`)

	tm.press(":")
	tm.typ("q")
	tm.press("Enter")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(tm.tmux("list-panes", "-t", tm.name, "-F", "#{pane_dead}"), "1") {
		if time.Now().After(deadline) {
			t.Fatalf(":q did not quit:\n%s", tm.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
