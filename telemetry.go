package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/getsentry/sentry-go"

	"github.com/epicevents/epic-tui/domain"
)

// logFileName is the log's name inside the state directory.
const logFileName = "epic-tui.log"

// openLog opens the structured log in the user state directory: JSON lines
// with UTC times, never on the screen the app draws on.
func openLog(cfg *config) (*slog.Logger, io.Closer, error) {
	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("create log directory: %w", err)
	}
	path := filepath.Join(cfg.StateDir, logFileName)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open log: %w", err)
	}
	h := slog.NewJSONHandler(f, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && a.Value.Kind() == slog.KindTime {
				a.Value = slog.TimeValue(a.Value.Time().UTC())
			}
			if a.Value.Kind() == slog.KindString {
				a.Value = slog.StringValue(scrubber.scrub(a.Value.String()))
			}
			return a
		},
	})
	return slog.New(h), f, nil
}

// flushTimeout bounds how long exit waits for Sentry, so a dead Sentry
// never hangs the app.
const flushTimeout = 2 * time.Second

// startSentry turns Sentry on when SENTRY_DSN is set. The returned flush
// sends what is pending before exit.
func startSentry(cfg *config, transport sentry.Transport) (flush func(), err error) {
	if cfg.SentryDSN == "" {
		return func() {}, nil
	}
	scrubber.add(cfg.SentryDSN)
	if cfg.secretFromEnv {
		scrubber.add(string(cfg.Secret))
	}
	scrubber.add(cfg.DatabaseURL)
	err = sentry.Init(sentry.ClientOptions{
		Dsn:              cfg.SentryDSN,
		Environment:      cfg.SentryEnvironment,
		Release:          "epic-tui@" + releaseName(),
		AttachStacktrace: true,
		SendDefaultPII:   false,
		BeforeSend:       scrubEvent,
		Transport:        transport,
	})
	if err != nil {
		return func() {}, badConfig("SENTRY_DSN: %v", err)
	}
	return func() { sentry.Flush(flushTimeout) }, nil
}

// releaseName is the version part of versionString.
func releaseName() string {
	v := strings.TrimPrefix(versionString(), "epic-tui ")
	v, _, _ = strings.Cut(v, " ")
	return v
}

// observer reports to Sentry and the log the changes operations watch: users
// created and changed, contracts signed. Sentry calls are no-ops while
// Sentry is off.
type observer struct{ log *slog.Logger }

func (o observer) capture(actor domain.User, message string, tags map[string]string, extra map[string]any) {
	sentry.WithScope(func(scope *sentry.Scope) {
		if actor.ID != 0 || actor.Username != "" {
			scope.SetUser(sentry.User{ID: strconv.FormatInt(actor.ID, 10), Username: actor.Username})
		}
		scope.SetTags(tags)
		scope.SetLevel(sentry.LevelInfo)
		scope.SetContext("epic", sentry.Context(extra))
		sentry.CaptureMessage(message)
	})
}

// UserCreated reports a new user.
func (o observer) UserCreated(actor, u domain.User) {
	o.log.Info("user created", "actor_id", actor.ID, "actor", actor.Username, "user_id", u.ID, "username", u.Username, "role", u.Role)
	o.capture(actor, "user created", map[string]string{
		"event": "user.created", "user.id": strconv.FormatInt(u.ID, 10), "user.role": string(u.Role),
	}, map[string]any{"username": u.Username})
}

// UserUpdated reports which fields of a user changed, never their values.
func (o observer) UserUpdated(actor, u domain.User, fields []string) {
	o.log.Info("user updated", "actor_id", actor.ID, "actor", actor.Username, "user_id", u.ID, "fields", fields)
	o.capture(actor, "user updated", map[string]string{
		"event": "user.updated", "user.id": strconv.FormatInt(u.ID, 10), "user.role": string(u.Role),
	}, map[string]any{"fields": fields})
}

// ContractSigned reports a contract going from unsigned to signed.
func (o observer) ContractSigned(actor domain.User, c domain.Contract) {
	o.log.Info("contract signed", "actor_id", actor.ID, "actor", actor.Username, "contract_id", c.ID, "client_id", c.ClientID)
	o.capture(actor, "contract signed", map[string]string{
		"event": "contract.signed", "contract.id": strconv.FormatInt(c.ID, 10), "client.id": strconv.FormatInt(c.ClientID, 10),
	}, map[string]any{"total_amount_cents": c.TotalAmount})
}

