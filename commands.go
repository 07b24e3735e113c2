package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/ui"
)

// configHelp ends the root command's help: where settings come from.
const configHelp = `
Configuration comes from the environment and a .env file in the working
directory (the real environment wins): EPIC_DATABASE_URL, EPIC_SECRET,
SENTRY_DSN, SENTRY_ENVIRONMENT. Exit codes: 0 done, 1 failed, 2 bad command
line, configuration or database, 3 internal error.
`

// newRootCommand builds the command line: the application itself, and its
// sub-commands. stdin is where admin reads a password.
func newRootCommand(stdin io.Reader) *cobra.Command {
	var dbFlag string
	root := &cobra.Command{
		Use:   "epic-tui",
		Short: "The CRM of Epic Events, in your terminal",
		Long: `epic-tui is the CRM of Epic Events: sales people manage their clients,
management writes the contracts and assigns support, and support staff run
the events. Without a sub-command it starts the application.
` + configHelp,
		Version:       versionString(),
		Args:          noArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runApp(cmd, dbFlag)
		},
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentFlags().StringVar(&dbFlag, "db", "", "database: postgres://… URL or SQLite file path (default $EPIC_DATABASE_URL, else the local file)")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{msg: fmt.Sprintf("%v (see %s --help)", err, cmd.CommandPath())}
	})
	root.CompletionOptions.HiddenDefaultCmd = false
	root.AddCommand(
		newInitCommand(&dbFlag),
		newMigrateCommand(&dbFlag),
		newAdminCommand(&dbFlag, stdin),
		newLogoutCommand(&dbFlag),
		newExportCommand(&dbFlag, stdin),
		newImportCommand(&dbFlag, stdin),
		newServeCommand(&dbFlag),
		newDemoCommand(&dbFlag),
		newVersionCommand(),
		newManCommand(root),
	)
	return root
}

// noArgs refuses positional arguments: a misspelt sub-command lands here.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasSubCommands() {
		return &usageError{msg: fmt.Sprintf("unknown command %q (see %s --help)", args[0], cmd.CommandPath())}
	}
	return &usageError{msg: fmt.Sprintf("%s: unexpected argument %q (see %s --help)", cmd.Name(), args[0], cmd.CommandPath())}
}

// runApp runs the terminal application.
func runApp(cmd *cobra.Command, dbFlag string) error {
	o, err := startOps(dbFlag)
	if err != nil {
		return err
	}
	defer o.close()
	if err := o.cfg.checkSecret(); err != nil {
		return err
	}
	db, app, sessions, err := o.openSession(cmd.Context())
	if err != nil {
		return err
	}
	defer db.Close()
	rep := reporter{o.log}
	instance, err := db.InstanceID(cmd.Context())
	if err != nil {
		return err
	}
	err = ui.Run(cmd.Context(), ui.Options{
		App: app, Sessions: sessions, Report: rep.Report, OnPanic: rep.Panic,
		ViewsPath: viewsPath(o.cfg.ConfigDir), Instance: instance,
	})
	var pe *ui.PanicError
	if errors.As(err, &pe) {
		return &crashError{value: pe.Value, logPath: o.logPath()}
	}
	return err
}

func newInitCommand(dbFlag *string) *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Create the database schema, or bring it up to date",
		Long: `Creates the database schema, or applies the migrations it lacks: the same
as "epic-tui migrate up". Running it again is harmless. The application does
the same on an SQLite file when it starts; a PostgreSQL database is upgraded
only by this command or migrate up.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return migrateUp(cmd, *dbFlag, true)
		},
	}
}

func newMigrateCommand(dbFlag *string) *cobra.Command {
	migrate := &cobra.Command{
		Use:   "migrate",
		Short: "Show or apply the database migrations",
		Long: `The schema changes in numbered migrations, built into the program. "status"
