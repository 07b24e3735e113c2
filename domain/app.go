package domain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// Session is who a request claims to come from, as read from a verified
// token. Every service call re-reads that user from the database.
type Session struct {
	UserID int64
	Role   Role
	// ValidAfter is the user's tokens_valid_after when the token was
	// issued. A logout, a password change, a role change or a deactivation
	// moves it, and every token carrying the old value stops working; the
	// check compares two stored values, never two machines' clocks.
	ValidAfter time.Time
}

// Observer hears about the changes that matter to operations: a user created
// or changed, a contract signed.
// Calls happen after the change is committed.
type Observer interface {
	UserCreated(actor, created User)
	UserUpdated(actor, updated User, fields []string)
	ContractSigned(actor User, c Contract)
}

// Deps are what the services need from outside.
type Deps struct {
	Store    Store
	Hasher   PasswordHasher
	Now      func() time.Time // nil means time.Now
	Observer Observer         // nil means nobody listens
	Logger   *slog.Logger     // nil means no log
}

// App gathers the services. Build it with New.
type App struct {
	Auth      *AuthService
	Users     *UserService
	Clients   *ClientService
	Contracts *ContractService
	Events    *EventService
	SSHKeys   *SSHKeyService

	core *core
}

// core is what every service shares.
type core struct {
	store    Store
	hasher   PasswordHasher
	now      func() time.Time
	policy   *Policy
	observer Observer
	log      *slog.Logger
}

// New loads the permission policy from the store and builds the services.
func New(ctx context.Context, d Deps) (*App, error) {
	rows, err := d.Store.RolePermissions(ctx)
	if err != nil {
		return nil, fmt.Errorf("domain: load permissions: %w", err)
	}
	policy, err := NewPolicy(rows)
	if err != nil {
		return nil, err
	}
	now := d.Now
	if now == nil {
		now = time.Now
	}
	log := d.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return newApp(&core{store: d.Store, hasher: d.Hasher, now: now, policy: policy, observer: d.Observer, log: log}), nil
}

func newApp(c *core) *App {
	return &App{
		Auth:      &AuthService{c: c},
		Users:     &UserService{c},
		Clients:   &ClientService{c},
		Contracts: &ContractService{c},
		Events:    &EventService{c},
		SSHKeys:   &SSHKeyService{c},
		core:      c,
	}
}

// Policy returns the permission table loaded from the database.
func (a *App) Policy() *Policy { return a.core.policy }

// CanAny reports whether actor's role may do action on entity at all, on
// some record. The UI uses it to decide which keys to offer.
func (a *App) CanAny(actor User, entity Entity, action Action) bool {
	return a.core.policy.Scope(actor.Role, entity, action) != ScopeNone
}

// Permission says whether actor may do action on entity when the record's
// owner is ownerID (the client's sales contact, the event's support contact,
// the sales contact of the client an event is created for; 0 when it has
// none). It returns nil or an error wrapping ErrForbidden that says why.
func (a *App) Permission(actor User, entity Entity, action Action, ownerID int64) error {
	return a.core.scopeCheck(actor, entity, action, ownerID)
}

// stamp is the time written for a change: UTC, to the microsecond, as both
// databases keep it.
func (c *core) stamp() time.Time { return c.now().UTC().Truncate(time.Microsecond) }

// actor re-reads the session's user: a deleted or deactivated user, one whose
// role changed, or a token issued before a revocation is refused whatever the
// token says.
func (c *core) actor(ctx context.Context, q Queries, s Session) (User, error) {
	if s.UserID == 0 {
		return User{}, newError(ErrUnauthenticated, "", "please sign in")
	}
	u, err := q.User(ctx, s.UserID)
	if errors.Is(err, ErrNotFound) {
		return User{}, newError(ErrUnauthenticated, "", "your account no longer exists")
	}
	if err != nil {
		return User{}, err
	}
	switch {
	case !u.Active:
		return User{}, newError(ErrUnauthenticated, "", "your account has been deactivated")
	case u.Role != s.Role:
		return User{}, newError(ErrUnauthenticated, "", "your role has changed; please sign in again")
	case !s.ValidAfter.Equal(u.TokensValidAfter):
		return User{}, newError(ErrUnauthenticated, "", "your session has ended; please sign in again")
	}
	return u, nil
}