// expected reports whether err is one of the domain's ordinary refusals,
// which people read and fix, rather than a fault worth reporting.
func expected(err error) bool {
	for _, kind := range []error{domain.ErrNotFound, domain.ErrConflict, domain.ErrDuplicate, domain.ErrReferenced,
		domain.ErrInvalid, domain.ErrForbidden, domain.ErrUnauthenticated, context.Canceled} {
		if errors.Is(err, kind) {
			return true
		}
	}
	return false
}

// reporter logs every error it is given and sends the unexpected ones to
// Sentry, tagged with the acting user.
type reporter struct{ log *slog.Logger }

// Report is called by the UI for each error it shows.
func (r reporter) Report(err error, actor domain.User) {
	if err == nil || expected(err) {
		return
	}
	if errors.Is(err, domain.ErrUnavailable) {
		r.log.Error("database unreachable", "user_id", actor.ID, "error", domain.Detail(err))
		return
	}
	r.log.Error("unexpected error", "user_id", actor.ID, "error", domain.Detail(err))
	sentry.WithScope(func(scope *sentry.Scope) {
		if actor.ID != 0 {
			scope.SetUser(sentry.User{ID: strconv.FormatInt(actor.ID, 10), Username: actor.Username})
		}
		sentry.CaptureException(err)
	})
}

// Panic reports a recovered panic with its stack.
func (r reporter) Panic(value any, stack []byte) {
	r.log.Error("panic", "value", fmt.Sprint(value), "stack", string(stack))
	sentry.WithScope(func(scope *sentry.Scope) {
		scope.SetTag("event", "panic")
		scope.SetLevel(sentry.LevelFatal)
		sentry.CurrentHub().Recover(value)
	})
}

// secretScrubber removes known secrets and secret-shaped strings.
type secretScrubber struct{ literals []string }

var scrubber = &secretScrubber{}

// Patterns of secrets that must never leave the machine: password hashes,
// JWTs, URLs with credentials, and password-like key=value pairs.
var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`\$argon2id\$[^\s"']*`),
	regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`),
	regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s/@:"']+:[^\s@"']+@[^\s"']+`),
	regexp.MustCompile(`(?i)(password|passwd|secret|token|dsn)(["']?\s*[:=]\s*["']?)[^\s"',}]+`),
}

func (s *secretScrubber) add(literal string) {
	if len(literal) >= 8 {
		s.literals = append(s.literals, literal)
	}
}

func (s *secretScrubber) scrub(text string) string {
	for _, l := range s.literals {
		text = strings.ReplaceAll(text, l, "[redacted]")
	}
	for i, re := range secretPatterns {
		if i == len(secretPatterns)-1 {
			text = re.ReplaceAllString(text, "${1}${2}[redacted]")
			continue
		}
		text = re.ReplaceAllString(text, "[redacted]")
	}
	return text
}

// scrubFrames drops the source lines and variables of stack frames: code
// near a failure may hold anything.
func scrubFrames(st *sentry.Stacktrace) {
	if st == nil {
		return
	}
	for j := range st.Frames {
		f := &st.Frames[j]
		f.Vars, f.PreContext, f.PostContext, f.ContextLine = nil, nil, nil, ""
	}
}

// scrubEvent is Sentry's BeforeSend: it drops request data and scrubs every
// text the event carries.
func scrubEvent(event *sentry.Event, _ *sentry.EventHint) *sentry.Event {
	s := scrubber.scrub
	event.Request = nil
	event.ServerName = ""
	event.Message = s(event.Message)
	for i := range event.Exception {
		event.Exception[i].Value = s(event.Exception[i].Value)
		scrubFrames(event.Exception[i].Stacktrace)
	}
	for i := range event.Threads {
		scrubFrames(event.Threads[i].Stacktrace)
	}
	for k, v := range event.Tags {
		event.Tags[k] = s(v)
	}
	if epic, ok := event.Contexts["epic"]; ok {
		for k, v := range epic {
			if text, isText := v.(string); isText {
				epic[k] = s(text)
			}
		}
	}
	for _, b := range event.Breadcrumbs {
		b.Message = s(b.Message)
		b.Data = nil
	}
	event.User = sentry.User{ID: event.User.ID, Username: event.User.Username}
	// Environment variables and the command line may hold secrets.
	delete(event.Contexts, "os")
	if rt, ok := event.Contexts["runtime"]; ok {
		delete(rt, "args")
	}
	return event
}
