package dataio_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/dataio"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

// world is a database with one user of each role (two of sales).
type world struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	app   *domain.App
	users map[string]domain.User
}

const password = "correct horse 1"

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	hasher, err := auth.NewArgon2WithParams(auth.TestParams)
	if err != nil {
		t.Fatal(err)
	}
	app, err := domain.New(ctx, domain.Deps{Store: db, Hasher: hasher})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, ctx: ctx, db: db, app: app, users: map[string]domain.User{}}
	admin, err := app.Auth.SetupAdmin(ctx, domain.NewUser{FullName: "Ada Admin", Username: "admin", Email: "admin@epic.test", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	w.users["admin"] = admin
	for _, u := range []struct {
		name string
		role domain.Role
	}{{"management", domain.RoleManagement}, {"sales", domain.RoleSales}, {"sales2", domain.RoleSales}, {"support", domain.RoleSupport}} {
		created, err := app.Users.Create(ctx, w.as("admin"), domain.NewUser{
			FullName: "User " + u.name, Username: u.name, Email: u.name + "@epic.test", Role: u.role, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		w.users[u.name] = created
	}
	return w
}

func (w *world) as(name string) domain.Session {
	u := w.users[name]
	return domain.Session{UserID: u.ID, Role: u.Role, ValidAfter: u.TokensValidAfter}
}

// fill adds clients of both sales people (one with formula-like text),
// contracts in every state and events with and without support.
func (w *world) fill() {
	w.t.Helper()
	admin := w.as("admin")
	clients := []domain.ClientInput{
		{FullName: "Éloïse Roux", Email: "eloise@example.com", Phone: "06 12 34 56 78", CompanyName: "Roux, Fils & Cie", SalesContactID: w.users["sales"].ID},
		{FullName: "=HYPERLINK(\"http://evil\")", Email: "evil@example.com", Phone: "+44 20 7946 0958", CompanyName: "@SUM(A1)", SalesContactID: w.users["sales2"].ID},
		{FullName: "Kenji \"KJ\" Sato", Email: "kenji@example.jp", Phone: "+81 3 1234 5678", CompanyName: "-2+3", SalesContactID: w.users["sales"].ID},
	}
	var ids []int64
	for _, in := range clients {
		c, err := w.app.Clients.Create(w.ctx, admin, in)
		if err != nil {
			w.t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	contracts := []domain.ContractInput{
		{ClientID: ids[0], TotalAmount: 123450, AmountDue: 123450, Signed: true},
		{ClientID: ids[1], TotalAmount: 99, AmountDue: 0, Signed: true},
		{ClientID: ids[2], TotalAmount: 500000, AmountDue: 250000},
	}
	var kids []int64
	for _, in := range contracts {
		k, err := w.app.Contracts.Create(w.ctx, admin, in)
		if err != nil {
			w.t.Fatal(err)
		}
		kids = append(kids, k.ID)
	}
	support := w.users["support"].ID
	start := time.Date(2027, 3, 1, 18, 30, 0, 0, time.UTC)
	events := []domain.EventInput{
		{ContractID: kids[0], Name: "Gala", StartAt: start, EndAt: start.Add(5 * time.Hour), Location: "Lyon", Attendees: 120,
			Notes: "- black tie\nline two, with \"quotes\"", SupportContactID: &support},
		{ContractID: kids[1], Name: "Seminar", StartAt: start.AddDate(0, 1, 0), EndAt: start.AddDate(0, 1, 2), Location: "Nantes"},
	}
	for _, in := range events {
		if _, err := w.app.Events.Create(w.ctx, admin, in); err != nil {
			w.t.Fatal(err)
		}
	}
}

func (w *world) export(sess domain.Session, entity string, q dataio.Query, f dataio.Format) string {
	w.t.Helper()
	var b bytes.Buffer
	if _, err := dataio.Export(w.ctx, w.app, sess, entity, q, &b, dataio.Options{Format: f}); err != nil {
		w.t.Fatalf("export %s: %v", entity, err)
	}
	return b.String()
}

func (w *world) importCSV(sess domain.Session, entity, body string, opt dataio.ImportOptions) (dataio.ImportResult, error) {
	return dataio.Import(w.ctx, w.app, sess, entity, entity+".csv", strings.NewReader(body), opt)
}

func (w *world) count(table string) int {
	w.t.Helper()
	var n int
	if err := w.db.SQL().GetContext(w.ctx, &n, "SELECT COUNT(*) FROM "+table); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// another opens a second database of the same kind as db, with the same
// users.
func another(t *testing.T, db *store.DB) *world {
	if db.Dialect() == store.Postgres {
		return newWorld(t, storetest.OpenPostgres(t))
	}
	return newWorld(t, storetest.OpenSQLite(t))
}

func parseCSV(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v\n%s", err, s)
	}
	return rows
}

// withoutTimes drops the columns a database sets itself.
func withoutTimes(t *testing.T, s string) [][]string {
	rows := parseCSV(t, s)
	var drop []int
	for i, h := range rows[0] {
		if strings.HasSuffix(h, "_at") && h != "start_at" && h != "end_at" {
			drop = append(drop, i)
		}
	}
	out := make([][]string, len(rows))
	for r, row := range rows {
		for i, c := range row {
			if !slices.Contains(drop, i) {
				out[r] = append(out[r], c)
			}
		}
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		src := newWorld(t, db)
		src.fill()
		dst := another(t, db)
		for _, entity := range []string{"clients", "contracts", "events"} {
			exported := src.export(src.as("admin"), entity, dataio.Query{}, dataio.CSV)
			res, err := dst.importCSV(dst.as("admin"), entity, exported, dataio.ImportOptions{})
			if err != nil {
				t.Fatalf("import %s: %v", entity, err)
			}
			if res.Created != len(parseCSV(t, exported))-1 {
				t.Errorf("import %s created %d", entity, res.Created)
			}
			again := dst.export(dst.as("admin"), entity, dataio.Query{}, dataio.CSV)
			if got, want := withoutTimes(t, again), withoutTimes(t, exported); !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("%s after the round trip:\n%q\nwant\n%q", entity, got, want)
			}
		}
		// The same file again: every key exists, refused unless --update,
		// which changes nothing.
		clients := src.export(src.as("admin"), "clients", dataio.Query{}, dataio.CSV)
		_, err := dst.importCSV(dst.as("admin"), "clients", clients, dataio.ImportOptions{})
		var ie *dataio.ImportError
		if !errors.As(err, &ie) || ie.Total != 3 || !strings.Contains(ie.Lines()[0], "--update") {
			t.Fatalf("import of existing clients: %v", err)
		}
		audits := dst.count("audit_log")
		res, err := dst.importCSV(dst.as("admin"), "clients", clients, dataio.ImportOptions{Update: true})
		if err != nil || res.Updated != 3 || dst.count("audit_log") != audits {
			t.Fatalf("import --update of unchanged clients: %+v, %v", res, err)
		}
	})
}

func TestImportAudited(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		before := w.count("audit_log")
		// As a spreadsheet set to French saves it.
		body := "\ufefffull_name;email;phone\r\nAna Lima;ana@example.com;'+55 11 91234 5678\r\n\"Berg, Bo\";bo@example.com;+46 8 123 456 78\r\n"
		res, err := w.importCSV(w.as("sales"), "clients", body, dataio.ImportOptions{})
		if err != nil || res.Created != 2 {
			t.Fatalf("import: %+v, %v", res, err)
		}
		var rows []domain.AuditEntry
		if err := w.db.SQL().SelectContext(w.ctx, &rows, "SELECT * FROM audit_log WHERE entity = 'client' ORDER BY id"); err != nil {
			t.Fatal(err)
		}
		if w.count("audit_log") != before+2 || len(rows) != 2 || rows[0].Actor != "sales" || rows[0].Action != domain.ActionCreate ||
			!strings.Contains(rows[0].Changes, "ana@example.com") {
			t.Fatalf("audit of imported clients: %+v", rows)
		}
	})
}

func TestSalesRights(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.fill()
		mine := parseCSV(t, w.export(w.as("sales"), "clients", dataio.Query{Filters: []string{"mine"}}, dataio.CSV))
		if len(mine) != 3 || mine[1][5] != "sales" || mine[2][5] != "sales" {
			t.Errorf("sales' own clients: %q", mine)
		}
		users := w.export(w.as("sales"), "users", dataio.Query{}, dataio.JSON)
		if strings.Contains(users, "argon2") || strings.Contains(users, "password") {
			t.Errorf("users export shows passwords: %s", users)
		}
		if _, err := dataio.Export(w.ctx, w.app, w.as("sales"), "contracts", dataio.Query{Filters: []string{"overdue"}}, &bytes.Buffer{}, dataio.Options{}); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("unknown filter: %v", err)
		}

		body := "client_email,total_amount,amount_due\neloise@example.com,100,200\nnobody@example.com,100,\nnot-an-email,100,\n"
		_, err := w.importCSV(w.as("management"), "contracts", body, dataio.ImportOptions{})
		var bad *dataio.ImportError
		if !errors.As(err, &bad) || len(bad.Lines()) != 3 || !strings.HasPrefix(bad.Lines()[0], "contracts.csv:2: amount_due: ") ||
			bad.Lines()[1] != "contracts.csv:3: client_email: no client has the email nobody@example.com" ||
			!strings.HasPrefix(bad.Lines()[2], "contracts.csv:4: client_email: ") {
			t.Errorf("bad contracts: %v", err)
		}

		contracts := w.export(w.as("admin"), "contracts", dataio.Query{}, dataio.CSV)
		before := w.count("contracts")
		_, err = w.importCSV(w.as("sales"), "contracts", contracts, dataio.ImportOptions{})
		if !errors.Is(err, domain.ErrForbidden) || err.Error() != "Sales users cannot create contracts, so they cannot import them; nothing was imported" {
			t.Errorf("sales importing contracts: %v", err)
		}
		if w.count("contracts") != before {
			t.Error("a refused import wrote contracts")
		}
		// A sales person's clients are theirs, whatever the file says.
		body = "full_name,email,phone,sales_contact\nNew One,new1@example.com,+33 6 11 22 33 44,sales\nNew Two,new2@example.com,+33 6 11 22 33 45,sales2\n"
		_, err = w.importCSV(w.as("sales"), "clients", body, dataio.ImportOptions{})
		var ie *dataio.ImportError
		if !errors.As(err, &ie) || ie.Total != 1 || ie.Rows[0].Line != 3 {
			t.Fatalf("sales importing another's client: %v", err)
		}
		body = "full_name,email,phone\nNew One,new1@example.com,+33 6 11 22 33 44\n"
		if res, err := w.importCSV(w.as("sales"), "clients", body, dataio.ImportOptions{}); err != nil || res.Created != 1 {
			t.Fatalf("sales importing a client: %+v, %v", res, err)
		}
	})
}

