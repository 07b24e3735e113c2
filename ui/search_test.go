package ui

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
	"github.com/epicevents/epic-tui/store/storetest"
)

// searchLog is the real store, noting the client searches that reach it
// and those answered.
type searchLog struct {
	domain.Store
	mu       sync.Mutex
	searches []string
	answered []string
}

func (s *searchLog) ListClients(ctx context.Context, q domain.ClientQuery) (domain.Page[domain.Client], error) {
	if q.Search == "" {
		return s.Store.ListClients(ctx, q)
	}
	s.mu.Lock()
	s.searches = append(s.searches, q.Search)
	s.mu.Unlock()
	page, err := s.Store.ListClients(ctx, q)
	s.mu.Lock()
	s.answered = append(s.answered, q.Search)
	s.mu.Unlock()
	return page, err
}

// seen is the searches asked, and whether search has been answered.
func (s *searchLog) seen(search string) ([]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.searches), slices.Contains(s.answered, search)
}

// setSearchTiming sets the search pause and debounce for one test.
func setSearchTiming(t *testing.T, pause, debounce time.Duration) {
	oldPause, oldDebounce := searchPause, searchDebounce
	searchPause, searchDebounce = pause, debounce
	t.Cleanup(func() { searchPause, searchDebounce = oldPause, oldDebounce })
}

// Keys typed quickly, in the real event loop, search the first key at once
// and then the whole text, not every prefix.
func TestSearchBurstDoesNotQueryEveryPrefix(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		// A debounce far above the 40 ms in use, so a loaded machine
		// running the test slowly does not pass a pause between two keys.
		setSearchTiming(t, 150*time.Millisecond, 120*time.Millisecond)
		log := &searchLog{Store: db}
		app := appOn(t, log)
		f := newFixture(t, app)
		f.client(t, "Alice Martin", "alice@client.test")
		bruno := f.client(t, "Bruno Durand", "bruno@client.test")
		p := startProgram(t, app, &memSessions{})
		p.sees("Sign in")
		p.burst("admin\r" + testPassword + "\r")
		p.sees("Alice Martin")
		p.burst("/")
		for _, r := range "durand" { // a fast typist: a key every 10 ms
			p.burst(string(r))
			time.Sleep(10 * time.Millisecond)
		}
		var searches []string
		for range 1000 { // the search of the whole text is on its way
			var done bool
			if searches, done = log.seen("durand"); done {
				time.Sleep(50 * time.Millisecond) // its answer reaches the screen
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if len(searches) == 0 || searches[len(searches)-1] != "durand" || len(searches) > 3 {
			t.Errorf("typing searched %q; want the whole text last, and not every prefix", searches)
		}
		p.sees("search: ")
		p.burst("\r")
		p.quit()
		l := p.tm.FinalModel(t).(*model).main.lists[tabClients]
		if len(l.t.rows) != 1 || l.t.rows[0].id != bruno.ID || l.query.page.Search != "durand" {
			t.Errorf("the search shows %d rows for %q, want Bruno Durand alone", len(l.t.rows), l.query.page.Search)
		}
	})
}

// The first keystroke after a pause searches without waiting for another.
func TestSearchAfterPauseRunsAtOnce(t *testing.T) {
	setSearchTiming(t, 150*time.Millisecond, time.Hour)
	app := newApp(t)
	f := newFixture(t, app)
	f.client(t, "Alice Martin", "alice@client.test")
	f.client(t, "Bruno Durand", "bruno@client.test")
	h := signedInHarness(t, app, f.admin)
	h.mustSee("Alice Martin", "Bruno Durand")
	h.key("/")
	h.key("b")
	h.mustSee("Bruno Durand")
	h.mustNotSee("Alice Martin")
}

// countLog is the real store, counting the counts of contracts asked.
type countLog struct {
	domain.Store
	mu     sync.Mutex
	counts int
}

func (s *countLog) CountContracts(ctx context.Context, q domain.ContractQuery) (int, error) {
	s.mu.Lock()
	s.counts++
	s.mu.Unlock()
	return s.Store.CountContracts(ctx, q)
}

func (s *countLog) EstimateContracts(ctx context.Context, q domain.ContractQuery) (domain.Estimate, error) {
	s.mu.Lock()
	s.counts++
	s.mu.Unlock()
	return s.Store.EstimateContracts(ctx, q)
}

func (s *countLog) asked() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts
}

// A tab is counted when it is shown, not while another is on screen.
func TestTabCountedWhenShown(t *testing.T) {
	log := &countLog{Store: storetest.OpenSQLite(t)}
	app := appOn(t, log)
	f := newFixture(t, app)
	c := f.client(t, "Alice Martin", "alice@client.test")
	for range pageSize + 1 {
		f.contract(t, c.ID, 1000, 0, false)
	}
	h := signedInHarness(t, app, f.admin)
	h.mustSee("Alice Martin", "1/1")
	if n := log.asked(); n != 0 {
		t.Errorf("the contracts were counted %d times out of sight", n)
	}
	h.key("2")
	h.mustSee("1/101")
	if log.asked() == 0 {
		t.Error("the contracts tab on screen was not counted")
	}
}

// Past a thousand rows the status line shows what is known at once, then
// the exact count.
func TestTotalShowsEstimateThenCount(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	f.manyClients(t, 1001)
	h := signedInHarness(t, app, f.admin)
	h.mustSee("1/1 001")
	l := h.m.(*model).main.lists[tabClients]
	l.newQuery()
	msg, ok := l.count()().(countMsg)
	if !ok || msg.estimate == nil {
		t.Fatalf("the first answer is %+v, want an estimate", msg)
	}
	_, exact := h.m.Update(msg)
	h.mustSee("1/1 000+")
	h.run(exact, 0)
	h.mustSee("1/1 001")
}

func TestFormatApprox(t *testing.T) {
	for n, want := range map[int]string{950: "~950", 1000: "~1k", 189_600: "~190k", 1_234_567: "~1.2M"} {
		if got := formatApprox(n); got != want {
			t.Errorf("formatApprox(%d) = %q, want %q", n, got, want)
		}
	}
}
