package ui

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// table holds a window of loaded rows out of a longer list, and renders only
// the rows that fit on screen. Positions are absolute: row i of the list is
// rows[i-start] when it is loaded.
type table struct {
	columns []column
	rows    []row
	start   int // absolute index of rows[0]
	total   int // rows in the whole list, as last counted

	cursor int // absolute index of the selected row
	top    int // absolute index of the first visible row

	width, height int // height counts data rows, not the header
	hscroll       int // hidden columns scrolled past, highest priority first
}

// maxWindow bounds how many rows a table keeps loaded; pages beyond it push
// the farthest ones out.
const maxWindow = 500

// end is the absolute index after the last loaded row.
func (t *table) end() int { return t.start + len(t.rows) }

// selected returns the row under the cursor, if loaded.
func (t *table) selected() (row, bool) {
	i := t.cursor - t.start
	if i < 0 || i >= len(t.rows) {
		return row{}, false
	}
	return t.rows[i], true
}

// moveTo places the cursor on absolute index i, kept inside the loaded
// window, and scrolls so it is visible.
func (t *table) moveTo(i int) {
	if len(t.rows) == 0 {
		t.cursor, t.top = t.start, t.start
		return
	}
	t.cursor = max(t.start, min(i, t.end()-1))
	t.scroll()
}

// scroll keeps the cursor inside the visible rows.
func (t *table) scroll() {
	h := max(t.height, 1)
	if t.cursor < t.top {
		t.top = t.cursor
	}
	if t.cursor >= t.top+h {
		t.top = t.cursor - h + 1
	}
	t.top = max(t.top, t.start)
}

// set replaces the window with rows starting at absolute index start.
func (t *table) set(rows []row, start int) {
	t.rows, t.start = rows, start
}

// appendRows adds rows after the window and drops the oldest beyond
// maxWindow.
func (t *table) appendRows(rows []row) {
	t.rows = append(t.rows, rows...)
	if extra := len(t.rows) - maxWindow; extra > 0 {
		t.rows = append([]row(nil), t.rows[extra:]...)
		t.start += extra
	}
	t.moveTo(t.cursor)
}

// prependRows adds rows before the window and drops the newest beyond
// maxWindow.
func (t *table) prependRows(rows []row) {
	t.rows = append(append(make([]row, 0, len(rows)+len(t.rows)), rows...), t.rows...)
	t.start -= len(rows)
	if t.start < 0 {
		t.start = 0
	}
	if len(t.rows) > maxWindow {
		t.rows = t.rows[:maxWindow]
	}
	t.moveTo(t.cursor)
}

// indexOf returns the absolute index of the row with id, if loaded.
func (t *table) indexOf(id int64) (int, bool) {
	for i, r := range t.rows {
		if r.id == id {
			return t.start + i, true
		}
	}
	return 0, false
}

// layout is which columns show and how wide, for the rows on screen.
type layout struct {
	cols   []int // indexes into columns, in display order
	widths []int // parallel to cols
	left   int   // columns hidden to the left (scrolled past with >)
	right  int   // columns hidden to the right
}

// hint is what the header says of the hidden columns: "← 1", "+2 →".
func (l layout) hint() string {
	var parts []string
	if l.left > 0 {
		parts = append(parts, "← "+strconv.Itoa(l.left))
	}
	if l.right > 0 {
		parts = append(parts, "+"+strconv.Itoa(l.right)+" →")
	}
	return strings.Join(parts, " ")
}

// widest is the width of column i's widest value on screen, its title
// (with room for the sort arrow) included.
func (t *table) widest(i int) int {
	c := t.columns[i]
	w := lipgloss.Width(c.title)
	if c.sort != "" {
		w += 2
	}
	for r := t.top; r < t.top+t.height; r++ {
		j := r - t.start
		if j < 0 || j >= len(t.rows) || i >= len(t.rows[j].cells) {
			continue
		}
		w = max(w, lipgloss.Width(safeText(t.rows[j].cells[i])))
	}
	return w
}

