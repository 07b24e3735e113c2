package domain

import (
	"context"
	"time"
)

// Store is what the domain needs from storage. The store package implements
// it for PostgreSQL and SQLite.
type Store interface {
	Queries
	// InTx runs fn in one transaction, committed when fn returns nil and
	// rolled back otherwise.
	InTx(ctx context.Context, fn func(q Queries) error) error
}

// Queries are the reads and writes the services use, inside or outside a
// transaction. Lookups of a missing row return an error wrapping ErrNotFound;
// updates and deletes name the version they read and return ErrConflict when
// the row has changed since; constraint violations come back as ErrDuplicate,
// ErrReferenced or ErrInvalid.
type Queries interface {
	RolePermissions(ctx context.Context) ([]RolePermission, error)
	// Lock holds a row until the transaction ends, so that a rule checked
	// on it (a contract is signed, a user is an active sales person) still
	// holds when the change commits.
	Lock(ctx context.Context, entity Entity, id int64) error

	User(ctx context.Context, id int64) (User, error)
	// UserByLogin finds a user by username or by email (case-insensitive).
	UserByLogin(ctx context.Context, login string) (User, error)
	ListUsers(ctx context.Context, q UserQuery) (Page[User], error)
	CountUsers(ctx context.Context, q UserQuery) (int, error)
	EstimateUsers(ctx context.Context, q UserQuery) (Estimate, error)
	CountActiveAdmins(ctx context.Context) (int, error)
	InsertUser(ctx context.Context, u *User) error
	// UpdateUser writes every column of u, checks u.Version and increments it.
	UpdateUser(ctx context.Context, u *User) error
	// SetLoginState writes the throttling columns only; it is not a change of
	// the user record and does not touch its version.
	SetLoginState(ctx context.Context, id int64, failedLogins int, lockedUntil *time.Time) error
	// UnknownLoginFailed counts one more failed login for a name matching no
	// account (kept as a hash), unless it is locked at that time, and
	// returns the count and its current lock.
	UnknownLoginFailed(ctx context.Context, loginHash string, at time.Time) (failures int, lockedUntil *time.Time, err error)
	LockUnknownLogin(ctx context.Context, loginHash string, until time.Time) error
	// SetSessionState moves tokens_valid_after and, when passwordHash is not
	// empty, replaces the hash of an unchanged password (a rehash). Neither
	// is an edit of the user: the version stays.
	SetSessionState(ctx context.Context, id int64, tokensValidAfter time.Time, passwordHash string) error
	DeleteUser(ctx context.Context, id int64, version int) error
	// UserReferences counts the clients a user follows and the events they support.
	UserReferences(ctx context.Context, id int64) (clients, events int, err error)

	Client(ctx context.Context, id int64) (Client, error)
	// ClientByEmail finds a client by its normalised email.
	ClientByEmail(ctx context.Context, email string) (Client, error)
	ListClients(ctx context.Context, q ClientQuery) (Page[Client], error)
	CountClients(ctx context.Context, q ClientQuery) (int, error)
	EstimateClients(ctx context.Context, q ClientQuery) (Estimate, error)
	InsertClient(ctx context.Context, c *Client) error
	UpdateClient(ctx context.Context, c *Client) error
	DeleteClient(ctx context.Context, id int64, version int) error

	Contract(ctx context.Context, id int64) (Contract, error)
	ListContracts(ctx context.Context, q ContractQuery) (Page[Contract], error)
	CountContracts(ctx context.Context, q ContractQuery) (int, error)
	EstimateContracts(ctx context.Context, q ContractQuery) (Estimate, error)
	InsertContract(ctx context.Context, c *Contract) error
	UpdateContract(ctx context.Context, c *Contract) error
	// ApplyPayment lowers amount_due by cents in one statement, so concurrent
	// payments never lose an update; it fails with ErrInvalid when cents is
	// more than is due.
	ApplyPayment(ctx context.Context, id int64, cents int64, at time.Time) (Contract, error)
	DeleteContract(ctx context.Context, id int64, version int) error

	Event(ctx context.Context, id int64) (Event, error)
	ListEvents(ctx context.Context, q EventQuery) (Page[Event], error)
	CountEvents(ctx context.Context, q EventQuery) (int, error)
	EstimateEvents(ctx context.Context, q EventQuery) (Estimate, error)
	InsertEvent(ctx context.Context, e *Event) error
	UpdateEvent(ctx context.Context, e *Event) error
	DeleteEvent(ctx context.Context, id int64, version int) error

	SSHKey(ctx context.Context, id int64) (SSHKey, error)
	SSHKeyByFingerprint(ctx context.Context, fingerprint string) (SSHKey, error)
	ListSSHKeys(ctx context.Context, userID int64) ([]SSHKey, error)
	InsertSSHKey(ctx context.Context, k *SSHKey) error
	DeleteSSHKey(ctx context.Context, id int64) error
	// SSHKeyUsed records a sign-in with the key; not a change to audit.
	SSHKeyUsed(ctx context.Context, id int64, at time.Time) error

	InsertAudit(ctx context.Context, a *AuditEntry) error
	ListAudit(ctx context.Context, entity Entity, id int64) ([]AuditEntry, error)
	// AuditPage returns up to limit entries of one record, newest first,
	// those with an id below before when it is not 0.
	AuditPage(ctx context.Context, entity Entity, id, before int64, limit int) ([]AuditEntry, error)
	// AuditByRequestKey finds the entry of the change made under a request
	// key, or fails with ErrNotFound.
	AuditByRequestKey(ctx context.Context, key string) (AuditEntry, error)
	// LatestAuditID is the id of the newest audit entry, 0 when there is
	// none: every write commits with its entry, so it moves on every change.
	LatestAuditID(ctx context.Context) (int64, error)
}

