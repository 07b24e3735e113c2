package server_test

import (
	"context"
	"testing"

	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

// addClient creates a client through the form of a session on the clients
// tab.
func addClient(c *client, name string) {
	c.t.Helper()
	c.typeText("n")
	c.waitFor("Full name")
	c.typeText(name + "\r" + "kept@epic.test\r0612345678\r" + name + " SA\r")
}

func TestChangeSeenByOtherSessions(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, nil)
		writer, reader := w.dial(nil, true), w.dial(nil, true)
		writer.login("sam", testPassword)
		reader.login("admin", testPassword)
		writer.waitFor("no clients")
		reader.waitFor("no clients")
		reader.mark()
		addClient(writer, "Shown Elsewhere")
		reader.waitFor("Shown Elsewhere")
	})
}

func TestChangeSeenThroughAnotherServer(t *testing.T) {
	db, dbURL := storetest.OpenEmpty(t, store.Postgres)
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := newWorld(t, db, nil)
	second := first.another(dbURL)
	writer, reader := first.dial(nil, true), second.dial(nil, true)
	writer.login("sam", testPassword)
	reader.login("admin", testPassword)
	writer.waitFor("no clients")
	reader.waitFor("no clients")
	reader.mark()
	addClient(writer, "Across Servers")
	reader.waitFor("Across Servers")
}
