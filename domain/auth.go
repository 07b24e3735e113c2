package domain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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
// same message; a throttled login says how long to wait. A name that matches
// no account costs the same work and is throttled by the same rules as one
// that does, so the answers never tell whether an account exists: one hash
// verification with the same parameters, one failure counted per attempt
// made outside a lock, none counted inside one. An account's username and
// email share its count; a name matching no account is counted as typed
// (case and accents folded).
func (s *AuthService) Login(ctx context.Context, login, password string) (User, error) {
	u, err := s.c.store.UserByLogin(ctx, Fold(login))
	known := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return User{}, err
	}
	var match, rehash bool
	if known {
		match, rehash, err = s.c.hasher.Verify(password, u.PasswordHash)
		if err != nil {
			return User{}, fmt.Errorf("domain: verify password of user %d: %w", u.ID, err)
		}
	} else {
		s.c.hasher.Waste(password)
	}
	now := s.c.stamp()
	if !known {
		// The name typed is not logged: it may be a password typed in the
		// wrong field.
		s.c.log.Warn("login failed", "reason", "unknown user")
		return User{}, s.unknownFailed(ctx, Fold(login), now)
	}
	if !match || !u.Active || lockedAt(u.LockedUntil, now) {
		return User{}, s.accountFailed(ctx, u, match, now)
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

// lockedAt reports whether a lock until is still on at now.
func lockedAt(until *time.Time, now time.Time) bool {
	return until != nil && now.Before(*until)
}

// throttled answers a failed login: the generic message, with the time to
// wait while locked.
func throttled(until *time.Time, now time.Time) error {
	if lockedAt(until, now) {
		return &ThrottledError{RetryAfter: until.Sub(now)}
	}
	return newError(ErrUnauthenticated, "", badLoginMsg)
}

// lockAfter is the lock that follows the given count of consecutive
// failures, nil below ThrottleAfter.
func lockAfter(failures int, now time.Time) *time.Time {
	if failures < ThrottleAfter {
		return nil
	}
	until := now.Add(lockout(failures))
	return &until
}

// accountFailed counts a failed login of an account (a wrong password, a
// deactivated account) unless it is locked, under a lock of its row so that
// guesses made at once all count.
func (s *AuthService) accountFailed(ctx context.Context, u User, match bool, now time.Time) error {
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
		failures, until = cur.FailedLogins, cur.LockedUntil
		if lockedAt(until, now) {
			return nil
		}
		failures++
		until = lockAfter(failures, now)
		return q.SetLoginState(ctx, u.ID, failures, until)
	})
	if err != nil {
		return err
	}
	reason := "wrong password"
	switch {
	case lockedAt(u.LockedUntil, now):
		reason = "throttled"
	case match:
		reason = "deactivated"
	}
	s.c.log.Warn("login failed", "user_id", u.ID, "username", u.Username, "reason", reason, "failures", failures)
	return throttled(until, now)
}

