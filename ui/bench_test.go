package ui

import "testing"

// BenchmarkTableView renders a tab whose table holds a 200-row page.
func BenchmarkTableView(b *testing.B) {
	app := newApp(b)
	f := newFixture(b, app)
	f.manyClients(b, 200)
	h := signedInHarness(b, app, f.admin)
	l := h.m.(*model).main.lists[tabClients]
	for range 4 {
		h.key("pgdown") // nearing the window's end brings the second page in
	}
	if len(l.t.rows) < 200 {
		b.Fatalf("%d rows loaded", len(l.t.rows))
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = h.m.View()
	}
}

// BenchmarkSearchKeystroke measures the Update of one keystroke in the
// search box: the query itself runs later, in a command.
func BenchmarkSearchKeystroke(b *testing.B) {
	app := newApp(b)
	f := newFixture(b, app)
	f.client(b, "Alice Martin", "alice@client.test")
	h := signedInHarness(b, app, f.admin)
	h.key("/")
	keys := []string{"a", "backspace"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		h.m.Update(keyPress(keys[i%2]))
		i++
	}
}
