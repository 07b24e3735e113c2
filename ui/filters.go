package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// filterMenu is the quick-filter menu of a tab (f): space toggles the
// option under the cursor, enter applies the ticked ones, esc leaves them
// as they were.
type filterMenu struct {
	options []filterOption
	on      []string // the ids ticked, in menu order
	cursor  int
	toggled bool // space was used: enter applies as ticked
	applied bool // set when the user applies
	closed  bool
}

func newFilterMenu(options []filterOption, current []string) *filterMenu {
	return &filterMenu{options: options, on: slices.Clone(current)}
}

// toggle ticks or unticks option i; "all" unticks everything, and an
// option unticks the others of its group.
func (m *filterMenu) toggle(i int) {
	o := m.options[i]
	if o.id == "" {
		m.on = nil
		return
	}
	if slices.Contains(m.on, o.id) {
		m.on = slices.DeleteFunc(m.on, func(id string) bool { return id == o.id })
		return
	}
	var on []string
	for _, x := range m.options {
		keep := slices.Contains(m.on, x.id) && (o.group == "" || x.group != o.group)
		if keep || x.id == o.id {
			on = append(on, x.id)
		}
	}
	m.on = on
}

// update handles a key while the menu is open.
func (m *filterMenu) update(msg tea.KeyPressMsg, keys keyMap) {
	switch {
	case pressed(msg, keys.Up):
		m.cursor = max(m.cursor-1, 0)
	case pressed(msg, keys.Down):
		m.cursor = min(m.cursor+1, len(m.options)-1)
	case msg.String() == "space", msg.String() == "x":
		m.toggle(m.cursor)
		m.toggled = true
	case msg.String() == "enter":
		// Enter alone on an option picks it, added to those already on.
		if !m.toggled {
			if id := m.options[m.cursor].id; id == "" || !slices.Contains(m.on, id) {
				m.toggle(m.cursor)
			}
		}
		m.applied, m.closed = true, true
	case msg.String() == "esc", msg.String() == "f", msg.String() == "q":
		m.closed = true
	}
}

// View renders the options in a box, the ticked ones checked.
func (m *filterMenu) View(st styles, title string) string {
	var b strings.Builder
	b.WriteString(st.title.Render("Filter " + strings.ToLower(title)))
	for i, o := range m.options {
		b.WriteByte('\n')
		mark := "[ ] "
		if (o.id == "" && len(m.on) == 0) || (o.id != "" && slices.Contains(m.on, o.id)) {
			mark = "[x] "
		}
		if i == m.cursor {
			b.WriteString(st.selected.Render("› " + mark + o.label))
		} else {
			b.WriteString("  " + mark + o.label)
		}
	}
	return st.box.Render(b.String())
}

// helpKeys are the menu's keys, for the footer and the full help.
func (m *filterMenu) helpKeys(k keyMap) (short []key.Binding, full [][]key.Binding) {
	keys := []key.Binding{k.Up, k.Down, bind("space", "tick"), bind("enter", "apply"), bind("esc", "close")}
	return keys, [][]key.Binding{keys}
}
