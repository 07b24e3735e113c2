package store

import (
	"context"
	"fmt"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

const sshKeyColumns = `id, user_id, fingerprint, public_key, name, created_at, last_used_at`

// fixSSHKey puts the times of a key read back in UTC.
func fixSSHKey(k *domain.SSHKey) {
	utc(&k.CreatedAt)
	utcPtr(&k.LastUsedAt)
}

// SSHKeyByFingerprint finds the key with that fingerprint.
func (q queries) SSHKeyByFingerprint(ctx context.Context, fingerprint string) (domain.SSHKey, error) {
	var k domain.SSHKey
	err := q.get(ctx, &k, `SELECT `+sshKeyColumns+` FROM ssh_keys WHERE fingerprint = ?`, fingerprint)
	if isNoRows(err) {
		err = domain.NewError(domain.ErrNotFound, "", "no such SSH key")
	}
	if err != nil {
		return k, wrap("get SSH key by fingerprint", err)
	}
	fixSSHKey(&k)
	return k, nil
}

// SSHKey returns the key with the given id.
func (q queries) SSHKey(ctx context.Context, id int64) (domain.SSHKey, error) {
	var k domain.SSHKey
	err := q.get(ctx, &k, `SELECT `+sshKeyColumns+` FROM ssh_keys WHERE id = ?`, id)
	if isNoRows(err) {
		err = notFound("SSH key", id)
	}
	if err != nil {
		return k, wrap(fmt.Sprintf("get SSH key %d", id), err)
	}
	fixSSHKey(&k)
	return k, nil
}

// ListSSHKeys returns the keys of a user, oldest first.
func (q queries) ListSSHKeys(ctx context.Context, userID int64) ([]domain.SSHKey, error) {
	var keys []domain.SSHKey
	if err := q.selectRows(ctx, &keys, `SELECT `+sshKeyColumns+` FROM ssh_keys WHERE user_id = ? ORDER BY id`, userID); err != nil {
		return nil, wrap(fmt.Sprintf("list SSH keys of user %d", userID), err)
	}
	for i := range keys {
		fixSSHKey(&keys[i])
	}
	return keys, nil
}

// InsertSSHKey stores k and sets its ID; a zero CreatedAt means now.
func (q queries) InsertSSHKey(ctx context.Context, k *domain.SSHKey) error {
	at := orNow(k.CreatedAt, now())
	id, err := q.insert(ctx, `INSERT INTO ssh_keys (user_id, fingerprint, public_key, name, created_at)
		VALUES (?, ?, ?, ?, ?)
		RETURNING id`, k.UserID, k.Fingerprint, k.PublicKey, k.Name, at)
	if err != nil {
		return wrap(fmt.Sprintf("insert SSH key of user %d", k.UserID), err)
	}
	k.ID, k.CreatedAt = id, at
	return nil
}

// DeleteSSHKey removes a key; a key already gone is ErrNotFound.
func (q queries) DeleteSSHKey(ctx context.Context, id int64) error {
	n, err := q.exec(ctx, `DELETE FROM ssh_keys WHERE id = ?`, id)
	if err != nil {
		return wrap(fmt.Sprintf("delete SSH key %d", id), err)
	}
	if n == 0 {
		return notFound("SSH key", id)
	}
	return nil
}

// SSHKeyUsed records when a key last signed its user in.
func (q queries) SSHKeyUsed(ctx context.Context, id int64, at time.Time) error {
	if _, err := q.exec(ctx, `UPDATE ssh_keys SET last_used_at = ? WHERE id = ?`, at, id); err != nil {
		return wrap(fmt.Sprintf("record the use of SSH key %d", id), err)
	}
	return nil
}
