package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/epicevents/epic-tui/domain"
)

// shared is the small context every component receives (the soft-serve
// "common" idea): the services, who is signed in, the size and the styles.
type shared struct {
	ctx      context.Context
	app      *domain.App
	sessions Sessions
	loc      *time.Location
	report   func(err error, actor domain.User)
	styles   styles

	sess domain.Session
	user domain.User

	viewsPath string // the file of each person's tab views; "" keeps none
	instance  string // the database's, to keep views apart

	width, height int
}

// do runs fn as a command: every database call goes through here, so none
// ever runs inside Update or View. The session is copied now, so a command
// started before a logout still speaks for the user who started it.
func (sh *shared) do(fn func(ctx context.Context, sess domain.Session) tea.Msg) tea.Cmd {
	return sh.doIn(sh.ctx, fn)
}

// doIn is do under ctx, which may be cancelled before the work is done.
func (sh *shared) doIn(ctx context.Context, fn func(ctx context.Context, sess domain.Session) tea.Msg) tea.Cmd {
	sess := sh.sess
	return func() tea.Msg { return fn(ctx, sess) }
}

// failure reports err (the reporter keeps the unexpected ones) and returns
// the sentence to show.
func (sh *shared) failure(err error) string {
	if sh.report != nil {
		sh.report(err, sh.user)
	}
	return errText(err)
}

// failer is failure for a command to call: it reports as the user signed in
// when it was made, reading nothing of sh later.
func (sh *shared) failer() func(error) string {
	report, user := sh.report, sh.user
	return func(err error) string {
		if report != nil {
			report(err, user)
		}
		return errText(err)
	}
}

// canAny reports whether the signed-in role may do action on entity at all.
func (sh *shared) canAny(entity domain.Entity, action domain.Action) bool {
	return sh.app.CanAny(sh.user, entity, action)
}

// permission explains whether the signed-in user may act on a record owned
// by ownerID; nil means yes.
func (sh *shared) permission(entity domain.Entity, action domain.Action, ownerID int64) error {
	return sh.app.Permission(sh.user, entity, action, ownerID)
}

// errText turns an error into the one sentence people see. The sentence may
// quote stored values (a name), so it is drawn through safeText.
func errText(err error) string { return safeText(sentence(err)) }

func sentence(err error) string {
	var de *domain.Error
	var te *domain.ThrottledError
	switch {
	case errors.As(err, &te):
		return te.Error()
	case errors.As(err, &de):
		return de.Msg
	case errors.Is(err, domain.ErrUnavailable):
		return "the database cannot be reached; try again"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	// Any other error is a fault of the program or the database, in words
	// meant for its developers (a driver's "pq: column … does not exist"):
	// failure hands it to the log and Sentry, and people read what to do.
	return unexpectedText
}

// unexpectedText is what people read for an error nobody foresaw.
const unexpectedText = "something went wrong on our side and it was logged; try again, and tell your administrator if it keeps happening"

// formatCount writes n with thin groups of three digits: 3 456.
func formatCount(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// formatTime shows a timestamp in the user's zone, to the minute.
func formatTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(domain.DateTimeLayout)
}

// formatDate shows the day of a timestamp in the user's zone.
func formatDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// orDash shows "—" for an empty value.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
