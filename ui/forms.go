package ui

import (
	"context"
	"crypto/rand"
	"errors"
	"reflect"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"github.com/epicevents/epic-tui/domain"
)

// requestKey is the key a form sends with every save, from the moment it
// opens until it closes; each opening has its own. When a save committed but
// its answer was lost (the connection dropped on the way back), saving again
// returns what the first save made (the record created or changed, the
// payment recorded, the delete done) instead of doing it twice.
func requestKey() string { return rand.Text() }

// formContent is what one form asks and saves. Its fields bind to values the
// content owns (huh's Value(&v)), so when a failed submit rebuilds the form,
// everything typed is still there.
type formContent interface {
	// fields builds the form's fields; f.fieldNote(key) gives the error the
	// database last reported for a field.
	fields(f *formModel) []huh.Field
	// submit saves the values. It runs in a command.
	submit(ctx context.Context, app *domain.App, sess domain.Session, loc *time.Location) (any, error)
}

// conflictMerger is a form that edits a record: after a conflict it reloads
// the record and merges it under the user's edits.
type conflictMerger interface {
	refetch(ctx context.Context, app *domain.App, sess domain.Session) (any, error)
	// merge takes the fresh record: its version, and its values for every
	// field the user has not changed.
	merge(fresh any)
}

// failReset is a form that forgets some values after a failed submit, as a
// login forgets the password.
type failReset interface {
	failed()
}

// formSavedMsg answers a submit.
type formSavedMsg struct {
	id   int
	item any
	err  error
}

// formReloadedMsg answers the reload after a conflict.
type formReloadedMsg struct {
	id    int
	fresh any
	err   error
}

// formModel runs one huh form inside the app: it submits in a command, and
// on failure rebuilds the form with the error beside its field (or on top).
type formModel struct {
	sh      *shared
	id      int
	title   string
	content formContent
	form    *huh.Form

	topErr    string
	refused   string // why the last paste was refused; cleared by the next key
	note      string
	fieldErrs map[string]string
	busy      bool
	done      bool // saved or cancelled: the owner closes it

	fields   []huh.Field    // those of the huh form now shown
	baseline map[string]any // each field's value as opened, or as a load set it
	asking   bool           // "Discard changes?" is shown
	queue    []tea.Msg      // keys typed while a picker's choices load

	cancelSave context.CancelFunc // ends the save or reload in flight
	cancelling bool               // esc asked to cancel it

	width, height int

	// onSaved runs after a successful save, in Update.
	onSaved func(item any) tea.Cmd
}

// formIDs numbers forms, so that an answer meant for a closed form is
// recognised and dropped.
var formIDs atomic.Int64

func newFormModel(sh *shared, title string, content formContent, onSaved func(any) tea.Cmd) *formModel {
	return &formModel{sh: sh, id: int(formIDs.Add(1)), title: title, content: content, onSaved: onSaved, width: sh.width, height: sh.height}
}

// formKeys are huh's keys without its quit: the form handles esc and
// ctrl+c itself, to ask before losing what was typed.
func formKeys() *huh.KeyMap {
	km := huh.NewDefaultKeyMap()
	km.Quit = key.NewBinding(key.WithDisabled())
	return km
}

// build makes a new huh form from the content's values, its focus on the
// field the last error named, if any.
func (f *formModel) build() tea.Cmd {
	fields := f.content.fields(f)
	f.fields = fields
	f.form = huh.NewForm(huh.NewGroup(fields...)).
		WithKeyMap(formKeys()).
		WithShowHelp(false).
		WithShowErrors(false).
		WithTheme(f.sh.styles.formTheme)
	f.resize()
	cmd := f.form.Init()
	for target := range f.fieldErrs {
		f.focus(fields, target)
	}
	if f.baseline == nil {
		f.baseline = f.values()
	}
	return tea.Batch(cmd, f.askChoices())
}

