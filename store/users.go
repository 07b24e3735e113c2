package store

import (
	"context"
	"fmt"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

const userColumns = `users.id, users.employee_number, users.full_name, users.username, users.email,
	users.role, users.active, users.password_hash, users.tokens_valid_after, users.failed_logins,
	users.locked_until, users.created_at, users.updated_at, users.version`

// userSorts are the expressions behind domain.UserSorts.
var userSorts = map[string]sortKey{
	"id":              {expr: "users.id"},
	"employee_number": {expr: "users.employee_number"},
	"full_name":       {expr: "users.sort_name"},
	"username":        {expr: "users.username"},
	"email":           {expr: "users.email"},
	"role":            {expr: "users.role"},
}

// userRow is a user with its sort key, as lists read it.
type userRow struct {
	domain.User
	SortKey any `db:"sort_key"`
}

func (r userRow) split() (domain.User, domain.Cursor) {
	fixUser(&r.User)
	return r.User, domain.Cursor{Key: r.SortKey, ID: r.ID}
}

// fixUser puts the times of a user read back in UTC.
func fixUser(u *domain.User) {
	utc(&u.TokensValidAfter, &u.CreatedAt, &u.UpdatedAt)
	utcPtr(&u.LockedUntil)
}

// userSearchText is what a user is found by.
func userSearchText(u *domain.User) string {
	return domain.SearchText(u.EmployeeNumber, u.FullName, u.Username, u.Email, string(u.Role))
}

// User returns the user with the given id.
func (q queries) User(ctx context.Context, id int64) (domain.User, error) {
	var u domain.User
	err := q.get(ctx, &u, `SELECT `+userColumns+` FROM users WHERE users.id = ?`, id)
	if isNoRows(err) {
		err = notFound("user", id)
	}
	if err != nil {
		return u, wrap(fmt.Sprintf("get user %d", id), err)
	}
	fixUser(&u)
	return u, nil
}

// UserByLogin finds a user by username, or by email whatever its case.
func (q queries) UserByLogin(ctx context.Context, login string) (domain.User, error) {
	var u domain.User
	err := q.get(ctx, &u, `SELECT `+userColumns+` FROM users
		WHERE users.username = ? OR users.email = lower(?)
		ORDER BY users.id LIMIT 1`, login, login)
	if isNoRows(err) {
		err = domain.NewError(domain.ErrNotFound, "", fmt.Sprintf("no user %q", login))
	}
	if err != nil {
		return u, wrap(fmt.Sprintf("get user %q", login), err)
	}
	fixUser(&u)
	return u, nil
}

// userFilter is the WHERE clause of ListUsers and CountUsers.
func userFilter(q domain.UserQuery) filter {
	var f filter
	if q.Role != "" {
		f.add("users.role = ?", string(q.Role))
	}
	if q.Active != nil {
		f.add("users.active = ?", *q.Active)
	}
	// Users are few: their search needs no index.
	f.search(searchable{text: "users.search_text", id: "users.id"}, q.Search)
	return f
}

// ListUsers returns one page of the users q asks for.
func (q queries) ListUsers(ctx context.Context, uq domain.UserQuery) (domain.Page[domain.User], error) {
	k, err := newKeyset("user", userSorts, "users.id", uq.PageQuery)
	if err != nil {
		return domain.Page[domain.User]{}, err
	}
	page, err := listPage[domain.User, userRow](ctx, q, k, userColumns, "users", userFilter(uq))
	if err != nil {
		return page, wrap("list users", err)
	}
	return page, nil
}

// EstimateUsers tells quickly about how many users q asks for.
func (q queries) EstimateUsers(ctx context.Context, uq domain.UserQuery) (domain.Estimate, error) {
	e, err := q.estimate(ctx, "users", "users", userFilter(uq))
	if err != nil {
		return e, wrap("estimate users", err)
	}
	return e, nil
}

// CountUsers counts the users q asks for, all pages together.
func (q queries) CountUsers(ctx context.Context, uq domain.UserQuery) (int, error) {
	n, err := q.count(ctx, "users", "users", userFilter(uq))
	if err != nil {
		return 0, wrap("count users", err)
	}
	return n, nil
}

// CountActiveAdmins counts the administrators who may still sign in, so the
// last one is never demoted, disabled or deleted.
func (q queries) CountActiveAdmins(ctx context.Context) (int, error) {
	// The rows are locked on PostgreSQL, so that two admins removing each
	// other at once cannot both see the other one still there; always in id
	// order, so that two transactions locking them never wait for each
	// other in a circle. SQLite runs one writing transaction at a time
	// already.
	var ids []int64
	err := q.selectRows(ctx, &ids, `SELECT id FROM users WHERE role = ? AND active = ? ORDER BY id`+q.forUpdate(),
		string(domain.RoleAdmin), true)
	if err != nil {
		return 0, wrap("count active admins", err)
	}
	return len(ids), nil
}

// InsertUser adds u and sets its ID, version and times.
func (q queries) InsertUser(ctx context.Context, u *domain.User) error {
	at := now()
	created, updated := orNow(u.CreatedAt, at), orNow(u.UpdatedAt, at)
	tokens, locked := dbTime(u.TokensValidAfter), dbTimePtr(u.LockedUntil)
	id, err := q.insert(ctx, `INSERT INTO users (employee_number, full_name, username, email, role,
			active, password_hash, tokens_valid_after, failed_logins, locked_until, search_text,
			sort_name, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
		RETURNING id`,
		u.EmployeeNumber, u.FullName, u.Username, u.Email, string(u.Role),
		u.Active, u.PasswordHash, tokens, u.FailedLogins, locked, userSearchText(u),
		domain.Fold(u.FullName), created, updated)
	if err != nil {
		return wrap(fmt.Sprintf("insert user %q", u.Username), err)
	}
	u.ID, u.Version = id, 1
	u.TokensValidAfter, u.LockedUntil, u.CreatedAt, u.UpdatedAt = tokens, locked, created, updated
	return nil
}

// UpdateUser writes every column of u if nobody changed it since it was
// read at u.Version, then increments the version.
func (q queries) UpdateUser(ctx context.Context, u *domain.User) error {
	at := now()
	tokens, locked := dbTime(u.TokensValidAfter), dbTimePtr(u.LockedUntil)
	text := userSearchText(u)
	err := q.atomic(ctx, func(q queries) error {
		// The rows showing the user are refreshed only when their text
		// changes: a sales person may follow many clients.
		var old string
		if err := q.get(ctx, &old, `SELECT search_text FROM users WHERE id = ?`, u.ID); err != nil && !isNoRows(err) {
			return err
		}
		n, err := q.exec(ctx, `UPDATE users SET employee_number = ?, full_name = ?, username = ?,
				email = ?, role = ?, active = ?, password_hash = ?, tokens_valid_after = ?,
				failed_logins = ?, locked_until = ?, search_text = ?, sort_name = ?,
				version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`,
			u.EmployeeNumber, u.FullName, u.Username, u.Email, string(u.Role), u.Active,
			u.PasswordHash, tokens, u.FailedLogins, locked, text, domain.Fold(u.FullName),
			at, u.ID, u.Version)
		if err == nil && n == 0 {
			err = q.missed(ctx, "users", "user", u.ID)
		}
		if err != nil || old == text {
			return err
		}
		return q.refreshUserRefs(ctx, u.ID)
	})
	if err != nil {
		return wrap(fmt.Sprintf("update user %d", u.ID), err)
	}
	u.Version++
	u.TokensValidAfter, u.LockedUntil, u.UpdatedAt = tokens, locked, at
	return nil
}

// SetLoginState records failed sign-ins and the lock they cause. It is not
// a change of the user record, so it leaves the version alone.
func (q queries) SetLoginState(ctx context.Context, id int64, failedLogins int, lockedUntil *time.Time) error {
	n, err := q.exec(ctx, `UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?`,
		failedLogins, dbTimePtr(lockedUntil), id)
	if err == nil && n == 0 {
		err = notFound("user", id)
	}
	if err != nil {
		return wrap(fmt.Sprintf("set login state of user %d", id), err)
	}
	return nil
}

// SetSessionState moves tokens_valid_after (a logout) or replaces the hash
// of an unchanged password (a rehash): housekeeping of the sign-in, not an
// edit of the user, so the version stays and nobody's open form conflicts.
// An empty hash keeps the current one.
func (q queries) SetSessionState(ctx context.Context, id int64, tokensValidAfter time.Time, passwordHash string) error {
	n, err := q.exec(ctx, `UPDATE users SET tokens_valid_after = ?,
		password_hash = CASE WHEN ? = '' THEN password_hash ELSE ? END WHERE id = ?`,
		dbTime(tokensValidAfter), passwordHash, passwordHash, id)
	if err == nil && n == 0 {
		err = notFound("user", id)
	}
	if err != nil {
		return wrap(fmt.Sprintf("set session state of user %d", id), err)
	}
	return nil
}

// UnknownLoginFailed counts one more failed login for a name that matches
// no account, unless it is locked at that time (as an account's failures
// are not counted while it is locked), in one statement so that guesses
// made at once all count, and returns the count and the lock it is under.
// Entries idle for a day are forgotten.
func (q queries) UnknownLoginFailed(ctx context.Context, loginHash string, at time.Time) (int, *time.Time, error) {
	at = dbTime(at)
	if _, err := q.exec(ctx, `DELETE FROM unknown_logins WHERE updated_at < ?`, at.Add(-24*time.Hour)); err != nil {
		return 0, nil, wrap("forget old unknown logins", err)
	}
	var row struct {
		Failures    int        `db:"failed_logins"`
		LockedUntil *time.Time `db:"locked_until"`
	}
	err := q.get(ctx, &row, `INSERT INTO unknown_logins (login_hash, failed_logins, updated_at) VALUES (?, 1, ?)
		ON CONFLICT (login_hash) DO UPDATE SET
			failed_logins = CASE WHEN unknown_logins.locked_until > excluded.updated_at
				THEN unknown_logins.failed_logins ELSE unknown_logins.failed_logins + 1 END,
			updated_at = excluded.updated_at
		RETURNING failed_logins, locked_until`, loginHash, at)
	if err != nil {
		return 0, nil, wrap("count an unknown login", err)
	}
	utcPtr(&row.LockedUntil)
	return row.Failures, row.LockedUntil, nil
}

// LockUnknownLogin sets the lock of an unknown login.
func (q queries) LockUnknownLogin(ctx context.Context, loginHash string, until time.Time) error {
	if _, err := q.exec(ctx, `UPDATE unknown_logins SET locked_until = ? WHERE login_hash = ?`, dbTime(until), loginHash); err != nil {
		return wrap("lock an unknown login", err)
	}
	return nil
}

// DeleteUser removes the user if it is still at version.
func (q queries) DeleteUser(ctx context.Context, id int64, version int) error {
	return q.deleteRow(ctx, "users", "user", id, version, "this user still follows clients or supports events")
}

// UserReferences counts the clients a user follows and the events they support.
func (q queries) UserReferences(ctx context.Context, id int64) (clients, events int, err error) {
	err = q.get(ctx, &clients, `SELECT count(*) FROM clients WHERE sales_contact_id = ?`, id)
	if err == nil {
		err = q.get(ctx, &events, `SELECT count(*) FROM events WHERE support_contact_id = ?`, id)
	}
	if err != nil {
		return 0, 0, wrap(fmt.Sprintf("count references to user %d", id), err)
	}
	return clients, events, nil
}
