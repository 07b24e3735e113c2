package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
)

// filterMenu is the small quick-filter menu of a tab (f).
type filterMenu struct {
	options []filterOption
	cursor  int
	chosen  *filterOption // set when the user picks one
	closed  bool
}

func newFilterMenu(options []filterOption, current string) *filterMenu {
	m := &filterMenu{options: options}
	for i, o := range options {
		if o.id == current {
			m.cursor = i
		}
	}
	return m
}

// update handles a key while the menu is open.
func (m *filterMenu) update(msg tea.KeyPressMsg, keys keyMap) {
	switch {
	case pressed(msg, keys.Up):
		m.cursor = max(m.cursor-1, 0)
	case pressed(msg, keys.Down):
		m.cursor = min(m.cursor+1, len(m.options)-1)
	case msg.String() == "enter":
		m.chosen = &m.options[m.cursor]
		m.closed = true
	case msg.String() == "esc", msg.String() == "f", msg.String() == "q":
		m.closed = true
	}
}

// View renders the options in a box, the chosen one marked.
func (m *filterMenu) View(st styles, title string) string {
	var b strings.Builder
	b.WriteString(st.title.Render("Filter " + strings.ToLower(title)))
	for i, o := range m.options {
		b.WriteByte('\n')
		if i == m.cursor {
			b.WriteString(st.selected.Render("› " + o.label))
		} else {
			b.WriteString("  " + o.label)
		}
	}
	return st.box.Render(b.String())
}