func TestBadRowsWriteNothing(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		body := strings.Join([]string{
			"full_name,email,phone,company_name,sales_contact",
			"Ana Lima,ana@example.com,+55 11 91234 5678,,sales",
			"Bad Mail,not-an-email,+33 6 11 22 33 44,,sales",
			"Bo Berg,bo@example.com,+46 8 123 456 78,Berg AB,sales2",
			",noname@example.com,+33 6 11 22 33 46,,sales",
			"Cy Dupe,ana@example.com,+33 6 11 22 33 47,,sales",
			"Di Ok,di@example.com,+33 6 11 22 33 48,,sales",
		}, "\n") + "\n"
		clients, audits := w.count("clients"), w.count("audit_log")
		_, err := w.importCSV(w.as("admin"), "clients", body, dataio.ImportOptions{})
		var ie *dataio.ImportError
		if !errors.As(err, &ie) {
			t.Fatalf("import of bad rows: %v", err)
		}
		lines := ie.Lines()
		if len(lines) != 3 || ie.Total != 3 ||
			!strings.HasPrefix(lines[0], "clients.csv:3: email: ") ||
			!strings.HasPrefix(lines[1], "clients.csv:5: full_name: ") ||
			lines[2] != "clients.csv:6: email: line 2 has the same email" {
			t.Errorf("bad rows reported:\n%s", strings.Join(lines, "\n"))
		}
		if w.count("clients") != clients || w.count("audit_log") != audits {
			t.Error("an import with bad rows wrote some")
		}
	})
}

