package server_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/server"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

// benchSessions is the number of SSH sessions open at once.
const benchSessions = 100

// rareRows are clients with a name found by one search each: session s in
// round r looks for rare client s*rareStride+r.
const (
	rareStride = 64
	rareRows   = benchSessions * rareStride
)

// rareName is the name of rare client j: ten capitals, from A-M for even j
// and from N-Z for odd j, never twice in a row. Two names of consecutive
// rounds differ in every cell, so the terminal is sent the whole new name,
// which the benchmark waits for.
func rareName(j int) string {
	base := byte('A')
	if j%2 == 1 {
		base = 'N'
	}
	var b strings.Builder
	x, prev := uint32(j*2654435761+1), byte(0)
	for b.Len() < 10 {
		x = x*1664525 + 1013904223
		c := base + byte(x>>24)%13
		if c != prev {
			b.WriteByte(c)
			prev = c
		}
	}
	return b.String()
}

// rareTerm is what finds rare client j, and it alone.
func rareTerm(j int) string { return "r" + strconv.Itoa(j) + "x" }

// loadClients inserts n clients followed by sales, rareRows of them rare,
// in one transaction, as the store would write them.
func loadClients(b *testing.B, db *store.DB, sales domain.User, n int) {
	tx := db.SQL().MustBegin()
	defer tx.Rollback()
	words := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett"}
	salesText := domain.SearchText(sales.EmployeeNumber, sales.FullName, sales.Username, sales.Email, string(sales.Role))
	at := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	const cols = 12
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	for lo := 0; lo < n; lo += 500 {
		hi := min(lo+500, n)
		var args []any
		var tuples []string
		for i := lo; i < hi; i++ {
			name, email := fmt.Sprintf("Client %s %d", words[i%len(words)], i), fmt.Sprintf("client%d@bench.test", i)
			if j := i - (n - rareRows); j >= 0 {
				name, email = rareName(j), rareTerm(j)+"@rare.test"
			}
			company := "Company " + words[(i/7)%len(words)]
			text := domain.SearchText(name, email, "+33102030405", company)
			args = append(args, name, email, "+33102030405", company, sales.ID, text, text+" "+salesText,
				domain.Fold(name), domain.Fold(company), at, at.Add(time.Duration(i)*time.Second), 1)
			tuples = append(tuples, tuple)
		}
		if _, err := tx.Exec(tx.Rebind(`INSERT INTO clients (full_name, email, phone, company_name, sales_contact_id,
			search_text, search_all, sort_name, sort_company, created_at, updated_at, version) VALUES `+strings.Join(tuples, ", ")), args...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if db.Dialect() == store.Postgres {
		if _, err := db.SQL().Exec(`ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
}

// heapInUse is the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// BenchmarkSessions opens 100 SSH sessions signed in by key on the clients
// of EPIC_BENCH_ROWS clients (default 100,000) and, each round, has every
// session search at once for a client of its own: the time measured runs
// from the enter that applies the search to the client's name arriving at
// the client. It reports the heap per idle session (server and test clients
// together, in one process) and the 50th and 95th percentiles.
//
//	go test -run '^$' -bench Sessions -benchtime 20x ./server/
func BenchmarkSessions(b *testing.B) {
	rows := 100_000
	if v := os.Getenv("EPIC_BENCH_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < rareRows {
			b.Fatalf("EPIC_BENCH_ROWS=%q: want a number of rows, at least %d", v, rareRows)
		}
		rows = n
	}
	for _, dialect := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(dialect), func(b *testing.B) {
			if b.N > rareStride {
				b.Fatalf("at most %d rounds", rareStride)
			}
			var db *store.DB
			if dialect == store.SQLite {
				db = storetest.OpenSQLite(b)
			} else {
				db = storetest.OpenPostgres(b)
			}
			w := newWorld(b, db, func(c *server.Config) { c.PerMinute = 10 * benchSessions })
			db.KeepConnections(server.DatabaseConnections)
			loadClients(b, db, w.sales, rows)
			key := newKey(b)
			if _, err := w.app.SSHKeys.Add(context.Background(), w.adminSess, authorizedLine(key), "bench"); err != nil {
				b.Fatal(err)
			}

			before := heapInUse()
			clients := make([]*client, benchSessions)
			var wg sync.WaitGroup
			for i := range clients {
				wg.Go(func() {
					clients[i] = w.dial(key, true)
					clients[i].waitWithin("Client alpha 0", 5*time.Minute)
				})
			}
			wg.Wait()
			perSession := float64(heapInUse()-before) / benchSessions

			latencies := make([][]time.Duration, benchSessions)
			b.ResetTimer()
			for r := range b.N {
				for s, c := range clients {
					wg.Go(func() {
						j := s*rareStride + r
						c.typeText("/\x15" + rareTerm(j))
						c.mark()
						start := time.Now()
						c.typeText("\r")
						c.waitWithin(rareName(j), time.Minute)
						latencies[s] = append(latencies[s], time.Since(start))
					})
				}
				wg.Wait()
			}
			b.StopTimer()
			all := slices.Concat(latencies...)
			slices.Sort(all)
			ms := func(p float64) float64 {
				return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(perSession/(1<<20), "MB/session")
			b.ReportMetric(ms(0.50), "p50-ms")
			b.ReportMetric(ms(0.95), "p95-ms")
		})
	}
}
