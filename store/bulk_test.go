package store_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

// smallBulk is a load of the given client names, each with a signed
// contract and an event run by the support user.
func smallBulk(names []string) store.Bulk {
	users := []domain.User{
		{EmployeeNumber: "L1", FullName: "Léon Vendeur", Username: "leon", Email: "leon@epic.test", Role: domain.RoleSales},
		{EmployeeNumber: "L2", FullName: "Maëlle Support", Username: "maelle", Email: "maelle@epic.test", Role: domain.RoleSupport},
		{EmployeeNumber: "L3", FullName: "Gérard Manager", Username: "gerard", Email: "gerard@epic.test", Role: domain.RoleManagement},
	}
	for i := range users {
		users[i].Active, users[i].PasswordHash, users[i].TokensValidAfter = true, testHash, baseTime
	}
	at := baseTime.UTC()
	return store.Bulk{
		Users: users, Author: "loader", Manager: 2, Clients: len(names),
		Client: func(i int) domain.Client {
			return domain.Client{FullName: names[i], Email: fmt.Sprintf("bulk%d@client.test", i), Phone: "+33612345678",
				CompanyName: "Société " + names[i], SalesContactID: users[0].ID, CreatedAt: at, UpdatedAt: at}
		},
		Contracts: func(domain.Client) []domain.Contract {
			return []domain.Contract{{TotalAmount: 100000, AmountDue: 40000, Signed: true, SignedAt: &at, CreatedAt: at, UpdatedAt: at}}
		},
		Events: func(c domain.Client, _ domain.Contract) []domain.Event {
			return []domain.Event{{Name: "Gala " + c.FullName, StartAt: at, EndAt: at.Add(time.Hour), Location: "Nîmes",
				SupportContactID: &users[1].ID, CreatedAt: at, UpdatedAt: at}}
		},
	}
}

// derivedColumns reads what the store derives for a client, its contracts
// and its events: the search texts and the sort columns.
func derivedColumns(t *testing.T, db *store.DB, clientID int64) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT search_text || '|' || search_all || '|' || sort_name || '|' || sort_company FROM clients WHERE id = ?`,
		`SELECT search_text || '|' || search_all || '|' || sort_client FROM contracts WHERE client_id = ? ORDER BY id`,
		`SELECT e.search_text || '|' || e.search_all || '|' || e.sort_name || '|' || e.sort_location || '|' || e.sort_client
			FROM events e JOIN contracts k ON k.id = e.contract_id WHERE k.client_id = ? ORDER BY e.id`,
	} {
		var rows []string
		if err := db.SQL().Select(&rows, db.SQL().Rebind(q), clientID); err != nil {
			t.Fatal(err)
		}
		out = append(out, rows...)
	}
	return out
}

func TestBulkLoadIsLikeTypedRows(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		names := []string{"Zoé Lefèbvre", "Ana Ölund", "Émile Blanc", "Bertrand Ours"}
		b := smallBulk(names)
		n, err := db.BulkLoad(ctx, b)
		if err != nil || n != (store.BulkCounts{Users: 3, Clients: 4, Contracts: 4, Events: 4}) {
			t.Fatalf("BulkLoad = %+v, %v", n, err)
		}

		// Found by search, folded, through the full-text index on SQLite,
		// by what the client shows of its sales contact too.
		for _, search := range []string{"lefebvre", "olund", "leon vendeur", "06 12 34 56 78"} {
			page, err := db.ListClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: search, Sort: "full_name"}})
			if err != nil || len(page.Items) == 0 {
				t.Fatalf("search %q: %d clients, %v", search, len(page.Items), err)
			}
		}
		events, err := db.ListEvents(ctx, domain.EventQuery{PageQuery: domain.PageQuery{Search: "emile maelle"}})
		if err != nil || len(events.Items) != 1 || events.Items[0].Name != "Gala Émile Blanc" {
			t.Fatalf("event search: %+v, %v", events.Items, err)
		}

		// Sorted by folded name, with a client typed in after the load.
		newClient(t, db, "Cécile Dufour", b.Users[0].ID)
		page, err := db.ListClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Sort: "full_name"}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range page.Items {
			got = append(got, c.FullName)
		}
		want := []string{"Ana Ölund", "Bertrand Ours", "Cécile Dufour", "Émile Blanc", "Zoé Lefèbvre"}
		if !slices.Equal(got, want) {
			t.Fatalf("sorted by name: %q, want %q", got, want)
		}
		// The rows that show a contract's client sort by it too.
		contracts, err := db.ListContracts(ctx, domain.ContractQuery{PageQuery: domain.PageQuery{Sort: "client", Desc: true}})
		if err != nil || len(contracts.Items) != 4 || contracts.Items[0].ClientName != "Zoé Lefèbvre" {
			t.Fatalf("contracts by client: %+v, %v", contracts.Items, err)
		}

		// What the load derived is what an update derives again.
		first := page.Items[3] // Émile Blanc, loaded
		before := derivedColumns(t, db, first.ID)
		if err := db.UpdateClient(ctx, &first); err != nil {
			t.Fatal(err)
		}
		if after := derivedColumns(t, db, first.ID); !slices.Equal(before, after) || len(before) != 3 {
			t.Fatalf("derived columns after the load:\n%q\nafter an update:\n%q", before, after)
		}

		// Each record's creation is in its history, by who would have typed it.
		for _, e := range []struct {
			entity domain.Entity
			id     int64
			actor  string
		}{{domain.EntityClient, first.ID, "leon"}, {domain.EntityContract, contracts.Items[0].ID, "gerard"},
			{domain.EntityEvent, events.Items[0].ID, "leon"}, {domain.EntityUser, first.SalesContactID, "loader"}} {
			audit, err := db.ListAudit(ctx, e.entity, e.id)
			if err != nil || len(audit) == 0 || audit[len(audit)-1].Action != domain.ActionCreate || audit[len(audit)-1].Actor != e.actor {
				t.Fatalf("history of %s %d: %+v, %v", e.entity, e.id, audit, err)
			}
		}

		// A second load is refused, and writes nothing.
		_, err = db.BulkLoad(ctx, smallBulk([]string{"Other"}))
		if !errors.Is(err, store.ErrNotEmpty) {
			t.Fatalf("second load: %v, want ErrNotEmpty", err)
		}
	})
}