// Cursor marks a row in a sorted list: the value of the sort column and the
// id that breaks ties. Lists page by cursor (keyset), never by offset.
type Cursor struct {
	Key any
	ID  int64
}

// Estimate is a quick answer to how many rows a list holds, to show until
// the exact count (which takes longer on large lists) arrives: exact for
// small lists; otherwise the database's estimate, or, when AtLeast, a
// lower bound.
type Estimate struct {
	N       int
	Exact   bool
	AtLeast bool
}

// PageQuery is what every list shares: the search text, the sort, and the
// page wanted. Set After to get the rows after a cursor, Before to get the
// rows before it (returned in display order), neither for the first page.
type PageQuery struct {
	Search string // space-separated terms, all required
	Sort   string // one of the entity's sort columns; "" sorts by id
	Desc   bool
	After  *Cursor
	Before *Cursor
	Limit  int // 0 means DefaultPageSize
}

// DefaultPageSize is the number of rows a page holds unless asked otherwise.
const DefaultPageSize = 100

// MaxPageSize bounds what one request may fetch.
const MaxPageSize = 1000

// Page is one page of a list, in display order.
type Page[T any] struct {
	Items   []T
	Cursors []Cursor // Cursors[i] marks Items[i]
	HasPrev bool     // rows exist before Items[0]
	HasNext bool     // rows exist after the last item
}

// UserQuery lists users. Zero values mean "any".
type UserQuery struct {
	PageQuery
	Role   Role
	Active *bool
}

// ClientQuery lists clients.
type ClientQuery struct {
	PageQuery
	Mine           bool // the acting sales person's clients; resolved by the domain
	SalesContactID int64
}

// ContractQuery lists contracts.
type ContractQuery struct {
	PageQuery
	Mine           bool  // contracts of the acting sales person's clients; resolved by the domain
	SalesContactID int64 // contracts of this sales person's clients
	ClientID       int64
	Unsigned       bool
	Signed         bool
	Unpaid         bool // amount due > 0
}

// EventQuery lists events.
type EventQuery struct {
	PageQuery
	Mine             bool  // support: events I run; sales: events of my clients; resolved by the domain
	Upcoming         bool  // events not yet over; resolved by the domain into From
	SupportContactID int64 // events this support user runs
	SalesContactID   int64 // events of this sales person's clients
	ContractID       int64
	ClientID         int64
	WithoutSupport   bool
	From             *time.Time // events ending at or after From
	To               *time.Time // events starting before To
}

// Sort columns each list accepts, in the order the UI cycles through them.
var (
	UserSorts     = []string{"id", "employee_number", "full_name", "username", "email", "role"}
	ClientSorts   = []string{"id", "full_name", "company_name", "email", "sales_contact", "updated_at"}
	ContractSorts = []string{"id", "client", "total_amount", "amount_due", "signed", "created_at"}
	EventSorts    = []string{"id", "name", "client", "start_at", "location", "attendees"}
)
