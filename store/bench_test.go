package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

// The benchmarks list a database of EPIC_BENCH_ROWS clients, as many
// contracts and as many events (10000 unless set), built once per dialect
// and dropped when the test binary ends:
//
//	EPIC_BENCH_ROWS=200000 go test -run '^$' -bench . ./store

const rareName = "Zyxwvut Quaggalorn"

var bench struct {
	sync.Mutex
	dbs   map[store.Dialect]*store.DB
	drops []func()
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, drop := range bench.drops {
		drop()
	}
	os.Exit(code)
}

// benchRows is the size of the benchmark database.
func benchRows(b *testing.B) int {
	n := 10000
	if v := os.Getenv("EPIC_BENCH_ROWS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 2 {
			b.Fatalf("EPIC_BENCH_ROWS=%q: want a number of rows", v)
		}
	}
	return n
}

// benchDB returns the seeded database of dialect, building it on first use.
func benchDB(b *testing.B, dialect store.Dialect) *store.DB {
	bench.Lock()
	defer bench.Unlock()
	if db := bench.dbs[dialect]; db != nil {
		return db
	}
	var db *store.DB
	switch dialect {
	case store.SQLite:
		dir, err := os.MkdirTemp("", "epic-bench-")
		if err != nil {
			b.Fatal(err)
		}
		if db, err = store.Open(context.Background(), filepath.Join(dir, "bench.db")); err != nil {
			b.Fatal(err)
		}
		bench.drops = append(bench.drops, func() { db.Close(); os.RemoveAll(dir) })
		if _, err := db.Migrate(context.Background()); err != nil {
			b.Fatal(err)
		}
	case store.Postgres:
		url := os.Getenv(storetest.PostgresEnv)
		if url == "" {
			b.Skip(storetest.PostgresEnv + " not set: PostgreSQL benchmark skipped")
		}
		var drop func() error
		var err error
		if db, drop, err = storetest.CreatePostgres(context.Background(), url); err != nil {
			b.Fatal(err)
		}
		bench.drops = append(bench.drops, func() { drop() })
	}
	start := time.Now()
	bulkLoad(b, db, benchRows(b))
	b.Logf("%s: loaded %d clients, contracts and events in %v", dialect, benchRows(b), time.Since(start))
	if bench.dbs == nil {
		bench.dbs = map[store.Dialect]*store.DB{}
	}
	bench.dbs[dialect] = db
	return db
}

// bulkLoad inserts n clients, one contract each and one event each, with
// the store's bulk load. One client, in the middle, bears a rare name.
func bulkLoad(b *testing.B, db *store.DB, n int) {
	var users []domain.User
	for i := range 10 {
		u := domain.User{
			EmployeeNumber: fmt.Sprintf("B%d", i), FullName: fmt.Sprintf("Bench Person %d", i),
			Username: fmt.Sprintf("bench%d", i), Email: fmt.Sprintf("bench%d@epic.test", i),
			Role: domain.RoleSales, Active: true, PasswordHash: testHash, TokensValidAfter: baseTime,
			CreatedAt: baseTime, UpdatedAt: baseTime,
		}
		if i%2 == 1 {
			u.Role = domain.RoleSupport
		}
		users = append(users, u)
	}
	at := baseTime.UTC()
	var cur int // the index of the client being built
	_, err := db.BulkLoad(context.Background(), store.Bulk{
		Users: users, Author: "bench", Clients: n,
		Client: func(i int) domain.Client {
			cur = i
			name := fmt.Sprintf("Client %s %d", words[i%len(words)], i)
			if i == n/2 {
				name = rareName
			}
			return domain.Client{FullName: name, Email: fmt.Sprintf("client%d@bench.test", i), Phone: "+33102030405",
				CompanyName: "Company " + words[(i/7)%len(words)], SalesContactID: users[(i%5)*2].ID,
				CreatedAt: at, UpdatedAt: at.Add(time.Duration(i) * time.Second)}
		},
		Contracts: func(domain.Client) []domain.Contract {
			i := cur
			k := domain.Contract{TotalAmount: int64(i%50+1) * 10000, AmountDue: int64(i%4) * 2500, CreatedAt: at, UpdatedAt: at}
			if i%3 != 0 {
				k.Signed, k.SignedAt = true, &at
			}
			return []domain.Contract{k}
		},
		Events: func(domain.Client, domain.Contract) []domain.Event {
			i := cur
			start := at.Add(time.Duration(i) * time.Hour)
			e := domain.Event{Name: "Event " + words[i%len(words)], StartAt: start, EndAt: start.Add(2 * time.Hour),
				Location: "Hall " + words[(i/3)%len(words)], Attendees: i % 300, CreatedAt: at, UpdatedAt: at}
			if i%5 != 0 {
				e.SupportContactID = &users[(i%5)*2+1].ID
			}
			return []domain.Event{e}
		},
	})
	if err != nil {
		b.Fatal(err)
	}
}

