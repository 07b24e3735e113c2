package domain

import "time"

// Role names a user's job; the permissions of each role live in the database.
type Role string

// The four roles seeded by the schema.
const (
	RoleAdmin      Role = "admin"
	RoleManagement Role = "management"
	RoleSales      Role = "sales"
	RoleSupport    Role = "support"
)

// Roles lists every role, in the order forms offer them.
var Roles = []Role{RoleAdmin, RoleManagement, RoleSales, RoleSupport}

// Label is the role's name for people.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "Administrator"
	case RoleManagement:
		return "Management"
	case RoleSales:
		return "Sales"
	case RoleSupport:
		return "Support"
	}
	return string(r)
}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// User is an employee of Epic Events who signs in to the CRM.
type User struct {
	ID               int64      `db:"id"`
	EmployeeNumber   string     `db:"employee_number"`
	FullName         string     `db:"full_name"`
	Username         string     `db:"username"`
	Email            string     `db:"email"`
	Role             Role       `db:"role"`
	Active           bool       `db:"active"`
	PasswordHash     string     `db:"password_hash"`
	TokensValidAfter time.Time  `db:"tokens_valid_after"`
	FailedLogins     int        `db:"failed_logins"`
	LockedUntil      *time.Time `db:"locked_until"`
	CreatedAt        time.Time  `db:"created_at"`
	UpdatedAt        time.Time  `db:"updated_at"`
	Version          int        `db:"version"`
}

// Client is a customer of Epic Events, followed by one sales contact.
type Client struct {
	ID               int64     `db:"id"`
	FullName         string    `db:"full_name"`
	Email            string    `db:"email"`
	Phone            string    `db:"phone"` // E.164
	CompanyName      string    `db:"company_name"`
	SalesContactID   int64     `db:"sales_contact_id"`
	SalesContactName string    `db:"sales_contact_name"` // read-only, joined
	CreatedAt        time.Time `db:"created_at"`         // first contact
	UpdatedAt        time.Time `db:"updated_at"`         // last contact or update
	Version          int       `db:"version"`

	// SalesContactUsername is read-only, joined: the natural key export
	// writes for the sales contact.
	SalesContactUsername string `db:"sales_contact_username"`
}

// Contract is what a client owes for events. Amounts are integer cents. Its
// sales contact is its client's: derived, never stored twice.
type Contract struct {
	ID               int64      `db:"id"`
	ClientID         int64      `db:"client_id"`
	ClientName       string     `db:"client_name"`        // read-only, joined
	SalesContactID   int64      `db:"sales_contact_id"`   // read-only, joined
	SalesContactName string     `db:"sales_contact_name"` // read-only, joined
	TotalAmount      int64      `db:"total_amount"`
	AmountDue        int64      `db:"amount_due"`
	Signed           bool       `db:"signed"`
	SignedAt         *time.Time `db:"signed_at"`
	CreatedAt        time.Time  `db:"created_at"`
	UpdatedAt        time.Time  `db:"updated_at"`
	Version          int        `db:"version"`

	// Read-only, joined: the natural keys export writes for the client and
	// the sales contact.
	ClientEmail          string `db:"client_email"`
	SalesContactUsername string `db:"sales_contact_username"`
}

// Paid is what the client has paid so far, in cents.
func (c Contract) Paid() int64 { return c.TotalAmount - c.AmountDue }

// Event is an occasion Epic Events runs under a signed contract.
type Event struct {
	ID                 int64     `db:"id"`
	Name               string    `db:"name"`
	ContractID         int64     `db:"contract_id"`
	ClientID           int64     `db:"client_id"`          // read-only, joined
	ClientName         string    `db:"client_name"`        // read-only, joined
	SalesContactID     int64     `db:"sales_contact_id"`   // read-only, joined
	SupportContactID   *int64    `db:"support_contact_id"` // nil: nobody assigned yet
	SupportContactName string    `db:"support_contact_name"`
	StartAt            time.Time `db:"start_at"`
	EndAt              time.Time `db:"end_at"`
	Location           string    `db:"location"`
	Attendees          int       `db:"attendees"`
	Notes              string    `db:"notes"`
	CreatedAt          time.Time `db:"created_at"`
	UpdatedAt          time.Time `db:"updated_at"`
	Version            int       `db:"version"`

	// Read-only, joined: the natural keys export writes for the client and
	// the support contact ("" for none).
	ClientEmail            string `db:"client_email"`
	SupportContactUsername string `db:"support_contact_username"`
}

// AuditEntry records one change: who, when, what, and the changed fields'
// old and new values as a JSON object {"field": [old, new]}.
type AuditEntry struct {
	ID       int64     `db:"id"`
	ActorID  *int64    `db:"actor_id"`
	Actor    string    `db:"actor"`
	At       time.Time `db:"at"`
	Entity   Entity    `db:"entity"`
	EntityID int64     `db:"entity_id"`
	Action   Action    `db:"action"`
	Changes  string    `db:"changes"`
	// RequestKey is the key a change was sent with, if any.
	RequestKey *string `db:"request_key"`
}