// unknownFailed counts a failed login under a name that matches no account
// unless it is locked, as accountFailed does for an account. The name is
// kept only as a hash.
func (s *AuthService) unknownFailed(ctx context.Context, name string, now time.Time) error {
	sum := sha256.Sum256([]byte(name))
	key := hex.EncodeToString(sum[:])
	var until *time.Time
	err := s.c.store.InTx(ctx, func(q Queries) error {
		failures, locked, err := q.UnknownLoginFailed(ctx, key, now)
		if err != nil || lockedAt(locked, now) {
			until = locked
			return err
		}
		if until = lockAfter(failures, now); until != nil {
			return q.LockUnknownLogin(ctx, key, *until)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return throttled(until, now)
}

// Unlock lifts the sign-in lock of the account named by username or email
// and forgets its failed logins, for the command line (`epic-tui admin
// unlock USER`): whoever runs it holds the database. It returns the account
// as it was, to say whether it was locked.
func (s *AuthService) Unlock(ctx context.Context, login string) (User, error) {
	u, err := s.c.store.UserByLogin(ctx, Fold(login))
	if errors.Is(err, ErrNotFound) {
		return User{}, newError(ErrNotFound, "", "no account has the username or email %q; check the spelling", login)
	}
	if err != nil {
		return User{}, err
	}
	if err := s.c.store.SetLoginState(ctx, u.ID, 0, nil); err != nil {
		return User{}, err
	}
	s.c.log.Info("login unlocked", "user_id", u.ID, "username", u.Username, "by", "command line")
	return readable(u), nil
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
// returns the user as changed, to issue the new token from. A change sent
// again under the key of one that committed (its answer was lost) returns
// the user as changed, if it sets the same password.
func (s *AuthService) ChangePassword(ctx context.Context, sess Session, current, next, requestKey string) (User, error) {
	if err := ValidatePassword("new_password", next); err != nil {
		return User{}, err
	}
	var changed User
	var replay, guessed bool
	var sessErr error
	err := s.c.store.InTx(ctx, func(q Queries) error {
		var actor User
		actor, sessErr = s.c.actor(ctx, q, sess)
		if sessErr != nil {
			// The change a retry repeats ended the session it is sent from.
			u, err := q.User(ctx, sess.UserID)
			if err != nil || !u.Active || u.Role != sess.Role || !sess.ValidAfter.Before(u.TokensValidAfter) {
				return sessErr
			}
			actor = u
		}
		prior, err := priorChange(ctx, q, actor, EntityUser, actor.ID, ActionUpdate, requestKey)
		switch {
		case sessErr != nil && (prior == nil || err != nil):
			return sessErr
		case sessErr != nil && (prior.At.Before(actor.TokensValidAfter) || lockedAt(actor.LockedUntil, s.c.stamp())):
			// Sessions were ended again since that change, or the account
			// is locked: an ended session is not let back in.
			return sessErr
		case err != nil:
			return err
		case prior != nil:
			replay, changed = true, actor
			err := s.c.samePassword(*prior, actor, next)
			if err != nil && sessErr != nil {
				// From an ended session, a wrong password is a guess:
				// counted as a failed sign-in, answered as the session.
				guessed = true
				return sessErr
			}
			return err
		}
		ok, _, err := s.c.hasher.Verify(current, actor.PasswordHash)
		if err != nil {
			return fmt.Errorf("domain: verify password of user %d: %w", actor.ID, err)
		}
		if !ok {
			return invalid("current_password", "the current password is wrong")
		}
		changed, err = s.c.setPassword(ctx, q, actor, actor, next, requestKey)
		return err
	})
	if guessed {
		if err := s.accountFailed(ctx, changed, false, s.c.stamp()); !errors.Is(err, ErrUnauthenticated) {
			return User{}, err
		}
	}
	if err != nil {
		return User{}, err
	}
	if !replay {
		s.c.notifyUpdated(changed, changed, []string{"password"})
	}
	return readable(changed), nil
}

// setPassword stores a new hash for target, lifts its sign-in lock and
// revokes its tokens; it returns target as changed.
func (c *core) setPassword(ctx context.Context, q Queries, actor, target User, password, requestKey string) (User, error) {
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
	return target, c.audit(ctx, q, actor, EntityUser, target.ID, ActionUpdate, changes{"password": {"(hidden)", "(changed)"}}, requestKey)
}

// samePassword answers a password change sent again under the key of one
// that committed: it succeeds when password is the one that change set,
// and is refused otherwise, as is a key that changed something else.
func (c *core) samePassword(prior AuditEntry, u User, password string) error {
	var ch map[string]json.RawMessage
	if err := json.Unmarshal([]byte(prior.Changes), &ch); err != nil || ch["password"] == nil {
		return invalid("", "the request key was already used for another change")
	}
	ok, _, err := c.hasher.Verify(password, u.PasswordHash)
	if err != nil {
		return fmt.Errorf("domain: verify password of user %d: %w", u.ID, err)
	}
	if !ok {
		return NewError(ErrDuplicate, "", "your earlier save of this form already set another password; close it, and use the password saved first or set a new one")
	}
	return nil
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
