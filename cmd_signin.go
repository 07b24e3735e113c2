package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/epicevents/epic-tui/domain"
)

// signInFlags are how a command that acts as a person (export, import)
// says who: the saved session of the database by default.
type signInFlags struct {
	user      string
	fromStdin bool
}

func (f *signInFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.user, "user", "", "sign in as this user (username or email), the password asked on the terminal; default: the saved session")
	cmd.Flags().BoolVar(&f.fromStdin, "password-stdin", false, "with --user, read the password from the first line of standard input")
}

// signIn returns the session a command acts under: --user with its password
// through the same login as the application (same throttling, same one
// message for every failure), or the session the application saved for
// this database.
func (f *signInFlags) signIn(ctx context.Context, name string, app *domain.App, sessions *sessionFile, stdin io.Reader, stderr io.Writer) (domain.Session, error) {
	if f.user == "" {
		if f.fromStdin {
			return domain.Session{}, &usageError{msg: name + ": --password-stdin needs --user NAME"}
		}
		sess, err := sessions.Load()
		if errors.Is(err, os.ErrNotExist) {
			return domain.Session{}, &usageError{msg: name + ": nobody is signed in to this database: start epic-tui and sign in, or pass --user NAME"}
		}
		if err != nil {
			return domain.Session{}, fmt.Errorf("%s: the saved session cannot be used (%v): sign in again, or pass --user NAME", name, err)
		}
		if _, err := app.Auth.Authenticate(ctx, sess); err != nil {
			return domain.Session{}, err
		}
		return sess, nil
	}
	pw, err := readPassword(stdin, stderr, f.fromStdin, name)
	if err != nil {
		return domain.Session{}, err
	}
	u, err := app.Auth.Login(ctx, f.user, pw)
	if err != nil {
		return domain.Session{}, err
	}
	return domain.Session{UserID: u.ID, Role: u.Role, ValidAfter: u.TokensValidAfter}, nil
}

// readPassword reads a password from the first line of stdin, or asks it
// once on the terminal without echo.
func readPassword(stdin io.Reader, stderr io.Writer, fromStdin bool, name string) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", &usageError{msg: name + ": no password on standard input"}
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", &usageError{msg: name + ": standard input is not a terminal; use --password-stdin"}
	}
	fmt.Fprint(stderr, "Password: ")
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	return string(b), nil
}

// isTerminal reports whether w is a terminal, where progress lines may be
// rewritten in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
