package auth

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LoadOrCreateSecret returns the signing secret kept at path, creating it
// (32 random bytes, hex-encoded, mode 0600, directory 0700 if missing) on the
// first call. Used when EPIC_SECRET is unset and the database is local.
// Two processes racing to create it end up with the same secret.
func LoadOrCreateSecret(path string) ([]byte, error) {
	secret, err := loadSecret(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return secret, err
	}

	dir := filepath.Dir(path)
	if err := ensureDir(dir); err != nil {
		return nil, fmt.Errorf("auth: create secret: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("auth: create secret: %w", err)
	}
	encoded := []byte(hex.EncodeToString(raw))
	tmp, err := writeTemp(dir, encoded)
	if err != nil {
		return nil, fmt.Errorf("auth: create secret: %w", err)
	}
	defer os.Remove(tmp)
	// A hard link publishes the complete file and, unlike rename, fails if
	// another process got there first; then its secret wins.
	err = os.Link(tmp, path)
	if errors.Is(err, fs.ErrExist) {
		return loadSecret(path)
	}
	if err != nil {
		return nil, fmt.Errorf("auth: create secret: %w", err)
	}
	syncDir(dir)
	return encoded, nil
}

func loadSecret(path string) ([]byte, error) {
	data, mode, err := readPrivate(path)
	if errors.Is(err, errNotPrivate) {
		return nil, fmt.Errorf("auth: load secret: %s has permissions %04o; it must be 0600", path, mode.Perm())
	}
	if err != nil {
		return nil, fmt.Errorf("auth: load secret: %w", err)
	}
	secret := bytes.TrimSpace(data)
	if len(secret) < MinSecretLength {
		return nil, fmt.Errorf("auth: load secret: %s holds %d bytes; it must hold at least %d", path, len(secret), MinSecretLength)
	}
	return secret, nil
}
