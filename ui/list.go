package ui

import (
	"context"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/epicevents/epic-tui/domain"
)

// fetchKind says which page a request asks for.
type fetchKind int

const (
	fetchReload  fetchKind = iota // the first page, and the count
	fetchNext                     // the page after the window
	fetchPrev                     // the page before the window
	fetchBottom                   // the last page, and the count
	fetchRefresh                  // the loaded rows again, after others' changes
)

// pageSize is how many rows one request brings.
const pageSize = domain.DefaultPageSize

// prefetch is how close to the window's edge the cursor may come before the
// next page is asked for.
const prefetch = 20

// pageMsg is the answer to a page request. seq is the tab's query
// generation when asked: answers to an older query are dropped.
type pageMsg struct {
	tab      tabID
	seq      int
	kind     fetchKind
	page     rowPage
	total    int
	counted  bool
	selectID int64
	err      error
}

// countMsg is the answer to counting the rows of a query, asked once its
// first page has come, so that the page never waits for the count.
type countMsg struct {
	tab      tabID
	seq      int
	total    int
	estimate *domain.Estimate // set when the answer is an estimate, not the count
	err      error
}

// listModel is one tab: a table over a list that is fetched page by page,
// with its own search, quick filter and sort.
type listModel struct {
	sh   *shared
	spec *entitySpec
	t    table

	query listQuery
	seq   int // bumped whenever the query changes
	// ctx is the current query's: cancelled when the query changes, so the
	// database stops working on answers that would be dropped.
	ctx      context.Context
	cancel   context.CancelFunc
	loading  bool             // a page request is in flight
	counting bool             // the total is being counted; until then it is at least what is loaded
	countDue bool             // the total is to be counted once the tab is on screen
	guess    *domain.Estimate // while counting, what the estimate said
	loaded   bool             // the first answer has arrived
	hasPrev  bool
	hasNext  bool
	// pending is the moves asked beyond the loaded rows (keys held down at
	// the edge): made when the next (or, below 0, previous) page comes.
	pending int
	stale   bool // others changed records since it was last refreshed

	search searchBox

	width, height int
}

func newListModel(sh *shared, spec *entitySpec) *listModel {
	l := &listModel{sh: sh, spec: spec, t: table{columns: spec.columns}}
	l.query.page.Limit = pageSize
	l.search = newSearchBox(sh, spec.tab)
	l.query.filters = spec.defaults.Filters
	l.query.page.Sort = spec.defaults.Sort
	return l
}

// SetSize gives the tab its area.
func (l *listModel) SetSize(w, h int) {
	l.width, l.height = w, h
	l.layout()
}

// layout sizes the table under the search line, when there is one.
func (l *listModel) layout() {
	h := l.height - 1 // header
	if l.search.visible(l.query.page.Search) {
		h--
	}
	l.t.width, l.t.height = l.width, max(h, 1)
	l.t.scroll()
}

// reload asks for the first page again; selectID, when loaded, gets the
// cursor.
func (l *listModel) reload(selectID int64) tea.Cmd {
	l.newQuery()
	return l.fetch(fetchReload, selectID)
}

// queryCtx is the context of the current query's database work.
func (l *listModel) queryCtx() context.Context {
	if l.ctx == nil {
		return l.sh.ctx
	}
	return l.ctx
}

// newQuery starts a new query generation: the answers to the previous ones
// will be dropped, and their database work still running is cancelled.
func (l *listModel) newQuery() {
	l.seq++
	l.pending = 0
	l.counting, l.countDue = false, false // a count under way answers the old query
	if l.cancel != nil {
		l.cancel()
	}
	l.ctx, l.cancel = context.WithCancel(l.sh.ctx)
}

