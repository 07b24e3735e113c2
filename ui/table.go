package ui

import (
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

// widths shares the table width among the columns: each gets its minimum,
// then the spare is split by flex. One cell of space separates columns and
// two lead each row for the selection marker.
func (t *table) widths() []int {
	w := make([]int, len(t.columns))
	used, flex := 2, 0
	for i, c := range t.columns {
		w[i] = c.width
		used += c.width + 1
		flex += c.flex
	}
	spare := t.width - used
	if spare > 0 && flex > 0 {
		given := 0
		last := -1
		for i, c := range t.columns {
			if c.flex > 0 {
				add := spare * c.flex / flex
				w[i] += add
				given += add
				last = i
			}
		}
		w[last] += spare - given
	}
	return w
}

// view renders the header and the visible rows, sortKey/desc marking the
// sorted column.
func (t *table) view(st styles, sortKey string, desc bool) string {
	widths := t.widths()
	var b strings.Builder

	header := make([]string, len(t.columns))
	for i, c := range t.columns {
		title := c.title
		if c.sort != "" && c.sort == sortKey {
			if desc {
				title += " ▼"
			} else {
				title += " ▲"
			}
		}
		header[i] = cell(title, widths[i], c.right)
	}
	b.WriteString(st.header.Render(truncate("  "+strings.Join(header, " "), t.width)))

	for i := t.top; i < t.top+t.height; i++ {
		b.WriteByte('\n')
		j := i - t.start
		if j < 0 || j >= len(t.rows) {
			continue
		}
		r := t.rows[j]
		cells := make([]string, len(t.columns))
		for k, c := range t.columns {
			v := ""
			if k < len(r.cells) {
				v = r.cells[k]
			}
			cells[k] = cell(v, widths[k], c.right)
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
