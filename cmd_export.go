package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/epicevents/epic-tui/dataio"
	"github.com/epicevents/epic-tui/domain"
)

func newExportCommand(dbFlag *string, stdin io.Reader) *cobra.Command {
	var who signInFlags
	var q dataio.Query
	var format, out string
	cmd := &cobra.Command{
		Use:   "export clients|contracts|events|users",
		Short: "Write records as CSV or JSON lines",
		Long: `Writes the records the signed-in user may read, as the tabs list them
(--search, --filter, --sort), to standard output or to a file (-o), a page
at a time: memory stays flat whatever the table size.

CSV (RFC 4180, UTF-8, a header line): amounts in euros with a dot (1234.50),
times in RFC 3339 UTC; a cell starting with = + - @, a tab or a carriage
return gets a single quote in front, so a spreadsheet shows it as text and
never runs it (import takes the quote off again). JSON: one object per line.

Filters: clients: mine. contracts: mine, signed, unsigned, unpaid.
events: mine, nosupport, upcoming, week, month. users: role:NAME, active,
inactive. Several filters must all hold.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 || !oneOf(args[0], dataio.Entities...) {
				return &usageError{msg: "export: name what to export: clients, contracts, events or users (see epic-tui export --help)"}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExport(cmd, *dbFlag, stdin, &who, args[0], q, dataio.Format(format), out)
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "csv", "csv, or json (JSON lines)")
	f.StringVar(&q.Search, "search", "", "only the records matching this text, as the search of the tabs")
	f.StringArrayVar(&q.Filters, "filter", nil, "a quick filter of the tab (repeatable)")
	f.StringVar(&q.Sort, "sort", "", "sort column, as the tabs name them (default id)")
	f.BoolVar(&q.Desc, "desc", false, "sort in descending order")
	f.StringVarP(&out, "output", "o", "", "write to this file instead of standard output")
	who.register(cmd)
	return cmd
}

func runExport(cmd *cobra.Command, dbFlag string, stdin io.Reader, who *signInFlags, entity string, q dataio.Query, format dataio.Format, out string) error {
	if format != dataio.CSV && format != dataio.JSON {
		return &usageError{msg: fmt.Sprintf("export: --format %s: choose csv or json", format)}
	}
	return withSession(cmd.Context(), dbFlag, func(_ *ops, app *domain.App, sessions *sessionFile) error {
		sess, err := who.signIn(cmd.Context(), "export", app, sessions, stdin, cmd.ErrOrStderr())
		if err != nil {
			return err
		}
		w := cmd.OutOrStdout()
		var file *os.File
		if out != "" {
			if file, err = os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
				return fmt.Errorf("export: cannot write %s: %w", out, errors.Unwrap(err))
			}
			w = file
		}
		n, err := dataio.Export(cmd.Context(), app, sess, entity, q, w, dataio.Options{Format: format})
		if file != nil {
			if cerr := file.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				// Half a file would pass for the whole.
				os.Remove(out)
			}
		}
		if err != nil {
			return err
		}
		if out != "" {
			fmt.Fprintf(cmd.ErrOrStderr(), "%d %s written to %s\n", n, strings.TrimSuffix(entity, "s")+plural(n), out)
		}
		return nil
	})
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func oneOf(s string, list ...string) bool {
	for _, v := range list {
		if s == v {
			return true
		}
	}
	return false
}
