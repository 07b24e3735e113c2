package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store/storetest"
)

func TestHistoryKeyShowsChanges(t *testing.T) {
	db := storetest.OpenSQLite(t)
	app := appOn(t, db)
	f := newFixture(t, app)
	c := f.client(t, "Alice Martin", "alice@client.test")
	k := f.contract(t, c.ID, 150000, 150000, true)
	if _, err := app.Contracts.RecordPayment(context.Background(), f.adminSess, k.ID, 50000, ""); err != nil {
		t.Fatal(err)
	}
	// Stored text is drawn harmless, whoever wrote it.
	if err := db.InsertAudit(context.Background(), &domain.AuditEntry{Actor: "script\x1b[8m", Entity: domain.EntityClient,
		EntityID: c.ID, Action: domain.ActionUpdate, Changes: `{"company_name":["Alice SA","Hid\u001b[8mden"]}`}); err != nil {
		t.Fatal(err)
	}
	h := signedInHarness(t, app, f.admin)
	h.mustSee("Alice Martin")
	if !strings.Contains(h.footer(), "h history") {
		t.Fatalf("footer lacks h: %q", h.footer())
	}
	h.key("h")
	h.mustSee("History of client Alice Martin (#"+itoa(c.ID)+")", "script␛[8m", "company name: Alice SA → Hid␛[8mden",
		"admin", "created", "full name: Alice Martin", "sales contact: Sam Person (#")
	if strings.Contains(h.m.View().Content, "\x1b[8m") {
		t.Fatal("an escape sequence from the database reached the screen")
	}
	h.key("esc")
	h.mustNotSee("History of")
	if l := h.line("Alice Martin"); !strings.HasPrefix(l, "›") {
		t.Fatalf("back from the history, the row is not selected: %q", l)
	}

	// From the details of a contract: its payment, then back to the details.
	h.key("2")
	h.key("enter")
	h.mustSee("Contract #" + itoa(k.ID))
	h.key("h")
	h.mustSee("History of contract #"+itoa(k.ID), "payment of 500.00 €", "amount due: 1 500.00 € → 1 000.00 €", "created")
	h.key("esc")
	h.mustSee("Contract #" + itoa(k.ID))
	h.mustNotSee("History of")

	// Paged like the tables: pgdown for older changes, pgup back.
	for range domain.DefaultPageSize {
		if err := db.InsertAudit(context.Background(), &domain.AuditEntry{Actor: "bulk", Entity: domain.EntityContract,
			EntityID: k.ID, Action: domain.ActionUpdate, Changes: `{"total_amount":[150000,150000]}`}); err != nil {
			t.Fatal(err)
		}
	}
	h.key("h")
	h.mustSee("page 1 · pgdown for older changes")
	h.mustNotSee("payment of")
	h.key("pgdown")
	h.mustSee("page 2", "payment of 500.00 €", "created")
	h.key("pgup")
	h.mustSee("page 1 · pgdown")
}
