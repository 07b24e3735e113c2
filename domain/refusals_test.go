package domain_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
)

// lockedBuffer is a log destination the services may write from any
// goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// take returns the JSON records written since the last take.
func (l *lockedBuffer) take(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, rec)
	}
	l.b.Reset()
	return out
}

// Every action the permission rules refuse leaves one line in the log: who,
// which action on which entity and record, never the values sent. Asking
// whether an action would be allowed, as the screens do to choose their
// keys, logs nothing.
func TestRefusedActionsAreLogged(t *testing.T) {
	forEachDB(t, func(t *testing.T, w *world) {
		logged := &lockedBuffer{}
		hasher, err := auth.NewArgon2WithParams(auth.TestParams)
		ok(t, err)
		app, err := domain.New(w.ctx, domain.Deps{Store: w.db, Hasher: hasher, Now: w.clock.Now,
			Logger: slog.New(slog.NewJSONHandler(logged, nil))})
		ok(t, err)
		client := w.newClient("sales")
		other := w.newClient("sales2")
		k := w.newContract(client.ID, true)
		ev := w.newEvent(k.ID, "support")
		admin, mgmt, sales := w.users["admin"], w.users["management"], w.users["sales"]
		logged.take(t)

		const secret = "Secret Value"
		clientIn := func(c domain.Client, sales int64) domain.ClientInput {
			return domain.ClientInput{FullName: secret, Email: c.Email, Phone: c.Phone, CompanyName: c.CompanyName, SalesContactID: sales}
		}
		userIn := func(u domain.User, role domain.Role, active bool) domain.UserChanges {
			return domain.UserChanges{EmployeeNumber: u.EmployeeNumber, FullName: secret, Username: u.Username, Email: u.Email, Role: role, Active: active}
		}
		cases := []struct {
			name   string
			actor  domain.User
			entity domain.Entity
			action domain.Action
			id     int64
			do     func() error
		}{
			{"sales edits another's client", sales, domain.EntityClient, domain.ActionUpdate, other.ID, func() error {
				_, err := app.Clients.Update(w.ctx, w.as("sales"), other.ID, other.Version, clientIn(other, 0))
				return err
			}},
			{"sales deletes a client", sales, domain.EntityClient, domain.ActionDelete, 0, func() error {
				return app.Clients.Delete(w.ctx, w.as("sales"), client.ID, client.Version, "")
			}},
			{"sales gives a client to someone else", sales, domain.EntityClient, domain.ActionCreate, 0, func() error {
				_, err := app.Clients.Create(w.ctx, w.as("sales"), clientIn(domain.Client{Email: "new@example.com", Phone: "0612345678"}, w.users["sales2"].ID))
				return err
			}},
			{"sales reassigns their client", sales, domain.EntityClient, domain.ActionUpdate, client.ID, func() error {
				_, err := app.Clients.Update(w.ctx, w.as("sales"), client.ID, client.Version, clientIn(client, w.users["sales2"].ID))
				return err
			}},
			{"management edits an admin", mgmt, domain.EntityUser, domain.ActionUpdate, admin.ID, func() error {
				_, err := app.Users.Update(w.ctx, w.as("management"), admin.ID, admin.Version, userIn(admin, domain.RoleAdmin, true))
				return err
			}},
			{"management makes an admin", mgmt, domain.EntityUser, domain.ActionCreate, 0, func() error {
				_, err := app.Users.Create(w.ctx, w.as("management"), domain.NewUser{FullName: secret, Username: "boss", Email: "boss@epic.test", Role: domain.RoleAdmin, Password: testPassword})
				return err
			}},
			{"admin deactivates themselves", admin, domain.EntityUser, domain.ActionUpdate, admin.ID, func() error {
				_, err := app.Users.Update(w.ctx, w.as("admin"), admin.ID, admin.Version, userIn(admin, domain.RoleAdmin, false))
				return err
			}},
			{"admin deletes themselves", admin, domain.EntityUser, domain.ActionDelete, admin.ID, func() error {
				return app.Users.Delete(w.ctx, w.as("admin"), admin.ID, admin.Version, "")
			}},
			{"admin resets their own password", admin, domain.EntityUser, domain.ActionUpdate, admin.ID, func() error {
				return app.Users.ResetPassword(w.ctx, w.as("admin"), admin.ID, testPassword+"x", "")
			}},
			{"support renames their event", w.users["support"], domain.EntityEvent, domain.ActionUpdate, ev.ID, func() error {
				_, err := app.Events.Update(w.ctx, w.as("support"), ev.ID, ev.Version, domain.EventInput{ContractID: ev.ContractID, Name: secret,
					StartAt: ev.StartAt, EndAt: ev.EndAt, Location: ev.Location, Attendees: ev.Attendees, SupportContactID: ev.SupportContactID})
				return err
			}},
			{"a second first administrator", domain.User{}, domain.EntityUser, domain.ActionCreate, 0, func() error {
				_, err := app.Auth.SetupAdmin(w.ctx, domain.NewUser{FullName: secret, Username: "again", Email: "again@epic.test", Password: testPassword})
				return err
			}},
		}
		for _, c := range cases {
			err := c.do()
			if !errors.Is(err, domain.ErrForbidden) {
				t.Fatalf("%s: got %v, want a refusal", c.name, err)
			}
			recs := logged.take(t)
			if len(recs) != 1 || recs[0]["msg"] != "action refused" {
				t.Fatalf("%s: logged %v, want one refusal", c.name, recs)
			}
			r := recs[0]
			actor := c.actor.ID
			if r["user_id"] != float64(actor) || r["entity"] != string(c.entity) || r["action"] != string(c.action) {
				t.Fatalf("%s: logged %v, want user %d, %s %s", c.name, r, actor, c.action, c.entity)
			}
			if id, _ := r["id"].(float64); int64(id) != c.id {
				t.Fatalf("%s: logged id %v, want %d", c.name, r["id"], c.id)
			}
			if line, _ := json.Marshal(r); strings.Contains(string(line), secret) {
				t.Fatalf("%s: the log holds a value sent: %s", c.name, line)
			}
		}

		// The screens ask before offering a key: nothing to log.
		if err := app.Users.CanManage(sales, admin, domain.ActionUpdate); !errors.Is(err, domain.ErrForbidden) {
			t.Fatalf("CanManage: %v", err)
		}
		if err := app.Permission(sales, domain.EntityClient, domain.ActionDelete, sales.ID); !errors.Is(err, domain.ErrForbidden) {
			t.Fatalf("Permission: %v", err)
		}
		if recs := logged.take(t); len(recs) != 0 {
			t.Fatalf("asking logged %v", recs)
		}
	})
}
