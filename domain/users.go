package domain

import (
	"context"
	"fmt"
	"strings"
)

// NewUser is what creating a user takes.
type NewUser struct {
	EmployeeNumber string // empty: one is assigned
	FullName       string
	Username       string
	Email          string
	Role           Role
	Password       string
	// RequestKey, when set, makes a create safe to send again: see
	// ClientInput.RequestKey.
	RequestKey string
}

// UserChanges is what editing a user takes: the full new state of the
// editable fields. The password has its own calls.
type UserChanges struct {
	EmployeeNumber string
	FullName       string
	Username       string
	Email          string
	Role           Role
	Active         bool
	// RequestKey, when set, makes an edit safe to send again: see
	// ClientInput.RequestKey.
	RequestKey string
}

// UserDetail is a user with the records they are responsible for.
type UserDetail struct {
	User    User
	Clients []Client // clients they are the sales contact of (first page)
	Events  []Event  // events they support (first page)
}

// UserService manages the people who use the CRM.
type UserService struct{ c *core }

// List returns a page of users.
func (s *UserService) List(ctx context.Context, sess Session, q UserQuery) (Page[User], error) {
	if _, err := s.c.authorize(ctx, s.c.store, sess, EntityUser, ActionRead); err != nil {
		return Page[User]{}, err
	}
	if err := checkSort(q.Sort, UserSorts); err != nil {
		return Page[User]{}, err
	}
	pageLimit(&q.PageQuery)
	p, err := s.c.store.ListUsers(ctx, q)
	for i := range p.Items {
		p.Items[i] = readable(p.Items[i])
	}
	return p, err
}

// readable is u without what no screen needs: its password hash.
func readable(u User) User {
	u.PasswordHash = ""
	return u
}

// Count returns how many users match q.
func (s *UserService) Count(ctx context.Context, sess Session, q UserQuery) (int, error) {
	if _, err := s.c.authorize(ctx, s.c.store, sess, EntityUser, ActionRead); err != nil {
		return 0, err
	}
	return s.c.store.CountUsers(ctx, q)
}

// Estimate tells quickly about how many users match q.
func (s *UserService) Estimate(ctx context.Context, sess Session, q UserQuery) (Estimate, error) {
	if _, err := s.c.authorize(ctx, s.c.store, sess, EntityUser, ActionRead); err != nil {
		return Estimate{}, err
	}
	return s.c.store.EstimateUsers(ctx, q)
}

// Get returns one user with their clients and events.
func (s *UserService) Get(ctx context.Context, sess Session, id int64) (UserDetail, error) {
	if _, err := s.c.authorize(ctx, s.c.store, sess, EntityUser, ActionRead); err != nil {
		return UserDetail{}, err
	}
	u, err := s.c.store.User(ctx, id)
	if err != nil {
		return UserDetail{}, err
	}
	d := UserDetail{User: readable(u)}
	if u.Role == RoleSales {
		p, err := s.c.store.ListClients(ctx, ClientQuery{SalesContactID: id, PageQuery: PageQuery{Limit: relatedLimit}})
		if err != nil {
			return UserDetail{}, err
		}
		d.Clients = p.Items
	}
	p, err := s.c.store.ListEvents(ctx, EventQuery{SupportContactID: id, PageQuery: PageQuery{Limit: relatedLimit}})
	if err != nil {
		return UserDetail{}, err
	}
	d.Events = p.Items
	return d, nil
}

// Pickable lists the active users of a role, for the pickers of forms (the
// sales contact of a client, the support contact of an event).
func (s *UserService) Pickable(ctx context.Context, sess Session, role Role) ([]User, error) {
	active := true
	p, err := s.List(ctx, sess, UserQuery{Role: role, Active: &active, PageQuery: PageQuery{Sort: "full_name", Limit: MaxPageSize}})
	return p.Items, err
}

// AssignableRoles lists the roles actor may give to a user.
func (s *UserService) AssignableRoles(actor User) []Role {
	if s.c.policy.Scope(actor.Role, EntityUser, ActionCreate) == ScopeNone &&
		s.c.policy.Scope(actor.Role, EntityUser, ActionUpdate) == ScopeNone {
		return nil
	}
	if actor.Role == RoleAdmin {
		return Roles
	}
	return []Role{RoleManagement, RoleSales, RoleSupport}
}

