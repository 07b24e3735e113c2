package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

// searchIDs lists the ids of the clients, contracts and events a search finds.
func searchIDs(t *testing.T, q domain.Queries, search string) (clients, contracts, events []int64) {
	t.Helper()
	pq := domain.PageQuery{Search: search, Limit: domain.MaxPageSize}
	cp, err := q.ListClients(ctx, domain.ClientQuery{PageQuery: pq})
	if err != nil {
		t.Fatal(err)
	}
	kp, err := q.ListContracts(ctx, domain.ContractQuery{PageQuery: pq})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := q.ListEvents(ctx, domain.EventQuery{PageQuery: pq})
	if err != nil {
		t.Fatal(err)
	}
	clients = ids(cp.Items, func(c domain.Client) int64 { return c.ID })
	contracts = ids(kp.Items, func(c domain.Contract) int64 { return c.ID })
	events = ids(ep.Items, func(e domain.Event) int64 { return e.ID })
	return clients, contracts, events
}

// wantFound checks what a search finds among clients, contracts and events.
func wantFound(t *testing.T, q domain.Queries, search string, clients, contracts, events []int64) {
	t.Helper()
	c, k, e := searchIDs(t, q, search)
	norm := func(s []int64) []int64 { return slices.Sorted(slices.Values(s)) }
	if !slices.Equal(norm(c), norm(clients)) || !slices.Equal(norm(k), norm(contracts)) || !slices.Equal(norm(e), norm(events)) {
		t.Errorf("search %q found clients %v, contracts %v, events %v;\nwant clients %v, contracts %v, events %v",
			search, c, k, e, clients, contracts, events)
	}
}

// TestSearchFollowsRelatedNames checks that rows are found by the names of
// the rows they show, and still are once those names change.
func TestSearchFollowsRelatedNames(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		sam := newUser(t, db, "sam", domain.RoleSales)
		sal := newUser(t, db, "sal", domain.RoleSales)
		sue := newUser(t, db, "sue", domain.RoleSupport)
		acme := newClient(t, db, "Acme Rocket", sam.ID)
		globex := newClient(t, db, "Globex Dynamo", sal.ID)
		k1 := newContract(t, db, acme.ID, 100, 100, false)
		k2 := newContract(t, db, globex.ID, 100, 100, true)
		e1 := newEvent(t, db, "Launch Party", k1.ID, &sue.ID, baseTime)
		none := []int64(nil)

		// Clients by their sales contact; contracts by client and sales
		// contact; events by client and support contact, not by sales contact.
		wantFound(t, db, "user sam", []int64{acme.ID}, []int64{k1.ID}, none)
		wantFound(t, db, "acme", []int64{acme.ID}, []int64{k1.ID}, []int64{e1.ID})
		wantFound(t, db, "u_sue", none, none, []int64{e1.ID})
		wantFound(t, db, "launch rocket sue", none, none, []int64{e1.ID})

		// The sales contact is renamed.
		sam.FullName = "Samira Quintessa"
		if err := db.UpdateUser(ctx, &sam); err != nil {
			t.Fatal(err)
		}
		wantFound(t, db, "quintessa", []int64{acme.ID}, []int64{k1.ID}, none)
		wantFound(t, db, "user sam", none, none, none)

		// The support contact is renamed, inside a transaction.
		inTx(t, db, func(q domain.Queries) {
			sue.Username = "susanna"
			if err := q.UpdateUser(ctx, &sue); err != nil {
				t.Fatal(err)
			}
			wantFound(t, q, "susanna", none, none, []int64{e1.ID})
		})
		wantFound(t, db, "susanna", none, none, []int64{e1.ID})
		wantFound(t, db, "u_sue", none, none, none)

		// The client is renamed.
		acme.FullName, acme.CompanyName = "Initech Widgets", "Initech"
		if err := db.UpdateClient(ctx, &acme); err != nil {
			t.Fatal(err)
		}
		wantFound(t, db, "initech", []int64{acme.ID}, []int64{k1.ID}, []int64{e1.ID})
		wantFound(t, db, "acme", none, none, none)

		// The client is handed to another sales person.
		acme.SalesContactID = sal.ID
		if err := db.UpdateClient(ctx, &acme); err != nil {
			t.Fatal(err)
		}
		wantFound(t, db, "user sal", []int64{acme.ID, globex.ID}, []int64{k1.ID, k2.ID}, none)
		wantFound(t, db, "quintessa", none, none, none)

		// The contract moves to another client; then the event to another
		// contract, and loses its support contact.
		k1.ClientID = globex.ID
		if err := db.UpdateContract(ctx, &k1); err != nil {
			t.Fatal(err)
		}
		wantFound(t, db, "globex", []int64{globex.ID}, []int64{k1.ID, k2.ID}, []int64{e1.ID})
		k3 := newContract(t, db, acme.ID, 100, 100, false)
		e1.ContractID, e1.SupportContactID = k3.ID, nil
		if err := db.UpdateEvent(ctx, &e1); err != nil {
			t.Fatal(err)
		}
		wantFound(t, db, "initech", []int64{acme.ID}, []int64{k3.ID}, []int64{e1.ID})
		wantFound(t, db, "susanna", none, none, none)

		// A change that leaves every text alone keeps the rows found.
		if _, err := db.ApplyPayment(ctx, k3.ID, 10, time.Time{}); err != nil {
			t.Fatal(err)
		}
		sal.Active = false
		if err := db.UpdateUser(ctx, &sal); err != nil {
			t.Fatal(err)
		}
		wantFound(t, db, "initech", []int64{acme.ID}, []int64{k3.ID}, []int64{e1.ID})

		// Deleted rows are found no more.
		if err := db.DeleteEvent(ctx, e1.ID, e1.Version); err != nil {
			t.Fatal(err)
		}
		wantFound(t, db, "initech", []int64{acme.ID}, []int64{k3.ID}, none)
	})
}

