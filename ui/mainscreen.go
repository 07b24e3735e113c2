package ui

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/epicevents/epic-tui/domain"
)

// flash is the one-line message of the status line.
type flash struct {
	text  string
	isErr bool
}

// openFormMsg opens a form whose choices have been loaded.
type openFormMsg struct {
	title   string
	content formContent
	onSaved func(any) tea.Cmd
	err     error
}

// mainModel is the main screen: tabs of tables, and over them, whichever of
// a detail view, a form or the filter menu is open.
type mainModel struct {
	sh    *shared
	keys  keyMap
	help  help.Model
	tab   tabID
	lists [tabCount]*listModel

	details []*detailModel // a stack: jumping to a related record pushes
	trail   []trailStep    // the way back from c and v, one step per esc
	history *historyModel  // over the table or the details it was opened from
	form    *formModel
	menu    *filterMenu
	cmdline *textinput.Model // the ":" command line, when open
	flash   flash

	exporting bool // an export (x) is running
	views     viewsFile
	saved     map[string]tabView // the views as last saved
	mark      int64              // the change mark last seen (see poll)
	marked    bool
	pollGen   int // the round of polling under way

	width, height int
}

func newMainModel(sh *shared) *mainModel {
	m := &mainModel{sh: sh, keys: newKeyMap(), help: help.New()}
	m.help.Styles = sh.styles.help
	m.help.ShortSeparator = " · "
	for i, spec := range specs {
		m.lists[i] = newListModel(sh, spec)
	}
	m.SetSize(sh.width, sh.height)
	m.views = newViewsFile(sh.viewsPath, sh.instance, sh.user.ID)
	m.saved = m.views.load()
	for _, l := range m.lists {
		if v, ok := m.saved[l.spec.title]; ok {
			l.restore(v)
		}
	}
	m.saved = m.tabViews()
	return m
}

// Init loads the first tab, and the others in the background.
func (m *mainModel) Init() tea.Cmd {
	cmds := make([]tea.Cmd, 0, tabCount)
	for _, l := range m.lists {
		cmds = append(cmds, l.reload(0))
	}
	return tea.Batch(append(cmds, m.startPolling())...)
}

// SetSize lays the screen out: tabs, the area, status, footer.
func (m *mainModel) SetSize(w, h int) {
	m.width, m.height = w, h
	m.help.SetWidth(w)
	area := m.areaHeight()
	for _, l := range m.lists {
		l.SetSize(w, area)
	}
	for _, d := range m.details {
		d.SetSize(w, area)
	}
	if m.form != nil {
		m.form.SetSize(w, area)
	}
	if m.history != nil {
		m.history.SetSize(w, area)
	}
}

func (m *mainModel) areaHeight() int {
	return max(m.height-2-lineCount(m.footer()), 3)
}

func (m *mainModel) list() *listModel { return m.lists[m.tab] }

func (m *mainModel) detail() *detailModel {
	if len(m.details) == 0 {
		return nil
	}
	return m.details[len(m.details)-1]
}

// Update routes a message, then remembers the tabs' views if they changed
// and counts the tab on screen if its count waited for it to be shown.
func (m *mainModel) Update(msg tea.Msg) tea.Cmd {
	cmd := m.update(msg)
	return tea.Batch(cmd, m.saveViews(), m.list().countIfDue())
}

