package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/epicevents/epic-tui/domain"
)

// Bulk is a load of many records at once, into a database without clients:
// the demonstration data and the benchmarks' tables. Users are inserted
// first, then Clients clients, each built by Client, with the contracts
// Contracts builds for it, each with the events Events builds for it.
// The functions are called in that order, client after client. Every
// record gets the audit row of its creation, as a typed one does.
type Bulk struct {
	// Users have their PasswordHash set. BulkLoad sets their IDs before it
	// calls Client, so that the functions may pick contacts among them.
	Users []domain.User
	// Author is the name the users' creation is audited under.
	Author string
	// Manager indexes in Users the author of the contracts; a client and
	// its events are its sales contact's.
	Manager int

	Clients   int
	Client    func(i int) domain.Client
	Contracts func(c domain.Client) []domain.Contract
	Events    func(c domain.Client, k domain.Contract) []domain.Event
}

// BulkCounts says how many records a load wrote.
type BulkCounts struct {
	Users, Clients, Contracts, Events int
}

// ErrNotEmpty is returned by BulkLoad on a database that holds clients.
var ErrNotEmpty = domain.NewError(domain.ErrInvalid, "",
	"the database already holds clients: demonstration data goes into an empty database only")

// bulkRows is how many rows one INSERT statement carries: within both
// databases' bounds on the parameters of a statement, and large enough
// that a million clients load in a few minutes.
const bulkRows = 1000