// fetch starts a page request. It runs in a command; its answer is a
// pageMsg.
func (l *listModel) fetch(kind fetchKind, selectID int64) tea.Cmd {
	l.loading = true
	q := l.query
	q.page.After, q.page.Before = nil, nil
	switch kind {
	case fetchNext:
		if n := len(l.t.rows); n > 0 {
			c := l.t.rows[n-1].cursor
			q.page.After = &c
		}
	case fetchPrev:
		if len(l.t.rows) > 0 {
			c := l.t.rows[0].cursor
			q.page.Before = &c
		}
	case fetchBottom:
		// The last page is the first page of the reversed order.
		q.page.Desc = !q.page.Desc
	case fetchRefresh:
		// From the first loaded row on (the one before it is no longer
		// known, so a deep window starts one row later), as many rows as
		// are loaded.
		q.page.Limit = min(max(len(l.t.rows), pageSize), domain.MaxPageSize)
		if l.t.start > 0 && len(l.t.rows) > 0 {
			c := l.t.rows[0].cursor
			q.page.After = &c
		}
	}
	spec, app, loc, tab, seq, desc := l.spec, l.sh.app, l.sh.loc, l.spec.tab, l.seq, l.query.page.Desc
	return l.sh.doIn(l.queryCtx(), func(ctx context.Context, sess domain.Session) tea.Msg {
		msg := pageMsg{tab: tab, seq: seq, kind: kind, selectID: selectID}
		msg.page, msg.err = spec.list(ctx, app, sess, q, loc)
		if msg.err != nil {
			return msg
		}
		if kind == fetchBottom {
			slices.Reverse(msg.page.rows)
			msg.page.hasPrev, msg.page.hasNext = msg.page.hasNext, false
		}
		if kind == fetchBottom {
			// The rows are numbered from the end: the count comes first.
			q.page.Desc = desc
			msg.total, msg.err = spec.count(ctx, app, sess, q)
			msg.counted = msg.err == nil
		}
		return msg
	})
}

// count counts the rows of the current query, in a command. The first
// answer is an estimate; when it is not exact, onCount asks for the count.
func (l *listModel) count() tea.Cmd {
	l.counting, l.countDue, l.guess = true, false, nil
	spec, app, q, tab, seq := l.spec, l.sh.app, l.query, l.spec.tab, l.seq
	return l.sh.doIn(l.queryCtx(), func(ctx context.Context, sess domain.Session) tea.Msg {
		e, err := spec.estimate(ctx, app, sess, q)
		if e.Exact {
			return countMsg{tab: tab, seq: seq, total: e.N, err: err}
		}
		return countMsg{tab: tab, seq: seq, estimate: &e, err: err}
	})
}

// countIfDue starts the count waiting for the tab to be on screen: tabs
// out of sight are not counted.
func (l *listModel) countIfDue() tea.Cmd {
	if !l.countDue {
		return nil
	}
	return l.count()
}

// onCount takes a count answer in. It returns the exact count to ask for
// after an estimate, and an error to show, if any.
func (l *listModel) onCount(msg countMsg) (tea.Cmd, error) {
	if msg.seq != l.seq {
		return nil, nil
	}
	if msg.err != nil {
		return nil, msg.err // the total stays "at least what is loaded"
	}
	if msg.estimate != nil {
		l.guess = msg.estimate
		spec, app, q, tab, seq := l.spec, l.sh.app, l.query, l.spec.tab, l.seq
		return l.sh.doIn(l.queryCtx(), func(ctx context.Context, sess domain.Session) tea.Msg {
			n, err := spec.count(ctx, app, sess, q)
			return countMsg{tab: tab, seq: seq, total: n, err: err}
		}), nil
	}
	l.t.total, l.counting = msg.total, false
	l.keepCountHonest()
	return nil, nil
}

// keepCountHonest corrects the total when the loaded rows prove it wrong:
// rows come and go between the count and the pages.
func (l *listModel) keepCountHonest() {
	if !l.hasNext {
		// The window reaches the end: its end is the count.
		l.t.total, l.counting, l.countDue = l.t.end(), false, false
	}
	l.t.total = max(l.t.total, l.t.end())
}

// onPage takes a page answer in. It returns an error to show, if any.
func (l *listModel) onPage(msg pageMsg) (tea.Cmd, error) {
	if msg.seq != l.seq {
		return nil, nil // an answer to a query that has changed since
	}
	l.loading = false
	if msg.err != nil {
		l.pending = 0
		return nil, msg.err
	}
	l.loaded = true
	if msg.counted {
		l.t.total, l.counting, l.countDue = msg.total, false, false
	}
	p := msg.page
	switch msg.kind {
	case fetchReload:
		l.t.set(p.rows, 0)
		l.hasPrev, l.hasNext = false, p.hasNext
		l.t.top = 0
		i, ok := l.t.indexOf(msg.selectID)
		if !ok {
			i = 0
		}
		l.t.moveTo(i)
	case fetchBottom:
		l.t.set(p.rows, max(l.t.total-len(p.rows), 0))
		l.hasPrev, l.hasNext = p.hasPrev, false
		l.t.moveTo(l.t.end() - 1)
	case fetchNext:
		l.t.appendRows(p.rows)
		l.hasNext = p.hasNext
		l.hasPrev = l.hasPrev || l.t.start > 0
	case fetchRefresh:
		l.onRefresh(msg.page)
	case fetchPrev:
		l.t.prependRows(p.rows)
		l.hasPrev = p.hasPrev
		if !p.hasPrev {
			// Rows may have come or gone since the count: the first row is 0.
			shift := l.t.start
			l.t.start, l.t.cursor, l.t.top = 0, l.t.cursor-shift, l.t.top-shift
			l.t.moveTo(l.t.cursor)
		}
		l.hasNext = l.hasNext || len(l.t.rows) == maxWindow
	}
	l.keepCountHonest()
	if msg.kind == fetchNext || msg.kind == fetchPrev {
		l.movePending()
	}
	if msg.kind == fetchRefresh && l.hasNext {
		return tea.Batch(l.count(), l.maybePrefetch()), nil
	}
	if msg.kind == fetchReload {
		if !l.hasNext {
			// The first page holds every row: that is the count.
			l.counting = false
			return nil, nil
		}
		l.counting, l.countDue, l.guess = true, true, nil
		return l.maybePrefetch(), nil
	}
	return l.maybePrefetch(), nil
}

