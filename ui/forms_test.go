package ui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

func TestEditConflictReloadsAndKeepsEdits(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	c := f.client(t, "Alice Martin", "alice@client.test")
	h := signedInHarness(t, app, f.admin)
	h.key("e")
	h.mustSee("Edit client Alice Martin")

	// Someone else changes the phone meanwhile.
	if _, err := app.Clients.Update(context.Background(), f.adminSess, c.ID, c.Version, domain.ClientInput{
		FullName: c.FullName, Email: c.Email, Phone: "06 98 76 54 32", CompanyName: c.CompanyName, SalesContactID: c.SalesContactID,
	}); err != nil {
		t.Fatal(err)
	}
	h.typ(" Jr")
	for range 5 {
		h.key("enter")
	}
	h.mustSee("changed by someone else — reloaded", "Alice Martin Jr", "+33 6 98 76 54 32")

	for range 5 {
		h.key("enter")
	}
	h.mustSee("client Alice Martin Jr: saved")
	d, err := app.Clients.Get(context.Background(), f.adminSess, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Client.FullName != "Alice Martin Jr" || d.Client.Phone != "+33698765432" {
		t.Fatalf("saved %q %q", d.Client.FullName, d.Client.Phone)
	}
}

func TestRecordPayment(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	c := f.client(t, "Alice Martin", "alice@client.test")
	f.contract(t, c.ID, 100000, 100000, true)
	h := signedInHarness(t, app, f.admin)
	h.key("2")
	h.key("p")
	h.mustSee("Record a payment", "due: 1 000.00 €")
	h.typ("250,50")
	h.key("enter")
	h.mustSee("payment recorded", "749.50 €")
}

func TestSupportEditsOnlyTheirEventFields(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	ctx := context.Background()
	support := f.user(t, "suzy", domain.RoleSupport)
	other := f.user(t, "otto", domain.RoleSupport)
	c := f.client(t, "Alice Martin", "alice@client.test")
	k := f.contract(t, c.ID, 100000, 0, true)
	start := time.Date(2030, 6, 1, 14, 0, 0, 0, time.UTC)
	mk := func(name string, who int64) domain.Event {
		e, err := app.Events.Create(ctx, f.adminSess, domain.EventInput{
			ContractID: k.ID, Name: name, StartAt: start, EndAt: start.Add(4 * time.Hour),
			Location: "Paris", Attendees: 50, SupportContactID: &who,
		})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	mk("Mine Gala", support.ID)
	mk("Their Gala", other.ID)

	h := signedInHarness(t, app, support)
	h.key("3")
	h.mustSee("Mine Gala", "Their Gala")
	if foot := h.footer(); !strings.Contains(foot, "e edit") || strings.Contains(foot, "n new") {
		t.Fatalf("support footer on own event: %q", foot)
	}
	h.key("j")
	h.key("e")
	h.mustSee("you can only update events you are the support contact of")
	h.key("k")
	h.key("e")
	h.mustSee("Edit event Mine Gala", "you can change dates, location, attendees and notes")
	h.mustNotSee("Contract (signed)", "Support contact")
	h.key("enter") // start (the read-only note is skipped)
	h.key("enter") // end
	h.typ(" Nord")
	h.key("enter")
	h.key("enter") // attendees
	h.key("tab")   // notes
	h.mustSee("Paris Nord")
}

func TestChangeOwnPasswordKeepsSession(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	h := signedInHarness(t, app, f.sales)
	h.key("4")
	if foot := h.footer(); !strings.Contains(foot, "P my password") || strings.Contains(foot, "e edit") {
		t.Fatalf("sales footer on users: %q", foot)
	}
	h.key("P")
	h.mustSee("Change my password")
	for _, v := range []string{testPassword, "brand-new-pass", "brand-new-pass"} {
		h.typ(v)
		h.key("enter")
	}
	h.mustSee("password changed")
	if _, err := app.Auth.Login(context.Background(), "sam", "brand-new-pass"); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
	h.key("r")
	h.mustSee("sam · Sales")
	h.mustNotSee("Sign in")
}

func TestManagementCannotEditAdmin(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	boss := f.user(t, "boss", domain.RoleManagement)
	h := signedInHarness(t, app, boss)
	h.key("4")
	h.mustSee("admin")
	h.key("e") // the first row is the administrator
	h.mustSee("only an administrator can update an administrator")
}

func TestSalesCreatesEventForOwnContract(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	c := f.client(t, "Alice Martin", "alice@client.test")
	f.contract(t, c.ID, 100000, 0, true)
	h := signedInHarness(t, app, f.sales)
	h.key("3")
	h.key("n")
	h.mustSee("New event", "Contract (signed)", "Alice Martin")
	h.mustNotSee("Support contact")
	h.key("enter") // find: nothing to type
	h.key("enter") // the only contract
	for _, v := range []string{"Summer Gala", "2030-06-01 14:00", "2030-06-01 13:00"} {
		h.typ(v)
		h.key("enter")
	}
	// An end before the start is caught as the field is left.
	h.mustSee("the event must end after it starts", "Summer Gala")

	// The focus stays on the end date, the field in error.
	for range len("13:00") {
		h.key("backspace")
	}
	h.typ("23:00")
	h.key("enter")
	for _, v := range []string{"Lyon", "120"} {
		h.typ(v)
		h.key("enter")
	}
	h.key("enter") // notes: submit
	h.mustSee("event Summer Gala created", "Summer Gala", "Lyon")
}

// lostAnswers is a real store whose next writes commit but whose answers
// are lost on the way back, as when the connection drops just after COMMIT.
type lostAnswers struct {
	*store.DB
	lose atomic.Int32 // answers still to lose
}

func (s *lostAnswers) InTx(ctx context.Context, fn func(q domain.Queries) error) error {
	err := s.DB.InTx(ctx, fn)
	if err == nil && s.lose.Add(-1) >= 0 {
		return domain.NewError(domain.ErrUnavailable, "", "the database cannot be reached: connection reset by peer")
	}
	return err
}

// A save that committed but whose answer never came back looks failed; the
// person saves again, and still gets one contract, not two.
func TestSavingAgainAfterALostAnswerMakesOneRecord(t *testing.T) {
	db := &lostAnswers{DB: storetest.OpenSQLite(t)}
	app := appOn(t, db)
	f := newFixture(t, app)
	f.client(t, "Alice Martin", "alice@client.test")
	h := signedInHarness(t, app, f.admin)
	h.key("2")
	h.key("n")
	h.mustSee("New contract", "> Alice Martin")
	h.key("enter") // find: nothing to type
	h.key("enter") // the only client
	h.typ("1200")
	h.key("enter")
	h.key("enter") // due: the total
	db.lose.Store(1)
	h.key("enter") // signed: no; saves
	h.mustSee("New contract", "cannot be reached", "1200")

	for range 5 { // through the kept values to save again
		h.key("enter")
	}
	h.mustSee("created", "1/1")
	n, err := app.Contracts.Count(context.Background(), f.adminSess, domain.ContractQuery{})
	if err != nil || n != 1 {
		t.Fatalf("%d contracts after saving one form twice (%v), want 1", n, err)
	}
}

// A payment that committed but whose answer never came back looks failed;
// the person saves again, and 10.00 is taken off once, not twice.
func TestPayingAgainAfterALostAnswerPaysOnce(t *testing.T) {
	db := &lostAnswers{DB: storetest.OpenSQLite(t)}
	app := appOn(t, db)
	f := newFixture(t, app)
	c := f.client(t, "Alice Martin", "alice@client.test")
	k := f.contract(t, c.ID, 100000, 100000, true)
	h := signedInHarness(t, app, f.admin)
	h.key("2")
	h.key("p")
	h.typ("10")
	db.lose.Store(1)
	h.key("enter")
	h.mustSee("Record a payment", "cannot be reached")
	h.key("enter")
	h.mustSee("payment recorded", "990.00 €")
	d, err := app.Contracts.Get(context.Background(), f.adminSess, k.ID)
	if err != nil || d.Contract.AmountDue != 99000 {
		t.Fatalf("due %d after paying 10.00 twice over a lost answer (%v), want 99000", d.Contract.AmountDue, err)
	}
}

// A paste holding an escape or a bidi control is refused with a sentence
// naming the field, instead of being saved without the characters the input
// would drop; an ordinary paste goes in, and the message goes at the next key.
func TestPasteWithControlCharactersIsRefused(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	h := signedInHarness(t, app, f.admin)
	h.key("n")
	h.mustSee("New client", "Full name")
	h.send(tea.PasteMsg{Content: "Carla\x1b[8m Bruni"})
	h.mustSee("nothing was pasted", "full name cannot take a control character")
	h.mustNotSee("Carla")
	h.key("x")
	h.mustNotSee("nothing was pasted")
	h.key("backspace")
	h.send(tea.PasteMsg{Content: "Carla \u202eBruni"})
	h.mustSee("nothing was pasted", "full name cannot take a character that reverses")
	h.send(tea.PasteMsg{Content: "Carla Bruni"})
	h.mustNotSee("nothing was pasted")
	h.mustSee("Carla Bruni")
}
