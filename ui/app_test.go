package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

func TestFirstRunSetupCreatesAdmin(t *testing.T) {
	app := newApp(t)
	h := newHarness(t, app, nil)
	h.mustSee("First administrator", "Full name")

	for _, v := range []string{"Ada Lovelace", "ada", "ada@epic.test", "s3cret-pass", "s3cret-pass"} {
		h.typ(v)
		h.key("enter")
	}
	h.mustSee("1 Clients", "ada · Administrator")
	needs, err := app.Auth.NeedsSetup(context.Background())
	if err != nil || needs {
		t.Fatalf("NeedsSetup after setup = %v, %v", needs, err)
	}
	if h.sessions.sess == nil {
		t.Fatal("setup did not save a session")
	}
}

func TestLoginFailureShowsGenericMessage(t *testing.T) {
	app := newApp(t)
	newFixture(t, app)
	h := newHarness(t, app, nil)
	h.mustSee("Sign in", "Username or email")

	h.typ("admin")
	h.key("enter")
	h.typ("wrong password")
	h.key("enter")
	h.mustSee("invalid username or password")
	h.mustNotSee("1 Clients")
}

func TestLoginGoesToMainScreen(t *testing.T) {
	app := newApp(t)
	newFixture(t, app)
	h := newHarness(t, app, nil)
	h.typ("admin@epic.test")
	h.key("enter")
	h.typ(testPassword)
	h.key("enter")
	h.mustSee("1 Clients", "2 Contracts", "3 Events", "4 Users", "admin · Administrator")
}

func TestInvalidSavedSessionShowsReason(t *testing.T) {
	app := newApp(t)
	newFixture(t, app)
	h := newHarness(t, app, &memSessions{loadErr: errors.New("your session has expired")})
	h.mustSee("Sign in", "your session has expired")
}

func TestLogoutReturnsToLogin(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	h := signedInHarness(t, app, f.admin)
	h.mustSee("1 Clients")
	h.key("L")
	h.mustSee("Sign in", "signed out")
	if h.sessions.sess != nil {
		t.Fatal("logout kept the saved session")
	}
}

func TestTabsSwitch(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	c := f.client(t, "Alice Martin", "alice@client.test")
	f.contract(t, c.ID, 150000, 50000, true)
	h := signedInHarness(t, app, f.admin)

	h.mustSee("Alice Martin", "company", "1/1")
	h.key("2")
	h.mustSee("total", "1 500.00 €", "1 000.00 €")
	h.key("4")
	h.mustSee("username", "sam", "Sales")
	h.key("tab")
	h.mustSee("company", "Alice Martin")
	h.key("shift+tab")
	h.mustSee("username")
}

func TestSearchNarrows(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		app := appOn(t, db)
		f := newFixture(t, app)
		f.client(t, "Alice Martin", "alice@client.test")
		f.client(t, "Bruno Durand", "bruno@client.test")
		h := signedInHarness(t, app, f.admin)
		h.mustSee("Alice Martin", "Bruno Durand")

		h.key("/")
		h.typ("durand")
		h.mustSee("Bruno Durand")
		h.mustNotSee("Alice Martin")
		h.key("enter")
		h.mustSee(`search: "durand"`)
		h.key("esc")
		h.mustSee("Alice Martin", "Bruno Durand")
		h.mustNotSee("search:")
	})
}

func TestStaleSearchAnswerIsDropped(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	f.client(t, "Alice Martin", "alice@client.test")
	h := signedInHarness(t, app, f.admin)
	m := h.m.(*model).main
	l := m.lists[tabClients]
	before := l.seq
	h.send(pageMsg{tab: tabClients, seq: before - 1, kind: fetchReload})
	h.mustSee("Alice Martin")
	h.send(searchTickMsg{tab: tabClients, seq: l.search.seq + 5})
	if l.seq != before {
		t.Fatal("a stale debounce tick ran a search")
	}
}

