package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/epicevents/epic-tui/domain"
)

// historyMsg answers the request for a page of a record's history.
type historyMsg struct {
	view *historyModel
	page domain.HistoryPage
	err  error
}

// historyModel shows the changes of one record, newest first, a page at a
// time; esc returns to the table or the details it was opened from.
type historyModel struct {
	sh    *shared
	spec  *entitySpec
	id    int64
	title string

	// starts holds where each page seen so far begins (its Before); the
	// last is the page shown, and pgup goes back along them.
	starts []int64
	page   domain.HistoryPage
	loaded bool
	err    error
	offset int // the first line shown

	width, height int
}

// newHistoryModel opens the history of record id of spec; item is that
// record as loaded, or nil.
func newHistoryModel(sh *shared, spec *entitySpec, id int64, item any) *historyModel {
	title := fmt.Sprintf("History of %s #%d", spec.entity, id)
	if item != nil {
		if label := spec.label(item); strings.Contains(label, "#") {
			title = "History of " + label
		} else {
			title = fmt.Sprintf("History of %s (#%d)", label, id)
		}
	}
	return &historyModel{sh: sh, spec: spec, id: id, title: title, starts: []int64{0}}
}

// load fetches the current page in a command.
func (v *historyModel) load() tea.Cmd {
	app, q := v.sh.app, domain.HistoryQuery{Entity: v.spec.entity, ID: v.id, Before: v.starts[len(v.starts)-1]}
	return v.sh.do(func(ctx context.Context, sess domain.Session) tea.Msg {
		page, err := app.History(ctx, sess, q)
		return historyMsg{view: v, page: page, err: err}
	})
}

func (v *historyModel) onLoaded(msg historyMsg) {
	v.page, v.err, v.loaded, v.offset = msg.page, msg.err, true, 0
}

// SetSize gives the view its area.
func (v *historyModel) SetSize(w, h int) { v.width, v.height = w, h }

// key handles a key press: scrolling within a page, paging, refreshing.
func (v *historyModel) key(msg tea.KeyPressMsg, k keyMap) tea.Cmd {
	last := max(len(v.lines())-v.height, 0)
	switch {
	case pressed(msg, k.Up):
		v.offset = max(v.offset-1, 0)
	case pressed(msg, k.Down):
		v.offset = min(v.offset+1, last)
	case pressed(msg, k.Top):
		v.offset = 0
	case pressed(msg, k.Bottom):
		v.offset = last
	case pressed(msg, k.PageDown):
		if v.page.Next != 0 {
			v.starts = append(v.starts, v.page.Next)
			return v.load()
		}
	case pressed(msg, k.PageUp):
		if len(v.starts) > 1 {
			v.starts = v.starts[:len(v.starts)-1]
			return v.load()
		}
	case pressed(msg, k.Refresh):
		return v.load()
	}
	return nil
}

// helpKeys are the keys of the history view.
func (v *historyModel) helpKeys(k keyMap) []key.Binding {
	keys := []key.Binding{k.Up, k.Down}
	if len(v.starts) > 1 {
		keys = append(keys, bind("pgup", "newer"))
	}
	if v.page.Next != 0 {
		keys = append(keys, bind("pgdown", "older"))
	}
	return append(keys, k.Refresh, k.Back, k.Help, k.Quit)
}

// lines are the page's entries as text: a line per change, its fields
// indented below it.
func (v *historyModel) lines() []string {
	st := v.sh.styles
	var out []string
	for _, e := range v.page.Entries {
		what := e.What
		if e.What == domain.HistoryPayment {
			what += " of " + domain.FormatAmount(e.Amount)
		}
		head := fmt.Sprintf("%s  %-16s %s", formatTime(e.At, v.sh.loc), truncate(safeText(e.Actor), 16), what)
		out = append(out, st.header.Render(head))
		for _, c := range e.Changes {
			var value string
			switch e.What {
			case domain.HistoryCreated:
				value = v.value(c, c.New)
			case domain.HistoryDeleted:
				value = v.value(c, c.Old)
			default:
				value = v.value(c, c.Old) + " → " + v.value(c, c.New)
			}
			out = append(out, "    "+st.label.Render(safeText(c.Field)+":")+" "+value)
		}
	}
	return out
}

// value shows one value of a change: "—" for none, a time in the
// reader's zone, anything stored made safe to draw.
func (v *historyModel) value(c domain.FieldChange, s string) string {
	if c.Time {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return formatTime(t, v.sh.loc)
		}
	}
	return orDash(safeText(s))
}

// View renders the title, the page's entries scrolled to offset, and
// where the page sits.
func (v *historyModel) View() string {
	st := v.sh.styles
	head := st.title.Render(truncate(safeText(v.title), v.width))
	if !v.loaded {
		return head + "\n" + st.dim.Render("loading…")
	}
	if v.err != nil {
		return head + "\n" + st.errorText.Render(errText(v.err)) + "\n" + st.dim.Render("esc to go back")
	}
	lines := v.lines()
	if len(lines) == 0 {
		lines = []string{st.dim.Render("no changes recorded")}
	}
	body := max(v.height-2, 1)
	end := min(v.offset+body, len(lines))
	shown := lines[min(v.offset, end):end]
	for i, l := range shown {
		shown[i] = truncate(l, v.width)
	}
	where := fmt.Sprintf("page %d", len(v.starts))
	if v.page.Next != 0 {
		where += " · pgdown for older changes"
	}
	return strings.Join(append(append([]string{head}, shown...), st.dim.Render(where)), "\n")
}

// openHistory shows the history of record id of spec; item is the record
// as loaded, or nil.
func (m *mainModel) openHistory(spec *entitySpec, id int64, item any) tea.Cmd {
	m.history = newHistoryModel(m.sh, spec, id, item)
	m.history.SetSize(m.width, m.areaHeight())
	return m.history.load()
}

// historyKey routes a key while the history is open: esc closes it.
func (m *mainModel) historyKey(msg tea.KeyPressMsg) tea.Cmd {
	if pressed(msg, m.keys.Back) {
		m.history = nil
		return nil
	}
	return m.history.key(msg, m.keys)
}

// onHistory takes a page of history to the view that asked for it.
func (m *mainModel) onHistory(msg historyMsg) tea.Cmd {
	if msg.view != m.history {
		// Closed, or another record's since.
		return nil
	}
	msg.view.onLoaded(msg)
	if errors.Is(msg.err, domain.ErrUnauthenticated) {
		return m.fail(msg.err)
	}
	if msg.err != nil {
		m.sh.failure(msg.err)
	}
	return nil
}
