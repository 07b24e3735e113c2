package domain_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store/storetest"
)

// countingHasher is the real hasher, counting the hash verifications a
// login runs (Waste runs one, against a dummy hash).
type countingHasher struct {
	*auth.Argon2
	verified int
}

func (h *countingHasher) Verify(password, hash string) (bool, bool, error) {
	h.verified++
	return h.Argon2.Verify(password, hash)
}

func (h *countingHasher) Waste(password string) {
	h.verified++
	h.Argon2.Waste(password)
}

// throttleState is what the throttle holds for a name: the failures
// counted and the lock, as stored.
type throttleState struct {
	failures int
	locked   string
}

func (w *world) accountThrottle(username string) throttleState {
	w.t.Helper()
	u, err := w.db.User(w.ctx, w.users[username].ID)
	if err != nil {
		w.t.Fatal(err)
	}
	st := throttleState{failures: u.FailedLogins}
	if u.LockedUntil != nil {
		st.locked = u.LockedUntil.UTC().Format(time.RFC3339Nano)
	}
	return st
}

func (w *world) unknownThrottle(folded string) throttleState {
	w.t.Helper()
	sum := sha256.Sum256([]byte(folded))
	var rows []struct {
		Failures int        `db:"failed_logins"`
		Locked   *time.Time `db:"locked_until"`
	}
	err := w.db.SQL().SelectContext(w.ctx, &rows, w.db.SQL().Rebind(
		"SELECT failed_logins, locked_until FROM unknown_logins WHERE login_hash = ?"), hex.EncodeToString(sum[:]))
	if err != nil {
		w.t.Fatal(err)
	}
	var st throttleState
	if len(rows) == 1 {
		st.failures = rows[0].Failures
		if rows[0].Locked != nil {
			st.locked = rows[0].Locked.UTC().Format(time.RFC3339Nano)
		}
	}
	return st
}

// answer is what one login attempt tells the person, and what it cost.
type answer struct {
	msg      string
	verified int
}

// Two names, one of an account and one of nobody, go through the same
// attempts: every answer, every count of hash verifications and every
// stored throttle state is the same, from the first attempt on, through a
// lock, attempts while locked (the right password included) and after it.
func TestUnknownAndKnownNamesLookAlike(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		argon, err := auth.NewArgon2WithParams(auth.TestParams)
		ok(t, err)
		h := &countingHasher{Argon2: argon}
		app, err := domain.New(w.ctx, domain.Deps{Store: w.db, Hasher: h, Now: w.clock.Now})
		ok(t, err)
		try := func(name, password string) answer {
			before := h.verified
			_, err := app.Auth.Login(w.ctx, name, password)
			if err == nil {
				t.Fatalf("%s signed in", name)
			}
			return answer{err.Error(), h.verified - before}
		}
		// The account is typed by username and by email: one count. The
		// unknown name is typed with other cases and accents: one count.
		known := []string{"sales", "SALES@epic.test", "Sales"}
		unknown := []string{"nobody", "NOBODY", "nöbody"}
		step := 0
		same := func(what string, knownPassword string) {
			t.Helper()
			i := step % len(known)
			step++
			k, u := try(known[i], knownPassword), try(unknown[i], "wrong password")
			if k != u {
				t.Fatalf("%s: the account answers %+v, the unknown name %+v", what, k, u)
			}
			if k.verified != 1 {
				t.Fatalf("%s: %d hash verifications, want 1", what, k.verified)
			}
			if ks, us := w.accountThrottle("sales"), w.unknownThrottle("nobody"); ks != us {
				t.Fatalf("%s: the account's throttle holds %+v, the unknown name's %+v", what, ks, us)
			}
		}
		for i := range domain.ThrottleAfter {
			same(fmt.Sprintf("failure %d", i+1), "wrong password")
		}
		if st := w.accountThrottle("sales"); st.failures != domain.ThrottleAfter || st.locked == "" {
			t.Fatalf("after %d failures the throttle holds %+v, want a lock", domain.ThrottleAfter, st)
		}
		// Attempts while locked are refused and not counted, whichever
		// name: the right password too.
		same("while locked", "wrong password")
		w.clock.Advance(time.Second)
		same("while locked, the right password", testPassword)
		w.clock.Advance(domain.BaseLockout)
		same("after the lock", "wrong password")
		if st := w.accountThrottle("sales"); st.failures != domain.ThrottleAfter+1 {
			t.Fatalf("failures while locked were counted: %+v", st)
		}
		// The lock grows with each failure after one, up to MaxLockout.
		var th *domain.ThrottledError
		for range 20 {
			w.clock.Advance(domain.MaxLockout)
			_, err = app.Auth.Login(w.ctx, "sales", "wrong password")
		}
		if !errors.As(err, &th) || th.RetryAfter != domain.MaxLockout {
			t.Fatalf("after many failures: %v, want locked for %v", err, domain.MaxLockout)
		}
		// Another unknown name has its own count.
		if got := try("somebody", "x"); got.msg != "invalid username or password" {
			t.Fatalf("a fresh unknown name answers %q", got.msg)
		}
	})
}

// An administrator is never kept out for good: the command line unlocks an
// account named by username or email, and a password reset lifts the lock.
func TestUnlock(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		lock := func(name string) {
			t.Helper()
			for range domain.ThrottleAfter {
				w.app.Auth.Login(w.ctx, name, "wrong password")
			}
			var th *domain.ThrottledError
			if _, err := w.app.Auth.Login(w.ctx, name, testPassword); !errors.As(err, &th) {
				t.Fatalf("%s not locked: %v", name, err)
			}
		}
		lock("admin")
		was, err := w.app.Auth.Unlock(w.ctx, "ADMIN@epic.test")
		ok(t, err)
		if was.LockedUntil == nil || was.PasswordHash != "" {
			t.Fatalf("unlock answered %+v, want the locked account without its hash", was)
		}
		if _, err := w.app.Auth.Login(w.ctx, "admin", testPassword); err != nil {
			t.Fatalf("after unlock: %v", err)
		}
		if st := w.accountThrottle("admin"); st != (throttleState{}) {
			t.Fatalf("unlock left %+v", st)
		}
		_, err = w.app.Auth.Unlock(w.ctx, "ghost")
		wantKind(t, err, domain.ErrNotFound, "no account")

		lock("sales")
		ok(t, w.app.Users.ResetPassword(w.ctx, w.as("admin"), w.users["sales"].ID, "reset password 1", ""))
		if _, err := w.app.Auth.Login(w.ctx, "sales", "reset password 1"); err != nil {
			t.Fatalf("after a reset: %v", err)
		}
	})
}

// A failed login under a known and an unknown name, with the default
// hashing parameters and a fresh hasher each time (the first login of a
// process): the two should take the same time.
func BenchmarkFailedLogin(b *testing.B) {
	db := storetest.OpenSQLite(b)
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	app, err := domain.New(ctx, domain.Deps{Store: db, Hasher: auth.NewArgon2(), Now: clk.Now})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := app.Auth.SetupAdmin(ctx, domain.NewUser{FullName: "Ada Admin", Username: "admin", Email: "admin@epic.test", Password: testPassword}); err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"admin", "nobody"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				fresh, err := domain.New(ctx, domain.Deps{Store: db, Hasher: auth.NewArgon2(), Now: clk.Now})
				if err != nil {
					b.Fatal(err)
				}
				// Past any lock, so that every attempt is checked in full.
				clk.Advance(domain.MaxLockout)
				if _, err := fresh.Auth.Login(ctx, name, "wrong password"); err == nil {
					b.Fatal("signed in")
				}
			}
		})
	}
}