// CanManage says whether actor may edit, deactivate, reset or delete target,
// and why not. The screens ask it to choose the keys they offer, so it logs
// nothing; the services log what they refuse.
func (s *UserService) CanManage(actor, target User, action Action) error {
	if err := s.c.scopeCheck(actor, EntityUser, action, target.ID); err != nil {
		return err
	}
	if target.Role == RoleAdmin && actor.Role != RoleAdmin {
		return forbidden("only an administrator can %s an administrator", action)
	}
	return nil
}

// mayManage is CanManage for a service about to act: a refusal is logged.
func (s *UserService) mayManage(actor, target User, action Action) error {
	return s.c.logRefused(actor, EntityUser, action, target.ID, s.CanManage(actor, target, action))
}

// Create adds a user.
func (s *UserService) Create(ctx context.Context, sess Session, in NewUser) (User, error) {
	var actor, created User
	var replay bool
	err := s.c.store.InTx(ctx, func(q Queries) error {
		var err error
		actor, err = s.c.authorize(ctx, q, sess, EntityUser, ActionCreate)
		if err != nil {
			return err
		}
		if in.Role == RoleAdmin && actor.Role != RoleAdmin {
			return s.c.refuse(actor, EntityUser, ActionCreate, 0, "only an administrator can create an administrator")
		}
		if created, replay, err = replayed(ctx, q, actor, EntityUser, in.RequestKey, q.User, func(u User) bool {
			return s.c.madeFrom(u, in)
		}); replay || err != nil {
			return err
		}
		created, err = s.c.insertUser(ctx, q, actor, in)
		return err
	})
	if err != nil {
		return User{}, err
	}
	if !replay {
		s.c.notifyCreated(actor, created)
	}
	return created, nil
}

// madeFrom reports whether u is the user in describes: the same names,
// email, role and password (and employee number, when in gives one).
func (c *core) madeFrom(u User, in NewUser) bool {
	name, err1 := ValidateName("full_name", "full name", in.FullName, true)
	username, err2 := NormalizeUsername(in.Username)
	email, err3 := NormalizeEmail(in.Email)
	if err1 != nil || err2 != nil || err3 != nil || name != u.FullName || username != u.Username ||
		email != u.Email || in.Role != u.Role {
		return false
	}
	if in.EmployeeNumber != "" {
		if n, err := ValidateEmployeeNumber(in.EmployeeNumber); err != nil || n != u.EmployeeNumber {
			return false
		}
	}
	ok, _, err := c.hasher.Verify(in.Password, u.PasswordHash)
	return ok && err == nil
}

func (c *core) insertUser(ctx context.Context, q Queries, actor User, in NewUser) (User, error) {
	var err error
	u := User{Role: in.Role, Active: true}
	if !u.Role.Valid() {
		return User{}, invalid("role", "role %q does not exist", in.Role)
	}
	if u.EmployeeNumber, err = ValidateEmployeeNumber(in.EmployeeNumber); err != nil {
		return User{}, err
	}
	if u.FullName, err = ValidateName("full_name", "full name", in.FullName, true); err != nil {
		return User{}, err
	}
	if u.Username, err = NormalizeUsername(in.Username); err != nil {
		return User{}, err
	}
	if u.Email, err = NormalizeEmail(in.Email); err != nil {
		return User{}, err
	}
	if err := ValidatePassword("password", in.Password); err != nil {
		return User{}, err
	}
	if u.PasswordHash, err = c.hasher.Hash(in.Password); err != nil {
		return User{}, fmt.Errorf("domain: hash password: %w", err)
	}
	now := c.stamp()
	u.CreatedAt, u.UpdatedAt, u.TokensValidAfter = now, now, now
	if u.EmployeeNumber == "" {
		// A provisional unique number, replaced by one built from the id.
		u.EmployeeNumber = fmt.Sprintf("tmp-%d", now.UnixNano()%1e15)
	}
	if err := q.InsertUser(ctx, &u); err != nil {
		return User{}, err
	}
	if strings.HasPrefix(u.EmployeeNumber, "tmp-") {
		u.EmployeeNumber = fmt.Sprintf("E%05d", u.ID)
		if err := q.UpdateUser(ctx, &u); err != nil {
			return User{}, err
		}
	}
	return u, c.audit(ctx, q, actor, EntityUser, u.ID, ActionCreate, userCreated(u), in.RequestKey)
}

