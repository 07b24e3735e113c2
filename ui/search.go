package ui

import (
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// searchDebounce is how long typing must pause before the table is queried
// again. Tests shorten it.
var searchDebounce = 100 * time.Millisecond

// searchTickMsg fires searchDebounce after a keystroke; only the one for the
// latest keystroke (same seq) runs the search.
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

// update takes a key while the box is focused. It returns the debounce tick
// when the text changed.
func (s *searchBox) update(msg tea.Msg) tea.Cmd {
	before := s.input.Value()
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	if s.input.Value() == before {
		return cmd
	}
	s.seq++
	tab, seq := s.tab, s.seq
	return tea.Batch(cmd, tea.Tick(searchDebounce, func(time.Time) tea.Msg {
		return searchTickMsg{tab: tab, seq: seq}
	}))
}

// View renders "/ text" on one line.
func (s *searchBox) View(width int, applied string) string {
	s.input.SetWidth(max(width-4, 1))
	if s.focused {
		return "/ " + s.input.View()
	}
	return "/ " + truncate(applied, width-2)
}