var words = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett"}

// eachDialect runs fn as the sub-benchmarks "sqlite" and "postgres".
func eachDialect(b *testing.B, fn func(b *testing.B, db *store.DB)) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) { fn(b, benchDB(b, d)) })
	}
}

func BenchmarkListClientsFirstPage(b *testing.B) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		for b.Loop() {
			if _, err := db.ListClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Sort: "full_name"}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkListClientsNextPage(b *testing.B) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		q := domain.ClientQuery{PageQuery: domain.PageQuery{Sort: "full_name"}}
		first, err := db.ListClients(ctx, q)
		if err != nil || len(first.Cursors) == 0 {
			b.Fatal(err)
		}
		q.After = &first.Cursors[len(first.Cursors)-1]
		for b.Loop() {
			if _, err := db.ListClients(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkListClientsSearch(b *testing.B) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		for b.Loop() {
			page, err := db.ListClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: "quaggalorn", Sort: "full_name"}})
			if err != nil || len(page.Items) != 1 {
				b.Fatalf("%d found, %v", len(page.Items), err)
			}
		}
	})
}

// BenchmarkListClientsSearchCommon searches a term one client in ten bears.
func BenchmarkListClientsSearchCommon(b *testing.B) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		for b.Loop() {
			page, err := db.ListClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: "alpha", Sort: "full_name"}})
			if err != nil || len(page.Items) != domain.DefaultPageSize {
				b.Fatalf("%d found, %v", len(page.Items), err)
			}
		}
	})
}

// BenchmarkListClientsSearchSome searches a term a few hundred clients bear,
// too many to sort cheaply, too few to come up early in a scan.
func BenchmarkListClientsSearchSome(b *testing.B) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		for b.Loop() {
			page, err := db.ListClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: "alpha 77", Sort: "full_name"}})
			if err != nil || len(page.Items) == 0 {
				b.Fatalf("%d found, %v", len(page.Items), err)
			}
		}
	})
}

// BenchmarkListClientsSearchShort searches a rare term of two letters, too
// short for the trigram indexes: it begins a word.
func BenchmarkListClientsSearchShort(b *testing.B) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		for b.Loop() {
			page, err := db.ListClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: "zy", Sort: "full_name"}})
			if err != nil || len(page.Items) != 1 {
				b.Fatalf("%d found, %v", len(page.Items), err)
			}
		}
	})
}

// loopP95 runs op as the benchmark's loop and reports the 95th percentile
// of its times, in milliseconds, beside the mean.
func loopP95(b *testing.B, op func()) {
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		op()
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)*95/100])/float64(time.Millisecond), "p95-ms")
}

// benchFirstPage lists the first page of clients searching search, sorted
// by sort, and wants a match.
func benchFirstPage(b *testing.B, search, sort string) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		loopP95(b, func() {
			page, err := db.ListClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: search, Sort: sort}})
			if err != nil || len(page.Items) == 0 {
				b.Fatalf("%d found, %v", len(page.Items), err)
			}
		})
	})
}

// The status-line total of the clients tab as it opens, and with a search
// one client in ten matches: what is shown until the exact count comes.
func BenchmarkEstimateClients(b *testing.B)       { benchEstimate(b, "") }
func BenchmarkEstimateClientsCommon(b *testing.B) { benchEstimate(b, "alpha") }
func BenchmarkEstimateClientsLetter(b *testing.B) { benchEstimate(b, "c") }
func BenchmarkEstimateClientsRare(b *testing.B)   { benchEstimate(b, "quaggalorn") }

