package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/epicevents/epic-tui/domain"
)

// trailStep is one step of the way back from a record's contracts or events
// (c, v): the tab and the detail views left, and the query the shown tab
// had before.
type trailStep struct {
	tab     tabID
	details []*detailModel
	target  tabID
	query   listQuery
	// selected is the row the shown tab had under its cursor.
	selected int64
}

// pushTrail remembers where c or v leaves from, so esc comes back to it.
func (m *mainModel) pushTrail(target tabID) {
	l := m.lists[target]
	m.trail = append(m.trail, trailStep{tab: m.tab, details: m.details, target: target, query: l.query, selected: l.selectedID()})
	m.details = nil
}

// popTrail goes back one step: the shown tab gets its query back, and the
// detail views left by c or v come back as they were.
func (m *mainModel) popTrail() tea.Cmd {
	step := m.trail[len(m.trail)-1]
	m.trail = m.trail[:len(m.trail)-1]
	l := m.lists[step.target]
	l.query = step.query
	l.layout()
	m.tab, m.details = step.tab, step.details
	for _, d := range m.details {
		d.SetSize(m.width, m.areaHeight())
	}
	return l.reload(step.selected)
}

// switchTab shows tab, leaving any detail view open: the tab keys work
// from everywhere. A tab changed by others since it was last shown is
// refreshed.
func (m *mainModel) switchTab(tab tabID) tea.Cmd {
	m.tab, m.details, m.trail = tab, nil, nil
	if l := m.lists[tab]; l.stale {
		return l.refresh()
	}
	return nil
}

// navKey handles the keys that work in lists and details alike: the tabs,
// the command line and copying. ok is false for other keys.
func (m *mainModel) navKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := m.keys
	switch {
	case pressed(msg, k.Tab1):
		return m.switchTab(tabClients), true
	case pressed(msg, k.Tab2):
		return m.switchTab(tabContracts), true
	case pressed(msg, k.Tab3):
		return m.switchTab(tabEvents), true
	case pressed(msg, k.Tab4):
		return m.switchTab(tabUsers), true
	case pressed(msg, k.NextTab):
		return m.switchTab((m.tab + 1) % tabCount), true
	case pressed(msg, k.PrevTab):
		return m.switchTab((m.tab + tabCount - 1) % tabCount), true
	case pressed(msg, k.Command):
		in := textinput.New()
		in.Prompt = ":"
		in.CharLimit = 40
		st := in.Styles()
		st.Cursor.Blink = false
		in.SetStyles(st)
		m.cmdline = &in
		return m.cmdline.Focus(), true
	case pressed(msg, k.Copy):
		return m.copySelected(), true
	case m.detail() == nil && pressed(msg, k.ColLeft):
		m.list().t.scrollColumns(-1)
		return nil, true
	case m.detail() == nil && pressed(msg, k.ColRight):
		m.list().t.scrollColumns(1)
		return nil, true
	}
	return nil, false
}

// commandKey handles a key while the command line is open.
func (m *mainModel) commandKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		m.cmdline = nil
		return nil
	case "enter":
		text := strings.TrimSpace(m.cmdline.Value())
		m.cmdline = nil
		return m.runCommand(text)
	}
	var cmd tea.Cmd
	*m.cmdline, cmd = m.cmdline.Update(msg)
	return cmd
}

// commandHelp is the command line's keys and commands, for the footer and
// the full help.
func commandHelp() (short []key.Binding, full [][]key.Binding) {
	keys := []key.Binding{bind("enter", "run"), bind("esc", "close")}
	return keys, [][]key.Binding{keys, {bind(":ID", "go to record ID"), bind(":clients", "tab, or :contracts, :events, :users"), bind(":q", "quit")}}
}

// commandTabs are the tabs the command line names.
var commandTabs = map[string]tabID{"clients": tabClients, "contracts": tabContracts, "events": tabEvents, "users": tabUsers}

// runCommand runs what was typed after ":".
func (m *mainModel) runCommand(text string) tea.Cmd {
	text = strings.ToLower(strings.TrimPrefix(text, ":"))
	if text == "" {
		return nil
	}
	if text == "q" || text == "quit" {
		return tea.Quit
	}
	if tab, ok := commandTabs[text]; ok {
		return m.switchTab(tab)
	}
	if id, err := strconv.ParseInt(strings.TrimPrefix(text, "#"), 10, 64); err == nil && id > 0 {
		return m.jump(id)
	}
	m.flash = flash{text: "no command :" + text + "; type :ID to go to a record, :clients, :contracts, :events, :users or :q", isErr: true}
	return nil
}

// jumpMsg answers the look-up of a record the command line asked for that
// was not among the rows loaded.
type jumpMsg struct {
	tab tabID
	id  int64
	err error
}