// A query replaced by another (the next keystroke of a search) is cancelled:
// the database stops working on an answer that would be dropped, and the
// cancellation never shows.
func TestSupersededQueryIsCancelled(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	f.client(t, "Alice Martin", "alice@client.test")
	h := signedInHarness(t, app, f.admin)
	l := h.m.(*model).main.lists[tabClients]
	first := l.reload(0)
	second := l.reload(0)
	msg, ok := first().(pageMsg)
	if !ok || !errors.Is(msg.err, context.Canceled) {
		t.Fatalf("the replaced query answered %+v, want it cancelled", msg)
	}
	h.deliver(msg, 0)
	h.run(second, 0)
	h.mustSee("Alice Martin", "1/1")
	h.mustNotSee("cancel")
}

func TestFilterUnsignedNarrows(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		app := appOn(t, db)
		f := newFixture(t, app)
		c := f.client(t, "Alice Martin", "alice@client.test")
		f.contract(t, c.ID, 100000, 100000, true)
		f.contract(t, c.ID, 777700, 777700, false)
		h := signedInHarness(t, app, f.admin)
		h.key("2")
		h.mustSee("1 000.00 €", "7 777.00 €")

		h.key("f")
		h.mustSee("Filter contracts", "unsigned", "unpaid")
		h.key("down")
		h.key("enter")
		h.mustSee("7 777.00 €", "filter: unsigned", "1/1")
		h.mustNotSee("1 000.00 €")
	})
}

func TestSortArrow(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	f.client(t, "Zoe Zed", "zoe@client.test")
	f.client(t, "Alice Martin", "alice@client.test")
	h := signedInHarness(t, app, f.admin)
	h.mustSee("id ▲")

	h.key("s")
	h.mustSee("name ▲")
	h.mustNotSee("id ▲")
	if v := h.view(); strings.Index(v, "Alice Martin") > strings.Index(v, "Zoe Zed") {
		t.Fatalf("not sorted by name:\n%s", v)
	}
	h.key("S")
	h.mustSee("name ▼")
	if v := h.view(); strings.Index(v, "Alice Martin") < strings.Index(v, "Zoe Zed") {
		t.Fatalf("not sorted by name descending:\n%s", v)
	}
}

func TestSalesCannotDeleteClients(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	f.client(t, "Alice Martin", "alice@client.test")
	h := signedInHarness(t, app, f.sales)
	h.mustSee("Alice Martin", "sam · Sales")
	if foot := h.footer(); strings.Contains(foot, "delete") || !strings.Contains(foot, "new") {
		t.Fatalf("footer for sales on clients: %q", foot)
	}

	h.key("d")
	h.mustSee("Sales users cannot delete clients")
}

func TestClientFormBadEmailKeepsValues(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	h := signedInHarness(t, app, f.admin)
	h.key("n")
	h.mustSee("New client", "Full name")

	h.typ("Carla Bruni")
	h.key("enter")
	h.typ("carla@")
	h.key("enter")
	h.mustSee("is not a valid address", "Carla Bruni", "carla@")

	// Fixed, the form goes on and saves.
	h.key("backspace")
	h.typ("@music.test")
	h.key("enter")
	h.typ("06 11 22 33 44")
	h.key("enter")
	h.typ("Music SA")
	h.key("enter")
	h.key("enter") // the sales contact picker: the only sales person
	h.mustSee("created", "Carla Bruni")
	if n, _ := app.Clients.Count(context.Background(), f.adminSess, domain.ClientQuery{}); n != 1 {
		t.Fatalf("clients = %d, want 1", n)
	}
}

func TestFormShowsDatabaseErrorAndKeepsValues(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	f.client(t, "Alice Martin", "alice@client.test")
	h := signedInHarness(t, app, f.admin)
	h.key("n")
	for _, v := range []string{"Alice Twin", "alice@client.test", "06 11 22 33 44", "Twin SA"} {
		h.typ(v)
		h.key("enter")
	}
	h.key("enter")
	h.mustSee("New client", "Alice Twin", "alice@client.test", "Twin SA")
	if v := h.view(); !strings.Contains(v, "✗") {
		t.Fatalf("no error shown:\n%s", v)
	}
}

