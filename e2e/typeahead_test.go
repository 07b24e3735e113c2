package e2e

import (
	"context"
	"testing"

	"github.com/epicevents/epic-tui/domain"
)

// TestFormsTypedAtFullSpeed sends each form whole in one tmux send-keys, as
// a paste or a fast typist would, and reads back every field saved.
func TestFormsTypedAtFullSpeed(t *testing.T) {
	tm, app := freshApp(t)
	ctx := context.Background()
	admin, err := app.Auth.Login(ctx, "ada", "admin pass 1")
	if err != nil {
		t.Fatalf("the setup typed at once saved another admin: %v", err)
	}
	sess := domain.Session{UserID: admin.ID, Role: admin.Role, ValidAfter: admin.TokensValidAfter}
	if admin.FullName != "Ada Lovelace" || admin.Email != "ada@epic.test" {
		t.Fatalf("admin saved as %q %q", admin.FullName, admin.Email)
	}
	sales, err := app.Users.Create(ctx, sess, domain.NewUser{FullName: "Sam Sales", Username: "sam",
		Email: "sam@epic.test", Role: domain.RoleSales, Password: "sam pass 12"})
	if err != nil {
		t.Fatal(err)
	}

	// A login typed at once signs in (misrouted, it failed and counted).
	tm.logout()
	tm.keys("ada", "Enter", "admin pass 1", "Enter")
	tm.waitFor(`ada · Administrator`)
	// The logout ended every session of ada's: the checks take a new one.
	if admin, err = app.Auth.Login(ctx, "ada", "admin pass 1"); err != nil {
		t.Fatal(err)
	}
	sess = domain.Session{UserID: admin.ID, Role: admin.Role, ValidAfter: admin.TokensValidAfter}

	tm.press("1", "n")
	tm.waitFor(`┃ Full name`)
	tm.keys("Eloise Roux", "Tab", "eloise@rouxe.test", "Enter", "06 11 22 33 44", "Tab", "Roux et Fils", "Enter", "Enter")
	tm.waitFor(`client Eloise Roux created`)
	clients, err := app.Clients.List(ctx, sess, domain.ClientQuery{})
	if err != nil || len(clients.Items) != 1 {
		t.Fatalf("clients: %+v %v", clients.Items, err)
	}
	c := clients.Items[0]
	if c.FullName != "Eloise Roux" || c.Email != "eloise@rouxe.test" || c.Phone != "+33611223344" ||
		c.CompanyName != "Roux et Fils" || c.SalesContactID != sales.ID {
		t.Fatalf("client saved as %+v", c)
	}

	tm.press("2", "n")
	tm.waitFor(`┃ Find a client`)
	tm.keys("elo", "Tab", "Enter", "50002", "Enter", "500", "Enter", "Left", "Enter")
	tm.waitFor(`contract #1 created`)
	contracts, err := app.Contracts.List(ctx, sess, domain.ContractQuery{})
	if err != nil || len(contracts.Items) != 1 {
		t.Fatalf("contracts: %+v %v", contracts.Items, err)
	}
	k := contracts.Items[0]
	if k.ClientID != c.ID || k.TotalAmount != 5000200 || k.AmountDue != 50000 || !k.Signed {
		t.Fatalf("contract saved as %+v", k)
	}
}
