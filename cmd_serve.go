package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/getsentry/sentry-go"
	"github.com/spf13/cobra"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/server"
	"github.com/epicevents/epic-tui/store"
)

// serveFlags are the settings of epic-tui serve.
type serveFlags struct {
	listen      string
	hostKey     string
	maxSessions int
	perMinute   int
	idle        time.Duration
	drain       time.Duration
}

func newServeCommand(dbFlag *string) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Host the application over SSH for a team",
		Long: `Hosts the application over SSH: each person runs "ssh -p 23234 HOST" and
gets the same screens as the local program, while the database URL stays on
this server. A registered SSH key signs its user in; any other connection
meets the login screen. The host key is generated on first start in the data
directory unless --host-key names one; its fingerprint is printed and logged.
SIGINT or SIGTERM stops the server: sessions are told, open forms get
--drain to be saved, then it exits 0.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd, *dbFlag, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", ":23234", "address to listen on")
	fl.StringVar(&f.hostKey, "host-key", "", "ed25519 host key file, generated when missing (default in the data directory)")
	fl.IntVar(&f.maxSessions, "max-sessions", server.DefaultMaxSessions, "sessions at once")
	fl.IntVar(&f.perMinute, "per-minute", server.DefaultPerMinute, "connections accepted per source address per minute")
	fl.DurationVar(&f.idle, "idle-timeout", server.DefaultIdleTimeout, "a session without a key pressed for this long ends")
	fl.DurationVar(&f.drain, "drain", server.DefaultDrainTimeout, "on stop, how long open forms may still be saved")
	return cmd
}

func runServe(cmd *cobra.Command, dbFlag string, f serveFlags) error {
	if f.maxSessions < 1 || f.perMinute < 1 || f.idle <= 0 || f.drain <= 0 {
		return &usageError{msg: "serve: --max-sessions, --per-minute, --idle-timeout and --drain must be positive (see epic-tui serve --help)"}
	}
	o, err := startOps(dbFlag)
	if err != nil {
		return err
	}
	defer o.close()
	ctx := cmd.Context()
	db, err := openDatabase(ctx, o.cfg)
	if err != nil {
		o.log.Error("open database", "database", store.Redact(o.cfg.DatabaseURL), "error", err.Error())
		return err
	}
	defer db.Close()
	db.KeepConnections(server.DatabaseConnections)
	changes := server.NewChanges(db, o.log)
	app, err := domain.New(ctx, domain.Deps{Store: changes.Store(), Hasher: auth.NewArgon2(), Observer: observer{o.log}, Logger: o.log})
	if err != nil {
		return err
	}
	if err := changes.Listen(ctx, o.cfg.DatabaseURL); err != nil {
		return err
	}
	if f.hostKey == "" {
		dir, err := dataDir()
		if err != nil {
			return err
		}
		f.hostKey = filepath.Join(dir, "ssh_host_ed25519")
	}
	if err := os.MkdirAll(filepath.Dir(f.hostKey), 0o700); err != nil {
		return fmt.Errorf("serve: host key directory: %w", err)
	}
	rep := reporter{o.log}
	srv, err := server.New(server.Config{
		App: app, Changes: changes, HostKeyPath: f.hostKey, Log: o.log,
		MaxSessions: f.maxSessions, PerMinute: f.perMinute, IdleTimeout: f.idle, DrainTimeout: f.drain,
		Report:  rep.Report,
		OnPanic: func(value any, stack []byte, actor domain.User) { panicOf(rep, value, stack, actor) },
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return &usageError{msg: fmt.Sprintf("serve: cannot listen on %s: %v", f.listen, err)}
	}
	o.log.Info("serving", "address", ln.Addr().String(), "host_key", f.hostKey, "fingerprint", srv.HostKeyFingerprint())
	fmt.Fprintf(cmd.OutOrStdout(), "listening on %s, host key %s\n", ln.Addr(), srv.HostKeyFingerprint())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	o.log.Info("stopping", "sessions", srv.Sessions())
	fmt.Fprintf(cmd.OutOrStdout(), "stopping: %d sessions get %s to save\n", srv.Sessions(), f.drain)
	err = srv.Shutdown(context.Background())
	<-served
	o.log.Info("stopped")
	return err
}

// panicOf reports a panic that ended one session, tagged with its user.
func panicOf(rep reporter, value any, stack []byte, actor domain.User) {
	rep.log.Error("panic", "user_id", actor.ID, "value", fmt.Sprint(value), "stack", string(stack))
	sentry.WithScope(func(scope *sentry.Scope) {
		if actor.ID != 0 {
			scope.SetUser(sentry.User{ID: strconv.FormatInt(actor.ID, 10), Username: actor.Username})
		}
		scope.SetTag("event", "panic")
		scope.SetLevel(sentry.LevelFatal)
		sentry.CurrentHub().Recover(value)
	})
}