// Update edits a user, at the version the caller read. Only an administrator
// edits an administrator or grants the admin role; nobody deactivates
// themselves; the last active administrator stays one.
func (s *UserService) Update(ctx context.Context, sess Session, id int64, version int, in UserChanges) (User, error) {
	var actor, u User
	var ch changes
	err := s.c.store.InTx(ctx, func(q Queries) error {
		var err error
		actor, err = s.c.authorize(ctx, q, sess, EntityUser, ActionUpdate)
		if err != nil {
			return err
		}
		if in.Role != RoleAdmin || !in.Active {
			// A demotion or a deactivation may need the last-admin rule,
			// which locks every active admin in id order. Taking those
			// locks before the target's own keeps one order for all: two
			// admins demoting each other would otherwise each hold the
			// other's row and wait for their own.
			if peek, err := q.User(ctx, id); err == nil && peek.Role == RoleAdmin && peek.Active {
				if _, err := q.CountActiveAdmins(ctx); err != nil {
					return err
				}
			}
		}
		// Held until commit: no client or event is handed to them meanwhile.
		if err := q.Lock(ctx, EntityUser, id); err != nil {
			return err
		}
		u, err = q.User(ctx, id)
		if err != nil {
			return err
		}
		prior, err := priorChange(ctx, q, actor, EntityUser, id, ActionUpdate, in.RequestKey)
		if err != nil {
			return err
		}
		if prior == nil && u.Version != version {
			return conflict(EntityUser)
		}
		if err := s.mayManage(actor, u, ActionUpdate); err != nil {
			return err
		}
		next := u
		if next.EmployeeNumber, err = ValidateEmployeeNumber(in.EmployeeNumber); err != nil {
			return err
		}
		if next.EmployeeNumber == "" {
			return invalid("employee_number", "employee number is required")
		}
		if next.FullName, err = ValidateName("full_name", "full name", in.FullName, true); err != nil {
			return err
		}
		if next.Username, err = NormalizeUsername(in.Username); err != nil {
			return err
		}
		if next.Email, err = NormalizeEmail(in.Email); err != nil {
			return err
		}
		if !in.Role.Valid() {
			return invalid("role", "role %q does not exist", in.Role)
		}
		next.Role, next.Active = in.Role, in.Active
		if next.Role == RoleAdmin && u.Role != RoleAdmin && actor.Role != RoleAdmin {
			return s.c.refuse(actor, EntityUser, ActionUpdate, id, "only an administrator can grant the admin role")
		}
		if u.ID == actor.ID && !next.Active {
			return s.c.refuse(actor, EntityUser, ActionUpdate, id, "you cannot deactivate yourself")
		}
		if u.ID == actor.ID && next.Role != u.Role {
			return s.c.refuse(actor, EntityUser, ActionUpdate, id, "you cannot change your own role")
		}
		if u.Role == RoleAdmin && u.Active && (next.Role != RoleAdmin || !next.Active) {
			if err := s.c.lastAdminGuard(ctx, q, actor, ActionUpdate, id, "demote or deactivate"); err != nil {
				return err
			}
		}
		if next.Role != u.Role {
			if err := notStillResponsible(ctx, q, u); err != nil {
				return err
			}
		}
		ch = changes{}
		ch.set("employee_number", u.EmployeeNumber, next.EmployeeNumber)
		ch.set("full_name", u.FullName, next.FullName)
		ch.set("username", u.Username, next.Username)
		ch.set("email", u.Email, next.Email)
		ch.set("role", string(u.Role), string(next.Role))
		ch.set("active", u.Active, next.Active)
		if prior != nil && len(ch) > 0 {
			return changedOtherwise(EntityUser, id)
		}
		if len(ch) == 0 {
			return nil
		}
		if next.Role != u.Role || next.Active != u.Active {
			// A role change or a deactivation ends the user's sessions.
			next.TokensValidAfter = s.c.stamp()
		}
		next.UpdatedAt = s.c.stamp()
		if err := q.UpdateUser(ctx, &next); err != nil {
			return err
		}
		u = next
		return s.c.audit(ctx, q, actor, EntityUser, u.ID, ActionUpdate, ch, in.RequestKey)
	})
	if err != nil {
		return User{}, err
	}
	s.c.notifyUpdated(actor, u, ch.fields())
	return u, nil
}

