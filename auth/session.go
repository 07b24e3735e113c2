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
	"time"

	"github.com/golang-jwt/jwt/v5"
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

// EndSession signs out of the session saved at path: it calls revoke, which
// should revoke the token on the server, then deletes the file whatever
// revoke answered, so that signing out always works on this computer.
// saved says whether a session was there. When revoke fails, err is a
// NotRevokedError saying until when the token stays valid.
func EndSession(path string, revoke func() error) (saved bool, err error) {
	token, loadErr := LoadSession(path)
	if errors.Is(loadErr, fs.ErrNotExist) {
		return false, nil
	}
	var revokeErr error
	if loadErr == nil {
		revokeErr = revoke()
	}
	if err := DeleteSession(path); err != nil {
		return true, err
	}
	switch {
	case loadErr != nil:
		// Unreadable or not private (LoadSession deleted it): refused,
		// so never sent to the server.
		return true, loadErr
	case revokeErr != nil:
		return true, &NotRevokedError{Expires: tokenExpiry(token), Cause: revokeErr}
	}
	return true, nil
}

// NotRevokedError is a sign-out that deleted the saved session but could not
// revoke its token on the server (the database could not be reached).
type NotRevokedError struct {
	Expires time.Time // zero when the token does not say
	Cause   error
}

func (e *NotRevokedError) Error() string {
	until := "it expires"
	if !e.Expires.IsZero() {
		until = e.Expires.Local().Format("2006-01-02 15:04 MST")
	}
	return fmt.Sprintf("signed out on this computer, but the session could not be revoked on the server (%v): "+
		"its token stays valid until %s; to end it sooner, sign in and sign out again once the database is back", e.Cause, until)
}

// Unwrap gives the reason the revocation failed.
func (e *NotRevokedError) Unwrap() error { return e.Cause }

// tokenExpiry reads the expiry a token states, without checking it: it is
// only shown, to say until when a token that could not be revoked holds.
func tokenExpiry(token string) time.Time {
	var tc tokenClaims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &tc); err != nil || tc.ExpiresAt == nil {
		return time.Time{}
	}
	return tc.ExpiresAt.Time
}
