package store_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

const rows = 250

// seed fills db with rows users, clients, contracts and events whose sort
// columns repeat, so that ties on the sort key are broken by id.
func seed(t testing.TB, db *store.DB) {
	t.Helper()
	inTx(t, db, func(q domain.Queries) {
		var sales, support []int64
		for i := range rows {
			role := domain.Roles[i%4]
			u := domain.User{
				EmployeeNumber: fmt.Sprintf("E%04d", i), FullName: fmt.Sprintf("Person %02d", i%17),
				Username: fmt.Sprintf("user%04d", i), Email: fmt.Sprintf("user%04d@epic.test", i),
				Role: role, Active: i%3 != 0, PasswordHash: testHash, TokensValidAfter: baseTime,
			}
			if err := q.InsertUser(ctx, &u); err != nil {
				t.Fatal(err)
			}
			switch role {
			case domain.RoleSales:
				sales = append(sales, u.ID)
			case domain.RoleSupport:
				support = append(support, u.ID)
			}
		}
		for i := range rows {
			at := baseTime.Add(time.Duration(i%13) * time.Hour)
			c := domain.Client{
				FullName: fmt.Sprintf("Client %02d", i%37), Email: fmt.Sprintf("client%04d@c.test", i),
				Phone: "+33102030405", CompanyName: fmt.Sprintf("Company %d", i%11),
				SalesContactID: sales[i%3], CreatedAt: at, UpdatedAt: at,
			}
			if err := q.InsertClient(ctx, &c); err != nil {
				t.Fatal(err)
			}
			total := int64(i%7+1) * 100
			k := domain.Contract{
				ClientID: c.ID, TotalAmount: total, AmountDue: total * int64(i%3) / 2,
				Signed: i%2 == 0, CreatedAt: at,
			}
			if k.Signed {
				k.SignedAt = &at
			}
			if err := q.InsertContract(ctx, &k); err != nil {
				t.Fatal(err)
			}
			e := domain.Event{
				Name: fmt.Sprintf("Event %02d", i%29), ContractID: k.ID,
				StartAt: baseTime.AddDate(0, 0, i%19), Location: fmt.Sprintf("Hall %d", i%5),
				Attendees: i % 23,
			}
			e.EndAt = e.StartAt.Add(time.Hour)
			if i%4 != 0 {
				e.SupportContactID = &support[i%2]
			}
			if err := q.InsertEvent(ctx, &e); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestKeysetPagination(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		for _, sort := range domain.UserSorts {
			walkAll(t, "users", sort, func(pq domain.PageQuery) (domain.Page[domain.User], error) {
				return db.ListUsers(ctx, domain.UserQuery{PageQuery: pq})
			}, func(u domain.User) int64 { return u.ID })
		}
		for _, sort := range domain.ClientSorts {
			walkAll(t, "clients", sort, func(pq domain.PageQuery) (domain.Page[domain.Client], error) {
				return db.ListClients(ctx, domain.ClientQuery{PageQuery: pq})
			}, func(c domain.Client) int64 { return c.ID })
		}
		for _, sort := range domain.ContractSorts {
			walkAll(t, "contracts", sort, func(pq domain.PageQuery) (domain.Page[domain.Contract], error) {
				return db.ListContracts(ctx, domain.ContractQuery{PageQuery: pq})
			}, func(c domain.Contract) int64 { return c.ID })
		}
		for _, sort := range domain.EventSorts {
			walkAll(t, "events", sort, func(pq domain.PageQuery) (domain.Page[domain.Event], error) {
				return db.ListEvents(ctx, domain.EventQuery{PageQuery: pq})
			}, func(e domain.Event) int64 { return e.ID })
		}

		_, err := db.ListClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Sort: "phone; DROP TABLE users"}})
		wantKind(t, err, domain.ErrInvalid)
		page, err := db.ListClients(ctx, domain.ClientQuery{})
		if err != nil || len(page.Items) != domain.DefaultPageSize || !page.HasNext || page.HasPrev {
			t.Errorf("default page: %d items, next %v, prev %v, %v", len(page.Items), page.HasNext, page.HasPrev, err)
		}
	})
}

