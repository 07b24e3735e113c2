package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrSessionInsecure is returned when the saved session, or its directory,
// can be read by other users: the token in it may have leaked.
var ErrSessionInsecure = errors.New("saved session is not private")

// SessionPath returns where the session for the database at dbURL is saved
// under configDir (os.UserConfigDir). Each database gets its own file, so a
// token never meets a database that did not issue it, and the file name is a
// hash so that the URL, which may hold a password, is not written anywhere.
func SessionPath(configDir, dbURL string) string {
	sum := sha256.Sum256([]byte(dbURL))
	return filepath.Join(configDir, "epic-tui", "sessions", hex.EncodeToString(sum[:])[:16]+".jwt")
}

// SaveSession writes token to path atomically, as a 0600 file in a 0700
// directory it creates if needed. It refuses a directory others may enter.
func SaveSession(path, token string) error {
	dir := filepath.Dir(path)
	if err := ensureDir(dir); err != nil {
		return fmt.Errorf("auth: save session: %w", err)
	}
	if err := checkSessionDir(dir); err != nil {
		return fmt.Errorf("auth: save session: %w", err)
	}
	tmp, err := writeTemp(dir, []byte(token+"\n"))
	if err != nil {
		return fmt.Errorf("auth: save session: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("auth: save session: %w", err)
	}
	syncDir(dir)
	return nil
}

// LoadSession returns the token saved at path. A missing file gives an error
// matching fs.ErrNotExist; a file or directory others may access gives
// ErrSessionInsecure. A file others may read is deleted as it is refused:
// its token may have leaked, and left there it would be refused again at
// every start, and read by whoever else may.
func LoadSession(path string) (string, error) {
	dir := filepath.Dir(path)
	if err := checkSessionDir(dir); err != nil {
		return "", fmt.Errorf("auth: load session: %w", err)
	}
	data, mode, err := readPrivate(path)
	if errors.Is(err, errNotPrivate) {
		if rmErr := os.Remove(path); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			return "", fmt.Errorf("auth: load session: %w", insecure(path, mode, 0o600))
		}
		return "", fmt.Errorf("auth: load session: %w: %s had permissions %04o, so other users could read it; it was deleted — sign in again",
			ErrSessionInsecure, path, mode.Perm())
	}
	if err != nil {
		return "", fmt.Errorf("auth: load session: %w", err)
	}
	return strings.TrimSpace(string(data)), nil
}

// DeleteSession removes the session saved at path; a missing one is fine.
func DeleteSession(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("auth: delete session: %w", err)
	}
	return nil
}

// checkSessionDir refuses a sessions directory others may enter. A missing
// directory passes, so that LoadSession reports the missing file instead.
func checkSessionDir(dir string) error {
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if !checkPrivate(info.Mode()) {
		return insecure(dir, info.Mode(), 0o700)
	}
	return nil
}

func insecure(path string, mode fs.FileMode, want fs.FileMode) error {
	return fmt.Errorf("%w: %s has permissions %04o; it must be %04o — delete it and sign in again",
		ErrSessionInsecure, path, mode.Perm(), want)
}
