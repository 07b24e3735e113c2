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

func TestThrottledOverSSH(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t), nil)
	for range domain.ThrottleAfter {
		c := w.dial(nil, true)
		c.login("sam", "wrong password")
		c.waitFor("invalid username or password")
	}
	c := w.dial(nil, true)
	c.login("sam", testPassword)
	c.waitFor("invalid username or password; too many attempts, try again in")
}

func TestSalesScopedEdit(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, nil)
		ctx := context.Background()
		sally, err := w.app.Users.Create(ctx, w.adminSess, domain.NewUser{FullName: "Sally Seller", Username: "sally",
			Email: "sally@epic.test", Role: domain.RoleSales, Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name  string
			sales int64
		}{{"Other Client", sally.ID}, {"Own Client", w.sales.ID}} {
			if _, err := w.app.Clients.Create(ctx, w.adminSess, domain.ClientInput{FullName: c.name, Email: c.name[:3] + "@epic.test",
				Phone: "0612345678", SalesContactID: c.sales}); err != nil {
				t.Fatal(err)
			}
		}
		c := w.dial(nil, true)
		c.login("sam", testPassword)
		c.waitFor("Own Client")
		c.typeText("e")
		c.waitFor("you can only update clients you are the sales contact of")
		c.typeText("j")
		c.typeText("e")
		c.waitFor("Full name")
		c.typeText(" Renamed\r\r\r\r")
		c.waitFor("saved")
		page, err := w.app.Clients.List(ctx, w.adminSess, domain.ClientQuery{PageQuery: domain.PageQuery{Search: "Renamed"}})
		if err != nil || len(page.Items) != 1 || page.Items[0].SalesContactID != w.sales.ID {
			t.Fatalf("after the edit: %+v, %v", page.Items, err)
		}
	})
}

func TestStopEndsUnsavedFormAfterDrain(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t), func(c *server.Config) { c.DrainTimeout = 300 * time.Millisecond })
	c := w.dial(nil, true)
	c.login("sam", testPassword)
	c.waitFor("no clients")
	c.typeText("n")
	c.waitFor("Full name")
	c.typeText("Never Saved")
	if err := w.srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.waitEnd()
	c.waitFor("the server stopped")
}
