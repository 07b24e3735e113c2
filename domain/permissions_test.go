package domain_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/epicevents/epic-tui/domain"
)

// specTable is the permission table of the README (Roles and permissions),
// written out independently of the schema's seed so that a wrong seed fails
// this test.
var specTable = map[string]map[domain.Role]domain.Scope{
	"user:create":     {"admin": "all", "management": "all"},
	"user:read":       {"admin": "all", "management": "all", "sales": "all", "support": "all"},
	"user:update":     {"admin": "all", "management": "all"},
	"user:delete":     {"admin": "all", "management": "all"},
	"client:create":   {"admin": "all", "sales": "all"},
	"client:read":     {"admin": "all", "management": "all", "sales": "all", "support": "all"},
	"client:update":   {"admin": "all", "sales": "own"},
	"client:delete":   {"admin": "all"},
	"contract:create": {"admin": "all", "management": "all"},
	"contract:read":   {"admin": "all", "management": "all", "sales": "all", "support": "all"},
	"contract:update": {"admin": "all", "management": "all"},
	"contract:delete": {"admin": "all"},
	"event:create":    {"admin": "all", "sales": "own"},
	"event:read":      {"admin": "all", "management": "all", "sales": "all", "support": "all"},
	"event:update":    {"admin": "all", "management": "all", "support": "own"},
	"event:delete":    {"admin": "all"},
}

var (
	entities = []domain.Entity{domain.EntityUser, domain.EntityClient, domain.EntityContract, domain.EntityEvent}
	actions  = []domain.Action{domain.ActionCreate, domain.ActionRead, domain.ActionUpdate, domain.ActionDelete}
)

// TestPolicyMatchesSpec checks the seeded role_permissions, cell by cell.
func TestPolicyMatchesSpec(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		p := w.app.Policy()
		for _, e := range entities {
			for _, a := range actions {
				for _, r := range domain.Roles {
					want := specTable[string(e)+":"+string(a)][r]
					if got := p.Scope(r, e, a); got != want {
						t.Errorf("%s %s:%s = %q, want %q", r, e, a, got, want)
					}
				}
			}
		}
	})
}

// TestPermissionMatrix runs every role × entity × action against a record
// of the actor's own and someone else's, and checks that allowed actions
// succeed and refused ones fail with ErrForbidden and write nothing.
func TestPermissionMatrix(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		actorOf := map[domain.Role]string{"admin": "admin", "management": "management", "sales": "sales", "support": "support"}
		otherOf := map[domain.Role]string{"sales": "sales2", "support": "support2"}
		for _, role := range domain.Roles {
			for _, e := range entities {
				for _, a := range actions {
					for _, own := range []bool{true, false} {
						actor, owner := actorOf[role], ownerKind(e, a)
						switch {
						case domain.Role(owner) != role && own:
							continue // this role cannot own such a record
						case own:
							owner = actor
						case domain.Role(owner) == role:
							owner = otherOf[role]
						}
						scope := specTable[string(e)+":"+string(a)][role]
						allowed := scope == domain.ScopeAll || (scope == domain.ScopeOwn && own)
						name := fmt.Sprintf("%s/%s:%s/own=%v", role, e, a, own)
						t.Run(name, func(t *testing.T) {
							parent := w.t
							w.t = t
							defer func() { w.t = parent }()
							act := w.prepare(e, a, owner)
							before := w.auditCount()
							err := act(w.as(actor))
							switch {
							case allowed && err != nil:
								t.Fatalf("allowed action failed: %v", err)
							case !allowed && !errors.Is(err, domain.ErrForbidden):
								t.Fatalf("refused action: got %v, want ErrForbidden", err)
							case !allowed && w.auditCount() != before:
								t.Fatalf("refused action wrote %d audit row(s)", w.auditCount()-before)
							case allowed && a != domain.ActionRead && w.auditCount() != before+1:
								t.Fatalf("allowed %s wrote %d audit row(s), want 1", a, w.auditCount()-before)
							}
						})
					}
				}
			}
		}
	})
}

