package domain

import (
	"context"
	"errors"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// SSHKey is an SSH public key that signs its user in to epic-tui serve
// without a password.
type SSHKey struct {
	ID          int64      `db:"id"`
	UserID      int64      `db:"user_id"`
	Fingerprint string     `db:"fingerprint"` // SHA256:…, as ssh-keygen -l prints it
	PublicKey   string     `db:"public_key"`  // the authorized_keys form, without comment
	Name        string     `db:"name"`        // what the person calls it, e.g. "laptop"
	CreatedAt   time.Time  `db:"created_at"`
	LastUsedAt  *time.Time `db:"last_used_at"`
}

// SSHKeyService registers, lists and removes SSH keys, and signs in with
// them. A user manages their own keys; those who may update every user
// (admins and management) may see and remove anyone's.
type SSHKeyService struct{ c *core }

// maxKeyLine bounds an authorized_keys line, as the schema does.
const maxKeyLine = 8192

// ParseSSHKey reads one authorized_keys line ("ssh-ed25519 AAAA… comment")
// and returns the key as stored, its fingerprint and its comment.
func ParseSSHKey(line string) (publicKey, fingerprint, comment string, err error) {
	line = strings.TrimSpace(line)
	if line == "" {
		return "", "", "", newError(ErrInvalid, "public_key", "paste a public key, the one line of ~/.ssh/id_ed25519.pub")
	}
	if len(line) > maxKeyLine {
		return "", "", "", newError(ErrInvalid, "public_key", "this key is longer than %d characters; paste the .pub file's one line", maxKeyLine)
	}
	key, comment, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return "", "", "", newError(ErrInvalid, "public_key", "this is not an SSH public key: paste the one line of a .pub file (ssh-ed25519 AAAA…)")
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key))), ssh.FingerprintSHA256(key), comment, nil
}

// SignIn returns the active user whose key has that fingerprint, and notes
// the key's use. An unknown key, or one of a deactivated user, gives an
// error wrapping ErrUnauthenticated: the connection then signs in with a
// password.
func (s *SSHKeyService) SignIn(ctx context.Context, fingerprint string) (User, error) {
	k, err := s.c.store.SSHKeyByFingerprint(ctx, fingerprint)
	if errors.Is(err, ErrNotFound) {
		return User{}, newError(ErrUnauthenticated, "", "this SSH key is not registered")
	}
	if err != nil {
		return User{}, err
	}
	u, err := s.c.store.User(ctx, k.UserID)
	if err != nil {
		return User{}, err
	}
	if !u.Active {
		s.c.log.Warn("login failed", "reason", "deactivated", "user_id", u.ID, "ssh_key", fingerprint)
		return User{}, newError(ErrUnauthenticated, "", "your account has been deactivated")
	}
	if err := s.c.store.SSHKeyUsed(ctx, k.ID, s.c.stamp()); err != nil {
		return User{}, err
	}
	s.c.log.Info("login", "user_id", u.ID, "username", u.Username, "role", u.Role, "ssh_key", fingerprint)
	return u, nil
}

// mayManage lets actor manage the keys of ownerID: their own, or anyone's
// when they may update every user.
func (s *SSHKeyService) mayManage(actor User, ownerID int64, action Action) error {
	if ownerID == actor.ID || s.c.policy.Scope(actor.Role, EntityUser, ActionUpdate) == ScopeAll {
		return nil
	}
	return s.c.refuse(actor, EntityUser, action, ownerID, "you can only manage your own SSH keys")
}

// List returns the keys of user userID, oldest first.
func (s *SSHKeyService) List(ctx context.Context, sess Session, userID int64) ([]SSHKey, error) {
	actor, err := s.c.actor(ctx, s.c.store, sess)
	if err != nil {
		return nil, err
	}
	if err := s.mayManage(actor, userID, ActionRead); err != nil {
		return nil, err
	}
	return s.c.store.ListSSHKeys(ctx, userID)
}

// Add registers an authorized_keys line as a key of the signed-in user.
// name defaults to the key's comment.
func (s *SSHKeyService) Add(ctx context.Context, sess Session, line, name string) (SSHKey, error) {
	public, fingerprint, comment, err := ParseSSHKey(line)
	if err != nil {
		return SSHKey{}, err
	}
	if strings.TrimSpace(name) == "" {
		name = comment
	}
	if name, err = ValidateName("name", "key name", name, false); err != nil {
		return SSHKey{}, err
	}
	k := SSHKey{Fingerprint: fingerprint, PublicKey: public, Name: name}
	err = s.c.store.InTx(ctx, func(q Queries) error {
		actor, err := s.c.actor(ctx, q, sess)
		if err != nil {
			return err
		}
		if _, err := q.SSHKeyByFingerprint(ctx, fingerprint); err == nil {
			return newError(ErrDuplicate, "public_key", "this SSH key is registered already")
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		k.UserID, k.CreatedAt = actor.ID, s.c.stamp()
		if err := q.InsertSSHKey(ctx, &k); err != nil {
			return err
		}
		ch := changes{}
		ch.set("ssh_key", "", fingerprint)
		return s.c.audit(ctx, q, actor, EntityUser, actor.ID, ActionUpdate, ch, "")
	})
	if err != nil {
		return SSHKey{}, err
	}
	return k, nil
}

// Delete removes a key: one's own, or anyone's for admins and management.
func (s *SSHKeyService) Delete(ctx context.Context, sess Session, id int64) error {
	return s.c.store.InTx(ctx, func(q Queries) error {
		actor, err := s.c.actor(ctx, q, sess)
		if err != nil {
			return err
		}
		k, err := q.SSHKey(ctx, id)
		if err != nil {
			return err
		}
		if err := s.mayManage(actor, k.UserID, ActionUpdate); err != nil {
			return err
		}
		if err := q.DeleteSSHKey(ctx, id); err != nil {
			return err
		}
		ch := changes{}
		ch.set("ssh_key", k.Fingerprint, "")
		return s.c.audit(ctx, q, actor, EntityUser, k.UserID, ActionUpdate, ch, "")
	})
}