func benchEstimate(b *testing.B, search string) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		loopP95(b, func() {
			if _, err := db.EstimateClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: search}}); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// BenchmarkCountEvents counts every event: the events table alone, no join.
func BenchmarkCountEvents(b *testing.B) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		for b.Loop() {
			if n, err := db.CountEvents(ctx, domain.EventQuery{}); err != nil || n != benchRows(b) {
				b.Fatal(n, err)
			}
		}
	})
}

// The keystrokes of a search typed in the clients tab, sorted by id as it
// opens: one letter every row bears, two letters one row in ten bears, a
// common word and a second term that narrows it to one row in a hundred.
func BenchmarkListClientsKeyOneLetter(b *testing.B)  { benchFirstPage(b, "c", "id") }
func BenchmarkListClientsKeyTwoLetters(b *testing.B) { benchFirstPage(b, "al", "id") }
func BenchmarkListClientsKeyWord(b *testing.B)       { benchFirstPage(b, "alpha", "id") }
func BenchmarkListClientsKeySome(b *testing.B)       { benchFirstPage(b, "alpha 77", "id") }
func BenchmarkListClientsKeySomeByName(b *testing.B) { benchFirstPage(b, "alpha 77", "full_name") }

func BenchmarkCountClientsSearch(b *testing.B) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		for b.Loop() {
			if n, err := db.CountClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: "quaggalorn"}}); err != nil || n != 1 {
				b.Fatal(n, err)
			}
		}
	})
}

func BenchmarkCountClientsSearchCommon(b *testing.B) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		for b.Loop() {
			if n, err := db.CountClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Search: "alpha"}}); err != nil || n < benchRows(b)/10 {
				b.Fatal(n, err)
			}
		}
	})
}

// BenchmarkListContractsSearch finds a contract by its client's name.
func BenchmarkListContractsSearch(b *testing.B) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		for b.Loop() {
			page, err := db.ListContracts(ctx, domain.ContractQuery{PageQuery: domain.PageQuery{Search: "quaggalorn", Sort: "client"}})
			if err != nil || len(page.Items) != 1 {
				b.Fatalf("%d found, %v", len(page.Items), err)
			}
		}
	})
}

func BenchmarkListContractsByClient(b *testing.B) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		q := domain.ContractQuery{PageQuery: domain.PageQuery{Sort: "client"}, Unpaid: true}
		first, err := db.ListContracts(ctx, q)
		if err != nil || len(first.Cursors) == 0 {
			b.Fatal(err)
		}
		q.After = &first.Cursors[len(first.Cursors)-1]
		for b.Loop() {
			if _, err := db.ListContracts(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkListEventsNextPage(b *testing.B) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		q := domain.EventQuery{PageQuery: domain.PageQuery{Sort: "start_at", Desc: true}}
		first, err := db.ListEvents(ctx, q)
		if err != nil || len(first.Cursors) == 0 {
			b.Fatal(err)
		}
		q.After = &first.Cursors[len(first.Cursors)-1]
		for b.Loop() {
			if _, err := db.ListEvents(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkListEventsSearch(b *testing.B) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		for b.Loop() {
			page, err := db.ListEvents(ctx, domain.EventQuery{PageQuery: domain.PageQuery{Search: "quaggalorn"}})
			if err != nil || len(page.Items) != 1 {
				b.Fatalf("%d found, %v", len(page.Items), err)
			}
		}
	})
}

func BenchmarkListEventsSearchCommon(b *testing.B) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		for b.Loop() {
			page, err := db.ListEvents(ctx, domain.EventQuery{PageQuery: domain.PageQuery{Search: "bravo", Sort: "start_at", Desc: true}})
			if err != nil || len(page.Items) != domain.DefaultPageSize {
				b.Fatalf("%d found, %v", len(page.Items), err)
			}
		}
	})
}

func BenchmarkCountEventsSearch(b *testing.B) {
	eachDialect(b, func(b *testing.B, db *store.DB) {
		for b.Loop() {
			if n, err := db.CountEvents(ctx, domain.EventQuery{PageQuery: domain.PageQuery{Search: "quaggalorn"}}); err != nil || n != 1 {
				b.Fatal(n, err)
			}
		}
	})
}