// prepare builds a fresh target owned by owner and returns the attempt.
func (w *world) prepare(e domain.Entity, a domain.Action, owner string) actionFunc {
	ctx := w.ctx
	switch e {
	case domain.EntityUser:
		w.seq++
		target := w.newUser(fmt.Sprintf("target%d", w.seq), domain.RoleSupport, "Target User")
		switch a {
		case domain.ActionCreate:
			return func(s domain.Session) error {
				w.seq++
				_, err := w.app.Users.Create(ctx, s, domain.NewUser{FullName: "New Person", Username: fmt.Sprintf("new%d", w.seq),
					Email: fmt.Sprintf("new%d@epic.test", w.seq), Role: domain.RoleSales, Password: testPassword})
				return err
			}
		case domain.ActionRead:
			return func(s domain.Session) error { _, err := w.app.Users.Get(ctx, s, target.ID); return err }
		case domain.ActionUpdate:
			return w.unchanged(func(s domain.Session) error {
				_, err := w.app.Users.Update(ctx, s, target.ID, target.Version, domain.UserChanges{
					EmployeeNumber: target.EmployeeNumber, FullName: "Renamed", Username: target.Username,
					Email: target.Email, Role: target.Role, Active: true})
				return err
			}, func() any { u, _ := w.db.User(ctx, target.ID); return u.FullName })
		case domain.ActionDelete:
			return w.unchanged(func(s domain.Session) error { return w.app.Users.Delete(ctx, s, target.ID, target.Version, "") },
				func() any { return w.rowCount("users") })
		}
	case domain.EntityClient:
		target := w.newClient(owner)
		switch a {
		case domain.ActionCreate:
			return func(s domain.Session) error {
				w.seq++
				in := domain.ClientInput{FullName: "New Client", Email: fmt.Sprintf("new%d@example.com", w.seq), Phone: "+33 6 11 22 33 44"}
				if s.Role == domain.RoleAdmin {
					in.SalesContactID = w.users["sales"].ID
				}
				c, err := w.app.Clients.Create(ctx, s, in)
				if err == nil && s.Role == domain.RoleSales && c.SalesContactID != s.UserID {
					return fmt.Errorf("client created by sales belongs to %d, not to its creator %d", c.SalesContactID, s.UserID)
				}
				return err
			}
		case domain.ActionRead:
			return func(s domain.Session) error { _, err := w.app.Clients.Get(ctx, s, target.ID); return err }
		case domain.ActionUpdate:
			return w.unchanged(func(s domain.Session) error {
				_, err := w.app.Clients.Update(ctx, s, target.ID, target.Version, domain.ClientInput{
					FullName: "Renamed", Email: target.Email, Phone: target.Phone, CompanyName: target.CompanyName})
				return err
			}, func() any { c, _ := w.db.Client(ctx, target.ID); return c.FullName })
		case domain.ActionDelete:
			return w.unchanged(func(s domain.Session) error { return w.app.Clients.Delete(ctx, s, target.ID, target.Version, "") },
				func() any { return w.rowCount("clients") })
		}
	case domain.EntityContract:
		client := w.newClient(owner)
		target := w.newContract(client.ID, false)
		switch a {
		case domain.ActionCreate:
			return func(s domain.Session) error {
				_, err := w.app.Contracts.Create(ctx, s, domain.ContractInput{ClientID: client.ID, TotalAmount: 5000, AmountDue: 5000})
				return err
			}
		case domain.ActionRead:
			return func(s domain.Session) error { _, err := w.app.Contracts.Get(ctx, s, target.ID); return err }
		case domain.ActionUpdate:
			return w.unchanged(func(s domain.Session) error {
				_, err := w.app.Contracts.Update(ctx, s, target.ID, target.Version, domain.ContractInput{
					ClientID: client.ID, TotalAmount: target.TotalAmount, AmountDue: 0, Signed: true})
				return err
			}, func() any { k, _ := w.db.Contract(ctx, target.ID); return k.AmountDue })
		case domain.ActionDelete:
			return w.unchanged(func(s domain.Session) error { return w.app.Contracts.Delete(ctx, s, target.ID, target.Version, "") },
				func() any { return w.rowCount("contracts") })
		}
	case domain.EntityEvent:
		salesOwner, supportOwner := "sales", owner
		if a == domain.ActionCreate {
			salesOwner, supportOwner = owner, ""
		}
		k := w.newContract(w.newClient(salesOwner).ID, true)
		target := w.newEvent(k.ID, supportOwner)
		switch a {
		case domain.ActionCreate:
			return w.unchanged(func(s domain.Session) error {
				_, err := w.app.Events.Create(ctx, s, eventInput(k.ID, w.clock.Now()))
				return err
			}, func() any { return w.rowCount("events") })
		case domain.ActionRead:
			return func(s domain.Session) error { _, err := w.app.Events.Get(ctx, s, target.ID); return err }
		case domain.ActionUpdate:
			return w.unchanged(func(s domain.Session) error {
				in := eventInput(k.ID, w.clock.Now())
				in.SupportContactID = target.SupportContactID
				in.Notes = "updated notes"
				_, err := w.app.Events.Update(ctx, s, target.ID, target.Version, in)
				return err
			}, func() any { e, _ := w.db.Event(ctx, target.ID); return e.Notes })
		case domain.ActionDelete:
			return w.unchanged(func(s domain.Session) error { return w.app.Events.Delete(ctx, s, target.ID, target.Version, "") },
				func() any { return w.rowCount("events") })
		}
	}
	w.t.Fatalf("no attempt for %s %s", e, a)
	return nil
}

// ownerKind is the role whose users own the record an action is checked
// against: a client's (and its contracts') sales contact, the sales contact
// of the client an event is created for, an event's support contact; users
// are nobody's.
func ownerKind(e domain.Entity, a domain.Action) string {
	switch {
	case e == domain.EntityUser:
		return ""
	case e == domain.EntityEvent && a != domain.ActionCreate:
		return "support"
	}
	return "sales"
}

// actionFunc is an attempt that may remember how to check it changed nothing.
type actionFunc func(s domain.Session) error

// unchanged wraps an attempt so that a refusal is checked to leave the
// observed value as it was.
func (w *world) unchanged(run actionFunc, observe func() any) actionFunc {
	return func(s domain.Session) error {
		before := observe()
		err := run(s)
		if errors.Is(err, domain.ErrForbidden) {
			if after := observe(); after != before {
				w.t.Errorf("refused action changed %v to %v", before, after)
			}
		}
		return err
	}
}