// update routes a message: answers to their tab or view, keys to whatever
// has focus first (form, menu, search box), then global keys, then the tab.
func (m *mainModel) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m.key(msg)
	case pageMsg:
		cmd, err := m.lists[msg.tab].onPage(msg)
		return tea.Batch(cmd, m.fail(err))
	case exportMsg:
		return m.onExport(msg)
	case countMsg:
		cmd, err := m.lists[msg.tab].onCount(msg)
		return tea.Batch(cmd, m.fail(err))
	case jumpMsg:
		return m.onJump(msg)
	case pollTickMsg:
		if !m.ours(msg.owner, msg.gen) {
			return nil
		}
		return m.poll()
	case changeMsg:
		if !m.ours(msg.owner, msg.gen) {
			return nil
		}
		return m.onChange(msg)
	case searchTickMsg:
		l := m.lists[msg.tab]
		if msg.seq == l.search.seq {
			return l.setSearch(l.search.input.Value())
		}
		return nil
	case detailMsg:
		msg.view.onLoaded(msg)
		if errors.Is(msg.err, domain.ErrUnauthenticated) {
			return m.fail(msg.err)
		}
		if msg.err != nil {
			// The details show the sentence; the log keeps the fault.
			m.sh.failure(msg.err)
		}
		return nil
	case historyMsg:
		return m.onHistory(msg)
	case openFormMsg:
		if msg.err != nil {
			return m.fail(msg.err)
		}
		m.form = newFormModel(m.sh, msg.title, msg.content, msg.onSaved)
		m.form.SetSize(m.width, m.areaHeight())
		return m.form.build()
	case formSavedMsg, formReloadedMsg:
		if m.form == nil {
			return nil
		}
		if sm, ok := msg.(formSavedMsg); ok && errors.Is(sm.err, domain.ErrUnauthenticated) {
			// Nothing was saved; the form waits, as typed, for the same
			// person to sign in again.
			m.form.busy = false
			m.form.topErr = "not saved: the session had ended; check and save again"
			return m.fail(sm.err)
		}
		if sm, ok := msg.(formSavedMsg); ok && sm.err != nil && sm.id == m.form.id {
			if _, isDelete := m.form.content.(*deleteContent); isDelete {
				// A refused delete has nothing to correct: the prompt
				// closes and the status line says why.
				m.form = nil
				return m.fail(sm.err)
			}
		}
		cmd := m.form.Update(msg)
		m.closeFormIfDone()
		return cmd
	}
	if m.form != nil {
		return m.updateForm(msg)
	}
	if l := m.list(); l.search.focused {
		return l.search.update(msg)
	}
	return nil
}

// fail shows an error in the status line, or, when the session is no
// longer valid, goes back to the login screen with the reason.
func (m *mainModel) fail(err error) tea.Cmd {
	if err == nil {
		return nil
	}
	if errors.Is(err, domain.ErrUnauthenticated) {
		sessions := m.sh.sessions
		reason := errText(err)
		return func() tea.Msg {
			_ = sessions.Clear()
			return signedOutMsg{reason: reason}
		}
	}
	m.flash = flash{text: m.sh.failure(err), isErr: true}
	return nil
}

func (m *mainModel) setFlash(text string) { m.flash = flash{text: text} }

func (m *mainModel) refuse(err error) {
	m.flash = flash{text: errText(err), isErr: true}
}

func (m *mainModel) closeFormIfDone() {
	if m.form != nil && m.form.done {
		m.form = nil
	}
}

// updateForm hands msg to the open form and closes it when it was
// cancelled (a saved form is closed by its answer).
func (m *mainModel) updateForm(msg tea.Msg) tea.Cmd {
	cmd := m.form.Update(msg)
	if m.form.done && !m.form.busy {
		m.closeFormIfDone()
		m.setFlash("cancelled")
	}
	return cmd
}

// key routes a key press.
func (m *mainModel) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if m.form != nil {
		return m.updateForm(msg)
	}
	m.flash = flash{}
	if m.cmdline != nil {
		return m.commandKey(msg)
	}
	if menu := m.menu; menu != nil {
		menu.update(msg, k)
		if menu.closed {
			m.menu = nil
			if menu.applied {
				return m.list().setFilters(menu.on)
			}
		}
		return nil
	}
	l := m.list()
	if l.search.focused {
		switch msg.String() {
		case "enter":
			l.search.close()
			return l.setSearch(l.search.input.Value())
		case "esc":
			l.search.close()
			l.search.input.SetValue("")
			return l.setSearch("")
		}
		return l.search.update(msg)
	}

	switch {
	case pressed(msg, k.Quit):
		return tea.Quit
	case pressed(msg, k.Logout):
		return m.logout()
	case pressed(msg, k.Help), m.help.ShowAll && pressed(msg, k.Back):
		m.help.ShowAll = !m.help.ShowAll
		m.SetSize(m.width, m.height)
		return nil
	}
	if cmd, ok := m.navKey(msg); ok {
		return cmd
	}

	if m.history != nil {
		return m.historyKey(msg)
	}
	if d := m.detail(); d != nil {
		return m.detailKey(d, msg)
	}

	switch {
	case pressed(msg, k.Search):
		l.search.input.SetValue(l.query.page.Search)
		cmd := l.search.open()
		l.layout()
		return cmd
	case pressed(msg, k.Filter):
		m.menu = newFilterMenu(l.spec.filters(m.sh.user.Role), l.query.filters)
	case pressed(msg, k.Sort):
		return l.cycleSort()
	case pressed(msg, k.SortDir):
		return l.reverseSort()
	case pressed(msg, k.Refresh):
		return l.reload(l.selectedID())
	case pressed(msg, k.Back):
		if l.query.page.Search != "" {
			l.search.input.SetValue("")
			return l.setSearch("")
		}
		if len(m.trail) > 0 {
			return m.popTrail()
		}
	case pressed(msg, exportKey):
		return m.startExport()
	case pressed(msg, k.Open):
		r, ok := l.selected()
		if !ok {
			return nil
		}
		return m.openDetail(l.spec, r.id)
	case pressed(msg, k.History):
		if r, ok := l.selected(); ok {
			return m.openHistory(l.spec, r.id, r.item)
		}
	default:
		if cmd, ok := l.move(msg, k); ok {
			return cmd
		}
		var item any
		if r, ok := l.selected(); ok {
			item = r.item
		}
		return m.action(msg, l.spec, item)
	}
	return nil
}