// walkAll lists every row in one page, then walks the list forward and
// backward a few rows at a time, in both directions, and checks that the
// walks see the same rows in the same order: no gap, no duplicate.
func walkAll[T any](t *testing.T, entity, sort string, list func(domain.PageQuery) (domain.Page[T], error), id func(T) int64) {
	for _, desc := range []bool{false, true} {
		name := fmt.Sprintf("%s by %s desc=%v", entity, sort, desc)
		full, err := list(domain.PageQuery{Sort: sort, Desc: desc, Limit: domain.MaxPageSize})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := ids(full.Items, id)
		if len(want) != rows || full.HasNext || full.HasPrev || len(full.Cursors) != rows {
			t.Fatalf("%s: one page of %d rows, next %v, prev %v", name, len(want), full.HasNext, full.HasPrev)
		}
		if u := slices.Compact(slices.Sorted(slices.Values(want))); len(u) != rows {
			t.Fatalf("%s: %d distinct rows of %d", name, len(u), rows)
		}
		checkOrder(t, name, full.Cursors, desc)

		const size = 7
		var forward []int64
		pq := domain.PageQuery{Sort: sort, Desc: desc, Limit: size}
		for n := 0; ; n++ {
			page, err := list(pq)
			if err != nil {
				t.Fatalf("%s: page %d: %v", name, n, err)
			}
			if page.HasPrev != (n > 0) {
				t.Fatalf("%s: page %d HasPrev = %v", name, n, page.HasPrev)
			}
			forward = append(forward, ids(page.Items, id)...)
			if !page.HasNext {
				break
			}
			pq.After = &page.Cursors[len(page.Cursors)-1]
		}
		if !slices.Equal(forward, want) {
			t.Fatalf("%s: forward walk differs from the full list:\n%v\n%v", name, forward, want)
		}

		backward := []int64{want[rows-1]}
		pq = domain.PageQuery{Sort: sort, Desc: desc, Limit: size, Before: &full.Cursors[rows-1]}
		for n := 0; ; n++ {
			page, err := list(pq)
			if err != nil {
				t.Fatalf("%s: page -%d: %v", name, n, err)
			}
			if !page.HasNext || len(page.Items) == 0 {
				t.Fatalf("%s: page -%d: %d items, HasNext %v", name, n, len(page.Items), page.HasNext)
			}
			backward = append(ids(page.Items, id), backward...)
			if !page.HasPrev {
				break
			}
			pq.Before = &page.Cursors[0]
		}
		if !slices.Equal(backward, want) {
			t.Fatalf("%s: backward walk differs from the full list:\n%v\n%v", name, backward, want)
		}
	}
}

func ids[T any](items []T, id func(T) int64) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