lists them and which are applied; "up" applies those pending, each in a
transaction of its own. Two programs migrating at once take turns.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	migrate.AddCommand(&cobra.Command{
		Use:   "status",
		Short: "List the migrations and which are applied",
		Long:  "Lists the migrations this epic-tui holds and which the database has applied. It changes nothing.",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return migrateStatus(cmd, *dbFlag)
		},
	}, &cobra.Command{
		Use:   "up",
		Short: "Apply the pending migrations",
		Long:  "Applies the pending migrations, each in a transaction of its own; a migration that fails is rolled back and stops the run.",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return migrateUp(cmd, *dbFlag, false)
		},
	})
	return migrate
}

// migrateUp applies the pending migrations. init says it in one line.
func migrateUp(cmd *cobra.Command, dbFlag string, brief bool) error {
	o, err := startOps(dbFlag)
	if err != nil {
		return err
	}
	defer o.close()
	// Nothing is written before the whole configuration is known good.
	if err := o.cfg.checkSecret(); err != nil {
		return err
	}
	db, err := store.Open(cmd.Context(), o.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(cmd.Context())
	out := cmd.OutOrStdout()
	for _, m := range applied {
		o.log.Info("migration applied", "version", m.Version, "name", m.Name)
		if !brief {
			fmt.Fprintf(out, "applied %s\n", m.Name)
		}
	}
	if err != nil {
		o.log.Error("migrate", "database", store.Redact(o.cfg.DatabaseURL), "error", err.Error())
		return err
	}
	switch {
	case brief:
		fmt.Fprintf(out, "database ready (schema version %d): %s\n", store.SchemaVersion, store.Redact(o.cfg.DatabaseURL))
	case len(applied) == 0:
		fmt.Fprintf(out, "nothing to apply: the database is at version %d\n", store.SchemaVersion)
	default:
		fmt.Fprintf(out, "the database is at version %d\n", store.SchemaVersion)
	}
	return nil
}

// migrateStatus prints where the database stands.
func migrateStatus(cmd *cobra.Command, dbFlag string) error {
	o, err := startOps(dbFlag)
	if err != nil {
		return err
	}
	defer o.close()
	db, err := store.Open(cmd.Context(), o.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.SchemaState(cmd.Context())
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "database: %s\n", store.Redact(o.cfg.DatabaseURL))
	for _, m := range st.Migrations {
		state := "pending"
		if m.AppliedAt != nil {
			state = "applied " + m.AppliedAt.Format(time.DateTime) + " UTC"
		}
		fmt.Fprintf(out, "  %-32s %s\n", m.Name, state)
	}
	switch {
	case st.Legacy:
		fmt.Fprintln(out, "made before migrations were versioned: `epic-tui migrate up` records it, without loss")
	case max(st.Current, st.Recorded) > st.Latest:
		fmt.Fprintf(out, "version %d: newer than this epic-tui (%d); upgrade epic-tui\n", max(st.Current, st.Recorded), st.Latest)
	case st.Pending():
		fmt.Fprintf(out, "version %d of %d: run `epic-tui migrate up`\n", st.Current, st.Latest)
	default:
		fmt.Fprintf(out, "version %d: up to date\n", st.Current)
	}
	return nil
}

func newAdminCommand(dbFlag *string, stdin io.Reader) *cobra.Command {
	var in domain.NewUser
	var fromStdin bool
	admin := &cobra.Command{
		Use:   `admin --username NAME --email EMAIL --name "FULL NAME"`,
		Short: "Create an administrator",
		Long: `Creates an administrator. The password is asked twice on the terminal, or
read from the first line of standard input with --password-stdin.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return createAdmin(cmd, *dbFlag, stdin, in, fromStdin)
		},
	}
	f := admin.Flags()
	f.StringVar(&in.Username, "username", "", "username (3 to 32 letters, digits, '.', '-' or '_')")
	f.StringVar(&in.Email, "email", "", "email address")
	f.StringVar(&in.FullName, "name", "", "full name")
	f.StringVar(&in.EmployeeNumber, "employee-number", "", "employee number (assigned when empty)")
	f.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input")
	admin.AddCommand(&cobra.Command{
		Use:   "unlock USER",
		Short: "Lift the sign-in lock of an account",
		Long: `Lifts the sign-in lock of the account named by its username or email, and
forgets its failed sign-ins: for an administrator kept out by someone
guessing their password. Whoever can run it holds the database.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return &usageError{msg: "admin unlock: name one account, by username or email (see epic-tui admin unlock --help)"}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return unlockAccount(cmd, *dbFlag, args[0])
		},
	})
	return admin
}

