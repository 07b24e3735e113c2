package ui

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/epicevents/epic-tui/domain"
)

// detailMsg answers the request for one record's details.
type detailMsg struct {
	view *detailModel
	d    detail
	err  error
}

// detailModel shows one record with all its fields and its related records;
// the cursor moves among the related records, enter jumps to one.
type detailModel struct {
	sh      *shared
	spec    *entitySpec
	id      int64
	prevTab tabID // the tab to return to on esc

	d      detail
	loaded bool
	err    error
	cursor int // index in d.related

	width, height int
}

func newDetailModel(sh *shared, spec *entitySpec, id int64, prevTab tabID) *detailModel {
	return &detailModel{sh: sh, spec: spec, id: id, prevTab: prevTab}
}

// load fetches the record in a command.
func (v *detailModel) load() tea.Cmd {
	spec, app, loc, id := v.spec, v.sh.app, v.sh.loc, v.id
	return v.sh.do(func(ctx context.Context, sess domain.Session) tea.Msg {
		d, err := spec.get(ctx, app, sess, id, loc)
		return detailMsg{view: v, d: d, err: err}
	})
}

func (v *detailModel) onLoaded(msg detailMsg) {
	v.d, v.err, v.loaded = msg.d, msg.err, true
	v.cursor = min(v.cursor, max(len(v.d.related)-1, 0))
}

// item is the record shown, once loaded.
func (v *detailModel) item() (any, bool) {
	if !v.loaded || v.err != nil {
		return nil, false
	}
	return v.d.item, true
}

// move handles up and down among the related records.
func (v *detailModel) move(msg tea.KeyPressMsg, keys keyMap) bool {
	switch {
	case pressed(msg, keys.Up):
		v.cursor = max(v.cursor-1, 0)
	case pressed(msg, keys.Down):
		v.cursor = min(v.cursor+1, max(len(v.d.related)-1, 0))
	case pressed(msg, keys.Top):
		v.cursor = 0
	case pressed(msg, keys.Bottom):
		v.cursor = max(len(v.d.related)-1, 0)
	default:
		return false
	}
	return true
}

// selectedRelated is the related record under the cursor.
func (v *detailModel) selectedRelated() (related, bool) {
	if v.cursor < 0 || v.cursor >= len(v.d.related) {
		return related{}, false
	}
	return v.d.related[v.cursor], true
}

// SetSize gives the view its area.
func (v *detailModel) SetSize(w, h int) { v.width, v.height = w, h }

// multilineFields are the detail fields whose line breaks are their
// writer's; in any other a line break shows as ␊.
var multilineFields = map[string]bool{"notes": true}

// View renders the fields, then the related records, scrolled so the
// selected one shows.
func (v *detailModel) View() string {
	st := v.sh.styles
	if !v.loaded {
		return st.dim.Render("loading…")
	}
	if v.err != nil {
		return st.errorText.Render(errText(v.err)) + "\n" + st.dim.Render("esc to go back")
	}
	var lines []string
	lines = append(lines, st.title.Render(truncate(safeText(v.d.title), v.width)))
	for _, f := range v.d.fields {
		value := safeText(f.value)
		if multilineFields[f.label] {
			value = safeLines(f.value)
		}
		// A value of several lines (notes) continues under its first line.
		for i, part := range strings.Split(value, "\n") {
			label := strings.Repeat(" ", 14)
			if i == 0 {
				label = st.label.Render(fmt.Sprintf("%-14s", f.label))
			}
			lines = append(lines, truncate(label+" "+part, v.width))
		}
	}
	group := ""
	selLine := -1
	for i, r := range v.d.related {
		if r.group != group {
			group = r.group
			lines = append(lines, "", st.header.Render(group))
		}
		text := truncate(safeText(r.label), v.width-2)
		if i == v.cursor {
			selLine = len(lines)
			lines = append(lines, st.selected.Render("› "+text))
		} else {
			lines = append(lines, "  "+text)
		}
	}
	if len(v.d.related) == 0 {
		lines = append(lines, "", st.dim.Render("no related records"))
	}
	// Keep the fields on screen when possible; otherwise scroll the
	// related part so the selected line shows.
	if len(lines) > v.height && selLine >= v.height {
		cut := min(selLine-v.height+1, len(lines)-v.height)
		cut = max(cut, 0)
		lines = append(lines[:0:0], lines[cut:]...)
	}
	if len(lines) > v.height {
		lines = lines[:v.height]
	}
	return strings.Join(lines, "\n")
}