// BulkLoad writes b in one transaction, with multi-row INSERTs: all of it
// or nothing. It fills search_text, search_all and the sort columns as the
// single-row inserts do (the SQLite full-text tables follow by trigger).
func (db *DB) BulkLoad(ctx context.Context, b Bulk) (BulkCounts, error) {
	var n BulkCounts
	tx, err := db.db.BeginTxx(ctx, nil)
	if err != nil {
		return n, wrap("begin the bulk load", err)
	}
	defer tx.Rollback()
	q := queries{x: tx, dialect: db.dialect}
	var found []int64
	if err := q.selectRows(ctx, &found, `SELECT id FROM clients LIMIT 1`); err != nil {
		return n, wrap("bulk load", err)
	}
	if len(found) > 0 {
		return n, ErrNotEmpty
	}
	l := &loader{q: q, tx: tx, ctx: ctx, users: map[int64]domain.User{}, stmts: map[string]*sqlx.Stmt{}}
	defer l.close()
	if err := l.insertUsers(b); err != nil {
		return n, err
	}
	n.Users = len(b.Users)
	deferred, err := l.dropIndexes()
	if err != nil {
		return n, err
	}
	if n, err = l.insertRecords(b, n); err != nil {
		return n, err
	}
	if err := l.rebuildIndexes(deferred); err != nil {
		return n, err
	}
	if db.dialect == Postgres {
		for _, t := range bulkTables[:3] {
			// The rows were given their ids: the sequences move past them.
			if _, err := q.exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT max(id) FROM `+t+`), true)
				WHERE EXISTS (SELECT 1 FROM `+t+`)`); err != nil {
				return n, wrap("bulk load: move the id sequence of "+t, err)
			}
		}
		// What autovacuum would do within a minute: plans fit for the new
		// size from the first query on.
		if _, err := q.exec(ctx, `ANALYZE`); err != nil {
			return n, wrap("bulk load: analyze the tables", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return n, wrap("commit the bulk load", err)
	}
	return n, nil
}

// bulkTables are the tables a load fills.
var bulkTables = []string{"clients", "contracts", "events", "audit_log"}

// dropIndexes drops the indexes of the tables a load fills, but for those
// of their keys and unique constraints, and, on SQLite, the triggers that
// keep the full-text tables in step with new rows; it returns the
// statements that make them again, read from the database's own catalog.
// An index built once over a million rows costs a fraction of one updated
// a million times, and the full-text tables are built once, from the rows,
// as their triggers would have. Being in the load's transaction, the drops
// are undone with it; PostgreSQL holds the tables locked until the end.
func (l *loader) dropIndexes() ([]string, error) {
	var objs []struct {
		Kind string `db:"kind"`
		Name string `db:"name"`
		DDL  string `db:"ddl"`
	}
	var err error
	if l.q.dialect == Postgres {
		// The load builds indexes over millions of rows: more than the
		// statement time-out every connection has.
		if _, err = l.q.exec(l.ctx, `SET LOCAL statement_timeout = 0`); err == nil {
			_, err = l.q.exec(l.ctx, `SET LOCAL maintenance_work_mem = '256MB'`)
		}
		if err == nil {
			err = l.q.selectRows(l.ctx, &objs, `SELECT 'index' AS kind, indexname AS name, indexdef AS ddl
				FROM pg_indexes
				WHERE schemaname = current_schema() AND tablename IN (?, ?, ?, ?)
					AND indexname NOT IN (SELECT conname FROM pg_constraint)
				ORDER BY indexname`, bulkTables[0], bulkTables[1], bulkTables[2], bulkTables[3])
		}
	} else {
		err = l.q.selectRows(l.ctx, &objs, `SELECT type AS kind, name, sql AS ddl FROM sqlite_master
			WHERE tbl_name IN (?, ?, ?, ?) AND sql IS NOT NULL
				AND (type = 'index' OR (type = 'trigger' AND name LIKE '%\_fts\_insert' ESCAPE '\'))
			ORDER BY name`, bulkTables[0], bulkTables[1], bulkTables[2], bulkTables[3])
	}
	if err != nil {
		return nil, wrap("bulk load: list the indexes", err)
	}
	ddl := make([]string, 0, len(objs))
	for _, o := range objs {
		// The names come from the catalog, never from input.
		if _, err := l.q.exec(l.ctx, `DROP `+strings.ToUpper(o.Kind)+` `+quoteName(o.Name)); err != nil {
			return nil, wrap("bulk load: drop "+o.Name, err)
		}
		ddl = append(ddl, o.DDL)
	}
	return ddl, nil
}

// rebuildIndexes fills the full-text tables (SQLite) and runs ddl.
func (l *loader) rebuildIndexes(ddl []string) error {
	if l.q.dialect == SQLite {
		for _, s := range []searchable{clientSearch, contractSearch, eventSearch} {
			if _, err := l.q.exec(l.ctx, `INSERT INTO `+s.fts+` (`+s.fts+`) VALUES ('rebuild')`); err != nil {
				return wrap("bulk load: build "+s.fts, err)
			}
		}
	}
	for _, d := range ddl {
		if _, err := l.q.exec(l.ctx, d); err != nil {
			return wrap("bulk load: build an index again", err)
		}
	}
	return nil
}

// quoteName quotes an identifier for both databases.
func quoteName(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// loader holds a bulk load's state: the statements prepared for full
// batches, the rows waiting, the next ids.
type loader struct {
	ctx   context.Context
	q     queries
	tx    *sqlx.Tx
	users map[int64]domain.User
	stmts map[string]*sqlx.Stmt

	clients, contracts, events, audit batch
}

// batch is the rows waiting for one table's next INSERT.
type batch struct {
	table, columns string
	width          int
	args           []any
	rows           int
}

func newBatch(table, columns string) batch {
	return batch{table: table, columns: columns, width: strings.Count(columns, ",") + 1}
}

func (l *loader) close() {
	for _, s := range l.stmts {
		s.Close()
	}
}

func (l *loader) insertUsers(b Bulk) error {
	for i := range b.Users {
		u := &b.Users[i]
		if err := l.q.InsertUser(l.ctx, u); err != nil {
			return err
		}
		if err := l.created(domain.EntityUser, u.ID, *u, nil, b.Author, u.CreatedAt); err != nil {
			return err
		}
		l.users[u.ID] = *u
	}
	return l.flush(&l.audit)
}

// nextID is the first id free for a record of entity: past every row of
// table and every audit row of entity, so that a new record never inherits
// the history of a deleted one.
func (l *loader) nextID(table string, entity domain.Entity) (int64, error) {
	var top struct {
		Rows  int64 `db:"r"`
		Audit int64 `db:"a"`
	}
	err := l.q.get(l.ctx, &top, `SELECT COALESCE((SELECT max(id) FROM `+table+`), 0) AS r,
		COALESCE((SELECT max(entity_id) FROM audit_log WHERE entity = ?), 0) AS a`, string(entity))
	if err != nil {
		return 0, wrap("bulk load: find the next "+string(entity)+" id", err)
	}
	return max(top.Rows, top.Audit) + 1, nil
}

func (l *loader) insertRecords(b Bulk, n BulkCounts) (BulkCounts, error) {
	l.clients = newBatch("clients", "id, full_name, email, phone, company_name, sales_contact_id, search_text, search_all, sort_name, sort_company, created_at, updated_at, version")
	l.contracts = newBatch("contracts", "id, client_id, total_amount, amount_due, signed, signed_at, search_text, search_all, sort_client, created_at, updated_at, version")
	l.events = newBatch("events", "id, name, contract_id, support_contact_id, start_at, end_at, location, attendees, notes, search_text, search_all, sort_name, sort_location, sort_client, created_at, updated_at, version")
	var ids [3]int64
	for i, t := range []struct {
		table  string
		entity domain.Entity
	}{{"clients", domain.EntityClient}, {"contracts", domain.EntityContract}, {"events", domain.EntityEvent}} {
		var err error
		if ids[i], err = l.nextID(t.table, t.entity); err != nil {
			return n, err
		}
	}
	var manager domain.User
	if b.Manager >= 0 && b.Manager < len(b.Users) {
		manager = b.Users[b.Manager]
	}
	for i := range b.Clients {
		c := b.Client(i)
		c.ID, c.Version = ids[0], 1
		ids[0]++
		sales, ok := l.users[c.SalesContactID]
		if !ok {
			return n, fmt.Errorf("store: bulk load: client %d: sales contact %d is not one of the users loaded", i, c.SalesContactID)
		}
		c.SalesContactName = sales.FullName
		text := clientSearchText(&c)
		shown := text + " " + userSearchText(&sales)
		sortName := domain.Fold(c.FullName)
		if err := l.add(&l.clients, c.ID, c.FullName, c.Email, c.Phone, c.CompanyName, c.SalesContactID,
			text, shown, sortName, domain.Fold(c.CompanyName), dbTime(c.CreatedAt), dbTime(c.UpdatedAt), 1); err != nil {
			return n, err
		}
		if err := l.created(domain.EntityClient, c.ID, c, &sales, "", c.CreatedAt); err != nil {
			return n, err
		}
		n.Clients++
		for _, k := range b.Contracts(c) {
			k.ID, k.ClientID, k.ClientName, k.SalesContactID, k.SalesContactName, k.Version = ids[1], c.ID, c.FullName, sales.ID, sales.FullName, 1
			ids[1]++
			if err := l.add(&l.contracts, k.ID, k.ClientID, k.TotalAmount, k.AmountDue, k.Signed, dbTimePtr(k.SignedAt),
				contractSearchText(&k), contractSearchText(&k)+" "+shown, sortName,
				dbTime(k.CreatedAt), dbTime(k.UpdatedAt), 1); err != nil {
				return n, err
			}
			if err := l.created(domain.EntityContract, k.ID, k, &manager, "", k.CreatedAt); err != nil {
				return n, err
			}
			n.Contracts++
			for _, e := range b.Events(c, k) {
				e.ID, e.ContractID, e.ClientID, e.ClientName, e.SalesContactID, e.Version = ids[2], k.ID, c.ID, c.FullName, sales.ID, 1
				ids[2]++
				support := ""
				if e.SupportContactID != nil {
					u, ok := l.users[*e.SupportContactID]
					if !ok {
						return n, fmt.Errorf("store: bulk load: event %q: support contact %d is not one of the users loaded", e.Name, *e.SupportContactID)
					}
					support, e.SupportContactName = userSearchText(&u), u.FullName
				}
				own := eventSearchText(&e)
				if err := l.add(&l.events, e.ID, e.Name, e.ContractID, e.SupportContactID, dbTime(e.StartAt), dbTime(e.EndAt),
					e.Location, e.Attendees, e.Notes, own, own+" "+text+" "+support,
					domain.Fold(e.Name), domain.Fold(e.Location), sortName, dbTime(e.CreatedAt), dbTime(e.UpdatedAt), 1); err != nil {
					return n, err
				}
				if err := l.created(domain.EntityEvent, e.ID, e, &sales, "", e.CreatedAt); err != nil {
					return n, err
				}
				n.Events++
			}
		}
	}
	for _, bt := range []*batch{&l.clients, &l.contracts, &l.events, &l.audit} {
		if err := l.flush(bt); err != nil {
			return n, err
		}
	}
	return n, nil
}

// created queues the audit row of a record's creation by actor (nil or a
// zero user: name instead).
func (l *loader) created(entity domain.Entity, id int64, record any, actor *domain.User, name string, at time.Time) error {
	if l.audit.table == "" {
		l.audit = newBatch("audit_log", "actor_id, actor, at, entity, entity_id, action, changes")
	}
	ch, err := domain.CreationChanges(record)
	if err != nil {
		return err
	}
	var actorID *int64
	if actor != nil && actor.ID != 0 {
		actorID, name = &actor.ID, actor.Username
	}
	if name == "" {
		name = "system"
	}
	return l.add(&l.audit, actorID, name, dbTime(orNow(at, now())), string(entity), id, string(domain.ActionCreate), ch)
}

// add queues one row, and writes the batch once it is full. Rows are
// written table by table in the order records refer to one another, so a
// batch of contracts is written only after the clients it refers to.
func (l *loader) add(bt *batch, row ...any) error {
	bt.args = append(bt.args, row...)
	bt.rows++
	if bt.rows < bulkRows {
		return nil
	}
	// The tables a full batch refers to go first.
	var before []*batch
	switch bt {
	case &l.contracts:
		before = []*batch{&l.clients}
	case &l.events:
		before = []*batch{&l.clients, &l.contracts}
	}
	for _, p := range before {
		if err := l.flush(p); err != nil {
			return err
		}
	}
	return l.flush(bt)
}

// flush writes the rows waiting in bt with one INSERT.
func (l *loader) flush(bt *batch) error {
	if bt.rows == 0 {
		return nil
	}
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", bt.width), ", ") + ")"
	key := fmt.Sprintf("%s/%d", bt.table, bt.rows)
	stmt, ok := l.stmts[key]
	if !ok {
		query := "INSERT INTO " + bt.table + " (" + bt.columns + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(tuple+", ", bt.rows), ", ")
		var err error
		if stmt, err = l.tx.PreparexContext(l.ctx, l.tx.Rebind(query)); err != nil {
			return wrap("bulk load: prepare the insert into "+bt.table, err)
		}
		if bt.rows == bulkRows {
			// Only full batches recur; the last, shorter one is used once.
			l.stmts[key] = stmt
		} else {
			defer stmt.Close()
		}
	}
	if _, err := stmt.ExecContext(l.ctx, bt.args...); err != nil {
		return wrap("bulk load: insert into "+bt.table, err)
	}
	bt.args, bt.rows = bt.args[:0], 0
	return nil
}
