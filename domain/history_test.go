package domain_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/epicevents/epic-tui/domain"
)

// historyText writes a page as lines "what: field old → new; …", to
// compare with what a test expects.
func historyText(p domain.HistoryPage) []string {
	var out []string
	for _, e := range p.Entries {
		var parts []string
		for _, c := range e.Changes {
			parts = append(parts, fmt.Sprintf("%s %s → %s", c.Field, c.Old, c.New))
		}
		line := e.Actor + " " + e.What
		if e.Amount != 0 {
			line += " " + domain.FormatAmount(e.Amount)
		}
		out = append(out, line+": "+strings.Join(parts, "; "))
	}
	return out
}

func TestHistoryShowsPaymentsAndReassignments(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		c := w.newClient("sales")
		c, err := w.app.Clients.Update(w.ctx, w.as("admin"), c.ID, c.Version, domain.ClientInput{
			FullName: c.FullName, Email: c.Email, Phone: c.Phone, CompanyName: c.CompanyName, SalesContactID: w.users["sales2"].ID})
		ok(t, err)
		p, err := w.app.History(w.ctx, w.as("sales"), domain.HistoryQuery{Entity: domain.EntityClient, ID: c.ID})
		ok(t, err)
		got := historyText(p)
		if len(got) != 2 || got[0] != "admin changed: sales contact Sam Sales (#3) → Sally Seller (#4)" ||
			!strings.HasPrefix(got[1], "admin created: company name  → Co sales; email  → client1@example.com; full name  → Client sales; phone  → +33 6 12 34 56 78;") {
			t.Fatalf("client history, newest first:\n%s", strings.Join(got, "\n"))
		}

		k := w.newContract(c.ID, false)
		k, err = w.app.Contracts.Update(w.ctx, w.as("management"), k.ID, k.Version, domain.ContractInput{
			ClientID: c.ID, TotalAmount: k.TotalAmount, AmountDue: k.AmountDue, Signed: true})
		ok(t, err)
		_, err = w.app.Contracts.RecordPayment(w.ctx, w.as("management"), k.ID, 15000, "")
		ok(t, err)
		p, err = w.app.History(w.ctx, w.as("support"), domain.HistoryQuery{Entity: domain.EntityContract, ID: k.ID})
		ok(t, err)
		got = historyText(p)
		want := []string{
			"management payment 150.00 €: amount due 400.00 € → 250.00 €",
			"management signed: signed no → yes",
			"admin created: amount due  → 400.00 €; client  → #" + fmt.Sprint(c.ID) + "; signed  → no; total amount  → 1 000.00 €",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("contract history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}

		// An event's support is assigned; a support user reads its history.
		e := w.newEvent(k.ID, "")
		in := eventInput(k.ID, w.clock.Now())
		sup := w.users["support"].ID
		in.SupportContactID = &sup
		_, err = w.app.Events.Update(w.ctx, w.as("management"), e.ID, e.Version, in)
		ok(t, err)
		p, err = w.app.History(w.ctx, w.as("support2"), domain.HistoryQuery{Entity: domain.EntityEvent, ID: e.ID})
		ok(t, err)
		got = historyText(p)
		if len(got) != 2 || got[0] != "management changed: support contact  → Sue Support (#5)" || p.Entries[1].What != domain.HistoryCreated {
			t.Fatalf("event history:\n%s", strings.Join(got, "\n"))
		}
		for _, c := range p.Entries[1].Changes {
			if c.Field == "start at" && (!c.Time || c.New == "") {
				t.Fatalf("event start in history: %+v", c)
			}
		}
	})
}

func TestHistoryNeverShowsSecrets(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		_, err := w.app.Auth.ChangePassword(w.ctx, w.as("sales"), testPassword, "another pass 1", "")
		ok(t, err)
		// Another program may write what the services never do.
		ok(t, w.db.InsertAudit(w.ctx, &domain.AuditEntry{Actor: "script", Entity: domain.EntityUser, EntityID: w.users["sales"].ID,
			Action: domain.ActionUpdate, Changes: `{"password_hash":["$argon2id$v=19$m=65536,t=3,p=4$old","$argon2id$v=19$m=65536,t=3,p=4$new"],` +
				`"full_name":["$argon2id$v=19$x","Sam Sales"]}`}))
		p, err := w.app.History(w.ctx, w.as("support"), domain.HistoryQuery{Entity: domain.EntityUser, ID: w.users["sales"].ID})
		ok(t, err)
		got := strings.Join(historyText(p), "\n")
		if strings.Contains(got, "argon2") || strings.Contains(got, "another pass") || strings.Contains(got, "hash") ||
			len(p.Entries) != 3 || p.Entries[1].What != domain.HistoryPassword || len(p.Entries[1].Changes) != 0 {
			t.Fatalf("user history:\n%s", got)
		}
	})
}

func TestHistoryPagesAndRefusals(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		c := w.newClient("sales")
		for i := range 5 {
			var err error
			c, err = w.app.Clients.Update(w.ctx, w.as("sales"), c.ID, c.Version, domain.ClientInput{
				FullName: fmt.Sprintf("Name %d", i), Email: c.Email, Phone: c.Phone, CompanyName: c.CompanyName})
			ok(t, err)
		}
		// Six entries, two to a page, newest first, no entry twice.
		var seen []string
		q := domain.HistoryQuery{Entity: domain.EntityClient, ID: c.ID, Limit: 2}
		for range 3 {
			p, err := w.app.History(w.ctx, w.as("support"), q)
			ok(t, err)
			if len(p.Entries) != 2 {
				t.Fatalf("page of %d entries", len(p.Entries))
			}
			for _, e := range p.Entries {
				seen = append(seen, e.What+" "+e.Changes[0].New)
			}
			q.Before = p.Next
		}
		if q.Before != 0 || seen[0] != "changed Name 4" || seen[4] != "changed Name 0" || !strings.HasPrefix(seen[5], "created") {
			t.Fatalf("pages: %q, next %d", seen, q.Before)
		}

		// A record that never was, and one deleted: refused with a
		// sentence, but an administrator still reads a deleted one's.
		_, err := w.app.History(w.ctx, w.as("admin"), domain.HistoryQuery{Entity: domain.EntityClient, ID: 9999})
		wantKind(t, err, domain.ErrNotFound, "there is no client #9999")
		ok(t, w.app.Clients.Delete(w.ctx, w.as("admin"), c.ID, c.Version, ""))
		_, err = w.app.History(w.ctx, w.as("sales"), domain.HistoryQuery{Entity: domain.EntityClient, ID: c.ID})
		wantKind(t, err, domain.ErrNotFound, "deleted")
		p, err := w.app.History(w.ctx, w.as("admin"), domain.HistoryQuery{Entity: domain.EntityClient, ID: c.ID})
		ok(t, err)
		if len(p.Entries) != 7 || p.Entries[0].What != domain.HistoryDeleted || p.Entries[0].Changes[0].Old == "" {
			t.Fatalf("deleted client's history: %+v", p.Entries[0])
		}
		_, err = w.app.History(w.ctx, w.as("admin"), domain.HistoryQuery{Entity: "invoice", ID: 1})
		wantKind(t, err, domain.ErrInvalid, "no history")
		_, err = w.app.History(w.ctx, domain.Session{}, domain.HistoryQuery{Entity: domain.EntityClient, ID: 1})
		wantKind(t, err, domain.ErrUnauthenticated, "")
	})
}
