// Command epic-tui is the CRM of Epic Events: a terminal application where
// sales people manage their clients, management writes the contracts and
// assigns support, and support staff run the events.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"

	"golang.org/x/term"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// crashError is a panic, already reported: one line, exit code 3.
type crashError struct {
	value   any
	logPath string
}

func (e *crashError) Error() string {
	return fmt.Sprintf("internal error: %v (details in %s)", e.value, e.logPath)
}

// run is main without the exit, so tests can call it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCommand(stdin)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return report(root.ExecuteContext(ctx), stderr)
}

// usageError is a bad command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// report prints err as one line and returns the exit code.
func report(err error, stderr io.Writer) int {
	var ce *configError
	var ue *usageError
	var crash *crashError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &crash):
		fmt.Fprintf(stderr, "epic-tui: %v\n", scrubber.scrub(err.Error()))
		return 3
	case errors.As(err, &ce), errors.As(err, &ue), errors.Is(err, domain.ErrUnavailable),
		errors.Is(err, store.ErrForeignDatabase), errors.Is(err, store.ErrSchemaOutOfDate), errors.Is(err, store.ErrSchemaTooNew):
		fmt.Fprintf(stderr, "epic-tui: %v\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "epic-tui: %v\n", err)
	return 1
}

// openDatabase opens the configured database and makes sure its schema is
// this program's: an SQLite file is migrated, being one person's; a
// PostgreSQL database with pending migrations is refused, since a team
// upgrades its database once, on purpose, with migrate up.
func openDatabase(ctx context.Context, cfg *config) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if db.Dialect() == store.Postgres {
		err = db.CheckSchema(ctx)
	} else {
		_, err = db.Migrate(ctx)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// ops is what every command shares: the configuration, the log and Sentry.
type ops struct {
	cfg      *config
	log      *slog.Logger
	closeLog io.Closer
	flush    func()
}

// startOps loads the configuration, opens the log and starts Sentry.
func startOps(dbFlag string) (*ops, error) {
	cfg, err := loadConfig(dbFlag)
	if err != nil {
		return nil, err
	}
	log, closeLog, err := openLog(cfg)
	if err != nil {
		return nil, err
	}
	flush, err := startSentry(cfg, nil)
	if err != nil {
		closeLog.Close()
		return nil, err
	}
	return &ops{cfg: cfg, log: log, closeLog: closeLog, flush: flush}, nil
}

// logPath is where the log is written.
func (o *ops) logPath() string { return filepath.Join(o.cfg.StateDir, logFileName) }

// close sends what Sentry still holds and closes the log.
func (o *ops) close() {
	o.flush()
	o.closeLog.Close()
}

// openApp opens and migrates the database and builds the domain services.
func (o *ops) openApp(ctx context.Context) (*store.DB, *domain.App, error) {
	db, err := openDatabase(ctx, o.cfg)
	if err != nil {
		o.log.Error("open database", "database", store.Redact(o.cfg.DatabaseURL), "error", err.Error())
		return nil, nil, err
	}
	app, err := domain.New(ctx, domain.Deps{Store: db, Hasher: auth.NewArgon2(), Observer: observer{o.log}, Logger: o.log})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, app, nil
}

// withApp runs fn for a command that works on the database as the
// application does: the configuration checked whole before anything is
// opened, the database and the domain services, all closed after.
func withApp(ctx context.Context, dbFlag string, fn func(o *ops, db *store.DB, app *domain.App) error) error {
	o, err := startOps(dbFlag)
	if err != nil {
		return err
	}
	defer o.close()
	if err := o.cfg.checkSecret(); err != nil {
		return err
	}
	db, app, err := o.openApp(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(o, db, app)
}

// withSession is withApp with the session file of that database.
func withSession(ctx context.Context, dbFlag string, fn func(o *ops, app *domain.App, sessions *sessionFile) error) error {
	return withApp(ctx, dbFlag, func(o *ops, db *store.DB, app *domain.App) error {
		sessions, err := newSessionFile(ctx, o.cfg, db)
		if err != nil {
			return err
		}
		return fn(o, app, sessions)
	})
}

// openSession is openApp with the session file of that database.
func (o *ops) openSession(ctx context.Context) (*store.DB, *domain.App, *sessionFile, error) {
	db, app, err := o.openApp(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	sessions, err := newSessionFile(ctx, o.cfg, db)
	if err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	return db, app, sessions, nil
}

// readNewPassword reads a password from stdin (first line) or asks twice on
// the terminal without echo.
func readNewPassword(stdin io.Reader, stderr io.Writer, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", &usageError{msg: "admin: no password on standard input"}
		}
		pw := strings.TrimRight(line, "\r\n")
		return pw, domain.ValidatePassword("password", pw)
	}
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", &usageError{msg: "admin: standard input is not a terminal; use --password-stdin"}
	}
	ask := func(prompt string) (string, error) {
		fmt.Fprint(stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		return string(b), err
	}
	pw, err := ask("Password: ")
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if err := domain.ValidatePassword("password", pw); err != nil {
		return "", err
	}
	again, err := ask("Password again: ")
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if pw != again {
		return "", &usageError{msg: "admin: the two passwords differ"}
	}
	return pw, nil
}

// version is set at link time (-ldflags "-X main.version=v1.2.3"); the
// build info fills in what it can otherwise.
var version = ""

// versionString is "epic-tui VERSION (commit COMMIT, built DATE)".
func versionString() string {
	v, commit, date := version, "unknown", "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
				if len(commit) > 12 {
					commit = commit[:12]
				}
			case "vcs.time":
				date = s.Value
			}
		}
	}
	if v == "" || v == "(devel)" {
		v = "dev"
	}
	return fmt.Sprintf("epic-tui %s (commit %s, built %s)", v, commit, date)
}
