package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/epicevents/epic-tui/dataio"
	"github.com/epicevents/epic-tui/domain"
)

// exportKey writes what the current tab shows (its search, filter and
// sort, every page of it) to a CSV file in the download folder.
var exportKey = bind("x", "export")

// exportMsg is news of a running export: rows written so far, then, done,
// the file or the failure. next is where the news after it comes from.
type exportMsg struct {
	rows int
	done bool
	path string
	err  error
	next <-chan exportMsg
}

func waitExport(ch <-chan exportMsg) tea.Cmd {
	return func() tea.Msg { return <-ch }
}

// startExport exports the current tab as it is listed now, in the
// background; the status line follows it.
func (m *mainModel) startExport() tea.Cmd {
	if m.exporting {
		m.setFlash("an export is already running; wait for its end")
		return nil
	}
	l := m.list()
	tab, q, what := l.spec.tab, l.query, strings.ToLower(l.spec.title)
	dir, err := downloadDir()
	if err != nil {
		return m.fail(err)
	}
	name := fmt.Sprintf("epic-tui-%s-%s", what, time.Now().In(m.sh.loc).Format("20060102-1504"))
	app := m.sh.app
	m.exporting = true
	m.setFlash("exporting " + what + "…")
	return m.sh.do(func(ctx context.Context, sess domain.Session) tea.Msg {
		ch := make(chan exportMsg, 1)
		go func() {
			progress := func(rows int) {
				select {
				case ch <- exportMsg{rows: rows, next: ch}:
				default: // the screen has not shown the last count yet
				}
			}
			path, n, err := exportTab(ctx, app, sess, tab, q, dir, name, progress)
			ch <- exportMsg{done: true, rows: n, path: path, err: err, next: ch}
		}()
		return <-ch
	})
}

// onExport shows how an export goes.
func (m *mainModel) onExport(msg exportMsg) tea.Cmd {
	if !msg.done {
		m.setFlash("exporting… " + formatCount(msg.rows) + " rows")
		return waitExport(msg.next)
	}
	m.exporting = false
	if msg.err != nil {
		return m.fail(msg.err)
	}
	m.setFlash(fmt.Sprintf("exported %s row%s to %s", formatCount(msg.rows), map[bool]string{true: "s"}[msg.rows != 1], shortPath(msg.path)))
	return nil
}

// shortPath writes a path under the home folder as ~/…, so that the status
// line shows it whole.
func shortPath(path string) string {
	home, err := os.UserHomeDir()
	if err != nil {
		return path
	}
	if rest, ok := strings.CutPrefix(path, home+string(filepath.Separator)); ok {
		return filepath.Join("~", rest)
	}
	return path
}

// exportTab writes the rows of tab that q selects to a new file dir/name.csv
// (name-2.csv… when it exists) and returns its path.
func exportTab(ctx context.Context, app *domain.App, sess domain.Session, tab tabID, q listQuery, dir, name string, progress func(int)) (string, int, error) {
	path, f, err := createNew(dir, name, ".csv")
	if err != nil {
		return "", 0, err
	}
	opt := dataio.Options{Format: dataio.CSV, Progress: progress}
	var n int
	switch tab {
	case tabClients:
		n, err = dataio.ExportClients(ctx, app, sess, clientQuery(q), f, opt)
	case tabContracts:
		n, err = dataio.ExportContracts(ctx, app, sess, contractQuery(q), f, opt)
	case tabEvents:
		n, err = dataio.ExportEvents(ctx, app, sess, eventQuery(q), f, opt)
	case tabUsers:
		n, err = dataio.ExportUsers(ctx, app, sess, userQuery(q), f, opt)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if errors.As(err, new(*fs.PathError)) {
		err = fileError(fmt.Sprintf("the export could not be written to %s (%v); free some space or choose another folder with XDG_DOWNLOAD_DIR", path, errors.Unwrap(err)), err)
	}
	if err != nil {
		// Half a file would pass for the whole.
		os.Remove(path)
		return "", n, err
	}
	return path, n, nil
}

// createNew creates dir/name+ext, or dir/name-2+ext… when it exists: an
// export never overwrites a file.
func createNew(dir, name, ext string) (string, *os.File, error) {
	for i := 1; ; i++ {
		path := filepath.Join(dir, name+ext)
		if i > 1 {
			path = filepath.Join(dir, fmt.Sprintf("%s-%d%s", name, i, ext))
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) && i < 100 {
			continue
		}
		if err != nil {
			return "", nil, fileError(fmt.Sprintf("cannot create %s (%v); check the folder's permissions or set XDG_DOWNLOAD_DIR", path, errors.Unwrap(err)), err)
		}
		return path, f, nil
	}
}

// downloadDir is where exports go: $XDG_DOWNLOAD_DIR, else ~/Downloads when
// it exists, else the home folder.
func downloadDir() (string, error) {
	if d := os.Getenv("XDG_DOWNLOAD_DIR"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fileError("no folder to export to: set XDG_DOWNLOAD_DIR or HOME", err)
	}
	if info, err := os.Stat(filepath.Join(home, "Downloads")); err == nil && info.IsDir() {
		return filepath.Join(home, "Downloads"), nil
	}
	return home, nil
}

// fileError is a failure to write the export: a sentence for the status
// line, the system's error kept for the log.
func fileError(msg string, cause error) error {
	return &domain.Error{Kind: domain.ErrInvalid, Msg: msg, Cause: cause}
}