// notStillResponsible refuses to change the role of a sales person while
// clients name them as sales contact, or of a support user while events
// name them as support contact.
func notStillResponsible(ctx context.Context, q Queries, u User) error {
	clients, events, err := q.UserReferences(ctx, u.ID)
	if err != nil {
		return err
	}
	if u.Role == RoleSales && clients > 0 {
		return newError(ErrReferenced, "role", "%s is still the sales contact of %d client(s); reassign them first", u.FullName, clients)
	}
	if u.Role == RoleSupport && events > 0 {
		return newError(ErrReferenced, "role", "%s is still the support contact of %d event(s); reassign them first", u.FullName, events)
	}
	return nil
}

// lastAdminGuard refuses actor's action on admin id when it would remove
// the last active administrator.
func (c *core) lastAdminGuard(ctx context.Context, q Queries, actor User, action Action, id int64, what string) error {
	n, err := q.CountActiveAdmins(ctx)
	if err != nil {
		return err
	}
	if n <= 1 {
		return c.refuse(actor, EntityUser, action, id, "you cannot %s the last active administrator", what)
	}
	return nil
}

// ResetPassword sets another user's password and lifts their sign-in lock.
// Management cannot reset an administrator's; your own password goes
// through ChangePassword. A reset sent again under the key of one that
// committed succeeds without doing anything more.
func (s *UserService) ResetPassword(ctx context.Context, sess Session, id int64, password, requestKey string) error {
	if err := ValidatePassword("password", password); err != nil {
		return err
	}
	var actor, u User
	var replay bool
	err := s.c.store.InTx(ctx, func(q Queries) error {
		var err error
		actor, err = s.c.authorize(ctx, q, sess, EntityUser, ActionUpdate)
		if err != nil {
			return err
		}
		if id == actor.ID {
			return s.c.refuse(actor, EntityUser, ActionUpdate, id, "change your own password with your current one instead")
		}
		u, err = q.User(ctx, id)
		if err != nil {
			return err
		}
		if err := s.mayManage(actor, u, ActionUpdate); err != nil {
			return err
		}
		prior, err := priorChange(ctx, q, actor, EntityUser, id, ActionUpdate, requestKey)
		if err != nil {
			return err
		}
		if prior != nil {
			replay = true
			return s.c.samePassword(*prior, u, password)
		}
		_, err = s.c.setPassword(ctx, q, actor, u, password, requestKey)
		return err
	})
	if err == nil && !replay {
		s.c.notifyUpdated(actor, u, []string{"password"})
	}
	return err
}

// Delete removes a user nobody references any more. Others are refused with
// what still points at them; deactivate them instead. A delete sent again
// under the key of one that committed succeeds without doing anything more.
func (s *UserService) Delete(ctx context.Context, sess Session, id int64, version int, requestKey string) error {
	return s.c.store.InTx(ctx, func(q Queries) error {
		actor, err := s.c.authorize(ctx, q, sess, EntityUser, ActionDelete)
		if err != nil {
			return err
		}
		if id == actor.ID {
			return s.c.refuse(actor, EntityUser, ActionDelete, id, "you cannot delete yourself")
		}
		if prior, err := priorChange(ctx, q, actor, EntityUser, id, ActionDelete, requestKey); prior != nil || err != nil {
			return err
		}
		u, err := q.User(ctx, id)
		if err != nil {
			return err
		}
		if u.Version != version {
			return conflict(EntityUser)
		}
		if err := s.mayManage(actor, u, ActionDelete); err != nil {
			return err
		}
		if u.Role == RoleAdmin && u.Active {
			if err := s.c.lastAdminGuard(ctx, q, actor, ActionDelete, id, "delete"); err != nil {
				return err
			}
		}
		clients, events, err := q.UserReferences(ctx, id)
		if err != nil {
			return err
		}
		if clients > 0 || events > 0 {
			var holds []string
			if clients > 0 {
				holds = append(holds, fmt.Sprintf("the sales contact of %d client(s)", clients))
			}
			if events > 0 {
				holds = append(holds, fmt.Sprintf("the support contact of %d event(s)", events))
			}
			return newError(ErrReferenced, "", "%s is still %s: deactivate the user instead", u.FullName, strings.Join(holds, " and "))
		}
		if err := q.DeleteUser(ctx, id, version); err != nil {
			return err
		}
		ch := changes{}
		ch.set("username", u.Username, nil)
		ch.set("full_name", u.FullName, nil)
		ch.set("email", u.Email, nil)
		ch.set("role", string(u.Role), nil)
		return s.c.audit(ctx, q, actor, EntityUser, id, ActionDelete, ch, requestKey)
	})
}

func conflict(e Entity) error {
	return newError(ErrConflict, "", "this %s was changed by someone else; reload it and try again", e)
}