// refresh loads the rows shown again, keeping the cursor on its record (or
// its place, when the record is gone), then counts again.
func (l *listModel) refresh() tea.Cmd {
	l.stale = false
	if !l.loaded {
		return nil
	}
	l.newQuery()
	l.pending = 0
	return l.fetch(fetchRefresh, l.selectedID())
}

// onRefresh puts the refreshed rows in place of the loaded ones.
func (l *listModel) onRefresh(p rowPage) {
	start := l.t.start
	if start > 0 {
		start++ // the rows after the first loaded one
	}
	at, top := l.t.cursor, l.t.top
	id := l.selectedID()
	l.t.set(p.rows, start)
	l.hasPrev, l.hasNext = start > 0, p.hasNext
	l.t.top = max(top, start)
	if i, ok := l.t.indexOf(id); ok {
		at = i
	}
	l.t.moveTo(at)
}

// movePending makes the moves that waited for the page just come, as far
// as the rows now reach; the rest waits for the next page.
func (l *listModel) movePending() {
	if l.pending == 0 {
		return
	}
	target := l.t.cursor + l.pending
	l.t.moveTo(target)
	l.pending = target - l.t.cursor
	if (l.pending > 0 && !l.hasNext) || (l.pending < 0 && !l.hasPrev) {
		l.pending = 0
	}
}

// maybePrefetch asks for the next or previous page when the cursor nears the
// edge of the loaded window.
func (l *listModel) maybePrefetch() tea.Cmd {
	if l.loading || !l.loaded {
		return nil
	}
	switch {
	case l.hasNext && l.t.cursor >= l.t.end()-prefetch:
		return l.fetch(fetchNext, 0)
	case l.hasPrev && l.t.cursor < l.t.start+prefetch:
		return l.fetch(fetchPrev, 0)
	}
	return nil
}

// move handles the cursor keys; ok is false for other keys.
func (l *listModel) move(msg tea.KeyPressMsg, keys keyMap) (tea.Cmd, bool) {
	t := &l.t
	step := 0
	switch {
	case pressed(msg, keys.Up):
		step = -1
	case pressed(msg, keys.Down):
		step = 1
	case pressed(msg, keys.PageUp):
		step = -t.height
	case pressed(msg, keys.PageDown):
		step = t.height
	case pressed(msg, keys.Top):
		if t.start > 0 || l.hasPrev {
			return l.reload(0), true
		}
		t.moveTo(0)
	case pressed(msg, keys.Bottom):
		if l.hasNext {
			l.newQuery()
			return l.fetch(fetchBottom, 0), true
		}
		t.moveTo(t.end() - 1)
	default:
		return nil, false
	}
	if step != 0 {
		l.step(step)
	}
	return l.maybePrefetch(), true
}

// step moves the cursor by n rows. Moves past the loaded rows, while a page
// is on its way, wait for it instead of being lost; a move the other way
// cancels them.
func (l *listModel) step(n int) {
	t := &l.t
	if l.pending != 0 && (l.pending > 0) == (n > 0) {
		l.pending += n
		return
	}
	l.pending = 0
	target := t.cursor + n
	t.moveTo(target)
	if (target > t.cursor && l.hasNext) || (target < t.cursor && l.hasPrev) {
		l.pending = target - t.cursor
	}
}

// selected returns the record under the cursor.
func (l *listModel) selected() (row, bool) { return l.t.selected() }

