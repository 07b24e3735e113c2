package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/epicevents/epic-tui/domain"
)

// keysKey opens the SSH keys screen from the main screen.
const keysKey = "K"

// keysScreen lists the signed-in user's SSH keys and deletes them.
type keysScreen struct {
	sh      *shared
	keys    []domain.SSHKey
	sel     int
	loaded  bool
	confirm bool   // asking whether to delete the selected key
	note    string // the result of the last action
	err     string
}

// keysLoadedMsg answers a load of the keys.
type keysLoadedMsg struct {
	keys []domain.SSHKey
	err  error
}

// keyDeletedMsg answers a delete.
type keyDeletedMsg struct {
	fingerprint string
	err         error
}

func newKeysScreen(sh *shared) *keysScreen { return &keysScreen{sh: sh} }

func (k *keysScreen) load() tea.Cmd {
	userID := k.sh.user.ID
	return k.sh.do(func(ctx context.Context, sess domain.Session) tea.Msg {
		keys, err := k.sh.app.SSHKeys.List(ctx, sess, userID)
		return keysLoadedMsg{keys: keys, err: err}
	})
}

// update handles a message; close says the screen is done; cmd may carry
// an error for the main screen to handle (a session that ended).
func (k *keysScreen) update(msg tea.Msg) (cmd tea.Cmd, close bool, failed error) {
	switch msg := msg.(type) {
	case keysLoadedMsg:
		if msg.err != nil {
			return nil, false, msg.err
		}
		k.keys, k.loaded = msg.keys, true
		k.sel = min(k.sel, max(len(k.keys)-1, 0))
		return nil, false, nil
	case keyDeletedMsg:
		if msg.err != nil {
			return nil, false, msg.err
		}
		k.note = "deleted " + msg.fingerprint
		return k.load(), false, nil
	case tea.KeyPressMsg:
		k.err = ""
		if k.confirm {
			k.confirm = false
			if msg.String() != "y" || len(k.keys) == 0 {
				k.note = "not deleted"
				return nil, false, nil
			}
			key := k.keys[k.sel]
			return k.sh.do(func(ctx context.Context, sess domain.Session) tea.Msg {
				return keyDeletedMsg{fingerprint: key.Fingerprint, err: k.sh.app.SSHKeys.Delete(ctx, sess, key.ID)}
			}), false, nil
		}
		switch msg.String() {
		case "esc", "q", keysKey:
			return nil, true, nil
		case "up", "k":
			k.sel = max(k.sel-1, 0)
		case "down", "j":
			k.sel = min(k.sel+1, max(len(k.keys)-1, 0))
		case "d", "delete":
			if len(k.keys) > 0 {
				k.confirm, k.note = true, ""
			}
		}
	}
	return nil, false, nil
}

func (k *keysScreen) view() string {
	st := k.sh.styles
	var b strings.Builder
	b.WriteString(st.title.Render("Your SSH keys") + "\n")
	b.WriteString(st.dim.Render("A registered key signs you in to the team server without a password.") + "\n\n")
	switch {
	case !k.loaded:
		b.WriteString(st.dim.Render("loading…"))
	case len(k.keys) == 0:
		b.WriteString("no SSH keys: sign in over SSH with a password, and the app offers to register the key you came with")
	}
	for i, key := range k.keys {
		used := "never used"
		if key.LastUsedAt != nil {
			used = "last used " + key.LastUsedAt.In(k.sh.loc).Format("2006-01-02 15:04")
		}
		line := fmt.Sprintf("%-20s %s  added %s, %s", truncate(safeText(key.Name), 20), key.Fingerprint,
			key.CreatedAt.In(k.sh.loc).Format("2006-01-02"), used)
		line = truncate(line, k.sh.width-2)
		if i == k.sel {
			line = st.selected.Render("> " + line)
		} else {
			line = "  " + line
		}
		b.WriteString(line + "\n")
	}
	b.WriteString("\n")
	switch {
	case k.confirm:
		b.WriteString(st.errorText.Render("Delete "+k.keys[k.sel].Fingerprint+"? It will no longer sign you in. y/n") + "\n")
	case k.note != "":
		b.WriteString(st.success.Render(k.note) + "\n")
	}
	b.WriteString(st.dim.Render("↑/↓ select · d delete · esc back"))
	return b.String()
}

