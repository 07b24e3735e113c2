package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/epicevents/epic-tui/domain"
)

// harnessWith starts the app signed in as u with opts (App, Sessions and
// Loc are set here).
func harnessWith(t *testing.T, app *domain.App, u domain.User, opts Options) *harness {
	t.Helper()
	s := &memSessions{}
	if _, err := s.Save(u); err != nil {
		t.Fatal(err)
	}
	opts.App, opts.Sessions, opts.Loc = app, s, time.UTC
	h := &harness{t: t, m: New(opts), sessions: s}
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	h.run(h.m.Init(), 0)
	return h
}

func TestHiddenColumnsScrollIntoView(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	f.client(t, "Alice Martin", "alice@client.test")
	h := signedInHarness(t, app, f.admin)
	h.send(tea.WindowSizeMsg{Width: 60, Height: 15})
	h.mustSee("+4 →", "alice@client.test")
	h.mustNotSee("Alice Martin SA", "Sam Person")
	for range 3 {
		h.key(">")
	}
	// The highest-priority columns went by; lower ones show.
	h.mustSee("← 3", "Sam Person", "Alice Martin")
	h.mustNotSee("alice@client.test")
	h.key(">")
	h.key(">") // nothing more to the right
	h.mustSee("← 4", "updated")
	h.mustNotSee("→")
	for range 4 {
		h.key("<")
	}
	h.mustSee("+4 →", "alice@client.test")
	h.mustNotSee("←")
}

// A sales person sees their events of the next seven days that nobody
// supports yet, and finds the same filters on the next launch.
func TestFiltersCombineAndAreRemembered(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	other := f.user(t, "olga", domain.RoleSales)
	support := f.user(t, "sue", domain.RoleSupport)
	mine := f.client(t, "Alice Martin", "alice@client.test")
	theirs, err := app.Clients.Create(context.Background(), f.adminSess, domain.ClientInput{
		FullName: "Bob Stone", Email: "bob@client.test", Phone: "0612345678", SalesContactID: other.ID,
	})
	if err != nil {
		t.Fatal(err)
	}
	km := f.contract(t, mine.ID, 100000, 0, true)
	kt := f.contract(t, theirs.ID, 100000, 0, true)
	soon := time.Now().Add(72 * time.Hour)
	f.event(t, km.ID, "Wanted Gala", soon)
	f.event(t, km.ID, "Later Gala", soon.AddDate(0, 0, 20))
	f.event(t, kt.ID, "Their Gala", soon)
	supported := f.event(t, km.ID, "Staffed Gala", soon)
	supported.SupportContactID = &support.ID
	if _, err := app.Events.Update(context.Background(), f.adminSess, supported.ID, supported.Version, domain.EventInput{
		ContractID: km.ID, Name: supported.Name, StartAt: supported.StartAt, EndAt: supported.EndAt,
		Location: supported.Location, Attendees: supported.Attendees, SupportContactID: &support.ID,
	}); err != nil {
		t.Fatal(err)
	}

	views := filepath.Join(t.TempDir(), "epic-tui", "views.json")
	h := harnessWith(t, app, f.sales, Options{ViewsPath: views, Instance: "db-1"})
	h.key("3")
	// Events start with those not over, soonest first.
	h.mustSee("filter: upcoming", "start ▲", "Wanted Gala", "Later Gala", "Their Gala", "Staffed Gala")

	h.key("f")
	h.mustSee("[x] upcoming", "[ ] mine")
	h.key("down") // mine
	h.key("space")
	h.key("down") // without support
	h.key("space")
	h.key("down") // upcoming
	h.key("down") // next 7 days: replaces upcoming
	h.key("space")
	h.mustSee("[x] mine", "[x] without support", "[ ] upcoming", "[x] next 7 days")
	h.key("enter")
	h.mustSee("Wanted Gala", "filter: mine + without support + next 7 days", "1/1")
	h.mustNotSee("Later Gala", "Their Gala", "Staffed Gala")

	if _, err := os.Stat(views); err != nil {
		t.Fatalf("the views were not saved: %v", err)
	}
	again := harnessWith(t, app, f.sales, Options{ViewsPath: views, Instance: "db-1"})
	again.key("3")
	again.mustSee("Wanted Gala", "filter: mine + without support + next 7 days")
	again.mustNotSee("Later Gala")

	// Someone else, or another database, starts with the defaults.
	other2 := harnessWith(t, app, f.sales, Options{ViewsPath: views, Instance: "db-2"})
	other2.key("3")
	other2.mustSee("filter: upcoming", "Later Gala")
}