// selectedID is the id under the cursor, 0 when none.
func (l *listModel) selectedID() int64 {
	r, _ := l.t.selected()
	return r.id
}

// cycleSort moves to the next sort column.
func (l *listModel) cycleSort() tea.Cmd {
	sorts := l.spec.sorts
	cur := l.query.page.Sort
	if cur == "" {
		cur = "id"
	}
	i := slices.Index(sorts, cur)
	l.query.page.Sort = sorts[(i+1)%len(sorts)]
	return l.reload(l.selectedID())
}

// reverseSort flips the sort direction.
func (l *listModel) reverseSort() tea.Cmd {
	l.query.page.Desc = !l.query.page.Desc
	return l.reload(l.selectedID())
}

// sortKey is the sort column in effect.
func (l *listModel) sortKey() string {
	if l.query.page.Sort == "" {
		return "id"
	}
	return l.query.page.Sort
}

// setFilters applies a set of quick filters, leaving a record's scope.
func (l *listModel) setFilters(ids []string) tea.Cmd {
	l.query.filters, l.query.filter, l.query.scope = ids, "", ""
	return l.reload(l.selectedID())
}

// setScope shows only the records of one client or contract ("client:ID",
// "contract:ID"), named label in the status line.
func (l *listModel) setScope(filter, label string) tea.Cmd {
	l.query.filters, l.query.filter, l.query.scope = nil, filter, label
	return l.reload(0)
}

// setSearch applies a search text, and lays the tab out again: the search
// line may have come or gone.
func (l *listModel) setSearch(s string) tea.Cmd {
	s = strings.TrimSpace(s)
	changed := s != l.query.page.Search
	l.query.page.Search = s
	l.layout()
	if !changed {
		return nil
	}
	return l.reload(0)
}

// replace shows a record's new state in place, after an edit.
func (l *listModel) replace(item any) {
	r := l.spec.toRow(item, l.sh.loc)
	for i := range l.t.rows {
		if l.t.rows[i].id == r.id {
			r.cursor = l.t.rows[i].cursor
			l.t.rows[i] = r
		}
	}
}

// remove drops a deleted record from the window.
func (l *listModel) remove(id int64) {
	if i, ok := l.t.indexOf(id); ok {
		j := i - l.t.start
		l.t.rows = append(l.t.rows[:j:j], l.t.rows[j+1:]...)
		l.t.total = max(l.t.total-1, 0)
		l.t.moveTo(l.t.cursor)
	}
}

// filterLabel names the active filters, "" for all: "mine + next 7 days".
func (l *listModel) filterLabel() string {
	var labels []string
	if l.query.scope != "" {
		labels = append(labels, l.query.scope)
	}
	for _, f := range l.spec.filters(l.sh.user.Role) {
		if f.id != "" && l.query.has(f.id) {
			labels = append(labels, f.label)
		}
	}
	return strings.Join(labels, " + ")
}

// position is "12/3 456", or "" before anything is loaded.
func (l *listModel) position() string {
	if !l.loaded {
		return "loading…"
	}
	if len(l.t.rows) == 0 {
		return "0/0"
	}
	if l.counting && l.guess != nil && l.guess.N > l.t.end() {
		// The estimate, until the count comes.
		if l.guess.AtLeast {
			return formatCount(l.t.cursor+1) + "/" + formatCount(l.guess.N) + "+"
		}
		return formatCount(l.t.cursor+1) + "/" + formatApprox(l.guess.N)
	}
	if l.counting {
		// At least the rows loaded, and more: the count is on its way.
		return formatCount(l.t.cursor+1) + "/" + formatCount(l.t.end()) + "+"
	}
	return formatCount(l.t.cursor+1) + "/" + formatCount(l.t.total)
}

// View renders the search line, if any, and the table.
func (l *listModel) View() string {
	var b strings.Builder
	if l.search.visible(l.query.page.Search) {
		b.WriteString(l.search.View(l.width, l.query.page.Search))
		b.WriteByte('\n')
	}
	tv := l.t.view(l.sh.styles, l.sortKey(), l.query.page.Desc)
	if l.loaded && len(l.t.rows) == 0 {
		msg := "  no " + strings.ToLower(l.spec.title)
		if l.query.page.Search != "" || l.query.filtered() {
			msg += " match"
		}
		header, _, _ := strings.Cut(tv, "\n")
		tv = header + "\n" + l.sh.styles.dim.Render(msg) + strings.Repeat("\n", max(l.t.height-1, 0))
	}
	b.WriteString(tv)
	return b.String()
}
