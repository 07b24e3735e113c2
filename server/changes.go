package server

import (
	"context"
	"crypto/rand"
	"log/slog"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/ui"
)

// changeDelay gathers the changes of a moment into one reload per session:
// a burst of writes costs each session one page read, not one per write.
const changeDelay = 150 * time.Millisecond

// Changes tells the sessions of a server that data changed: after each
// committed write made through its store, and, on PostgreSQL, after those
// of the other servers on the same database.
type Changes struct {
	origin string // this server's name on the channel
	db     *store.DB
	log    *slog.Logger

	mu      sync.Mutex
	send    func(tea.Msg)
	pending bool
}

// NewChanges watches the writes made through db; log hears the failures to
// tell other servers.
func NewChanges(db *store.DB, log *slog.Logger) *Changes {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Changes{origin: rand.Text(), db: db, log: log}
}

// Store is the store the server's app must write through for its changes
// to be seen.
func (c *Changes) Store() domain.Store { return changeStore{DB: c.db, c: c} }

// Listen hears the changes of the other servers on the PostgreSQL database
// at dbURL until ctx ends. It does nothing on SQLite.
func (c *Changes) Listen(ctx context.Context, dbURL string) error {
	if c.db.Dialect() != store.Postgres {
		return nil
	}
	return store.ListenChanges(ctx, dbURL, func(origin string) {
		if origin != c.origin {
			c.changed()
		}
	})
}

// attach makes send hear the changes.
func (c *Changes) attach(send func(tea.Msg)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.send = send
}

// wrote is called after a write committed: this server's sessions and the
// other servers hear of it.
func (c *Changes) wrote() {
	c.changed()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.db.NotifyChange(ctx, c.origin); err != nil {
		c.log.Warn("tell other servers of a change", "error", domain.Detail(err))
	}
}

// changed sends one ChangedMsg to every session, a moment after the first
// of a burst of changes.
func (c *Changes) changed() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending || c.send == nil {
		return
	}
	c.pending = true
	time.AfterFunc(changeDelay, func() {
		c.mu.Lock()
		c.pending = false
		send := c.send
		c.mu.Unlock()
		send(ui.ChangedMsg{})
	})
}

// changeStore is the database, telling Changes of every transaction that
// committed a change: one that wrote an audit row, as every change does.
type changeStore struct {
	*store.DB
	c *Changes
}

// InTx runs fn in a transaction and reports the change it committed.
func (s changeStore) InTx(ctx context.Context, fn func(q domain.Queries) error) error {
	wrote := false
	err := s.DB.InTx(ctx, func(q domain.Queries) error {
		return fn(auditSpy{Queries: q, wrote: &wrote})
	})
	if err == nil && wrote {
		s.c.wrote()
	}
	return err
}

// auditSpy notes that a transaction wrote an audit row.
type auditSpy struct {
	domain.Queries
	wrote *bool
}

func (a auditSpy) InsertAudit(ctx context.Context, e *domain.AuditEntry) error {
	err := a.Queries.InsertAudit(ctx, e)
	if err == nil {
		*a.wrote = true
	}
	return err
}
