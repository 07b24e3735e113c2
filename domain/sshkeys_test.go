package domain_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/epicevents/epic-tui/domain"
)

// newKeyLine makes an ed25519 key and returns its authorized_keys line,
// with comment, and its fingerprint.
func newKeyLine(t *testing.T, comment string) (line, fingerprint string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k))) + " " + comment, ssh.FingerprintSHA256(k)
}

func TestSSHKeySignIn(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		line, fp := newKeyLine(t, "sam@laptop")
		k, err := w.app.SSHKeys.Add(w.ctx, w.as("sales"), line, "")
		ok(t, err)
		if k.Fingerprint != fp || k.Name != "sam@laptop" || k.UserID != w.users["sales"].ID {
			t.Fatalf("added %+v", k)
		}
		u, err := w.app.SSHKeys.SignIn(w.ctx, fp)
		ok(t, err)
		if u.ID != w.users["sales"].ID {
			t.Fatalf("the key signed in user %d", u.ID)
		}
		_, other := newKeyLine(t, "")
		_, err = w.app.SSHKeys.SignIn(w.ctx, other)
		wantKind(t, err, domain.ErrUnauthenticated, "not registered")

		_, err = w.app.SSHKeys.Add(w.ctx, w.as("sales2"), line, "")
		wantKind(t, err, domain.ErrDuplicate, "registered already")

		s := w.users["sales"]
		cur, err := w.db.User(w.ctx, s.ID)
		ok(t, err)
		_, err = w.app.Users.Update(w.ctx, w.as("admin"), s.ID, cur.Version, domain.UserChanges{
			EmployeeNumber: cur.EmployeeNumber, FullName: cur.FullName, Username: cur.Username, Email: cur.Email, Role: cur.Role, Active: false,
		})
		ok(t, err)
		_, err = w.app.SSHKeys.SignIn(w.ctx, fp)
		wantKind(t, err, domain.ErrUnauthenticated, "deactivated")
	})
}

func TestSSHKeyPermissions(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		add := func(who string) domain.SSHKey {
			t.Helper()
			line, _ := newKeyLine(t, who)
			k, err := w.app.SSHKeys.Add(w.ctx, w.as(who), line, "")
			ok(t, err)
			return k
		}
		salesKey, supportKey := add("sales"), add("support")
		audits := w.auditCount()

		_, err := w.app.SSHKeys.List(w.ctx, w.as("sales"), w.users["support"].ID)
		wantKind(t, err, domain.ErrForbidden, "your own SSH keys")
		err = w.app.SSHKeys.Delete(w.ctx, w.as("sales"), supportKey.ID)
		wantKind(t, err, domain.ErrForbidden, "your own SSH keys")
		if w.auditCount() != audits {
			t.Fatal("a refused delete was audited")
		}

		keys, err := w.app.SSHKeys.List(w.ctx, w.as("sales"), w.users["sales"].ID)
		ok(t, err)
		if len(keys) != 1 || keys[0].ID != salesKey.ID {
			t.Fatalf("own keys %+v", keys)
		}
		ok(t, w.app.SSHKeys.Delete(w.ctx, w.as("sales"), salesKey.ID))
		ok(t, w.app.SSHKeys.Delete(w.ctx, w.as("management"), supportKey.ID))
		if got := w.auditCount() - audits; got != 2 {
			t.Fatalf("%d audit rows for two deletes", got)
		}
		for _, who := range []string{"admin", "management"} {
			_, err := w.app.SSHKeys.List(w.ctx, w.as(who), w.users["support"].ID)
			ok(t, err)
		}
		if n := w.rowCount("ssh_keys"); n != 0 {
			t.Fatalf("%d keys left", n)
		}

		_, err = w.app.SSHKeys.Add(w.ctx, w.as("sales"), "not a key", "")
		wantKind(t, err, domain.ErrInvalid, "not an SSH public key")
	})
}