// checkOrder checks that non-text keys come back typed and in order; text
// order is the database's collation, which the walks check instead.
func checkOrder(t *testing.T, name string, cursors []domain.Cursor, desc bool) {
	t.Helper()
	for i := 1; i < len(cursors); i++ {
		a, b := cursors[i-1], cursors[i]
		var c int
		switch ka := a.Key.(type) {
		case int64:
			c = cmp.Compare(ka, b.Key.(int64))
		case time.Time:
			kb := b.Key.(time.Time)
			if ka.Location() != time.UTC {
				t.Fatalf("%s: time key %v not in UTC", name, ka)
			}
			c = ka.Compare(kb)
		case bool:
			c = cmp.Compare(boolInt(ka), boolInt(b.Key.(bool)))
		case string:
			continue
		default:
			t.Fatalf("%s: key %v of type %T", name, a.Key, a.Key)
		}
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		if desc {
			c = -c
		}
		if c >= 0 {
			t.Fatalf("%s: rows %d and %d out of order: %v then %v", name, i-1, i, a, b)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestSearch(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		sales := newUser(t, db, "sam", domain.RoleSales)
		sam := sales
		sam.FullName, sam.Username = "Samuel Ørsted", "samuel" // no _ in the text of every client
		if err := db.UpdateUser(ctx, &sam); err != nil {
			t.Fatal(err)
		}
		support := newUser(t, db, "sue", domain.RoleSupport)
		names := []string{"Éloïse Dupont", "ELOISE Martin", "100% Pure_Fun", "100X PureXFun", `Back\slash`}
		clients := map[string]domain.Client{}
		for _, n := range names {
			c := newClient(t, db, n, sales.ID)
			clients[n] = c
			k := newContract(t, db, c.ID, 100, 100, n == names[0])
			var sup *int64
			if n == names[1] {
				sup = &support.ID
			}
			newEvent(t, db, "Gala "+n, k.ID, sup, baseTime)
		}
		cases := []struct {
			search string
			want   []string
		}{
			{"eloise", names[:2]},
			{"ÉLOÏSE", names[:2]},
			{"dupont eloise", names[:1]},
			{"  eloise   martin ", names[1:2]},
			{"eloise nobody", nil},
			{"100%", names[2:3]},
			{"%", names[2:3]},
			{"_", names[2:3]},
			{"pure_fun", names[2:3]},
			{`\`, names[4:5]},
			{"ørsted", names},
			{"orsted", nil}, // ø is a letter of its own, not an o with an accent
			{"samuel", names},
			{"", names},
		}
		for _, c := range cases {
			page, err := db.ListClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: c.search, Sort: "full_name"}})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range page.Items {
				got = append(got, it.FullName)
			}
			if !sameSet(got, c.want) {
				t.Errorf("search clients %q = %q, want %q", c.search, got, c.want)
			}
			if n, _ := db.CountClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: c.search}}); n != len(c.want) {
				t.Errorf("count clients %q = %d, want %d", c.search, n, len(c.want))
			}
		}

		// Contracts are found by their client, their sales contact and their state.
		for search, want := range map[string]int{"eloise": 2, "dupont": 1, "samuel": 5, "unsigned": 4, "unsigned eloise": 1, "signed": 5} {
			if n, err := db.CountContracts(ctx, domain.ContractQuery{PageQuery: domain.PageQuery{Search: search}}); err != nil || n != want {
				t.Errorf("count contracts %q = %d, %v; want %d", search, n, err, want)
			}
		}
		// Events by their own text, their client and their support contact.
		for search, want := range map[string]int{"gala": 5, "eloise": 2, "u_sue": 1, "sue martin": 1, "lyon 100%": 1} {
			if n, err := db.CountEvents(ctx, domain.EventQuery{PageQuery: domain.PageQuery{Search: search}}); err != nil || n != want {
				t.Errorf("count events %q = %d, %v; want %d", search, n, err, want)
			}
		}
		// Users by their own text and role.
		for search, want := range map[string]int{"support": 1, "ørsted sales": 1, "@epic.test": 2, "e-sue": 1} {
			if n, err := db.CountUsers(ctx, domain.UserQuery{PageQuery: domain.PageQuery{Search: search}}); err != nil || n != want {
				t.Errorf("count users %q = %d, %v; want %d", search, n, err, want)
			}
		}
	})
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

func TestFilters(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		users, _ := db.ListUsers(ctx, domain.UserQuery{PageQuery: domain.PageQuery{Limit: domain.MaxPageSize}})
		var sales, support int64
		for _, u := range users.Items {
			if sales == 0 && u.Role == domain.RoleSales {
				sales = u.ID
			}
			if support == 0 && u.Role == domain.RoleSupport {
				support = u.ID
			}
		}
		k1, _ := db.Contract(ctx, 1)

		countUsers := func(q domain.UserQuery) int {
			page, err := db.ListUsers(ctx, q)
			n, err2 := db.CountUsers(ctx, q)
			if err != nil || err2 != nil || n != len(page.Items) {
				t.Fatalf("users %+v: list %d, count %d: %v %v", q, len(page.Items), n, err, err2)
			}
			return n
		}
		checkCount(t, "sales users", countUsers(domain.UserQuery{Role: domain.RoleSales, PageQuery: big}), 62)
		checkCount(t, "inactive users", countUsers(domain.UserQuery{Active: ptr(false), PageQuery: big}), 84)
		checkCount(t, "active admins", countUsers(domain.UserQuery{Role: domain.RoleAdmin, Active: ptr(true), PageQuery: big}), 42)

		countClients := func(q domain.ClientQuery) int {
			page, err := db.ListClients(ctx, q)
			n, err2 := db.CountClients(ctx, q)
			if err != nil || err2 != nil || n != len(page.Items) {
				t.Fatalf("clients %+v: list %d, count %d: %v %v", q, len(page.Items), n, err, err2)
			}
			for _, c := range page.Items {
				if q.SalesContactID != 0 && c.SalesContactID != q.SalesContactID {
					t.Fatalf("client %d of sales %d", c.ID, c.SalesContactID)
				}
			}
			return n
		}
		checkCount(t, "clients of a sales", countClients(domain.ClientQuery{SalesContactID: sales, PageQuery: big}), 84)

		countContracts := func(q domain.ContractQuery) int {
			page, err := db.ListContracts(ctx, q)
			n, err2 := db.CountContracts(ctx, q)
			if err != nil || err2 != nil || n != len(page.Items) {
				t.Fatalf("contracts %+v: list %d, count %d: %v %v", q, len(page.Items), n, err, err2)
			}
			for _, c := range page.Items {
				if q.Unsigned && c.Signed || q.Unpaid && c.AmountDue == 0 ||
					q.ClientID != 0 && c.ClientID != q.ClientID || q.SalesContactID != 0 && c.SalesContactID != q.SalesContactID {
					t.Fatalf("contract %+v does not match %+v", c, q)
				}
			}
			return n
		}
		checkCount(t, "unsigned contracts", countContracts(domain.ContractQuery{Unsigned: true, PageQuery: big}), rows/2)
		checkCount(t, "unpaid contracts", countContracts(domain.ContractQuery{Unpaid: true, PageQuery: big}), 166)
		checkCount(t, "unsigned unpaid contracts", countContracts(domain.ContractQuery{Unsigned: true, Unpaid: true, PageQuery: big}), 83)
		checkCount(t, "contracts of a client", countContracts(domain.ContractQuery{ClientID: k1.ClientID, PageQuery: big}), 1)
		checkCount(t, "contracts of a sales", countContracts(domain.ContractQuery{SalesContactID: sales, PageQuery: big}), 84)

		countEvents := func(q domain.EventQuery) int {
			page, err := db.ListEvents(ctx, q)
			n, err2 := db.CountEvents(ctx, q)
			if err != nil || err2 != nil || n != len(page.Items) {
				t.Fatalf("events %+v: list %d, count %d: %v %v", q, len(page.Items), n, err, err2)
			}
			for _, e := range page.Items {
				if q.WithoutSupport && e.SupportContactID != nil || q.SupportContactID != 0 && (e.SupportContactID == nil || *e.SupportContactID != q.SupportContactID) ||
					q.From != nil && e.EndAt.Before(*q.From) || q.To != nil && !e.StartAt.Before(*q.To) {
					t.Fatalf("event %+v does not match %+v", e, q)
				}
			}
			return n
		}
		checkCount(t, "events without support", countEvents(domain.EventQuery{WithoutSupport: true, PageQuery: big}), 63)
		checkCount(t, "events of a support", countEvents(domain.EventQuery{SupportContactID: support, PageQuery: big}), 62)
		checkCount(t, "events of a sales", countEvents(domain.EventQuery{SalesContactID: sales, PageQuery: big}), 84)
		checkCount(t, "events of a contract", countEvents(domain.EventQuery{ContractID: k1.ID, PageQuery: big}), 1)
		checkCount(t, "events of a client", countEvents(domain.EventQuery{ClientID: k1.ClientID, PageQuery: big}), 1)
		// Day d holds the events with i%19 == d: 14 on days 0 to 2, 13 on
		// the others. Each lasts an hour.
		from, to := baseTime.AddDate(0, 0, 2).Add(30*time.Minute), baseTime.AddDate(0, 0, 4)
		checkCount(t, "events from day 2 to day 4", countEvents(domain.EventQuery{From: &from, To: &to, PageQuery: big}), 27)
		checkCount(t, "events to day 4", countEvents(domain.EventQuery{To: &to, PageQuery: big}), 55)
	})
}

var big = domain.PageQuery{Limit: domain.MaxPageSize}

func checkCount(t *testing.T, what string, got, want int) {
	t.Helper()
	if got != want {
		t.Errorf("%s: %d, want %d", what, got, want)
	}
}

// Names sort as people read them: case and accents do not move a name to
// the end of the list.
func TestNamesSortIgnoringCaseAndAccents(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		names := []string{"Zoé Zola", "alice Martin", "Éloïse Roux", "Bob Stone", "Émile Abel"}
		want := []string{"alice Martin", "Bob Stone", "Éloïse Roux", "Émile Abel", "Zoé Zola"}
		inTx(t, db, func(q domain.Queries) {
			u := domain.User{EmployeeNumber: "E1", FullName: "Sam Sales", Username: "sam", Email: "sam@epic.test",
				Role: domain.RoleSales, Active: true, PasswordHash: testHash, TokensValidAfter: baseTime}
			if err := q.InsertUser(ctx, &u); err != nil {
				t.Fatal(err)
			}
			for i, name := range names {
				c := domain.Client{FullName: name, Email: fmt.Sprintf("c%d@c.test", i), Phone: "+33102030405",
					CompanyName: name + " SA", SalesContactID: u.ID}
				if err := q.InsertClient(ctx, &c); err != nil {
					t.Fatal(err)
				}
				k := domain.Contract{ClientID: c.ID, TotalAmount: 100, AmountDue: 0, Signed: true, SignedAt: &baseTime}
				if err := q.InsertContract(ctx, &k); err != nil {
					t.Fatal(err)
				}
				e := domain.Event{Name: name, ContractID: k.ID, StartAt: baseTime, EndAt: baseTime.Add(time.Hour),
					Location: name}
				if err := q.InsertEvent(ctx, &e); err != nil {
					t.Fatal(err)
				}
			}
		})
		for _, desc := range []bool{false, true} {
			expect := slices.Clone(want)
			if desc {
				slices.Reverse(expect)
			}
			check := func(what string, got []string, err error) {
				t.Helper()
				if err != nil || !slices.Equal(got, expect) {
					t.Errorf("%s desc=%v: %q, %v; want %q", what, desc, got, err, expect)
				}
			}
			for _, sort := range []string{"full_name", "company_name"} {
				p, err := db.ListClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Sort: sort, Desc: desc}})
				check("clients by "+sort, collectNames(p.Items, func(c domain.Client) string { return c.FullName }), err)
			}
			cp, err := db.ListContracts(ctx, domain.ContractQuery{PageQuery: domain.PageQuery{Sort: "client", Desc: desc}})
			check("contracts by client", collectNames(cp.Items, func(k domain.Contract) string { return k.ClientName }), err)
			for _, sort := range []string{"name", "location", "client"} {
				p, err := db.ListEvents(ctx, domain.EventQuery{PageQuery: domain.PageQuery{Sort: sort, Desc: desc}})
				check("events by "+sort, collectNames(p.Items, func(e domain.Event) string { return e.Name }), err)
			}
		}

		// A client renamed moves in the contracts and events sorted by client.
		zoe, err := db.ListClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: "zola"}})
		if err != nil || len(zoe.Items) != 1 {
			t.Fatalf("find Zoé: %v, %v", zoe.Items, err)
		}
		c := zoe.Items[0]
		c.FullName = "Aaron Zola"
		inTx(t, db, func(q domain.Queries) {
			if err := q.UpdateClient(ctx, &c); err != nil {
				t.Fatal(err)
			}
		})
		cp, err := db.ListContracts(ctx, domain.ContractQuery{PageQuery: domain.PageQuery{Sort: "client"}})
		if err != nil || len(cp.Items) != 5 || cp.Items[0].ClientName != "Aaron Zola" {
			t.Errorf("contracts by client after the rename: %q, %v", collectNames(cp.Items, func(k domain.Contract) string { return k.ClientName }), err)
		}
		ep, err := db.ListEvents(ctx, domain.EventQuery{PageQuery: domain.PageQuery{Sort: "client", Desc: true}})
		if err != nil || len(ep.Items) != 5 || ep.Items[4].ClientName != "Aaron Zola" {
			t.Errorf("events by client, descending, after the rename: %q, %v", collectNames(ep.Items, func(e domain.Event) string { return e.ClientName }), err)
		}
	})
}

func collectNames[T any](items []T, name func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = name(it)
	}
	return out
}