func TestTooManyBadRows(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		var b strings.Builder
		b.WriteString("full_name,email,phone\n")
		for range 130 {
			b.WriteString("Nobody,nowhere,+33 6 11 22 33 44\n")
		}
		_, err := w.importCSV(w.as("admin"), "clients", b.String(), dataio.ImportOptions{})
		var ie *dataio.ImportError
		if !errors.As(err, &ie) || len(ie.Rows) != 100 || ie.Lines()[100] != "and 30 more" {
			t.Fatalf("130 bad rows: %v", err)
		}
	})
}

func TestDryRunWritesNothing(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		body := "full_name,email,phone,sales_contact\nAna Lima,ana@example.com,+55 11 91234 5678,sales\n"
		audits := w.count("audit_log")
		res, err := w.importCSV(w.as("admin"), "clients", body, dataio.ImportOptions{DryRun: true})
		if err != nil || res.Created != 1 {
			t.Fatalf("dry run: %+v, %v", res, err)
		}
		if w.count("clients") != 0 || w.count("audit_log") != audits {
			t.Error("a dry run wrote")
		}
	})
}

func TestInjectionNeutralised(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.fill()
		rows := parseCSV(t, w.export(w.as("admin"), "clients", dataio.Query{}, dataio.CSV))
		for _, row := range rows {
			for _, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("cell %q can run as a formula", cell)
				}
			}
		}
		if rows[2][1] != `'=HYPERLINK("http://evil")` || rows[2][4] != "'@SUM(A1)" || rows[3][4] != "'-2+3" || rows[1][3] != "'+33612345678" {
			t.Errorf("neutralised cells: %q", rows)
		}
		events := parseCSV(t, w.export(w.as("admin"), "events", dataio.Query{}, dataio.CSV))
		if !strings.HasPrefix(events[1][10], "'- black tie") {
			t.Errorf("notes: %q", events[1][10])
		}
	})
}