// layout decides the columns to show. Pinned columns always show; the
// others are taken by priority, skipping the hscroll highest ones (scrolled
// past), while they fit. The spare width is then shared by flex. One cell
// separates columns and two lead each row for the selection marker.
func (t *table) layout() layout {
	mins := make([]int, len(t.columns))
	wants := make([]int, len(t.columns))
	var pinned, others []int
	for i, c := range t.columns {
		wants[i] = t.widest(i)
		mins[i] = max(c.width, lipgloss.Width(c.title))
		if c.fit {
			// A fitted column is as wide as its widest value, never cut.
			mins[i] = max(mins[i], wants[i])
		}
		if c.pinned {
			pinned = append(pinned, i)
		} else {
			others = append(others, i)
		}
	}
	slices.SortStableFunc(others, func(a, b int) int { return t.columns[b].priority - t.columns[a].priority })
	t.hscroll = max(0, min(t.hscroll, len(others)-1))

	var out layout
	shown := map[int]bool{}
	used := 2
	for _, i := range pinned {
		shown[i] = true
		used += mins[i] + 1
	}
	// Room is kept for the hint, whose length depends on what is hidden:
	// its widest form is reserved whenever anything is.
	reserve := 0
	if len(others) > 0 {
		reserve = len(layout{left: len(others), right: len(others)}.hint()) + 1
	}
	out.left = t.hscroll
	for k, i := range others[t.hscroll:] {
		room := t.width
		if t.hscroll > 0 || k < len(others)-t.hscroll-1 {
			room -= reserve
		}
		if used+mins[i]+1 > room {
			out.right = len(others) - t.hscroll - k
			break
		}
		shown[i] = true
		used += mins[i] + 1
	}
	for i := range t.columns {
		if shown[i] {
			out.cols = append(out.cols, i)
			out.widths = append(out.widths, mins[i])
		}
	}
	room := t.width
	if out.left+out.right > 0 {
		room -= len(out.hint()) + 1
	}
	spare := room - used + 1 // the last column needs no separator
	key := -1
	for k, i := range out.cols {
		if t.columns[i].pinned && t.columns[i].flex > 0 {
			key = k
		}
	}
	switch {
	case spare < 0 && key >= 0:
		// Too narrow even for the pinned columns: the name gives way last.
		out.widths[key] = max(out.widths[key]+spare, 1)
	case spare > 0:
		if key >= 0 {
			// What tells rows apart comes first: up to half the spare.
			add := min(spare/2, max(wants[out.cols[key]]-out.widths[key], 0))
			out.widths[key] += add
			spare -= add
		}
		spare = t.share(out, wants, spare)
		if key >= 0 {
			out.widths[key] += spare
		} else if len(out.cols) > 0 {
			out.widths[len(out.cols)-1] += spare
		}
	}
	return out
}

// share hands spare cells to the flexible columns by their flex, none
// beyond its widest value, round after round while some still want more.
// It returns what no column wanted.
func (t *table) share(out layout, wants []int, spare int) int {
	for spare > 0 {
		flex := 0
		for k, i := range out.cols {
			if out.widths[k] < wants[i] {
				flex += t.columns[i].flex
			}
		}
		if flex == 0 {
			return spare
		}
		given := 0
		for k, i := range out.cols {
			f := t.columns[i].flex
			if f == 0 || out.widths[k] >= wants[i] {
				continue
			}
			add := min(max(spare*f/flex, 1), wants[i]-out.widths[k], spare-given)
			out.widths[k] += add
			given += add
		}
		if given == 0 {
			return spare
		}
		spare -= given
	}
	return 0
}

// scrollColumns shows the hidden columns further right (delta 1) or left
// (-1), as far as some column is hidden that way.
func (t *table) scrollColumns(delta int) {
	l := t.layout()
	if (delta > 0 && l.right > 0) || (delta < 0 && l.left > 0) {
		t.hscroll += delta
	}
}

// view renders the header and the visible rows, sortKey/desc marking the
// sorted column.
func (t *table) view(st styles, sortKey string, desc bool) string {
	lay := t.layout()
	var b strings.Builder

	header := make([]string, len(lay.cols))
	for k, i := range lay.cols {
		c := t.columns[i]
		title := c.title
		if c.sort != "" && c.sort == sortKey {
			if desc {
				title += " ▼"
			} else {
				title += " ▲"
			}
		}
		header[k] = cell(title, lay.widths[k], c.right)
	}
	head := "  " + strings.Join(header, " ")
	if h := lay.hint(); h != "" {
		head = truncate(head, t.width-len(h)-1)
		head += strings.Repeat(" ", max(t.width-lipgloss.Width(head)-len(h), 1)) + h
	}
	b.WriteString(st.header.Render(truncate(head, t.width)))

	for i := t.top; i < t.top+t.height; i++ {
		b.WriteByte('\n')
		j := i - t.start
		if j < 0 || j >= len(t.rows) {
			continue
		}
		r := t.rows[j]
		cells := make([]string, len(lay.cols))
		for k, ci := range lay.cols {
			v := ""
			if ci < len(r.cells) {
				v = r.cells[ci]
			}
			cells[k] = cell(v, lay.widths[k], t.columns[ci].right)
		}
		line := strings.Join(cells, " ")
		if i == t.cursor {
			b.WriteString(st.selected.Render(truncate("› "+line, t.width)))
		} else {
			b.WriteString(truncate("  "+line, t.width))
		}
	}
	return b.String()
}

// cell fits s into exactly w cells, cut with an ellipsis when too long.
func cell(s string, w int, right bool) string {
	s = safeText(s)
	if lipgloss.Width(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	pad := strings.Repeat(" ", max(w-lipgloss.Width(s), 0))
	if right {
		return pad + s
	}
	return s + pad
}

// truncate cuts s to w cells.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}
