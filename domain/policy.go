package domain

import "fmt"

// Entity names a kind of record the permission table speaks of.
type Entity string

// The entities of the permission table.
const (
	EntityUser     Entity = "user"
	EntityClient   Entity = "client"
	EntityContract Entity = "contract"
	EntityEvent    Entity = "event"
)

// Action names what a permission allows.
type Action string

// The actions of the permission table.
const (
	ActionCreate Action = "create"
	ActionRead   Action = "read"
	ActionUpdate Action = "update"
	ActionDelete Action = "delete"
)

// Scope says how far a permission reaches.
type Scope string

// ScopeNone is the zero value: the role may not act at all.
const (
	ScopeNone Scope = ""
	ScopeAll  Scope = "all"
	ScopeOwn  Scope = "own"
)

// RolePermission is one row of the role_permissions table.
type RolePermission struct {
	Role   Role   `db:"role"`
	Entity Entity `db:"entity"`
	Action Action `db:"action"`
	Scope  Scope  `db:"scope"`
}

// Policy answers which role may do what. It is loaded from the database; a
// pair missing from it is denied.
type Policy struct {
	scopes map[Role]map[Entity]map[Action]Scope
}

// NewPolicy builds a Policy from role_permissions rows.
func NewPolicy(rows []RolePermission) (*Policy, error) {
	p := &Policy{scopes: map[Role]map[Entity]map[Action]Scope{}}
	for _, r := range rows {
		if r.Scope != ScopeAll && r.Scope != ScopeOwn {
			return nil, fmt.Errorf("domain: permission %s %s %s: unknown scope %q", r.Role, r.Entity, r.Action, r.Scope)
		}
		if p.scopes[r.Role] == nil {
			p.scopes[r.Role] = map[Entity]map[Action]Scope{}
		}
		if p.scopes[r.Role][r.Entity] == nil {
			p.scopes[r.Role][r.Entity] = map[Action]Scope{}
		}
		p.scopes[r.Role][r.Entity][r.Action] = r.Scope
	}
	return p, nil
}

// Scope returns how far role may do action on entity; ScopeNone denies.
func (p *Policy) Scope(role Role, entity Entity, action Action) Scope {
	if p == nil {
		return ScopeNone
	}
	return p.scopes[role][entity][action]
}
