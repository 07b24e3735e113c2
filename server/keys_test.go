package server_test

import (
	"context"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
)

// authorizedLine is the authorized_keys line of a client key.
func authorizedLine(k gossh.Signer) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.PublicKey())))
}

func TestKeySignIn(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, nil)
		key := newKey(t)
		salesSess := domain.Session{UserID: w.sales.ID, Role: w.sales.Role, ValidAfter: w.sales.TokensValidAfter}
		if _, err := w.app.SSHKeys.Add(context.Background(), salesSess, authorizedLine(key), "laptop"); err != nil {
			t.Fatal(err)
		}
		c := w.dial(key, true)
		c.waitFor("sam · Sales")
		c.waitFor("no clients")
		if strings.Contains(c.text(), "Username or email") {
			t.Error("a registered key met the login screen")
		}

		// Another key meets the login screen, and a wrong password the
		// generic sentence.
		other := w.dial(newKey(t), true)
		other.login("sam", "wrong password")
		other.waitFor("invalid username or password")
	})
}

func TestKeyOfferedAfterPasswordSignIn(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, nil)
		key := newKey(t)
		c := w.dial(key, true)
		c.login("sam", testPassword)
		c.waitFor("Sign in with your SSH key next time?")
		c.waitFor(gossh.FingerprintSHA256(key.PublicKey()))
		c.typeText("y")
		c.waitFor("no clients")

		again := w.dial(key, true)
		again.waitFor("sam · Sales")

		// The keys screen lists it and deletes it.
		again.typeText("K")
		again.waitFor("Your SSH keys")
		again.waitFor(gossh.FingerprintSHA256(key.PublicKey()))
		again.typeText("d")
		again.waitFor("It will no longer sign you in. y/n")
		again.typeText("y")
		again.waitFor("deleted " + gossh.FingerprintSHA256(key.PublicKey()))
		keys, err := w.app.SSHKeys.List(context.Background(), w.adminSess, w.sales.ID)
		if err != nil || len(keys) != 0 {
			t.Fatalf("keys left after the delete: %+v, %v", keys, err)
		}
	})
}

func TestDeactivatedUserCutOff(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, nil)
		key := newKey(t)
		salesSess := domain.Session{UserID: w.sales.ID, Role: w.sales.Role, ValidAfter: w.sales.TokensValidAfter}
		if _, err := w.app.SSHKeys.Add(context.Background(), salesSess, authorizedLine(key), ""); err != nil {
			t.Fatal(err)
		}
		c := w.dial(key, true)
		c.waitFor("no clients")
		s := w.sales
		if _, err := w.app.Users.Update(context.Background(), w.adminSess, s.ID, s.Version, domain.UserChanges{
			EmployeeNumber: s.EmployeeNumber, FullName: s.FullName, Username: s.Username, Email: s.Email, Role: s.Role, Active: false,
		}); err != nil {
			t.Fatal(err)
		}
		c.typeText("r")
		c.waitFor("your account has been deactivated")
		c.waitFor("Username or email")

		// The key no longer opens anything.
		again := w.dial(key, true)
		again.waitFor("Username or email")
	})
}