// jump puts the cursor on record id of the tab. A record not loaded is
// looked up, and shown in its detail view when it exists: the list may be
// filtered, searched or long.
func (m *mainModel) jump(id int64) tea.Cmd {
	m.details, m.trail = nil, nil
	l := m.list()
	if i, ok := l.t.indexOf(id); ok {
		l.t.moveTo(i)
		return l.maybePrefetch()
	}
	spec, app, loc, tab := l.spec, m.sh.app, m.sh.loc, m.tab
	return m.sh.do(func(ctx context.Context, sess domain.Session) tea.Msg {
		_, err := spec.get(ctx, app, sess, id, loc)
		return jumpMsg{tab: tab, id: id, err: err}
	})
}

// onJump takes the look-up's answer.
func (m *mainModel) onJump(msg jumpMsg) tea.Cmd {
	spec := specs[msg.tab]
	name := strings.TrimSuffix(strings.ToLower(spec.title), "s") + " #" + strconv.FormatInt(msg.id, 10)
	switch {
	case errors.Is(msg.err, domain.ErrNotFound):
		m.flash = flash{text: "there is no " + name, isErr: true}
		return nil
	case msg.err != nil:
		return m.fail(msg.err)
	}
	m.tab = msg.tab
	m.setFlash(name + " is not in the rows listed; here are its details")
	return m.openDetail(spec, msg.id)
}

// copySelected puts the selected record on the clipboard through the
// terminal (OSC 52), which works over SSH too: in a list, the row's cells
// separated by tabs (a spreadsheet row); in a detail view, the related
// record under the cursor, or else every field on its own line.
func (m *mainModel) copySelected() tea.Cmd {
	var text, what string
	if d := m.detail(); d != nil {
		if !d.loaded || d.err != nil {
			return nil
		}
		if r, ok := d.selectedRelated(); ok {
			text, what = r.label, strings.ToLower(r.group)+" line"
		} else {
			lines := make([]string, len(d.d.fields))
			for i, f := range d.d.fields {
				lines[i] = f.label + ": " + f.value
			}
			text, what = strings.Join(lines, "\n"), d.d.title
		}
	} else {
		r, ok := m.list().selected()
		if !ok {
			m.refuse(errNoRow)
			return nil
		}
		text, what = strings.Join(r.cells, "\t"), "row #"+strconv.FormatInt(r.id, 10)
	}
	m.setFlash("copied " + what + " to the clipboard")
	return tea.SetClipboard(text)
}

// pollEvery is how often the shown tab asks whether anything changed.
const pollEvery = 3 * time.Second

// pollTickMsg asks for the change mark; changeMsg answers. Both carry the
// screen and the polling they belong to: a screen signed out and back in
// starts polling anew, and the old round must not run beside it.
type pollTickMsg struct {
	owner *mainModel
	gen   int
}

type changeMsg struct {
	owner *mainModel
	gen   int
	mark  int64
	err   error
}

// ours reports whether a poll message belongs to this screen's polling.
func (m *mainModel) ours(owner *mainModel, gen int) bool {
	return owner == m && gen == m.pollGen
}

func (m *mainModel) pollTick() tea.Cmd {
	owner, gen := m, m.pollGen
	return tea.Tick(pollEvery, func(time.Time) tea.Msg { return pollTickMsg{owner: owner, gen: gen} })
}

// startPolling begins a new round of polling, ending any older one.
func (m *mainModel) startPolling() tea.Cmd {
	m.pollGen++
	return m.poll()
}

// poll reads the change mark for the shown tab.
func (m *mainModel) poll() tea.Cmd {
	app, entity, owner, gen := m.sh.app, m.list().spec.entity, m, m.pollGen
	return m.sh.do(func(ctx context.Context, sess domain.Session) tea.Msg {
		mark, err := app.LatestChange(ctx, sess, entity)
		return changeMsg{owner: owner, gen: gen, mark: mark, err: err}
	})
}

// onChange refreshes what shows when the mark moved: the shown tab's rows
// and the open detail views now, the other tabs when next shown.
func (m *mainModel) onChange(msg changeMsg) tea.Cmd {
	if msg.err != nil {
		if errors.Is(msg.err, domain.ErrUnauthenticated) {
			return m.fail(msg.err)
		}
		// A missed poll is retried by the next one.
		return m.pollTick()
	}
	if !m.marked || msg.mark == m.mark {
		m.mark, m.marked = msg.mark, true
		return m.pollTick()
	}
	l := m.list()
	if l.loading {
		// The page on its way is older than the change: ask again later.
		return m.pollTick()
	}
	m.mark = msg.mark
	for _, o := range m.lists {
		o.stale = o != l
	}
	return tea.Batch(l.refresh(), m.refreshDetails(), m.pollTick())
}
