package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// keyMap is every key of the main screen. The footer is generated from it
// (see mainModel.helpKeys), so the keys shown are the keys that work.
type keyMap struct {
	Tab1, Tab2, Tab3, Tab4 key.Binding
	NextTab, PrevTab       key.Binding
	Up, Down               key.Binding
	PageUp, PageDown       key.Binding
	Top, Bottom            key.Binding
	Search, Filter         key.Binding
	Sort, SortDir          key.Binding
	Open                   key.Binding
	History                key.Binding // the selected record's changes
	New, Edit, Delete      key.Binding
	Pay                    key.Binding
	Contracts, Events      key.Binding // a client's or contract's records
	Password, Reset        key.Binding
	Refresh                key.Binding
	Command, Copy          key.Binding // ":" command line, y copy
	ColLeft, ColRight      key.Binding // scroll hidden columns into view
	Back                   key.Binding
	Help                   key.Binding
	Logout                 key.Binding
	Quit                   key.Binding
}

func newKeyMap() keyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return keyMap{
		Tab1:      b([]string{"1"}, "1", "clients"),
		Tab2:      b([]string{"2"}, "2", "contracts"),
		Tab3:      b([]string{"3"}, "3", "events"),
		Tab4:      b([]string{"4"}, "4", "users"),
		NextTab:   b([]string{"tab"}, "tab", "next tab"),
		PrevTab:   b([]string{"shift+tab"}, "shift+tab", "previous tab"),
		Up:        b([]string{"up", "k"}, "↑/k", "up"),
		Down:      b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:    b([]string{"pgup"}, "pgup", "page up"),
		PageDown:  b([]string{"pgdown"}, "pgdn", "page down"),
		Top:       b([]string{"g", "home"}, "g", "top"),
		Bottom:    b([]string{"G", "end"}, "G", "bottom"),
		Search:    b([]string{"/"}, "/", "search"),
		Filter:    b([]string{"f"}, "f", "filter"),
		Sort:      b([]string{"s"}, "s", "sort"),
		SortDir:   b([]string{"S"}, "S", "reverse sort"),
		Open:      b([]string{"enter"}, "enter", "open"),
		History:   b([]string{"h"}, "h", "history"),
		New:       b([]string{"n"}, "n", "new"),
		Edit:      b([]string{"e"}, "e", "edit"),
		Delete:    b([]string{"d"}, "d", "delete"),
		Pay:       b([]string{"p"}, "p", "pay"),
		Contracts: b([]string{"c"}, "c", "its contracts"),
		Events:    b([]string{"v"}, "v", "its events"),
		Password:  b([]string{"P"}, "P", "my password"),
		Reset:     b([]string{"R"}, "R", "reset pw"),
		Refresh:   b([]string{"r"}, "r", "refresh"),
		Command:   b([]string{":"}, ":", "command"),
		Copy:      b([]string{"y"}, "y", "copy"),
		ColLeft:   b([]string{"<"}, "<", "columns left"),
		ColRight:  b([]string{">"}, ">", "columns right"),
		Back:      b([]string{"esc"}, "esc", "back"),
		Help:      b([]string{"?"}, "?", "help"),
		Logout:    b([]string{"L"}, "L", "log out"),
		Quit:      b([]string{"q", "ctrl+c"}, "q", "quit"),
	}
}

// pressed reports whether msg is one of b's keys, whether or not b is
// enabled: a key the role may not use is still recognised, so that pressing
// it can say why it does nothing.
func pressed(msg tea.KeyPressMsg, b key.Binding) bool {
	s := msg.String()
	for _, k := range b.Keys() {
		if k == s {
			return true
		}
	}
	return false
}

// keyHelp adapts a list of bindings to help.KeyMap.
type keyHelp struct {
	short []key.Binding
	full  [][]key.Binding
}

func (k keyHelp) ShortHelp() []key.Binding  { return k.short }
func (k keyHelp) FullHelp() [][]key.Binding { return k.full }