func TestExportFormats(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		w.fill()
		out := w.export(w.as("admin"), "contracts", dataio.Query{Filters: []string{"signed"}, Sort: "total_amount", Desc: true}, dataio.CSV)
		if !strings.HasPrefix(out, "id,client_email,client_name,sales_contact,total_amount,amount_due,signed,signed_at,created_at,updated_at\r\n") {
			t.Errorf("CSV header: %q", out)
		}
		rows := parseCSV(t, out)
		if len(rows) != 3 || rows[1][4] != "1234.50" || rows[2][4] != "0.99" || rows[1][1] != "eloise@example.com" || rows[1][3] != "sales" {
			t.Errorf("contracts: %q", rows)
		}
		if _, err := time.Parse(time.RFC3339, rows[1][7]); err != nil || !strings.HasSuffix(rows[1][7], "Z") {
			t.Errorf("signed_at %q is not RFC 3339 UTC", rows[1][7])
		}
		lines := strings.Split(strings.TrimSuffix(w.export(w.as("admin"), "events", dataio.Query{}, dataio.JSON), "\n"), "\n")
		if len(lines) != 2 {
			t.Fatalf("JSON lines: %q", lines)
		}
		var e map[string]any
		if err := json.Unmarshal([]byte(lines[0]), &e); err != nil {
			t.Fatal(err)
		}
		if e["attendees"] != float64(120) || e["support_contact"] != "support" || e["start_at"] != "2027-03-01T18:30:00Z" || e["notes"] != "- black tie\nline two, with \"quotes\"" {
			t.Errorf("JSON event: %v", e)
		}
	})
}

func TestExportPagesThroughEverything(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		var b strings.Builder
		b.WriteString("full_name,email,phone,sales_contact\n")
		const n = domain.MaxPageSize + 7
		for i := range n {
			b.WriteString("Client " + strings.Repeat("x", i%5) + ",c" + itoa(i) + "@example.com,+33 6 11 22 33 44,sales\n")
		}
		if _, err := w.importCSV(w.as("admin"), "clients", b.String(), dataio.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		var pages []int
		var out bytes.Buffer
		got, err := dataio.Export(w.ctx, w.app, w.as("admin"), "clients", dataio.Query{Sort: "full_name"}, &out,
			dataio.Options{Progress: func(rows int) { pages = append(pages, rows) }})
		rows := parseCSV(t, out.String())
		if err != nil || got != n || len(rows) != n+1 || !slices.Equal(pages, []int{domain.MaxPageSize, n}) {
			t.Fatalf("exported %d rows (%d read back), progress %v: %v", got, len(rows)-1, pages, err)
		}
		seen := map[string]bool{}
		for _, r := range rows[1:] {
			seen[r[0]] = true
		}
		if len(seen) != n {
			t.Errorf("%d distinct clients of %d", len(seen), n)
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }
