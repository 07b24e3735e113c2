package domain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Throttling: after ThrottleAfter consecutive failures an account is locked
// for a delay that doubles with each further failure, up to MaxLockout.
const (
	ThrottleAfter = 5
	BaseLockout   = 2 * time.Second
	MaxLockout    = 15 * time.Minute
)

// ErrBadLogin is the one message for every failed login.
const badLoginMsg = "invalid username or password"

// ThrottledError is a failed login on a locked account: the message stays
// the generic one, with the time to wait.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("%s; too many attempts, try again in %s", badLoginMsg, e.RetryAfter.Round(time.Second))
}

// Unwrap makes a throttled login an ErrUnauthenticated.
func (e *ThrottledError) Unwrap() error { return ErrUnauthenticated }

// AuthService signs people in and out and manages passwords.
type AuthService struct{ c *core }

// unknownLogin throttles a failed login that names no account exactly as an
// account's failures are throttled, so the answers never tell whether an
// account exists. The name is kept only as a hash.
func (s *AuthService) unknownLogin(ctx context.Context, login string, now time.Time) error {
	sum := sha256.Sum256([]byte(login))
	key := hex.EncodeToString(sum[:])
	var err error
	txErr := s.c.store.InTx(ctx, func(q Queries) error {
		failures, locked, qerr := q.UnknownLoginFailed(ctx, key, now)
		switch {
		case qerr != nil:
			return qerr
		case locked != nil && now.Before(*locked):
			err = &ThrottledError{RetryAfter: locked.Sub(now)}
		case failures >= ThrottleAfter:
			until := now.Add(lockout(failures))
			err = &ThrottledError{RetryAfter: until.Sub(now)}
			return q.LockUnknownLogin(ctx, key, until)
		default:
			err = newError(ErrUnauthenticated, "", badLoginMsg)
		}
		return nil
	})
	if txErr != nil {
		return txErr
	}
	return err
}

// NeedsSetup reports whether the database has no user yet, so the first
// administrator must be created.
func (s *AuthService) NeedsSetup(ctx context.Context) (bool, error) {
	n, err := s.c.store.CountUsers(ctx, UserQuery{})
	if err != nil {
		return false, err
	}
	return n == 0, nil
}

// SetupAdmin creates the first administrator. It is refused once any user
// exists, so the first-run screen cannot be used to make a second admin.
func (s *AuthService) SetupAdmin(ctx context.Context, in NewUser) (User, error) {
	in.Role = RoleAdmin
	var created User
	err := s.c.store.InTx(ctx, func(q Queries) error {
		n, err := q.CountUsers(ctx, UserQuery{})
		if err != nil {
			return err
		}
		if n > 0 {
			return s.c.refuse(User{}, EntityUser, ActionCreate, 0, "the administrator already exists; sign in instead")
		}
		created, err = s.c.insertUser(ctx, q, User{}, in)
		return err
	})
	if err == nil {
		s.c.notifyCreated(User{}, created)
	}
	return created, err
}

// CreateAdmin creates an administrator on behalf of the command line
// (`epic-tui admin`), whoever may already exist: whoever runs it already
// holds the database.
func (s *AuthService) CreateAdmin(ctx context.Context, in NewUser) (User, error) {
	in.Role = RoleAdmin
	var created User
	err := s.c.store.InTx(ctx, func(q Queries) error {
		var err error
		created, err = s.c.insertUser(ctx, q, User{Username: "command line"}, in)
		return err
	})
	if err == nil {
		s.c.notifyCreated(User{Username: "command line"}, created)
	}
	return created, err
}