// detailKey handles keys while a detail view is open.
func (m *mainModel) detailKey(d *detailModel, msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case pressed(msg, k.Back):
		m.details = m.details[:len(m.details)-1]
		m.tab = d.prevTab
		return nil
	case pressed(msg, k.Open):
		r, ok := d.selectedRelated()
		if !ok {
			return nil
		}
		prev := m.tab
		m.tab = r.tab
		return m.pushDetail(specs[r.tab], r.id, prev)
	case pressed(msg, k.Refresh):
		return d.load()
	case pressed(msg, k.History):
		item, _ := d.item()
		return m.openHistory(d.spec, d.id, item)
	case d.move(msg, k):
		return nil
	}
	if tab, filter, ok := m.scopeFor(d, msg); ok {
		m.pushTrail(tab)
		m.tab = tab
		return m.lists[tab].setScope(filter, d.d.title)
	}
	item, _ := d.item()
	return m.action(msg, d.spec, item)
}

// scopeFor answers c (a client's contracts) and v (a client's or a
// contract's events) in a detail view: the tab to show and its filter.
func (m *mainModel) scopeFor(d *detailModel, msg tea.KeyPressMsg) (tabID, string, bool) {
	if _, ok := d.item(); !ok {
		return 0, "", false
	}
	id := strconv.FormatInt(d.id, 10)
	switch {
	case pressed(msg, m.keys.Contracts) && d.spec.entity == domain.EntityClient:
		return tabContracts, "client:" + id, true
	case pressed(msg, m.keys.Events) && d.spec.entity == domain.EntityClient:
		return tabEvents, "client:" + id, true
	case pressed(msg, m.keys.Events) && d.spec.entity == domain.EntityContract:
		return tabEvents, "contract:" + id, true
	}
	return 0, "", false
}

// scopeKeys are the c and v keys a detail view offers.
func (m *mainModel) scopeKeys(d *detailModel) []key.Binding {
	switch d.spec.entity {
	case domain.EntityClient:
		return []key.Binding{m.keys.Contracts, m.keys.Events}
	case domain.EntityContract:
		return []key.Binding{m.keys.Events}
	}
	return nil
}

// openDetail opens the detail view of a row of the current tab.
func (m *mainModel) openDetail(spec *entitySpec, id int64) tea.Cmd {
	return m.pushDetail(spec, id, m.tab)
}

func (m *mainModel) pushDetail(spec *entitySpec, id int64, prev tabID) tea.Cmd {
	d := newDetailModel(m.sh, spec, id, prev)
	d.SetSize(m.width, m.areaHeight())
	m.details = append(m.details, d)
	return d.load()
}

// logout revokes the session and goes back to the login screen.
func (m *mainModel) logout() tea.Cmd {
	sessions := m.sh.sessions
	app := m.sh.app
	return m.sh.do(func(ctx context.Context, sess domain.Session) tea.Msg {
		err := app.Auth.Logout(ctx, sess)
		if cerr := sessions.Clear(); err == nil {
			err = cerr
		}
		if err != nil {
			return signedOutMsg{reason: "signed out (" + errText(err) + ")"}
		}
		return signedOutMsg{reason: "signed out"}
	})
}

// reloadTab refreshes a tab after a record was created there.
func (m *mainModel) reloadTab(tab tabID, selectID int64) tea.Cmd {
	return m.lists[tab].reload(selectID)
}

// refreshDetails reloads the open detail views, after a change.
func (m *mainModel) refreshDetails() tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(m.details))
	for _, d := range m.details {
		cmds = append(cmds, d.load())
	}
	return tea.Batch(cmds...)
}

// View renders tabs, the area, the status line and the footer.
func (m *mainModel) View() string {
	area := m.areaHeight()
	var body string
	switch {
	case m.form != nil:
		body = m.form.View()
	case m.menu != nil:
		body = m.menu.View(m.sh.styles, m.list().spec.title)
	case m.history != nil:
		body = m.history.View()
	case m.detail() != nil:
		body = m.detail().View()
	default:
		body = m.list().View()
	}
	return strings.Join([]string{
		m.tabsView(),
		fit(body, m.width, area),
		m.statusLine(),
		m.footer(),
	}, "\n")
}

