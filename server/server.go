// Package server hosts the app over SSH: every connection runs the same
// terminal application as the local binary, on the client's terminal, while
// the database URL and the signing secret stay on the server.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	bm "charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/ui"
)

// DatabaseConnections is the pool a server keeps (store.DB.KeepConnections):
// a few per core, enough for the queries of 200 sessions to take turns.
const DatabaseConnections = 16

// Defaults of Config.
const (
	DefaultMaxSessions      = 200
	DefaultPerMinute        = 30
	DefaultHandshakeTimeout = 20 * time.Second
	DefaultIdleTimeout      = 30 * time.Minute
	DefaultDrainTimeout     = 10 * time.Second
)

// Config is what a server needs. Zero limits take the defaults above.
type Config struct {
	App         *domain.App
	HostKeyPath string // an ed25519 key is generated there when missing
	Log         *slog.Logger
	Loc         *time.Location // nil = time.Local
	// Changes, when the app writes through Changes.Store, makes the
	// sessions reload what they show after every change.
	Changes *Changes

	MaxSessions      int           // sessions at once; past it a connection is told and closed
	PerMinute        int           // connections accepted per source address per minute
	HandshakeTimeout time.Duration // from TCP connect to a signed-in SSH connection
	IdleTimeout      time.Duration // a session without a key pressed for this long ends
	DrainTimeout     time.Duration // how long Shutdown lets open forms be saved

	// Report hears every error a session shows, with its user.
	Report func(err error, actor domain.User)
	// OnPanic hears a panic that ended one session (the others go on).
	OnPanic func(value any, stack []byte, actor domain.User)
}

// endGrace is how long sessions ended by a stop get to say so.
const endGrace = 2 * time.Second

// Server is an SSH server running the app for each connection.
type Server struct {
	cfg         Config
	ssh         *ssh.Server
	fingerprint string
	limiter     *addrLimiter

	mu       sync.Mutex
	sessions map[*session]struct{}
	stopping bool
	idle     chan struct{} // closed when stopping and the last session ended
}

