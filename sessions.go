package main

import (
	"context"
	"fmt"
	"time"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
)

var _ domain.PasswordHasher = (*auth.Argon2)(nil)

// sessionFile keeps the signed-in session of one database as a JWT in the
// user's configuration directory, so the next launch skips the login.
type sessionFile struct {
	path   string
	signer *auth.Signer
}

// newSessionFile keeps the session of the database db, whose instance id
// the tokens carry.
func newSessionFile(ctx context.Context, cfg *config, db *store.DB) (*sessionFile, error) {
	secret, err := cfg.signingSecret()
	if err != nil {
		return nil, err
	}
	signer, err := auth.NewSigner(secret)
	if err != nil {
		return nil, badConfig("%v", err)
	}
	instance, err := db.InstanceID(ctx)
	if err != nil {
		return nil, err
	}
	return &sessionFile{path: auth.SessionPath(cfg.ConfigDir, cfg.DatabaseURL), signer: signer.ForAudience(instance)}, nil
}

// Load returns the saved session; an error says why there is none.
func (s *sessionFile) Load() (domain.Session, error) {
	tok, err := auth.LoadSession(s.path)
	if err != nil {
		return domain.Session{}, err
	}
	c, err := s.signer.Parse(tok, time.Now())
	if err != nil {
		return domain.Session{}, err
	}
	return domain.Session{UserID: c.UserID, Role: domain.Role(c.Role), ValidAfter: c.ValidAfter}, nil
}

// Save issues a token for u and keeps it.
func (s *sessionFile) Save(u domain.User) (domain.Session, error) {
	now := time.Now()
	tok, err := s.signer.Issue(u.ID, string(u.Role), u.TokensValidAfter, now)
	if err != nil {
		return domain.Session{}, err
	}
	if err := auth.SaveSession(s.path, tok); err != nil {
		return domain.Session{}, fmt.Errorf("save session: %w", err)
	}
	return domain.Session{UserID: u.ID, Role: u.Role, ValidAfter: u.TokensValidAfter}, nil
}

// Clear deletes the saved session.
func (s *sessionFile) Clear() error { return auth.DeleteSession(s.path) }

// logout is `epic-tui logout` for the session saved at path: open opens the
// database, the app and its session file (ops.openSession) to revoke the
// token on the server. The file is deleted even when that fails (the
// database is down); the error then says until when the token holds. It
// returns the line to print.
func logout(ctx context.Context, path string, open func(context.Context) (*store.DB, *domain.App, *sessionFile, error)) (string, error) {
	saved, err := auth.EndSession(path, func() error {
		db, app, sessions, err := open(ctx)
		if err != nil {
			return err
		}
		defer db.Close()
		sess, err := sessions.Load()
		if err != nil {
			// A token that no longer passes (expired, made for another
			// database) opens nothing: there is nothing left to revoke.
			return nil
		}
		return app.Auth.Logout(ctx, sess)
	})
	switch {
	case err != nil:
		return "", err
	case !saved:
		return "no saved session", nil
	}
	return "signed out", nil
}