func unlockAccount(cmd *cobra.Command, dbFlag, login string) error {
	return withApp(cmd.Context(), dbFlag, func(_ *ops, _ *store.DB, app *domain.App) error {
		was, err := app.Auth.Unlock(cmd.Context(), login)
		if err != nil {
			return err
		}
		if was.LockedUntil != nil && was.LockedUntil.After(time.Now()) {
			fmt.Fprintf(cmd.OutOrStdout(), "%s unlocked: they can sign in again\n", was.Username)
		} else {
			fmt.Fprintf(cmd.OutOrStdout(), "%s was not locked; their failed sign-ins are forgotten\n", was.Username)
		}
		return nil
	})
}

func createAdmin(cmd *cobra.Command, dbFlag string, stdin io.Reader, in domain.NewUser, fromStdin bool) error {
	for _, f := range []struct{ flag, value string }{{"--username", in.Username}, {"--email", in.Email}, {"--name", in.FullName}} {
		if strings.TrimSpace(f.value) == "" {
			return &usageError{msg: fmt.Sprintf("admin: %s is required (see epic-tui admin --help)", f.flag)}
		}
	}
	// Check what can be checked before asking for a password.
	in.Role = domain.RoleAdmin
	if _, err := domain.NormalizeUsername(in.Username); err != nil {
		return err
	}
	if _, err := domain.NormalizeEmail(in.Email); err != nil {
		return err
	}
	return withApp(cmd.Context(), dbFlag, func(_ *ops, _ *store.DB, app *domain.App) error {
		var err error
		if in.Password, err = readNewPassword(stdin, cmd.ErrOrStderr(), fromStdin); err != nil {
			return err
		}
		u, err := app.Auth.CreateAdmin(cmd.Context(), in)
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "administrator %s (%s) created\n", u.Username, u.Email)
		return nil
	})
}

func newLogoutCommand(dbFlag *string) *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "End the saved session",
		Long: `Ends the saved session of this database: deletes the session file and
revokes every token issued to its user until now. With the database down the
file is still deleted, and the message says until when the token holds.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLogout(cmd, *dbFlag)
		},
	}
}

func runLogout(cmd *cobra.Command, dbFlag string) error {
	o, err := startOps(dbFlag)
	if err != nil {
		return err
	}
	defer o.close()
	if err := o.cfg.checkSecret(); err != nil {
		return err
	}
	msg, err := logout(cmd.Context(), auth.SessionPath(o.cfg.ConfigDir, o.cfg.DatabaseURL), o.openSession)
	if err != nil {
		return err
	}
	fmt.Fprintln(cmd.OutOrStdout(), msg)
	return nil
}

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  noArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), versionString())
		},
	}
}

func newManCommand(root *cobra.Command) *cobra.Command {
	var dir string
	man := &cobra.Command{
		Use:   "man",
		Short: "Print the manual page",
		Long: `Prints the manual page of epic-tui in roff, for man(1):
  epic-tui man | man -l -
With --dir, writes one page per command into that directory instead.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			header := &doc.GenManHeader{Title: "EPIC-TUI", Section: "1", Source: "epic-tui", Manual: "epic-tui manual"}
			if dir != "" {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return err
				}
				return doc.GenManTree(root, header, dir)
			}
			var b bytes.Buffer
			if err := doc.GenMan(root, header, &b); err != nil {
				return err
			}
			_, err := cmd.OutOrStdout().Write(b.Bytes())
			return err
		},
	}
	man.Flags().StringVar(&dir, "dir", "", "write one page per command into this directory")
	return man
}
