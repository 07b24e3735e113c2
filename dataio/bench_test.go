package dataio_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/dataio"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

// The benchmarks export EPIC_BENCH_ROWS contracts (10000 unless set) and
// import as many clients, on each database:
//
//	EPIC_BENCH_ROWS=100000 go test -run '^$' -bench . -benchtime 1x ./dataio

func benchRows(b *testing.B) int {
	n := 10000
	if v := os.Getenv("EPIC_BENCH_ROWS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("EPIC_BENCH_ROWS=%q: want a number of rows", v)
		}
	}
	return n
}

// benchDB opens an empty migrated database of dialect, dropped when the
// benchmark ends.
func benchDB(b *testing.B, dialect store.Dialect) *store.DB {
	switch dialect {
	case store.Postgres:
		url := os.Getenv(storetest.PostgresEnv)
		if url == "" {
			b.Skip(storetest.PostgresEnv + " not set: PostgreSQL benchmark skipped")
		}
		db, drop, err := storetest.CreatePostgres(context.Background(), url)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { drop() })
		return db
	}
	dir := b.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return db
}

func eachDialect(b *testing.B, fn func(b *testing.B, dialect store.Dialect)) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) { fn(b, d) })
	}
}

// benchHash passes the schema's check on password hashes; nobody signs in
// with it.
const benchHash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"

// loadContracts inserts an administrator, a sales person, n clients and a
// contract for each with multi-row INSERTs in one transaction (as the store's
// benchmark loader does), and returns the administrator's session.
func loadContracts(b *testing.B, db *store.DB, n int) domain.Session {
	tx := db.SQL().MustBegin()
	defer tx.Rollback()
	at := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	var ids [2]int64
	for i, role := range []domain.Role{domain.RoleAdmin, domain.RoleSales} {
		name := "bench" + string(role)
		text := domain.SearchText(name, string(role))
		err := tx.QueryRow(tx.Rebind(`INSERT INTO users (employee_number, full_name, username, email,
			role, active, password_hash, tokens_valid_after, search_text, sort_name, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			"B"+strconv.Itoa(i), "Bench "+string(role), name, name+"@epic.test", string(role), true, benchHash,
			at, text, domain.Fold(name), at, at).Scan(&ids[i])
		if err != nil {
			b.Fatal(err)
		}
	}
	insertMany(b, tx, "clients", "full_name, email, phone, company_name, sales_contact_id, search_text, search_all, sort_name, sort_company, created_at, updated_at", n,
		func(i int) []any {
			name, email := fmt.Sprintf("Client %d", i), fmt.Sprintf("client%d@bench.test", i)
			text := domain.SearchText(name, email)
			return []any{name, email, "+33102030405", "Company", ids[1], text, text, domain.Fold(name), "company", at, at}
		})
	var first int64
	if err := tx.Get(&first, `SELECT COALESCE(min(id), 0) FROM clients`); err != nil {
		b.Fatal(err)
	}
	insertMany(b, tx, "contracts", "client_id, total_amount, amount_due, signed, signed_at, search_text, search_all, sort_client, created_at, updated_at", n,
		func(i int) []any {
			signed := i%3 != 0
			var signedAt *time.Time
			if signed {
				signedAt = &at
			}
			return []any{first + int64(i), int64(i%50+1) * 10000, int64(i%4) * 2500, signed, signedAt, "", "", fmt.Sprintf("client %d", i), at, at}
		})
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if db.Dialect() == store.Postgres {
		if _, err := db.SQL().Exec(`ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	admin, err := db.User(context.Background(), ids[0])
	if err != nil {
		b.Fatal(err)
	}
	return domain.Session{UserID: admin.ID, Role: admin.Role, ValidAfter: admin.TokensValidAfter}
}

// insertMany inserts n rows built by row into table, 500 to a statement.
func insertMany(b *testing.B, tx *sqlx.Tx, table, columns string, n int, row func(i int) []any) {
	const batch = 500
	width := strings.Count(columns, ",") + 1
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ", 1)"
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		args := make([]any, 0, (hi-lo)*width)
		tuples := make([]string, 0, hi-lo)
		for i := lo; i < hi; i++ {
			args = append(args, row(i)...)
			tuples = append(tuples, tuple)
		}
		query := "INSERT INTO " + table + " (" + columns + ", version) VALUES " + strings.Join(tuples, ", ")
		if _, err := tx.Exec(tx.Rebind(query), args...); err != nil {
			b.Fatalf("insert into %s: %v", table, err)
		}
	}
}

func benchApp(b *testing.B, db *store.DB) *domain.App {
	hasher, err := auth.NewArgon2WithParams(auth.TestParams)
	if err != nil {
		b.Fatal(err)
	}
	app, err := domain.New(context.Background(), domain.Deps{Store: db, Hasher: hasher})
	if err != nil {
		b.Fatal(err)
	}
	return app
}

// heapPeak samples the heap in use until stop is called, and returns its
// highest value in MB above what was in use when it started.
func heapPeak() (stop func() float64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
	}()
	return func() float64 {
		close(done)
		wg.Wait()
		return float64(peak-base) / (1 << 20)
	}
}

// cpuTime is the processor time the process has used so far, user and
// system: on a shared machine it says more than the wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// maxRSS is the resident size the process reached so far, in MB (the
// loader's included: an upper bound for the export).
func maxRSS() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}

func BenchmarkExportContracts(b *testing.B) {
	eachDialect(b, func(b *testing.B, dialect store.Dialect) {
		n := benchRows(b)
		db := benchDB(b, dialect)
		sess := loadContracts(b, db, n)
		app := benchApp(b, db)
		var peak float64
		var cpu time.Duration
		for b.Loop() {
			stop := heapPeak()
			before := cpuTime()
			got, err := dataio.Export(context.Background(), app, sess, "contracts", dataio.Query{}, io.Discard, dataio.Options{})
			cpu += cpuTime() - before
			peak = max(peak, stop())
			if err != nil || got != n {
				b.Fatalf("exported %d of %d: %v", got, n, err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		b.ReportMetric(peak, "heap-peak-MB")
		b.ReportMetric(maxRSS(), "max-rss-MB")
	})
}

func BenchmarkImportClients(b *testing.B) {
	eachDialect(b, func(b *testing.B, dialect store.Dialect) {
		n := benchRows(b)
		var body strings.Builder
		body.WriteString("full_name,email,phone,company_name,sales_contact\n")
		for i := range n {
			fmt.Fprintf(&body, "Client %d,client%d@bench.test,+33 6 12 34 56 78,Company %d,benchsales\n", i, i, i%100)
		}
		var cpu time.Duration
		for b.Loop() {
			b.StopTimer()
			db := benchDB(b, dialect)
			sess := loadContracts(b, db, 0)
			app := benchApp(b, db)
			b.StartTimer()
			before := cpuTime()
			res, err := dataio.Import(context.Background(), app, sess, "clients", "bench.csv", strings.NewReader(body.String()), dataio.ImportOptions{})
			cpu += cpuTime() - before
			if err != nil || res.Created != n {
				b.Fatalf("imported %+v of %d: %v", res, n, err)
			}
		}
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
