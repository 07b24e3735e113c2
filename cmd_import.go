package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/epicevents/epic-tui/dataio"
	"github.com/epicevents/epic-tui/domain"
)

func newImportCommand(dbFlag *string, stdin io.Reader) *cobra.Command {
	var who signInFlags
	var opt dataio.ImportOptions
	cmd := &cobra.Command{
		Use:   "import clients|contracts|events FILE.csv",
		Short: "Create or update records from a CSV file",
		Long: `Reads a CSV file with the columns export writes (by header name, in any
order; id and times are ignored), and creates one record per row through the
same checks as the forms, with the rights of the signed-in user, each
audited as if typed. Rows name other records by their natural keys: a
client by email, a user by username or email, a contract by id.

All or nothing: when any row is bad nothing is written, and every bad row is
reported as FILE:LINE: column: reason. A row whose key (client email,
contract or event id) already exists is bad, unless --update is given: then
it changes that record. --dry-run checks everything and writes nothing.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 || !oneOf(args[0], "clients", "contracts", "events") {
				return &usageError{msg: "import: name what to import (clients, contracts or events) and the CSV file (see epic-tui import --help)"}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImport(cmd, *dbFlag, stdin, &who, args[0], args[1], opt)
		},
	}
	cmd.Flags().BoolVar(&opt.DryRun, "dry-run", false, "check every row and write nothing")
	cmd.Flags().BoolVar(&opt.Update, "update", false, "change the records whose key exists instead of refusing their rows")
	who.register(cmd)
	return cmd
}

func runImport(cmd *cobra.Command, dbFlag string, stdin io.Reader, who *signInFlags, entity, path string, opt dataio.ImportOptions) error {
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import: cannot read %s: %w", path, errors.Unwrap(err))
	}
	defer file.Close()
	return withSession(cmd.Context(), dbFlag, func(_ *ops, app *domain.App, sessions *sessionFile) error {
		stderr := cmd.ErrOrStderr()
		sess, err := who.signIn(cmd.Context(), "import", app, sessions, stdin, stderr)
		if err != nil {
			return err
		}
		if isTerminal(stderr) {
			opt.Progress = func(rows int) { fmt.Fprintf(stderr, "\r%d rows read…", rows) }
		}
		res, err := dataio.Import(cmd.Context(), app, sess, entity, filepath.Base(path), file, opt)
		if opt.Progress != nil {
			fmt.Fprint(stderr, "\r\033[K")
		}
		var bad *dataio.ImportError
		if errors.As(err, &bad) {
			fmt.Fprintln(stderr, strings.Join(bad.Lines(), "\n"))
		}
		if err != nil {
			return err
		}
		what := strings.TrimSuffix(entity, "s")
		if opt.DryRun {
			fmt.Fprintf(cmd.OutOrStdout(), "dry run: %d %s%s would be created and %d updated; nothing was written\n",
				res.Created, what, plural(res.Created), res.Updated)
			return nil
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%d %s%s created, %d updated\n", res.Created, what, plural(res.Created), res.Updated)
		return nil
	})
}