// ownOnly explains, per entity and action, what "own" means when refused.
var ownOnly = map[Entity]map[Action]string{
	EntityClient: {ActionUpdate: "you can only update clients you are the sales contact of"},
	EntityEvent: {
		ActionCreate: "you can only create events for contracts of your own clients",
		ActionUpdate: "you can only update events you are the support contact of",
	},
}

// permit checks the permission table for action on record id (0 when there
// is no record yet) owned by ownerID, and logs a refusal.
func (c *core) permit(actor User, entity Entity, action Action, id, ownerID int64) error {
	return c.logRefused(actor, entity, action, id, c.scopeCheck(actor, entity, action, ownerID))
}

// refuse logs and returns a refusal that the permission table alone does
// not decide (only an admin grants the admin role...).
func (c *core) refuse(actor User, entity Entity, action Action, id int64, format string, args ...any) error {
	return c.logRefused(actor, entity, action, id, forbidden(format, args...))
}

// logRefused writes err to the log when it is a refusal, and returns it.
// Every refusal of the services passes here, so that the log holds them all
// (the README promises it): who, what, on which record, never the values
// sent.
func (c *core) logRefused(actor User, entity Entity, action Action, id int64, err error) error {
	if errors.Is(err, ErrForbidden) {
		attrs := []any{"user_id", actor.ID, "role", actor.Role, "entity", entity, "action", action}
		if id != 0 {
			attrs = append(attrs, "id", id)
		}
		c.log.Warn("action refused", append(attrs, "reason", err.Error())...)
	}
	return err
}

func (c *core) scopeCheck(actor User, entity Entity, action Action, ownerID int64) error {
	switch c.policy.Scope(actor.Role, entity, action) {
	case ScopeAll:
		return nil
	case ScopeOwn:
		if ownerID != 0 && ownerID == actor.ID {
			return nil
		}
		if msg, ok := ownOnly[entity][action]; ok {
			return forbidden("%s", msg)
		}
		return forbidden("you can only %s your own %ss", action, entity)
	}
	return forbidden("%s users cannot %s %ss", actor.Role.Label(), action, entity)
}

// authorize re-reads the actor and checks a permission that does not depend
// on a record.
func (c *core) authorize(ctx context.Context, q Queries, s Session, entity Entity, action Action) (User, error) {
	actor, err := c.actor(ctx, q, s)
	if err != nil {
		return User{}, err
	}
	if c.policy.Scope(actor.Role, entity, action) == ScopeNone {
		return User{}, c.permit(actor, entity, action, 0, 0)
	}
	return actor, nil
}

// changes maps a field to its old and new value.
type changes map[string][2]any

func (ch changes) set(field string, old, new any) {
	if old != new {
		ch[field] = [2]any{old, new}
	}
}