func (m *mainModel) tabsView() string {
	st := m.sh.styles
	parts := make([]string, 0, tabCount)
	for i, spec := range specs {
		label := string(rune('1'+i)) + " " + spec.title
		if tabID(i) == m.tab {
			parts = append(parts, st.activeTab.Render(label))
		} else {
			parts = append(parts, st.tab.Render(label))
		}
	}
	return truncate(strings.Join(parts, " "), m.width)
}

// footer is the help generated from the keys that apply now.
func (m *mainModel) footer() string {
	short, full := m.helpKeys()
	// When the keys do not fit, drop the ones before the last two (help
	// and quit, or their like) from the end, so those stay in sight.
	unbounded := m.help
	unbounded.SetWidth(0)
	v := unbounded.ShortHelpView(short)
	keep := 2
	if m.form == nil && m.menu == nil && m.detail() != nil {
		keep = 3 // esc back, too: the way out of the details
	}
	for len(short) > keep && lipgloss.Width(v) > m.width {
		short = append(short[:len(short)-keep-1:len(short)-keep-1], short[len(short)-keep:]...)
		v = unbounded.ShortHelpView(short)
	}
	if m.help.ShowAll {
		v = m.help.FullHelpView(full)
	}
	// help stops adding keys at its width only while an ellipsis still
	// fits; cut what it lets through.
	return fit(v, m.width, lineCount(v))
}

// fit makes s exactly h lines of at most w cells.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = truncate(l, w)
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

func lineCount(s string) int { return strings.Count(s, "\n") + 1 }

// helpKeys lists the keys that work now: short for the footer, grouped for
// the full help. Actions the role may not do are left out.
func (m *mainModel) helpKeys() (short []key.Binding, full [][]key.Binding) {
	k := m.keys
	if m.form != nil {
		keys := m.form.helpKeys()
		return keys, [][]key.Binding{keys}
	}
	if m.menu != nil {
		return m.menu.helpKeys(k)
	}
	l := m.list()
	if l.search.focused {
		keys := []key.Binding{bind("enter", "keep search"), bind("esc", "clear search"), bind("ctrl+c", "quit")}
		return keys, [][]key.Binding{keys}
	}
	if m.cmdline != nil {
		return commandHelp()
	}
	// P works from every tab; the full help says so once, beside the
	// actions or here.
	app := []key.Binding{k.Command, k.Copy, k.Help, bind(keysKey, "SSH keys"), k.Logout, k.Quit}
	if m.history != nil {
		keys := m.history.helpKeys(k)
		return keys, [][]key.Binding{keys, app}
	}
	if d := m.detail(); d != nil {
		item, _ := d.item()
		actions := slices.Concat(m.allowedActions(d.spec, item), m.scopeKeys(d))
		nav := []key.Binding{k.Up, k.Down, bind("enter", "open related"), k.History, k.Back, k.Refresh}
		short = slices.Concat(actions, []key.Binding{bind("enter", "open related"), k.Help, k.Back, k.History, k.Quit})
		tabs := []key.Binding{bind("1-4", "tab 1 to 4"), k.NextTab, k.PrevTab}
		return short, [][]key.Binding{nav, tabs, actions, m.withPassword(actions, app)}
	}
	var item any
	if r, ok := l.selected(); ok {
		item = r.item
	}
	actions := m.allowedActions(l.spec, item)
	nav := []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
	tabs := []key.Binding{bind("1-4", "tab 1 to 4"), k.NextTab, k.PrevTab, k.Open, k.History, k.Refresh}
	listKeys := []key.Binding{k.Search, k.Filter, k.Sort, k.SortDir, k.ColLeft, k.ColRight, exportKey}
	// Actions first: when the line is too narrow, help and quit stay
	// reachable through "?" in the full help.
	short = slices.Concat(actions, []key.Binding{k.Open, k.Search, k.Filter, k.History, bind("s/S", "sort"), k.Help, k.Quit})
	return short, [][]key.Binding{nav, tabs, listKeys, slices.Concat(actions, m.withPassword(actions, app))}
}

func bind(k, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(k), key.WithHelp(k, desc))
}

// withPassword puts P in front of app unless actions has it already.
func (m *mainModel) withPassword(actions, app []key.Binding) []key.Binding {
	for _, b := range actions {
		if slices.Equal(b.Keys(), m.keys.Password.Keys()) {
			return app
		}
	}
	return append([]key.Binding{m.keys.Password}, app...)
}
