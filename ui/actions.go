package ui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/epicevents/epic-tui/domain"
)

// act is a record action bound to a key.
type act int

const (
	actNew act = iota
	actEdit
	actDelete
	actPay
	actPassword
	actReset
)

var allActs = []act{actNew, actEdit, actDelete, actPay, actPassword, actReset}

func (m *mainModel) binding(a act) key.Binding {
	switch a {
	case actNew:
		return m.keys.New
	case actEdit:
		return m.keys.Edit
	case actDelete:
		return m.keys.Delete
	case actPay:
		return m.keys.Pay
	case actPassword:
		return m.keys.Password
	}
	return m.keys.Reset
}

// applies reports whether the action exists on this tab at all.
func applies(a act, spec *entitySpec) bool {
	switch a {
	case actPay:
		return spec == contractSpec
	case actReset:
		return spec == userSpec
	}
	return true // P, your own password, works from every tab
}

var errNoRow = domain.NewError(domain.ErrNotFound, "", "no row selected; move to one first")

// permit says whether the signed-in user may do a on item (nil: no row),
// and if not, why. The domain checks again on save; this only decides what
// to offer.
func (m *mainModel) permit(a act, spec *entitySpec, item any) error {
	sh := m.sh
	switch a {
	case actNew:
		if !sh.canAny(spec.entity, domain.ActionCreate) {
			return sh.permission(spec.entity, domain.ActionCreate, 0)
		}
		return nil
	case actPassword:
		return nil
	case actPay:
		if item == nil {
			return errNoRow
		}
		if err := sh.permission(domain.EntityContract, domain.ActionUpdate, 0); err != nil {
			return err
		}
		if k, ok := item.(domain.Contract); ok && k.AmountDue == 0 {
			return domain.NewError(domain.ErrInvalid, "", "this contract is fully paid")
		}
		return nil
	}
	action := domain.ActionUpdate
	if a == actDelete {
		action = domain.ActionDelete
	}
	if !sh.canAny(spec.entity, action) {
		return sh.permission(spec.entity, action, 0)
	}
	if item == nil {
		return errNoRow
	}
	if u, ok := item.(domain.User); ok {
		switch {
		case a == actDelete && u.ID == sh.user.ID:
			return domain.NewError(domain.ErrForbidden, "", "you cannot delete yourself")
		case a == actReset && u.ID == sh.user.ID:
			return domain.NewError(domain.ErrForbidden, "", "use P to change your own password")
		}
		return sh.app.Users.CanManage(sh.user, u, action)
	}
	return sh.permission(spec.entity, action, spec.owner(item))
}

// allowedActions are the action keys to show in the footer.
func (m *mainModel) allowedActions(spec *entitySpec, item any) []key.Binding {
	var out []key.Binding
	for _, a := range allActs {
		// P is offered where users are; elsewhere it works unannounced.
		shown := applies(a, spec) && (a != actPassword || spec == userSpec)
		if shown && m.permit(a, spec, item) == nil {
			out = append(out, m.binding(a))
		}
	}
	return out
}

// action runs the action bound to msg, or says in the status line why not.
func (m *mainModel) action(msg tea.KeyPressMsg, spec *entitySpec, item any) tea.Cmd {
	for _, a := range allActs {
		if !pressed(msg, m.binding(a)) || !applies(a, spec) {
			continue
		}
		if err := m.permit(a, spec, item); err != nil {
			m.refuse(err)
			return nil
		}
		return m.start(a, spec, item)
	}
	return nil
}

// start opens the form of an allowed action.
func (m *mainModel) start(a act, spec *entitySpec, item any) tea.Cmd {
	switch a {
	case actNew:
		return m.openEntityForm(spec, nil)
	case actEdit:
		return m.openEntityForm(spec, item)
	case actDelete:
		return m.openForm("Delete", newDeleteContent(spec, item), m.deleted(spec, item))
	case actPay:
		k := item.(domain.Contract)
		return m.openForm("Record a payment", &paymentContent{contract: k, key: requestKey()}, m.updated(spec, "payment recorded"))
	case actPassword:
		return m.openForm("Change my password", &passwordContent{sessions: m.sh.sessions, user: m.sh.user, key: requestKey()}, m.passwordChanged)
	case actReset:
		u := item.(domain.User)
		return m.openForm("Reset the password of "+u.Username, &resetContent{user: u, key: requestKey()}, func(any) tea.Cmd {
			m.setFlash("password of " + u.Username + " reset")
			return nil
		})
	}
	return nil
}