// values are the fields' values by key.
func (f *formModel) values() map[string]any {
	vs := make(map[string]any, len(f.fields))
	for _, fl := range f.fields {
		if k := fl.GetKey(); k != "" {
			vs[k] = fl.GetValue()
		}
	}
	return vs
}

// changed reports whether the user changed a value since the form opened.
func (f *formModel) changed() bool {
	for k, v := range f.values() {
		if !reflect.DeepEqual(v, f.baseline[k]) {
			return true
		}
	}
	return false
}

// holdsWork reports whether closing the form now could lose something: a
// change, a question, a save.
func (f *formModel) holdsWork() bool { return f.busy || f.asking || f.changed() }

// hasField reports whether the form shows a field with key.
func (f *formModel) hasField(key string) bool {
	for _, fl := range f.content.fields(f) {
		if fl.GetKey() == key {
			return true
		}
	}
	return false
}

// focus moves the focus forward to the field with key target, when the form
// has one.
func (f *formModel) focus(fields []huh.Field, target string) {
	found := false
	for _, fl := range fields {
		found = found || fl.GetKey() == target
	}
	for i := 0; found && i < len(fields) && f.form.GetFocusedField().GetKey() != target; i++ {
		// Its commands only blink the cursor; moving stays synchronous.
		f.form.NextField()
	}
}

// SetSize gives the form its area.
func (f *formModel) SetSize(w, h int) {
	f.width, f.height = w, h
	f.resize()
}

func (f *formModel) resize() {
	if f.form != nil {
		f.form.WithWidth(max(f.width-2, 20)).WithHeight(max(f.height-2-messageLines, 5))
	}
}

// fieldNote is the message the last submit gave for field key, for the
// field's description.
func (f *formModel) fieldNote(key string) string {
	if msg := f.fieldErrs[key]; msg != "" {
		return "✗ " + msg
	}
	return ""
}

// Update handles a message while the form has focus.
func (f *formModel) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case formSavedMsg:
		if msg.id != f.id {
			return nil
		}
		return f.saved(msg)
	case formReloadedMsg:
		if msg.id != f.id {
			return nil
		}
		f.busy, f.cancelSave = false, nil
		switch {
		case f.cancelling:
			f.cancelling = false
			f.topErr = "reload cancelled: check and save again"
		case msg.err != nil:
			f.topErr = f.sh.failure(msg.err)
		default:
			f.content.(conflictMerger).merge(msg.fresh)
			f.note = "changed by someone else — reloaded; check and save again"
		}
		return f.build()
	case pickerMsg:
		if msg.id != f.id {
			return nil
		}
		// What a search changes is not the user's change.
		before := f.values()
		f.pickerOf().take(msg)
		cmd := f.step(msg)
		for k, v := range f.values() {
			if !reflect.DeepEqual(v, before[k]) {
				f.baseline[k] = v
			}
		}
		return tea.Batch(cmd, f.replay())
	case tea.KeyPressMsg:
		if s := msg.String(); s == "esc" || s == "ctrl+c" {
			f.queue = nil
			return f.leave()
		}
	}
	if f.busy {
		return nil
	}
	if f.asking {
		f.answer(msg)
		return nil
	}
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg:
		if len(f.queue) > 0 || f.waiting() {
			f.queue = append(f.queue, msg)
			return nil
		}
	}
	return f.step(msg)
}

// step hands msg to huh, applies at once the field moves it asks for, and
// submits when the form is complete.
func (f *formModel) step(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		// The text input would drop these characters without a word, and
		// save what is left as if it were what was pasted.
		if why := refusedPaste(msg.Content); why != "" {
			f.refused = "nothing was pasted: " + fieldLabel(f.form.GetFocusedField().GetKey()) +
				" cannot take " + why + "; remove it and paste again"
			return nil
		}
		f.refused = ""
	case tea.KeyPressMsg:
		f.refused = ""
	}
	m, cmd := f.form.Update(msg)
	if hf, ok := m.(*huh.Form); ok {
		f.form = hf
	}
	cmd = f.applyMoves(cmd)
	if f.form.State == huh.StateCompleted {
		return f.submit()
	}
	return tea.Batch(cmd, f.askChoices())
}

