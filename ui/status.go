package ui

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
)

// statusView is the status line: who is signed in, the row position, the
// active search and filter, and the flash message.
func (m *mainModel) statusView() string {
	st := m.sh.styles
	l := m.list()
	parts := []string{safeText(m.sh.user.Username) + " · " + m.sh.user.Role.Label()}
	if d := m.detail(); d != nil {
		parts = append(parts, strings.ToLower(d.spec.title)+" #"+strconv.FormatInt(d.id, 10))
	} else {
		parts = append(parts, l.position())
	}
	if s := l.query.page.Search; s != "" {
		parts = append(parts, "search: "+safeText(strconv.Quote(s)))
	}
	if f := l.filterLabel(); f != "" {
		parts = append(parts, "filter: "+safeText(f))
	}
	line := st.status.Render(strings.Join(parts, " │ "))
	if m.flash.text != "" {
		style := st.success
		mark := "✓ "
		if m.flash.isErr {
			style, mark = st.errorText, "✗ "
		}
		flash := style.Render(mark + safeText(m.flash.text))
		line += " │ " + flash
		if lipgloss.Width(line) > m.width {
			// The message matters most right after an action: it takes the
			// whole line until the next key.
			line = flash
		}
	}
	return truncate(line, m.width)
}
