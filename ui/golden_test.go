package ui

import (
	"context"
	"strconv"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store/storetest"
)

// goldenNow is the clock of the golden screens: dates on them never move.
var goldenNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// goldenFixture fills a database with what breaks tables: long names, six
// digit ids, emoji, wide and combining characters.
func goldenFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.OpenSQLite(t)
	h, err := auth.NewArgon2WithParams(auth.TestParams)
	if err != nil {
		t.Fatal(err)
	}
	app, err := domain.New(context.Background(), domain.Deps{Store: db, Hasher: h, Now: func() time.Time { return goldenNow }})
	if err != nil {
		t.Fatal(err)
	}
	// Every table's ids start at 123456.
	x := db.SQL()
	for _, table := range []string{"users", "clients", "contracts", "events"} {
		if _, err := x.Exec(`DELETE FROM sqlite_sequence WHERE name = ?`, table); err != nil {
			t.Fatal(err)
		}
		if _, err := x.Exec(`INSERT INTO sqlite_sequence (name, seq) VALUES (?, 123455)`, table); err != nil {
			t.Fatal(err)
		}
	}
	f := newFixture(t, app)
	ctx := context.Background()
	support, err := app.Users.Create(ctx, f.adminSess, domain.NewUser{
		FullName: "Maximilienne-Éléonore de La Tour-Saint-Jacques 🎪", Username: "maximilienne.delatour",
		Email: "maximilienne.de-la-tour-saint-jacques@epic-events.example", Role: domain.RoleSupport, Password: testPassword,
	})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{
		"Bartholomew Fitzgerald-Montgomery III",
		"Zoë Ångström 🎉 Fête",
		"Jose\u0301 Garci\u0301a (combining accents)",
		"山田 太郎 Yamada Tarō",
	}
	for i, name := range names {
		c, err := app.Clients.Create(ctx, f.adminSess, domain.ClientInput{
			FullName: name, Email: "client" + strconv.Itoa(i) + ".with.a.long.address@example-company.test",
			Phone: "+33 6 12 34 56 7" + strconv.Itoa(i), CompanyName: "Société Internationale d'Événements " + strconv.Itoa(i),
			SalesContactID: f.sales.ID,
		})
		if err != nil {
			t.Fatal(err)
		}
		k := f.contract(t, c.ID, 123456789012, int64(i)*100000000, true)
		start := time.Date(2030, 6, 1+i, 18, 0, 0, 0, time.UTC)
		in := domain.EventInput{
			ContractID: k.ID, Name: "Grand gala of the year " + strconv.Itoa(2030+i) + " 🥂 at the seaside", StartAt: start,
			EndAt: start.Add(time.Duration(4+i*12) * time.Hour), Location: "Palais des Congrès, Saint-Jean-de-Luz", Attendees: 1200 * (i + 1),
		}
		if i%2 == 1 {
			in.SupportContactID = &support.ID
		}
		if _, err := app.Events.Create(ctx, f.adminSess, in); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// Every tab at the smallest size, the README's size and a large one,
// compared with testdata/TestGoldenScreens/TAB_WxH.golden (go test ./ui
// -run TestGolden -update rewrites them).
func TestGoldenScreens(t *testing.T) {
	f := goldenFixture(t)
	h := signedInHarness(t, f.app, f.admin)
	sizes := []struct{ w, h int }{{60, 15}, {80, 24}, {120, 40}}
	for i, spec := range specs {
		h.key(strconv.Itoa(i + 1))
		for _, size := range sizes {
			h.send(tea.WindowSizeMsg{Width: size.w, Height: size.h})
			h.send(tea.WindowSizeMsg{Width: size.w, Height: size.h})
			t.Run(spec.title+"_"+strconv.Itoa(size.w)+"x"+strconv.Itoa(size.h), func(t *testing.T) {
				golden.RequireEqual(t, h.view())
			})
		}
	}
}
