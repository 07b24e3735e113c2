package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/epicevents/epic-tui/domain"
)

// searchPicker is a select whose choices the database finds from what a find
// field says. The form loads them itself, in a command, rather than through
// huh's OptionsFunc: so it knows when the choices for what was typed are not
// there yet, and holds the keys typed meanwhile (formModel.waiting) instead
// of letting them choose from a stale list.
type searchPicker struct {
	key    string  // the select's field key
	find   *string // what the find field says
	value  *int64  // the choice
	search func(ctx context.Context, sess domain.Session, find string) []huh.Option[int64]

	sel          *huh.Select[int64]
	asked, shown *string // the find texts last searched and shown; nil before
	opts         []huh.Option[int64]
}

// pickerContent is a form with a search picker.
type pickerContent interface {
	picker() *searchPicker
}

// pickerMsg carries the choices found for a find text.
type pickerMsg struct {
	id   int
	find string
	opts []huh.Option[int64]
}

// field builds the select, with the choices found last.
func (p *searchPicker) field(title, description string) *huh.Select[int64] {
	p.sel = huh.NewSelect[int64]().Key(p.key).Title(title).Description(description).Height(6).Value(p.value)
	if p.opts != nil {
		p.offer()
	}
	return p.sel
}

// pending reports whether the choices shown are not those for the find
// text.
func (p *searchPicker) pending() bool { return p.shown == nil || *p.shown != *p.find }

// ask searches for the find text unless that search is already asked.
func (p *searchPicker) ask(f *formModel) tea.Cmd {
	if p.asked != nil && *p.asked == *p.find {
		return nil
	}
	find, id, search := *p.find, f.id, p.search
	p.asked = &find
	return f.sh.do(func(ctx context.Context, sess domain.Session) tea.Msg {
		return pickerMsg{id: id, find: find, opts: search(ctx, sess, find)}
	})
}

// take shows the choices of the latest search; older answers are dropped.
func (p *searchPicker) take(msg pickerMsg) {
	if p.asked == nil || *p.asked != msg.find {
		return
	}
	p.shown, p.opts = &msg.find, msg.opts
	p.offer()
}

// offer gives the select the choices, keeping the choice when it is among
// them, else taking the first.
func (p *searchPicker) offer() {
	opts := append([]huh.Option[int64](nil), p.opts...)
	kept := false
	for _, o := range opts {
		kept = kept || o.Value == *p.value
	}
	if !kept && len(opts) > 0 {
		opts[0] = opts[0].Selected(true)
	}
	p.sel.Options(opts...)
}