// Login checks a username (or email) and password. Every failure returns the
// same message; a throttled account says how long to wait. An unknown login
// costs the same time as a known one.
func (s *AuthService) Login(ctx context.Context, login, password string) (User, error) {
	bad := newError(ErrUnauthenticated, "", badLoginMsg)
	u, err := s.c.store.UserByLogin(ctx, Fold(login))
	if errors.Is(err, ErrNotFound) {
		s.c.hasher.Waste(password)
		// The name typed is not logged: it may be a password typed in the
		// wrong field.
		s.c.log.Warn("login failed", "reason", "unknown user")
		return User{}, s.unknownLogin(ctx, Fold(login), s.c.stamp())
	}
	if err != nil {
		return User{}, err
	}
	now := s.c.stamp()
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		s.c.hasher.Waste(password)
		s.c.log.Warn("login failed", "user_id", u.ID, "username", u.Username, "reason", "throttled")
		return User{}, &ThrottledError{RetryAfter: u.LockedUntil.Sub(now)}
	}
	ok, rehash, err := s.c.hasher.Verify(password, u.PasswordHash)
	if err != nil {
		return User{}, fmt.Errorf("domain: verify password of user %d: %w", u.ID, err)
	}
	if !ok || !u.Active {
		// Counted under a lock, so that guesses made at once all count.
		var failures int
		var until *time.Time
		err := s.c.store.InTx(ctx, func(q Queries) error {
			if err := q.Lock(ctx, EntityUser, u.ID); err != nil {
				return err
			}
			cur, err := q.User(ctx, u.ID)
			if err != nil {
				return err
			}
			failures = cur.FailedLogins + 1
			if failures >= ThrottleAfter {
				t := now.Add(lockout(failures))
				until = &t
			}
			return q.SetLoginState(ctx, u.ID, failures, until)
		})
		if err != nil {
			return User{}, err
		}
		reason := "wrong password"
		if ok {
			reason = "deactivated"
		}
		s.c.log.Warn("login failed", "user_id", u.ID, "username", u.Username, "reason", reason, "failures", failures)
		if until != nil {
			return User{}, &ThrottledError{RetryAfter: until.Sub(now)}
		}
		return User{}, bad
	}
	if u.FailedLogins != 0 || u.LockedUntil != nil {
		if err := s.c.store.SetLoginState(ctx, u.ID, 0, nil); err != nil {
			return User{}, err
		}
		u.FailedLogins, u.LockedUntil = 0, nil
	}
	s.c.log.Info("login", "user_id", u.ID, "username", u.Username, "role", u.Role)
	if rehash {
		if err := s.rehash(ctx, u, password); err != nil {
			return User{}, err
		}
		return s.c.store.User(ctx, u.ID)
	}
	return u, nil
}

// lockout is the delay after the given number of consecutive failures.
func lockout(failures int) time.Duration {
	d := BaseLockout
	for i := ThrottleAfter; i < failures && d < MaxLockout; i++ {
		d *= 2
	}
	return min(d, MaxLockout)
}

// rehash replaces a hash made with old parameters. The password is the
// same, so it is not an edit of the user: not audited, version unchanged.
func (s *AuthService) rehash(ctx context.Context, u User, password string) error {
	hash, err := s.c.hasher.Hash(password)
	if err != nil {
		return fmt.Errorf("domain: rehash password of user %d: %w", u.ID, err)
	}
	return s.c.store.SetSessionState(ctx, u.ID, u.TokensValidAfter, hash)
}

// Authenticate re-reads the session's user and returns it, or an error
// wrapping ErrUnauthenticated with the reason.
func (s *AuthService) Authenticate(ctx context.Context, sess Session) (User, error) {
	return s.c.actor(ctx, s.c.store, sess)
}

// Logout revokes every token of the session's user issued until now.
func (s *AuthService) Logout(ctx context.Context, sess Session) error {
	err := s.c.store.SetSessionState(ctx, sess.UserID, s.c.stamp(), "")
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// ChangePassword sets the session user's own password; the current one is
// required. Every token issued before is revoked, this session's too: it
// returns the user as changed, to issue the new token from.
func (s *AuthService) ChangePassword(ctx context.Context, sess Session, current, next string) (User, error) {
	if err := ValidatePassword("new_password", next); err != nil {
		return User{}, err
	}
	var actor, changed User
	err := s.c.store.InTx(ctx, func(q Queries) error {
		var err error
		actor, err = s.c.actor(ctx, q, sess)
		if err != nil {
			return err
		}
		ok, _, err := s.c.hasher.Verify(current, actor.PasswordHash)
		if err != nil {
			return fmt.Errorf("domain: verify password of user %d: %w", actor.ID, err)
		}
		if !ok {
			return invalid("current_password", "the current password is wrong")
		}
		changed, err = s.c.setPassword(ctx, q, actor, actor, next)
		return err
	})
	if err != nil {
		return User{}, err
	}
	s.c.notifyUpdated(actor, changed, []string{"password"})
	return readable(changed), nil
}

// setPassword stores a new hash for target and revokes its tokens; it
// returns target as changed.
func (c *core) setPassword(ctx context.Context, q Queries, actor, target User, password string) (User, error) {
	hash, err := c.hasher.Hash(password)
	if err != nil {
		return User{}, fmt.Errorf("domain: hash password: %w", err)
	}
	target.PasswordHash = hash
	target.TokensValidAfter = c.stamp()
	target.FailedLogins, target.LockedUntil = 0, nil
	if err := q.UpdateUser(ctx, &target); err != nil {
		return User{}, err
	}
	return target, c.audit(ctx, q, actor, EntityUser, target.ID, ActionUpdate, changes{"password": {"(hidden)", "(changed)"}})
}

func (c *core) notifyCreated(actor, u User) {
	if c.observer != nil {
		c.observer.UserCreated(actor, u)
	}
}

func (c *core) notifyUpdated(actor, u User, fields []string) {
	if c.observer != nil && len(fields) > 0 {
		c.observer.UserUpdated(actor, u, fields)
	}
}