// pickerOf is the form's search picker, or nil.
func (f *formModel) pickerOf() *searchPicker {
	if pc, ok := f.content.(pickerContent); ok {
		return pc.picker()
	}
	return nil
}

// askChoices searches the picker's choices for what its find field says
// now, unless that search is already asked.
func (f *formModel) askChoices() tea.Cmd {
	if p := f.pickerOf(); p != nil {
		return p.ask(f)
	}
	return nil
}

// waiting reports whether keys must wait: the focus is on a picker whose
// choices for what was typed have not arrived.
func (f *formModel) waiting() bool {
	p := f.pickerOf()
	return p != nil && p.pending() && f.form.GetFocusedField().GetKey() == p.key
}

// replay hands on the keys held while a picker loaded, until one makes the
// form wait again.
func (f *formModel) replay() tea.Cmd {
	var cmds []tea.Cmd
	for len(f.queue) > 0 && !f.waiting() && !f.busy && !f.done && !f.asking {
		msg := f.queue[0]
		f.queue = f.queue[1:]
		cmds = append(cmds, f.step(msg))
	}
	if f.busy || f.done {
		f.queue = nil // typed after the form was sent
	}
	return tea.Batch(cmds...)
}

// leave answers esc and ctrl+c: cancel a save in flight, take back the
// question, ask before discarding changes, or close.
func (f *formModel) leave() tea.Cmd {
	switch {
	case f.busy:
		if f.cancelSave != nil && !f.cancelling {
			f.cancelling = true
			f.cancelSave()
		}
	case f.asking:
		f.asking = false
	case f.changed():
		f.asking = true
	default:
		f.done = true
	}
	return nil
}

// answer takes the reply to "Discard changes?"; No is the default.
func (f *formModel) answer(msg tea.Msg) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return
	}
	switch k.String() {
	case "y", "Y":
		f.asking, f.done = false, true
	case "n", "N", "enter":
		f.asking = false
	}
}

// submit saves in a command.
func (f *formModel) submit() tea.Cmd {
	f.busy, f.queue = true, nil
	f.topErr, f.note, f.fieldErrs = "", "", nil
	id, content, app, loc := f.id, f.content, f.sh.app, f.sh.loc
	ctx, cancel := context.WithCancel(f.sh.ctx)
	f.cancelSave = cancel
	return f.sh.doIn(ctx, func(ctx context.Context, sess domain.Session) tea.Msg {
		defer cancel()
		item, err := content.submit(ctx, app, sess, loc)
		return formSavedMsg{id: id, item: item, err: err}
	})
}

// saved takes the answer to a submit.
func (f *formModel) saved(msg formSavedMsg) tea.Cmd {
	if msg.err == nil {
		f.done = true
		if f.onSaved != nil {
			return f.onSaved(msg.item)
		}
		return nil
	}
	f.busy, f.cancelSave = false, nil
	if f.cancelling {
		// Whatever the save ended with, esc came first: nothing was saved.
		f.cancelling = false
		f.topErr = "save cancelled: nothing was saved; the form is as you left it"
		return f.build()
	}
	if cm, ok := f.content.(conflictMerger); ok && errors.Is(msg.err, domain.ErrConflict) {
		f.busy = true
		id, app := f.id, f.sh.app
		ctx, cancel := context.WithCancel(f.sh.ctx)
		f.cancelSave = cancel
		return f.sh.doIn(ctx, func(ctx context.Context, sess domain.Session) tea.Msg {
			defer cancel()
			fresh, err := cm.refetch(ctx, app, sess)
			return formReloadedMsg{id: id, fresh: fresh, err: err}
		})
	}
	if fr, ok := f.content.(failReset); ok {
		fr.failed()
	}
	if fld := domain.FieldOf(msg.err); fld != "" && f.hasField(fld) {
		f.fieldErrs = map[string]string{fld: errText(msg.err)}
		f.topErr = "please correct the field marked ✗"
	} else {
		f.topErr = f.sh.failure(msg.err)
	}
	return f.build()
}

