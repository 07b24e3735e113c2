package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
)

// With the database down, logout still deletes the saved session, and says
// in one sentence that the token could not be revoked and until when it
// holds.
func TestLogoutWithTheDatabaseDown(t *testing.T) {
	home := cliEnv(t)
	db := filepath.Join(home, "epic.db")
	if r := runCLI(t, "long enough 1\n", "admin", "--db", db, "--username", "ada", "--email", "ada@epic.test", "--name", "Ada", "--password-stdin"); r.code != 0 {
		t.Fatalf("admin: %+v", r)
	}
	app, sessions, sess := signInAsApp(t, db, "ada", "long enough 1")

	down := func(ctx context.Context) (*store.DB, *domain.App, *sessionFile, error) {
		_, err := store.Open(ctx, "postgres://epic@127.0.0.1:1/epic?sslmode=disable&connect_timeout=2")
		if err == nil {
			t.Fatal("a database answered on port 1")
		}
		return nil, nil, nil, err
	}
	msg, err := logout(context.Background(), sessions.path, down)
	var nr *auth.NotRevokedError
	if !errors.As(err, &nr) || msg != "" {
		t.Fatalf("logout with the database down: %q, %v; want a NotRevokedError", msg, err)
	}
	expires := time.Now().Add(auth.TokenLifetime)
	if nr.Expires.Before(expires.Add(-time.Minute)) || nr.Expires.After(expires) {
		t.Fatalf("the token expires at %v, want about %v", nr.Expires, expires)
	}
	text := err.Error()
	if !strings.Contains(text, "could not be revoked") || !strings.Contains(text, nr.Expires.Local().Format("2006-01-02 15:04")) ||
		strings.Count(text, "\n") != 0 {
		t.Fatalf("message %q: want one sentence with the expiry", text)
	}
	if !errors.Is(err, domain.ErrUnavailable) {
		t.Fatalf("%v: want the database named as unreachable", err)
	}
	if _, err := os.Stat(sessions.path); !os.IsNotExist(err) {
		t.Fatalf("the session file is still there: %v", err)
	}
	// What the message says: the token was not revoked.
	if _, err := app.Auth.Authenticate(context.Background(), sess); err != nil {
		t.Fatalf("the token was revoked after all: %v", err)
	}
	// Signed out already: a second logout says so.
	if msg, err := logout(context.Background(), sessions.path, down); err != nil || msg != "no saved session" {
		t.Fatalf("second logout: %q, %v", msg, err)
	}
}
