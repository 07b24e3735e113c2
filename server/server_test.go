package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/server"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

func TestPasswordSignIn(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, nil)
		c := w.dial(nil, true)
		c.login("sam", "wrong password")
		c.waitFor("invalid username or password")
		c = w.dial(nil, true)
		c.login("sam", testPassword)
		c.waitFor("sam · Sales")
		c.waitFor("no clients")
	})
}

func TestNoTerminalRefused(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t), nil)
	c := w.dial(nil, false)
	c.waitEnd()
	if got := c.text(); got != "epic-tui needs a terminal: connect with ssh -t\n" {
		t.Errorf("without a PTY the session said %q", got)
	}
}

func TestMaxSessions(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t), func(c *server.Config) { c.MaxSessions = 1 })
	first := w.dial(nil, true)
	first.waitFor("Username or email")
	second := w.dial(nil, true)
	second.waitEnd()
	second.waitFor("the server has reached its 1 sessions at once; try again in a few minutes")
	first.login("sam", testPassword)
	first.waitFor("sam · Sales")
}

func TestIdleTimeout(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t), func(c *server.Config) { c.IdleTimeout = 300 * time.Millisecond })
	c := w.dial(nil, true)
	c.waitFor("Username or email")
	c.waitEnd()
	c.waitFor("session closed after 300ms without a key pressed")
}

func TestGracefulStopWithFormOpen(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, nil)
		c := w.dial(nil, true)
		c.login("sam", testPassword)
		c.waitFor("no clients")
		c.typeText("n")
		c.waitFor("Full name")
		c.typeText("Kept Client\rkept@epic.test\r0612345678\r")
		c.waitFor("Company")
		stopped := make(chan error, 1)
		go func() { stopped <- w.srv.Shutdown(context.Background()) }()
		c.waitFor("the server is stopping")
		c.typeText("Kept SA\r")
		c.waitEnd()
		if err := <-stopped; err != nil {
			t.Fatal(err)
		}
		page, err := w.app.Clients.List(context.Background(), w.adminSess, domain.ClientQuery{})
		if err != nil || len(page.Items) != 1 || page.Items[0].FullName != "Kept Client" {
			t.Fatalf("after the stop the clients are %+v (%v), want the one saved", page.Items, err)
		}
	})
}
