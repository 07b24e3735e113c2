package ui

import (
	"strconv"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// A keystroke after a pause searches at once: the store answers a first
// page in milliseconds, and the query it replaces is cancelled. Keystrokes
// closer together than searchPause come from a typist in full flow or a
// paste: each waits searchDebounce for the next, so that a burst does not
// query every prefix. Tests change both.
var (
	searchPause    = 150 * time.Millisecond
	searchDebounce = 40 * time.Millisecond
)

// searchTickMsg runs the search of keystroke seq; only the latest
// keystroke's (same seq) runs.
type searchTickMsg struct {
	tab tabID
	seq int
}

// searchBox is a tab's inline search line.
type searchBox struct {
	input   textinput.Model
	focused bool
	seq     int
	tab     tabID
	typed   time.Time // when the text last changed
}

func newSearchBox(sh *shared, tab tabID) searchBox {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = "type to search"
	in.CharLimit = 200
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	return searchBox{input: in, tab: tab}
}

// visible reports whether the search line takes a row.
func (s *searchBox) visible(applied string) bool {
	return s.focused || applied != ""
}

// open focuses the box, keeping the text already searched for.
func (s *searchBox) open() tea.Cmd {
	s.focused = true
	s.input.CursorEnd()
	return s.input.Focus()
}

// close gives the keys back to the table.
func (s *searchBox) close() {
	s.focused = false
	s.input.Blur()
}

// update takes a key while the box is focused. When the text changed it
// returns the search: at once after a pause, else after searchDebounce.
func (s *searchBox) update(msg tea.Msg) tea.Cmd {
	before := s.input.Value()
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	if s.input.Value() == before {
		return cmd
	}
	s.seq++
	now := time.Now()
	burst := now.Sub(s.typed) < searchPause
	s.typed = now
	tick := searchTickMsg{tab: s.tab, seq: s.seq}
	if !burst {
		return tea.Batch(cmd, func() tea.Msg { return tick })
	}
	return tea.Batch(cmd, tea.Tick(searchDebounce, func(time.Time) tea.Msg { return tick }))
}

// View renders "/ text" on one line.
func (s *searchBox) View(width int, applied string) string {
	s.input.SetWidth(max(width-4, 1))
	if s.focused {
		return "/ " + s.input.View()
	}
	return "/ " + truncate(applied, width-2)
}

// formatApprox shows an estimated count: "~950", "~190k", "~1.2M".
func formatApprox(n int) string {
	switch {
	case n < 1000:
		return "~" + strconv.Itoa(n)
	case n < 1_000_000:
		return "~" + strconv.Itoa((n+500)/1000) + "k"
	}
	return "~" + strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + "M"
}