// TestSearchTerms checks terms the trigram indexes cannot answer alone:
// short ones, and ones holding the index's own syntax.
func TestSearchTerms(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		sales := newUser(t, db, "sam", domain.RoleSales)
		names := []string{`Say "Hi" Ltd`, "Qz AND Co*", "Ôz (Ñu): x-y", "Zoë NEAR Kü"}
		var found []int64
		for _, n := range names {
			found = append(found, newClient(t, db, n, sales.ID).ID)
		}
		cases := map[string][]int64{
			`"hi"`:        found[:1],
			`"`:           found[:1],
			`say "hi" lt`: found[:1],
			"qz":          found[1:2],
			// Terms of one or two letters or digits begin a word (a run of
			// letters and digits); longer ones, or any holding another
			// character, match anywhere.
			"z":           found[3:4],
			"x":           found[2:3],
			"y":           found[2:3],
			"ne":          found[3:4],
			"KÜ":          found[3:4],
			"nu":          found[2:3],
			"a":           found[1:2],
			"s":           found,
			"hi lt":       found[:1],
			"zoe k":       found[3:4],
			"ea":          nil,
			"ay":          nil,
			"QZ and co*":  found[1:2],
			"co* q":       found[1:2],
			"and":         found[1:2], // a word, not FTS5's operator
			"(ñu):":       found[2:3],
			"oz nu x-y":   found[2:3],
			"ku near zoe": found[3:4],
			"zoe ku":      found[3:4],
			"zo*":         nil,
			"x-z":         nil,
		}
		for search, want := range cases {
			page, err := db.ListClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: search}})
			if err != nil {
				t.Fatalf("search %q: %v", search, err)
			}
			got := ids(page.Items, func(c domain.Client) int64 { return c.ID })
			if !slices.Equal(got, want) {
				t.Errorf("search %q found %v, want %v", search, got, want)
			}
			if n, err := db.CountClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: search}}); err != nil || n != len(want) {
				t.Errorf("count %q = %d, %v; want %d", search, n, err, len(want))
			}
		}
	})
}

