// Command epic-tui is the CRM of Epic Events: a terminal application where
// sales people manage their clients, management writes the contracts and
// assigns support, and support staff run the events.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
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
	"github.com/epicevents/epic-tui/ui"
)

const usage = `epic-tui: the CRM of Epic Events.

Usage:
  epic-tui [--db URL]            start the application
  epic-tui init [--db URL]       create or upgrade the database schema
  epic-tui admin [--db URL] --username NAME --email EMAIL --name "FULL NAME" [--password-stdin]
                                 create an administrator
  epic-tui logout [--db URL]     end the saved session
  epic-tui version               print the version

Every command takes --help. Configuration comes from the environment and a
.env file in the working directory: EPIC_DATABASE_URL, EPIC_SECRET,
SENTRY_DSN, SENTRY_ENVIRONMENT.
`

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
	global := flag.NewFlagSet("epic-tui", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	db := global.String("db", "", "database URL: postgres://… or a SQLite file path")
	if err := parseFlags(global, args, stdout, usage); err != nil {
		return report(err, stderr)
	}
	cmd, rest := "", global.Args()
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var err error
	switch cmd {
	case "":
		err = cmdApp(ctx, *db)
	case "init":
		err = cmdInit(ctx, *db, rest, stdout)
	case "admin":
		err = cmdAdmin(ctx, *db, rest, stdin, stdout, stderr)
	case "logout":
		err = cmdLogout(ctx, *db, rest, stdout)
	case "version":
		err = cmdVersion(rest, stdout)
	case "help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "epic-tui: unknown command %q (see epic-tui --help)\n", cmd)
		return 2
	}
	return report(err, stderr)
}

// errHelpShown ends a command after --help printed its usage.
var errHelpShown = errors.New("help shown")

// usageError is a bad command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// report prints err as one line and returns the exit code.
func report(err error, stderr io.Writer) int {
	var ce *configError
	var ue *usageError
	var crash *crashError
	switch {
	case err == nil, errors.Is(err, errHelpShown):
		return 0
	case errors.As(err, &crash):
		fmt.Fprintf(stderr, "epic-tui: %v\n", scrubber.scrub(err.Error()))
		return 3
	case errors.As(err, &ce), errors.As(err, &ue), errors.Is(err, domain.ErrUnavailable):
		fmt.Fprintf(stderr, "epic-tui: %v\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "epic-tui: %v\n", err)
	return 1
}

// parseFlags parses args. --help prints help and returns errHelpShown; a
// bad flag is a usageError.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer, help string) error {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, help)
		return errHelpShown
	case err != nil:
		return &usageError{msg: err.Error() + " (see --help)"}
	}
	return nil
}

// startCommand parses a sub-command's flags (--db included, winning over
// the global one) and starts its ops.
func startCommand(name, help, dbGlobal string, args []string, stdout io.Writer, define func(fs *flag.FlagSet)) (*ops, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	db := fs.String("db", "", "database URL")
	if define != nil {
		define(fs)
	}
	if err := parseFlags(fs, args, stdout, help); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, &usageError{msg: fmt.Sprintf("%s: unexpected argument %q", name, fs.Arg(0))}
	}
	if *db == "" {
		*db = dbGlobal
	}
	return startOps(*db)
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

const initHelp = `Usage: epic-tui init [--db URL]

Creates the database schema, or upgrades it; applying it twice is harmless.
The application does the same when it starts.
`

func cmdInit(ctx context.Context, dbGlobal string, args []string, stdout io.Writer) error {
	o, err := startCommand("init", initHelp, dbGlobal, args, stdout, nil)
	if err != nil {
		return err
	}
	defer o.close()
	db, err := store.Open(ctx, o.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database ready (schema version %d): %s\n", store.SchemaVersion, store.Redact(o.cfg.DatabaseURL))
	return nil
}

const adminHelp = `Usage: epic-tui admin [--db URL] --username NAME --email EMAIL --name "FULL NAME"
                     [--employee-number NUMBER] [--password-stdin]

Creates an administrator. The password is asked twice on the terminal, or
read from the first line of standard input with --password-stdin.
`

func cmdAdmin(ctx context.Context, dbGlobal string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var username, email, name, number string
	var fromStdin bool
	o, err := startCommand("admin", adminHelp, dbGlobal, args, stdout, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "username")
		fs.StringVar(&email, "email", "", "email address")
		fs.StringVar(&name, "name", "", "full name")
		fs.StringVar(&number, "employee-number", "", "employee number (assigned when empty)")
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from standard input")
	})
	if err != nil {
		return err
	}
	defer o.close()
	for _, f := range []struct{ flag, value string }{{"--username", username}, {"--email", email}, {"--name", name}} {
		if strings.TrimSpace(f.value) == "" {
			return &usageError{msg: fmt.Sprintf("admin: %s is required (see epic-tui admin --help)", f.flag)}
		}
	}
	// Check what can be checked before asking for a password.
	in := domain.NewUser{EmployeeNumber: number, FullName: name, Username: username, Email: email, Role: domain.RoleAdmin}
	if _, err := domain.NormalizeUsername(in.Username); err != nil {
		return err
	}
	if _, err := domain.NormalizeEmail(in.Email); err != nil {
		return err
	}
	db, app, err := o.openApp(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if in.Password, err = readNewPassword(stdin, stderr, fromStdin); err != nil {
		return err
	}
	u, err := app.Auth.CreateAdmin(ctx, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "administrator %s (%s) created\n", u.Username, u.Email)
	return nil
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

const logoutHelp = `Usage: epic-tui logout [--db URL]

Ends the saved session of this database: deletes the session file and
revokes every token issued to its user until now.
`

func cmdLogout(ctx context.Context, dbGlobal string, args []string, stdout io.Writer) error {
	o, err := startCommand("logout", logoutHelp, dbGlobal, args, stdout, nil)
	if err != nil {
		return err
	}
	defer o.close()
	db, app, sessions, err := o.openSession(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	sess, loadErr := sessions.Load()
	if loadErr == nil {
		// Revoke on the server side too; a session that no longer parses
		// is simply removed.
		if err := app.Auth.Logout(ctx, sess); err != nil {
			return err
		}
	}
	if err := sessions.Clear(); err != nil {
		return err
	}
	if errors.Is(loadErr, os.ErrNotExist) {
		fmt.Fprintln(stdout, "no saved session")
		return nil
	}
	fmt.Fprintln(stdout, "signed out")
	return nil
}

const versionHelp = "Usage: epic-tui version\n\nPrints the version, commit and build date.\n"

// version is set at link time (-ldflags "-X main.version=v1.2.3"); the
// build info fills in what it can otherwise.
var version = ""

func cmdVersion(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := parseFlags(fs, args, stdout, versionHelp); err != nil {
		return err
	}
	fmt.Fprintln(stdout, versionString())
	return nil
}

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

// cmdApp runs the terminal application.
func cmdApp(ctx context.Context, dbFlag string) error {
	o, err := startOps(dbFlag)
	if err != nil {
		return err
	}
	defer o.close()
	db, app, sessions, err := o.openSession(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	rep := reporter{o.log}
	err = ui.Run(ctx, ui.Options{App: app, Sessions: sessions, Report: rep.Report, OnPanic: rep.Panic})
	var pe *ui.PanicError
	if errors.As(err, &pe) {
		return &crashError{value: pe.Value, logPath: o.logPath()}
	}
	return err
}