// openForm opens a form that needs nothing loaded first.
func (m *mainModel) openForm(title string, c formContent, onSaved func(any) tea.Cmd) tea.Cmd {
	msg := openFormMsg{title: title, content: c, onSaved: onSaved}
	return func() tea.Msg { return msg }
}

// openEntityForm opens the create (item nil) or edit form of a record,
// loading its pickers' choices first.
func (m *mainModel) openEntityForm(spec *entitySpec, item any) tea.Cmd {
	verb := "New "
	onSaved := m.created(spec)
	if item != nil {
		verb = "Edit "
		onSaved = m.updated(spec, "saved")
	}
	title := verb + strings.ToLower(strings.TrimSuffix(spec.title, "s"))
	if item != nil {
		title = verb + spec.label(item)
	}
	switch spec {
	case clientSpec:
		return m.loadForm(title, onSaved, clientForm(m.sh, item))
	case contractSpec:
		return m.loadForm(title, onSaved, contractForm(m.sh, item, m.lists[tabContracts].query.scopedID("client")))
	case eventSpec:
		return m.loadForm(title, onSaved, eventForm(m.sh, item, m.lists[tabEvents].query.scopedID("contract")))
	}
	return m.loadForm(title, onSaved, userForm(m.sh, item))
}

// created is what follows a create: reload the tab onto the new row.
func (m *mainModel) created(spec *entitySpec) func(any) tea.Cmd {
	return func(item any) tea.Cmd {
		r := spec.toRow(item, m.sh.loc)
		m.setFlash(spec.label(item) + " created")
		return m.reloadTab(spec.tab, r.id)
	}
}

// updated is what follows an edit: show the new state in place, or, when
// the tab is searched or filtered, ask again: the row may no longer belong.
func (m *mainModel) updated(spec *entitySpec, what string) func(any) tea.Cmd {
	return func(item any) tea.Cmd {
		l := m.lists[spec.tab]
		m.setFlash(spec.label(item) + ": " + what)
		if l.query.filtered() || l.query.page.Search != "" {
			return tea.Batch(l.reload(l.selectedID()), m.refreshDetails())
		}
		l.replace(item)
		return m.refreshDetails()
	}
}

// deleted is what follows a delete confirmation.
func (m *mainModel) deleted(spec *entitySpec, item any) func(any) tea.Cmd {
	return func(res any) tea.Cmd {
		if res == nil {
			m.setFlash("nothing deleted")
			return nil
		}
		r := spec.toRow(item, m.sh.loc)
		m.lists[spec.tab].remove(r.id)
		m.setFlash(spec.label(item) + " deleted")
		if d := m.detail(); d != nil && d.spec == spec && d.id == r.id {
			m.details = m.details[:len(m.details)-1]
			m.tab = d.prevTab
		}
		return m.refreshDetails()
	}
}

// passwordChanged: the domain revoked every token, this session's too, so
// a new one is issued.
func (m *mainModel) passwordChanged(item any) tea.Cmd {
	msg := item.(signedInMsg)
	m.sh.sess = msg.sess
	m.setFlash("password changed")
	return nil
}

// formLoader loads what a form offers (pickers' choices, the fresh record)
// and returns its content. It runs in a command.
type formLoader func(ctx context.Context, sess domain.Session) (formContent, error)

// loadForm runs load in a command and opens the form it returns.
func (m *mainModel) loadForm(title string, onSaved func(any) tea.Cmd, load formLoader) tea.Cmd {
	return m.sh.do(func(ctx context.Context, sess domain.Session) tea.Msg {
		c, err := load(ctx, sess)
		return openFormMsg{title: title, content: c, onSaved: onSaved, err: err}
	})
}