// New builds a server; Serve starts it.
func New(cfg Config) (*Server, error) {
	if cfg.App == nil {
		return nil, errors.New("server: no app")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	defaults := []struct {
		v *time.Duration
		d time.Duration
	}{{&cfg.HandshakeTimeout, DefaultHandshakeTimeout}, {&cfg.IdleTimeout, DefaultIdleTimeout}, {&cfg.DrainTimeout, DefaultDrainTimeout}}
	for _, d := range defaults {
		if *d.v <= 0 {
			*d.v = d.d
		}
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.PerMinute <= 0 {
		cfg.PerMinute = DefaultPerMinute
	}
	s := &Server{cfg: cfg, sessions: map[*session]struct{}{}, limiter: newAddrLimiter(cfg.PerMinute, time.Minute)}
	srv, err := wish.NewServer(
		wish.WithHostKeyPath(cfg.HostKeyPath),
		// Every client gets in: a known key signs its user in, anyone
		// else meets the app's login screen. The key offered is verified
		// by SSH either way, so the session knows it is the client's.
		wish.WithPublicKeyAuth(func(ssh.Context, ssh.PublicKey) bool { return true }),
		wish.WithKeyboardInteractiveAuth(func(ssh.Context, gossh.KeyboardInteractiveChallenge) bool { return true }),
		wish.WithMiddleware(s.handle),
	)
	if err != nil {
		return nil, fmt.Errorf("server: host key %s: %w", cfg.HostKeyPath, err)
	}
	srv.HandshakeTimeout = cfg.HandshakeTimeout
	// No session outlives the lifetime of a token, counted from the
	// connection, which comes before any sign-in.
	srv.MaxTimeout = auth.TokenLifetime
	srv.ConnCallback = s.admit
	srv.ConnectionFailedCallback = func(conn net.Conn, err error) {
		cfg.Log.Info("ssh connection failed", "remote", conn.RemoteAddr().String(), "error", err.Error())
	}
	if len(srv.HostSigners) == 0 {
		return nil, fmt.Errorf("server: no host key in %s", cfg.HostKeyPath)
	}
	s.ssh = srv
	if cfg.Changes != nil {
		cfg.Changes.attach(s.Broadcast)
	}
	s.fingerprint = gossh.FingerprintSHA256(srv.HostSigners[0].PublicKey())
	return s, nil
}

// HostKeyFingerprint is the SHA256 fingerprint of the host key, which
// clients are asked to confirm on their first connection.
func (s *Server) HostKeyFingerprint() string { return s.fingerprint }

// Serve accepts connections on ln until Shutdown; it then returns nil.
func (s *Server) Serve(ln net.Listener) error {
	err := s.ssh.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// admit refuses a connection from an address that connected too often in
// the last minute, before any SSH is spoken.
func (s *Server) admit(_ ssh.Context, conn net.Conn) net.Conn {
	host, _, err := net.SplitHostPort(conn.RemoteAddr().String())
	if err != nil {
		host = conn.RemoteAddr().String()
	}
	if !s.limiter.allow(host, time.Now()) {
		s.cfg.Log.Warn("ssh connection refused", "remote", conn.RemoteAddr().String(), "reason", "too many connections from this address in a minute")
		return nil
	}
	return conn
}

// Broadcast sends msg to every session's app.
func (s *Server) Broadcast(msg tea.Msg) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for sess := range s.sessions {
		go sess.program.Send(msg)
	}
}

// Sessions returns the number of sessions running.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Shutdown stops accepting connections, tells every session the server is
// stopping, lets open forms be saved for up to DrainTimeout (or until ctx
// ends), then closes what is left.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.stopping = true
	s.idle = make(chan struct{})
	if len(s.sessions) == 0 {
		close(s.idle)
	}
	idle := s.idle
	s.mu.Unlock()
	// No session starts from now on (add refuses it), so every session
	// hears the message below. Shutdown closes the listeners at once, then
	// waits for the connections, which Close below ends.
	go func() { _ = s.ssh.Shutdown(context.Background()) }()
	s.Broadcast(ui.StoppingMsg{})
	ctx, cancel := context.WithTimeout(ctx, s.cfg.DrainTimeout)
	defer cancel()
	select {
	case <-idle:
	case <-ctx.Done():
		s.mu.Lock()
		left := make([]*session, 0, len(s.sessions))
		for sess := range s.sessions {
			left = append(left, sess)
		}
		s.mu.Unlock()
		for _, sess := range left {
			sess.end("the server stopped")
		}
		// Let the sessions say so before their connections close.
		select {
		case <-idle:
		case <-time.After(endGrace):
		}
	}
	err := s.ssh.Close()
	if errors.Is(err, ssh.ErrServerClosed) {
		err = nil
	}
	return err
}

// add registers a starting session; it fails past the maximum or while
// stopping.
func (s *Server) add(sess *session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.stopping:
		return errors.New("the server is stopping; connect again in a minute")
	case len(s.sessions) >= s.cfg.MaxSessions:
		return fmt.Errorf("the server has reached its %d sessions at once; try again in a few minutes", s.cfg.MaxSessions)
	}
	s.sessions[sess] = struct{}{}
	return nil
}

func (s *Server) remove(sess *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, sess)
	if s.stopping && len(s.sessions) == 0 {
		close(s.idle)
	}
}

// handle runs one SSH session: the app, on the client's terminal.
func (s *Server) handle(next ssh.Handler) ssh.Handler {
	return func(ss ssh.Session) {
		defer next(ss)
		start := time.Now()
		sess := newSession(s, ss)
		ended := sess.run()
		s.logEnd(sess, start, ended)
	}
}

// logEnd writes the line every connection leaves in the log.
func (s *Server) logEnd(sess *session, start time.Time, ended string) {
	u := sess.user()
	s.cfg.Log.Info("ssh session",
		"remote", sess.ss.RemoteAddr().String(),
		"user", u.Username,
		"user_id", u.ID,
		"key", sess.fingerprint,
		"duration", time.Since(start).Round(time.Millisecond).String(),
		"ended", ended)
}

// programOptions are the terminal of a session: its input and output, size
// and colour profile.
func programOptions(ss ssh.Session) []tea.ProgramOption {
	return bm.MakeOptions(ss)
}