// View renders the title, the message line and the form. The message line
// shows the focused field's validation error (huh's own error footer would
// grow the form past its height), else the last submit's error.
func (f *formModel) View() string {
	st := f.sh.styles
	var b strings.Builder
	b.WriteString(st.title.Render(safeText(f.title)))
	b.WriteByte('\n')
	switch {
	case f.busy && f.cancelling:
		b.WriteString(st.dim.Render("cancelling…"))
	case f.busy:
		b.WriteString(st.dim.Render("saving… esc cancels"))
	case f.asking:
		b.WriteString(st.errorText.Render("Discard changes?") + " y discard · n keep editing (default)")
	case f.refused != "":
		b.WriteString(st.errorText.Render(wrapLines("✗ "+f.refused, f.width, messageLines)))
	case len(f.form.Errors()) > 0:
		b.WriteString(st.errorText.Render(wrapLines("✗ "+f.form.Errors()[0].Error(), f.width, messageLines)))
	case f.topErr != "":
		b.WriteString(st.errorText.Render(wrapLines(f.topErr, f.width, messageLines)))
	case f.note != "":
		b.WriteString(st.success.Render(wrapLines(f.note, f.width, messageLines)))
	}
	b.WriteByte('\n')
	b.WriteString(f.form.View())
	return b.String()
}

// refusedPaste says what pasted text holds that no field takes: control
// characters other than tab and line breaks (which an input turns into
// spaces and the notes keep), or bidi controls; "" when nothing.
func refusedPaste(s string) string {
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case domain.IsBidiControl(r):
			return "a character that reverses the text direction"
		case unicode.IsControl(r):
			return "a control character (such as an escape)"
		}
	}
	return ""
}

// fieldLabels name the fields whose key does not read well.
var fieldLabels = map[string]string{
	"contract_find": "find a contract", "client_find": "find a client",
	"start_at": "start", "end_at": "end", "sales_contact_id": "sales contact",
	"support_contact_id": "support contact", "contract_id": "contract", "client_id": "client",
}

// fieldLabel is the name of the field with key, as people read it.
func fieldLabel(key string) string {
	if l, ok := fieldLabels[key]; ok {
		return l
	}
	if key == "" {
		return "this field"
	}
	return strings.ReplaceAll(key, "_", " ")
}

// messageLines is how many lines a form's message may take above it.
const messageLines = 2

// wrapLines wraps s at spaces into at most n lines of w cells, the last one
// cut with an ellipsis when the text goes on.
func wrapLines(s string, w, n int) string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case lipgloss.Width(line+" "+word) <= w:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	lines = append(lines, line)
	if len(lines) > n {
		lines[n-1] = truncate(strings.Join(lines[n-1:], " "), w)
		lines = lines[:n]
	}
	for i := range lines {
		lines[i] = truncate(lines[i], w)
	}
	return strings.Join(lines, "\n")
}

// helpKeys are the keys a form answers to, for the footer.
func (f *formModel) helpKeys() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab/enter", "next")),
		key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "back")),
		key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc/ctrl+c", "cancel")),
	}
}

// validator adapts a domain check to a huh validation function.
func validator(check func(string) error) func(string) error {
	return func(s string) error {
		if err := check(s); err != nil {
			return errors.New(errText(err))
		}
		return nil
	}
}

// mergeField takes fresh into *cur unless the user changed *cur from *orig,
// and remembers fresh as the new original.
func mergeField[T comparable](cur, orig *T, fresh T) {
	if *cur == *orig {
		*cur = fresh
	}
	*orig = fresh
}
