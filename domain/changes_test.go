package domain_test

import (
	"errors"
	"testing"

	"github.com/epicevents/epic-tui/domain"
)

// The change mark moves on every create, update and delete, whoever made
// them, and is read only by someone signed in.
func TestLatestChangeMovesOnEveryWrite(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		mark := func() int64 {
			t.Helper()
			m, err := w.app.LatestChange(w.ctx, w.as("support"), domain.EntityEvent)
			ok(t, err)
			return m
		}
		before := mark()
		if again := mark(); again != before {
			t.Fatalf("the mark moved from %d to %d with nothing written", before, again)
		}
		c := w.newClient("sales")
		created := mark()
		if created == before {
			t.Fatal("the mark did not move on a create")
		}
		c, err := w.app.Clients.Update(w.ctx, w.as("sales"), c.ID, c.Version, domain.ClientInput{FullName: "Renamed", Email: c.Email, Phone: c.Phone, CompanyName: c.CompanyName})
		ok(t, err)
		updated := mark()
		if updated == created {
			t.Fatal("the mark did not move on an update")
		}
		ok(t, w.app.Clients.Delete(w.ctx, w.as("admin"), c.ID, c.Version, ""))
		if mark() == updated {
			t.Fatal("the mark did not move on a delete")
		}
		if _, err := w.app.LatestChange(w.ctx, domain.Session{UserID: 999999, Role: domain.RoleAdmin}, domain.EntityEvent); !errors.Is(err, domain.ErrUnauthenticated) {
			t.Fatalf("a session of nobody read the mark: %v", err)
		}
	})
}
