package ui

import (
	"context"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

func (f *fixture) event(t testing.TB, contractID int64, name string, start time.Time) domain.Event {
	t.Helper()
	e, err := f.app.Events.Create(context.Background(), f.adminSess, domain.EventInput{
		ContractID: contractID, Name: name, StartAt: start, EndAt: start.Add(3 * time.Hour), Location: "Lyon", Attendees: 10,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestDetailScopesContractsAndEvents(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	alice := f.client(t, "Alice Martin", "alice@client.test")
	bob := f.client(t, "Bob Stone", "bob@client.test")
	ka := f.contract(t, alice.ID, 111100, 0, true)
	kb := f.contract(t, bob.ID, 222200, 0, true)
	soon := time.Now().Add(48 * time.Hour)
	f.event(t, ka.ID, "Alice Gala", soon)
	f.event(t, kb.ID, "Bob Party", soon.AddDate(0, 2, 0))
	h := signedInHarness(t, app, f.admin)

	// A client's contracts.
	h.key("enter")
	h.mustSee("Client Alice Martin", "c its contracts", "v its events")
	h.key("c")
	h.mustSee("1 111.00 €", "filter: Client Alice Martin", "1/1")
	h.mustNotSee("2 222.00 €")
	// The filter menu puts every contract back.
	h.key("f")
	h.key("enter")
	h.mustSee("1 111.00 €", "2 222.00 €", "1/2")

	// A contract's events.
	h.key("j")
	h.key("enter")
	h.mustSee("Contract #"+itoa(kb.ID), "v its events")
	h.key("v")
	h.mustSee("Bob Party", "1/1")
	h.mustNotSee("Alice Gala")

	// Events of the next seven days.
	h.key("f")
	h.mustSee("next 7 days", "next 30 days")
	for range 5 {
		h.key("down")
	}
	h.key("up")
	h.key("enter")
	h.mustSee("Alice Gala", "filter: next 7 days")
	h.mustNotSee("Bob Party")
}

func TestFormSurvivesAnEndedSession(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	h := signedInHarness(t, app, f.admin)
	h.key("n")
	h.mustSee("New client")
	h.typ("Carla Bruni")
	h.key("enter")
	h.typ("carla@music.test")
	h.key("enter")
	h.typ("06 11 22 33 44")
	h.key("enter")
	h.typ("Music SA")
	h.key("enter")

	// The session is revoked elsewhere (a logout on another terminal).
	time.Sleep(2 * time.Millisecond)
	sess, err := h.sessions.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Auth.Logout(context.Background(), sess); err != nil {
		t.Fatal(err)
	}
	h.key("enter") // the sales contact: save
	h.mustSee("Sign in", "your session has ended")

	// The same person signs in again: the form is back as typed.
	h.typ("admin")
	h.key("enter")
	h.typ(testPassword)
	h.key("enter")
	h.mustSee("New client", "not saved", "Carla Bruni", "carla@music.test", "Music SA")
	if n, _ := app.Clients.Count(context.Background(), f.adminSess, domain.ClientQuery{}); n != 0 {
		t.Fatalf("clients = %d before saving again", n)
	}
	for range 5 {
		h.key("enter")
	}
	h.mustSee("client Carla Bruni created")
}

func TestNewContractFromAClientsContracts(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	f.client(t, "Alice Martin", "alice@client.test")
	bob := f.client(t, "Bob Stone", "bob@client.test")
	h := signedInHarness(t, app, f.admin)
	h.key("j")
	h.key("enter")
	h.mustSee("Client Bob Stone")
	h.key("c")
	h.mustSee("filter: Client Bob Stone", "0/0")
	h.key("n")
	h.mustSee("New contract", "> Bob Stone")
	h.key("enter") // find: nothing to type
	h.key("enter") // the client, chosen already
	h.typ("1200")
	h.key("enter")
	h.key("enter") // due: the total
	h.key("enter") // signed: no
	h.mustSee("created", "1/1")
	p, err := app.Contracts.List(context.Background(), f.adminSess, domain.ContractQuery{ClientID: bob.ID})
	if err != nil || len(p.Items) != 1 || p.Items[0].TotalAmount != 120000 {
		t.Fatalf("Bob's contracts: %+v, %v", p.Items, err)
	}
}

func TestEditedRowLeavesAFilterItNoLongerMatches(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	c := f.client(t, "Alice Martin", "alice@client.test")
	f.contract(t, c.ID, 100000, 0, true)
	f.contract(t, c.ID, 333300, 0, false)
	h := signedInHarness(t, app, f.admin)
	h.key("2")
	h.key("f")
	h.key("down")
	h.key("enter") // unsigned
	h.mustSee("3 333.00 €", "filter: unsigned", "1/1")
	h.key("e")
	h.mustSee("Edit contract")
	for range 4 {
		h.key("enter")
	}
	h.key("left") // signed: yes
	h.key("enter")
	h.mustSee("saved", "0/0")
	h.mustNotSee("3 333.00 €")
}

func TestClientPickerSearchesTheDatabase(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	for i := range 60 {
		f.client(t, "Client "+itoa(int64(i)), "c"+itoa(int64(i))+"@client.test")
	}
	zoe := f.client(t, "Zoé Zimmer", "zoe@client.test") // sorts after the first 50
	h := signedInHarness(t, app, f.admin)
	h.key("2")
	h.key("n")
	h.mustSee("New contract", "Find a client", "Client 0")
	h.mustNotSee("Zoé Zimmer")
	h.typ("zoe")
	h.key("enter")
	h.mustSee("> Zoé Zimmer")
	h.key("enter")
	h.typ("900")
	h.key("enter")
	h.key("enter")
	h.key("enter")
	h.mustSee("created")
	p, err := app.Contracts.List(context.Background(), f.adminSess, domain.ContractQuery{ClientID: zoe.ID})
	if err != nil || len(p.Items) != 1 {
		t.Fatalf("Zoé's contracts: %+v, %v", p.Items, err)
	}
}

func TestEventContractPickerSearchesTheDatabase(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	many := f.client(t, "Alice Martin", "alice@client.test")
	for range 55 {
		f.contract(t, many.ID, 100000, 0, true)
	}
	zoe := f.client(t, "Zoé Zimmer", "zoe@client.test")
	k := f.contract(t, zoe.ID, 4200, 0, true)
	h := signedInHarness(t, app, f.admin)
	h.key("3")
	h.key("n")
	h.mustSee("New event", "Find a contract", "Alice Martin")
	h.mustNotSee("Zoé Zimmer")
	h.typ("zimmer")
	h.key("enter")
	h.mustSee("> #" + itoa(k.ID) + " Zoé Zimmer")
}