// keyOffer asks, after a password sign-in over SSH, whether to register
// the key the connection came with.
type keyOffer struct {
	sh          *shared
	line        string // the authorized_keys line
	fingerprint string
	busy        bool
	err         string
}

// keyOfferedMsg answers the registration.
type keyOfferedMsg struct{ err error }

func newKeyOffer(sh *shared, line string) *keyOffer {
	_, fp, _, err := domain.ParseSSHKey(line)
	if err != nil {
		return nil
	}
	return &keyOffer{sh: sh, line: line, fingerprint: fp}
}

// update handles a message; done says the offer is over.
func (o *keyOffer) update(msg tea.Msg) (cmd tea.Cmd, done bool, failed error) {
	switch msg := msg.(type) {
	case keyOfferedMsg:
		o.busy = false
		switch {
		case msg.err == nil:
			return nil, true, nil
		case errors.Is(msg.err, domain.ErrUnauthenticated):
			return nil, true, msg.err
		}
		o.err = o.sh.failure(msg.err) + " (press any key)"
		return nil, false, nil
	case tea.KeyPressMsg:
		if o.busy {
			return nil, false, nil
		}
		if o.err != "" || msg.String() != "y" {
			return nil, true, nil
		}
		o.busy = true
		line := o.line
		return o.sh.do(func(ctx context.Context, sess domain.Session) tea.Msg {
			_, err := o.sh.app.SSHKeys.Add(ctx, sess, line, "")
			return keyOfferedMsg{err: err}
		}), false, nil
	}
	return nil, false, nil
}

func (o *keyOffer) view() string {
	st := o.sh.styles
	body := st.title.Render("Sign in with your SSH key next time?") + "\n\n" +
		"This connection came with the SSH key\n  " + o.fingerprint + "\n" +
		"Registered, it signs you in without a password. You can delete it later with " + keysKey + ".\n\n"
	switch {
	case o.busy:
		body += st.dim.Render("registering…")
	case o.err != "":
		body += st.errorText.Render(o.err)
	default:
		body += st.dim.Render("y register · any other key: not now")
	}
	return body
}

// keysOpen reports whether the main screen is where K opens the keys:
// no form, menu or search box is taking the typing.
func (m *model) keysOpen(msg tea.KeyPressMsg) bool {
	if m.screen != screenMain || m.main == nil || msg.String() != keysKey {
		return false
	}
	return m.main.form == nil && m.main.menu == nil && !m.main.list().search.focused
}

// overlay routes msg to the key offer or the keys screen when one is open,
// and reports whether it took it.
func (m *model) overlay(msg tea.Msg) (tea.Cmd, bool) {
	switch msg.(type) {
	case tea.KeyPressMsg, keysLoadedMsg, keyDeletedMsg, keyOfferedMsg:
	default:
		return nil, false
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && m.keysView == nil && m.offer == nil && m.keysOpen(k) {
		m.keysView = newKeysScreen(m.sh)
		return m.keysView.load(), true
	}
	var cmd tea.Cmd
	var done bool
	var err error
	switch {
	case m.offer != nil:
		cmd, done, err = m.offer.update(msg)
		if done {
			m.offer = nil
		}
	case m.keysView != nil:
		cmd, done, err = m.keysView.update(msg)
		if done {
			m.keysView = nil
		}
	default:
		return nil, false
	}
	if err != nil && m.main != nil {
		if errors.Is(err, domain.ErrUnauthenticated) {
			m.offer, m.keysView = nil, nil
		} else if m.keysView != nil {
			m.keysView.err = m.sh.failure(err)
			return cmd, true
		}
		return tea.Batch(cmd, m.main.fail(err)), true
	}
	return cmd, true
}

// overlayView is the key offer or the keys screen, or "" when none is open.
func (m *model) overlayView() string {
	switch {
	case m.offer != nil:
		return m.offer.view()
	case m.keysView != nil:
		v := m.keysView.view()
		if m.keysView.err != "" {
			v += "\n" + m.sh.styles.errorText.Render(m.keysView.err)
		}
		return v
	}
	return ""
}