func TestCommandLine(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	f.manyClients(t, 150)
	h := signedInHarness(t, app, f.admin)
	h.mustSee("1/150")

	h.key(":")
	h.typ("42")
	h.key("enter")
	h.mustSee("42/150")
	if l := h.line("Client 41 "); !strings.HasPrefix(l, "›") {
		t.Fatalf(":42 did not select client #42: %q", l)
	}

	// Not loaded yet: found, and shown in its details.
	h.key(":")
	h.typ("140")
	h.key("enter")
	h.mustSee("Client Client 139", "client #140 is not in the rows listed")
	h.key("esc")

	h.key(":")
	h.typ("9999")
	h.key("enter")
	h.mustSee("there is no client #9999")

	h.key(":")
	h.typ("users")
	h.key("enter")
	h.mustSee("Ada Admin", "1/2")

	h.key(":")
	h.typ("nonsense")
	h.key("enter")
	h.mustSee("no command :nonsense")

	h.key(":")
	h.typ("anything")
	h.key("esc")
	h.mustNotSee(":anything")

	h.key(":")
	h.typ("q")
	h.key("enter")
	if !h.quit {
		t.Fatal(":q did not quit")
	}
}

// c and v leave a detail view for a list; esc comes back step by step.
func TestDetailBackStack(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	alice := f.client(t, "Alice Martin", "alice@client.test")
	bob := f.client(t, "Bob Stone", "bob@client.test")
	ka := f.contract(t, alice.ID, 111100, 0, true)
	f.contract(t, bob.ID, 222200, 0, true)
	f.event(t, ka.ID, "Alice Gala", time.Now().Add(48*time.Hour))
	h := signedInHarness(t, app, f.admin)

	h.key("enter")
	h.mustSee("Client Alice Martin")
	h.key("c")
	h.mustSee("filter: Client Alice Martin", "1 111.00 €")
	h.mustNotSee("2 222.00 €")
	h.key("enter")
	h.mustSee("Contract #" + itoa(ka.ID))
	h.key("v")
	h.mustSee("Alice Gala", "filter: Contract #"+itoa(ka.ID))

	h.key("esc")
	h.mustSee("Contract #" + itoa(ka.ID))
	h.key("esc")
	h.mustSee("filter: Client Alice Martin", "1 111.00 €")
	h.key("esc")
	h.mustSee("Client Alice Martin", "full name")
	h.key("esc")
	h.mustSee("Alice Martin", "Bob Stone", "1/2")
	// The contracts tab has its own rows back.
	h.key("2")
	h.mustSee("1 111.00 €", "2 222.00 €")
	h.mustNotSee("filter:")
}

func TestDetailsKeepTabKeysAndEscAtEighty(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	f.client(t, "Alice Martin", "alice@client.test")
	h := signedInHarness(t, app, f.admin)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.key("enter")
	h.mustSee("Client Alice Martin")
	if !strings.Contains(h.footer(), "esc back") {
		t.Fatalf("the footer lacks esc back at 80 columns: %q", h.footer())
	}
	h.key("4")
	h.mustSee("Ada Admin", "Sam Person")
	h.mustNotSee("Client Alice Martin")
}

func TestRefusedDeleteClosesItsPrompt(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	c := f.client(t, "Alice Martin", "alice@client.test")
	f.contract(t, c.ID, 100000, 0, true)
	h := signedInHarness(t, app, f.admin)
	h.key("d")
	h.mustSee("Delete client Alice Martin?")
	h.key("y")
	h.mustSee("has 1 contract(s); delete them first", "Alice Martin")
	h.mustNotSee("Delete client Alice Martin?")
}

// Forty page-downs pressed faster than pages come move forty pages.
func TestHeldPageDownNeverLosesMoves(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	f.manyClients(t, 1200)
	h := signedInHarness(t, app, f.admin)
	h.mustSee("1/1 200")
	var cmds []tea.Cmd
	for range 40 {
		_, cmd := h.m.Update(keyPress("pgdown"))
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		h.run(c, 0)
	}
	height := h.m.(*model).main.list().t.height
	h.mustSee(formatCount(40*height+1) + "/1 200")
}

// Another person's changes show without r: a deleted row goes, a new one
// comes, and the count follows.
func TestOthersChangesShowWithoutRefresh(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	a := f.client(t, "Alice Martin", "alice@client.test")
	h := signedInHarness(t, app, f.admin)
	h.mustSee("Alice Martin", "1/1")
	ctx := context.Background()
	if err := app.Clients.Delete(ctx, f.adminSess, a.ID, a.Version, ""); err != nil {
		t.Fatal(err)
	}
	f.client(t, "Bob Stone", "bob@client.test")
	main := h.m.(*model).main
	// A tick of an older round of polling (before a sign-out) is ignored.
	h.send(pollTickMsg{owner: main, gen: main.pollGen - 1})
	h.mustSee("Alice Martin")
	h.send(pollTickMsg{owner: main, gen: main.pollGen})
	h.mustSee("Bob Stone", "1/1")
	h.mustNotSee("Alice Martin")
}

func TestCopyAndPasswordKeyEverywhere(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	c := f.client(t, "Alice Martin", "alice@client.test")
	h := signedInHarness(t, app, f.admin)
	_, cmd := h.m.Update(keyPress("y"))
	if cmd == nil {
		t.Fatal("y gave no clipboard command")
	}
	h.mustSee("copied row #" + itoa(c.ID) + " to the clipboard")
	h.key("?")
	h.mustSee("P my password", ": command", "y copy", "< columns left")
}