// TestSearchPagination walks searches page by page in every sort, the first
// rows in page order read or not before the index, and checks the walks
// against the whole list of matches.
func TestSearchPagination(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		// Probes of 1 and 40 rows seldom fill a page: the index finishes.
		// Probe 0 is none: the index finds few enough rows to skip it.
		for _, probe := range []int{0, 1, 40, 100000} {
			restore := store.SetProbeRows(probe)
			restoreFew := store.SetFewMatches(0) // always probe
			if probe == 0 {
				restoreFew()
				restoreFew = func() {}
			}
			for _, sort := range domain.ClientSorts {
				walkSearch(t, fmt.Sprintf("clients by %s, probe %d", sort, probe), sort, "client 7",
					func(pq domain.PageQuery) (domain.Page[domain.Client], error) {
						return db.ListClients(ctx, domain.ClientQuery{PageQuery: pq})
					},
					func(pq domain.PageQuery) (int, error) {
						return db.CountClients(ctx, domain.ClientQuery{PageQuery: pq})
					}, func(c domain.Client) int64 { return c.ID })
			}
			for _, sort := range domain.ContractSorts {
				walkSearch(t, fmt.Sprintf("contracts by %s, probe %d", sort, probe), sort, "person 02 unsigned",
					func(pq domain.PageQuery) (domain.Page[domain.Contract], error) {
						return db.ListContracts(ctx, domain.ContractQuery{PageQuery: pq})
					},
					func(pq domain.PageQuery) (int, error) {
						return db.CountContracts(ctx, domain.ContractQuery{PageQuery: pq})
					}, func(c domain.Contract) int64 { return c.ID })
			}
			for _, sort := range domain.EventSorts {
				walkSearch(t, fmt.Sprintf("events by %s, probe %d", sort, probe), sort, "hall 3 e0007",
					func(pq domain.PageQuery) (domain.Page[domain.Event], error) {
						return db.ListEvents(ctx, domain.EventQuery{PageQuery: pq})
					},
					func(pq domain.PageQuery) (int, error) {
						return db.CountEvents(ctx, domain.EventQuery{PageQuery: pq})
					}, func(e domain.Event) int64 { return e.ID })
			}
			restoreFew()
			restore()
		}
	})
}

// walkSearch lists every match of search in one page, checks it against
// the count, then walks it forward and backward a few rows at a time.
func walkSearch[T any](t *testing.T, name, sort, search string, list func(domain.PageQuery) (domain.Page[T], error),
	count func(domain.PageQuery) (int, error), id func(T) int64) {
	t.Helper()
	for _, desc := range []bool{false, true} {
		name := fmt.Sprintf("%s desc=%v", name, desc)
		full, err := list(domain.PageQuery{Search: search, Sort: sort, Desc: desc, Limit: domain.MaxPageSize})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := ids(full.Items, id)
		n, err := count(domain.PageQuery{Search: search})
		if err != nil || n != len(want) || n < 10 || n == rows || full.HasNext {
			t.Fatalf("%s: %d rows in the full list, count %d, %v", name, len(want), n, err)
		}
		const size = 7
		var forward []int64
		pq := domain.PageQuery{Search: search, Sort: sort, Desc: desc, Limit: size}
		for {
			page, err := list(pq)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
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
		last := len(want) - 1
		backward := []int64{want[last]}
		pq = domain.PageQuery{Search: search, Sort: sort, Desc: desc, Limit: size, Before: &full.Cursors[last]}
		for {
			page, err := list(pq)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
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

// TestEstimate checks the quick counts: exact up to the bound, past it an
// estimate or a lower bound, never more exact than it says.
func TestEstimate(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		defer store.SetExactBound(5)()
		sales := newUser(t, db, "sam", domain.RoleSales)
		for i := range 12 {
			name := fmt.Sprintf("Alpha %d", i)
			if i < 2 {
				name = []string{"Bravo Kilo", "Bravo Lima"}[i]
			}
			newClient(t, db, name, sales.ID)
		}
		for search, want := range map[string]int{"bravo": 2, "br": 2, "b": 2, "bravo k": 1, "zulu": 0} {
			e, err := db.EstimateClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: search}})
			if err != nil || e != (domain.Estimate{N: want, Exact: true}) {
				t.Errorf("estimate %q = %+v, %v; want exactly %d", search, e, err, want)
			}
		}
		for _, search := range []string{"", "alpha", "a"} {
			e, err := db.EstimateClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: search}})
			if err != nil || e.Exact || (e.AtLeast && e.N != 5) || (!e.AtLeast && e.N <= 5) {
				t.Errorf("estimate %q = %+v, %v; want past the bound of 5, not exact", search, e, err)
			}
		}
		e, err := db.EstimateContracts(ctx, domain.ContractQuery{SalesContactID: sales.ID})
		if err != nil || e != (domain.Estimate{Exact: true}) {
			t.Errorf("estimate of contracts = %+v, %v; want exactly none", e, err)
		}
	})
}