func (ch changes) fields() []string {
	out := make([]string, 0, len(ch))
	for k := range ch {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// audit writes one audit row in the same transaction as the change. A
// change sent under a request key ("" for none) keeps the key with the row,
// and a second change under it cannot commit.
func (c *core) audit(ctx context.Context, q Queries, actor User, entity Entity, id int64, action Action, ch changes, key string) error {
	body, err := json.Marshal(ch)
	if err != nil {
		return fmt.Errorf("domain: audit %s %d: %w", entity, id, err)
	}
	var actorID *int64
	var requestKey *string
	name := actor.Username
	if actor.ID != 0 {
		actorID = &actor.ID
	}
	if name == "" {
		name = "system"
	}
	if key != "" {
		requestKey = &key
	}
	return q.InsertAudit(ctx, &AuditEntry{
		ActorID: actorID, Actor: name, At: c.stamp(),
		Entity: entity, EntityID: id, Action: action, Changes: string(body), RequestKey: requestKey,
	})
}

// maxRequestKey bounds a request key, as the schema does.
const maxRequestKey = 64

// validRequestKey: 1 to 64 letters, digits, '-' or '_'.
func validRequestKey(key string) bool {
	if len(key) == 0 || len(key) > maxRequestKey {
		return false
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// replayed answers a create sent again under the key of one that already
// committed (its answer was lost on the way, and the form was saved again):
// it returns the record that create made, found with get, and true. When
// that record differs from what is sent now (same says), the form was
// changed in between: the later values are refused, not dropped unsaid. A
// new or empty key returns false, and the create goes ahead.
func replayed[T any](ctx context.Context, q Queries, actor User, entity Entity, key string,
	get func(context.Context, int64) (T, error), same func(T) bool) (T, bool, error) {
	var zero T
	if key == "" {
		return zero, false, nil
	}
	if !validRequestKey(key) {
		return zero, false, invalid("", "the request key is not valid")
	}
	a, err := q.AuditByRequestKey(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return zero, false, nil
	}
	if err != nil {
		return zero, false, err
	}
	if a.ActorID == nil || *a.ActorID != actor.ID || a.Entity != entity || a.Action != ActionCreate {
		return zero, false, invalid("", "the request key was already used for another change")
	}
	rec, err := get(ctx, a.EntityID)
	if err != nil {
		return zero, false, err
	}
	if !same(rec) {
		return zero, false, NewError(ErrDuplicate, "", fmt.Sprintf(
			"your earlier save already created this %s (#%d) with other values; close this form and edit it there", entity, a.EntityID))
	}
	return rec, true, nil
}

// priorChange finds the change an edit, payment, delete or password change
// already made under key (its answer was lost on the way, and the person
// saved again): the audit entry written with it, or nil when the key is new
// or empty and the change goes ahead. A key used by this actor for another
// record or another kind of change is refused.
func priorChange(ctx context.Context, q Queries, actor User, entity Entity, id int64, action Action, key string) (*AuditEntry, error) {
	if key == "" {
		return nil, nil
	}
	if !validRequestKey(key) {
		return nil, invalid("", "the request key is not valid")
	}
	a, err := q.AuditByRequestKey(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if a.ActorID == nil || *a.ActorID != actor.ID || a.Entity != entity || a.EntityID != id || a.Action != action {
		return nil, invalid("", "the request key was already used for another change")
	}
	return &a, nil
}

// changedOtherwise refuses a save sent again under the key of one that
// committed, when the record no longer matches the form (the form was
// changed in between, or someone changed the record since): the values
// are refused, not dropped unsaid.
func changedOtherwise(entity Entity, id int64) error {
	return NewError(ErrDuplicate, "", fmt.Sprintf(
		"your earlier save of this form already changed %s #%d, which now differs from the form; close it and open the %s again",
		entity, id, entity))
}

// AuditTrail returns the audit rows of one record, newest first, to anyone
// who may read the record.
func (a *App) AuditTrail(ctx context.Context, s Session, entity Entity, id int64) ([]AuditEntry, error) {
	c := a.core
	if _, err := c.authorize(ctx, c.store, s, entity, ActionRead); err != nil {
		return nil, err
	}
	return c.store.ListAudit(ctx, entity, id)
}

// LatestChange returns a mark that moves whenever any record is created,
// changed or deleted, to anyone who may read entity: a list polls it to show
// what others changed, rows of other tables included (a renamed client shows
// in the events list). It is the newest audit entry's id.
func (a *App) LatestChange(ctx context.Context, s Session, entity Entity) (int64, error) {
	c := a.core
	if _, err := c.authorize(ctx, c.store, s, entity, ActionRead); err != nil {
		return 0, err
	}
	return c.store.LatestAuditID(ctx)
}

func pageLimit(q *PageQuery) {
	if q.Limit <= 0 {
		q.Limit = DefaultPageSize
	}
	if q.Limit > MaxPageSize {
		q.Limit = MaxPageSize
	}
}

func checkSort(sort string, allowed []string) error {
	if sort == "" {
		return nil
	}
	for _, s := range allowed {
		if s == sort {
			return nil
		}
	}
	return invalid("sort", "cannot sort by %q", sort)
}

// relatedLimit bounds the related records a detail view carries.
const relatedLimit = 50
