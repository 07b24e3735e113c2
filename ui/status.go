package ui

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
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

// statusLine is the status line, or the command line while it is open.
func (m *mainModel) statusLine() string {
	if m.cmdline != nil {
		m.cmdline.SetWidth(max(m.width-2, 1))
		return truncate(m.cmdline.View(), m.width)
	}
	return m.statusView()
}

// tabViews is what every tab would remember now, by tab title.
func (m *mainModel) tabViews() map[string]tabView {
	out := make(map[string]tabView, len(m.lists))
	for _, l := range m.lists {
		out[l.spec.title] = l.view()
	}
	return out
}

// saveViews writes the tabs' views when they changed since last saved, in
// a command. Failing to remember is not worth interrupting anyone: the log
// hears of it.
func (m *mainModel) saveViews() tea.Cmd {
	now := m.tabViews()
	same := len(now) == len(m.saved)
	for k, v := range now {
		same = same && v.equal(m.saved[k])
	}
	if same {
		return nil
	}
	m.saved = now
	save, report := m.views.saver(now), m.sh.report
	user := m.sh.user
	return func() tea.Msg {
		if err := save(); err != nil && report != nil {
			report(err, user)
		}
		return nil
	}
}