func TestDeleteConfirmationDefaultsToNo(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	f.client(t, "Alice Martin", "alice@client.test")
	h := signedInHarness(t, app, f.admin)
	h.key("d")
	h.mustSee("Delete client Alice Martin?")
	h.key("enter")
	h.mustSee("nothing deleted", "Alice Martin")
	if n, _ := app.Clients.Count(context.Background(), f.adminSess, domain.ClientQuery{}); n != 1 {
		t.Fatalf("clients = %d after declining", n)
	}

	h.key("d")
	h.key("y") // huh's confirm accepts and submits at once
	h.mustSee("client Alice Martin deleted")
	if n, _ := app.Clients.Count(context.Background(), f.adminSess, domain.ClientQuery{}); n != 0 {
		t.Fatalf("clients = %d after confirming", n)
	}
}

func TestDetailShowsRelatedAndJumps(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	c := f.client(t, "Alice Martin", "alice@client.test")
	k := f.contract(t, c.ID, 150000, 0, true)
	h := signedInHarness(t, app, f.admin)
	h.key("enter")
	h.mustSee("Client Alice Martin", "+33 6 12 34 56 78", "Contracts", "#"+itoa(k.ID))
	h.key("enter")
	h.mustSee("Contract #"+itoa(k.ID), "1 500.00 €")
	h.key("esc")
	h.mustSee("Client Alice Martin")
	h.key("esc")
	h.mustSee("1/1")
	if l := h.line("Alice Martin"); !strings.HasPrefix(l, "›") {
		t.Fatalf("back from details, the row is not selected: %q", l)
	}
}

func TestPagingToBottomAndTop(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		app := appOn(t, db)
		f := newFixture(t, app)
		f.manyClients(t, 230)
		h := signedInHarness(t, app, f.admin)
		h.mustSee("1/230")
		h.key("G")
		h.mustSee("230/230", "Client 229")
		h.key("g")
		h.mustSee("1/230", "Client 0")
		for range 10 {
			h.key("pgdown")
		}
		l := h.m.(*model).main.lists[tabClients]
		if l.t.cursor < 150 || len(l.t.rows) <= pageSize {
			t.Fatalf("cursor %d with %d rows loaded: pages were not fetched", l.t.cursor, len(l.t.rows))
		}
		h.mustSee(formatCount(l.t.cursor+1) + "/230")
	})
}

// The first page shows without waiting for the count, which a common
// search term makes slow; until the count comes the total reads "100+".
// A first page that holds every row needs no count at all.
func TestPageShowsBeforeItsCount(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	f.manyClients(t, 130)
	h := signedInHarness(t, app, f.admin)
	h.mustSee("1/130")
	l := h.m.(*model).main.lists[tabClients]

	page := l.reload(0)().(pageMsg)
	if page.counted {
		t.Fatal("the page waited for the count")
	}
	_, count := h.m.Update(page)
	h.mustSee("1/100+")
	h.run(count, 0)
	h.mustSee("1/130")

	// Narrowed to one page: the page is the count.
	l.search.input.SetValue("client 129")
	page = l.setSearch("client 129")().(pageMsg)
	if _, cmd := h.m.Update(page); cmd != nil {
		if _, ok := cmd().(countMsg); ok {
			t.Fatal("a one-page result was counted")
		}
	}
	h.mustSee("1/1 ", "Client 129")
}

func TestTooSmallTerminal(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	h := signedInHarness(t, app, f.admin)
	h.send(tea.WindowSizeMsg{Width: 50, Height: 10})
	h.mustSee("terminal too small")
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.mustSee("1 Clients")
}

func TestNoColorKeepsSelectionMarker(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	app := newApp(t)
	f := newFixture(t, app)
	f.client(t, "Alice Martin", "alice@client.test")
	h := signedInHarness(t, app, f.admin)
	if raw := h.m.View().Content; strings.Contains(raw, "\x1b[38") {
		t.Fatal("colours drawn with NO_COLOR set")
	}
	if l := h.line("Alice Martin"); !strings.HasPrefix(l, "›") {
		t.Fatalf("selected row %q has no marker", l)
	}
}

func TestQuit(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	h := signedInHarness(t, app, f.admin)
	h.key("q")
	if !h.quit {
		t.Fatal("q did not quit")
	}
}
