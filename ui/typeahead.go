package ui

import (
	"fmt"
	"reflect"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// Keys typed ahead must reach the field that will have focus. huh asks to
// move to the next or previous field with a command (huh.NextField, and on
// the last field its nextGroup, which submits); the program runs it only
// after the keys it has already read, so a fast typist's, a paste's or a
// script's next characters would land in the field being left. formModel
// applies those moves inside Update instead, before it takes the next key:
// applyMoves finds them in the command huh returns.

// cmdCode identifies the function behind a command; two commands built by
// the same function literal share it.
func cmdCode(c tea.Cmd) uintptr { return reflect.ValueOf(c).Pointer() }

func noMsg() tea.Msg { return nil }

var (
	// batchCode is tea.Batch's command, which only lists its commands:
	// calling it is how its parts are seen.
	batchCode = cmdCode(tea.Batch(noMsg, noMsg))
	// moveCodes are huh's commands that move the focus or submit.
	moveCodes = map[uintptr]bool{
		cmdCode(huh.NextField): true,
		cmdCode(huh.PrevField): true,
		groupMoveCode((*huh.Form).NextField, "huh.nextGroupMsg"): true, // from the last field
		groupMoveCode((*huh.Form).PrevField, "huh.prevGroupMsg"): true, // from the first field
	}
)

// groupMoveCode finds huh's unexported command for leaving the group, by
// moving past the edge of a one-field form (whose commands are all
// immediate) and looking for the command whose message is of type want.
func groupMoveCode(move func(*huh.Form) tea.Cmd, want string) uintptr {
	f := huh.NewForm(huh.NewGroup(huh.NewConfirm().Key("probe")))
	f.Init()
	var found uintptr
	walkCmds(move(f), func(c tea.Cmd) {
		if fmt.Sprintf("%T", c()) == want {
			found = cmdCode(c)
		}
	})
	if found == 0 {
		panic("ui: huh no longer moves between groups with a command")
	}
	return found
}

// walkCmds calls leaf with every command in c that is not a batch.
func walkCmds(c tea.Cmd, leaf func(tea.Cmd)) {
	if c == nil {
		return
	}
	if cmdCode(c) != batchCode {
		leaf(c)
		return
	}
	msg := c()
	batch, ok := msg.(tea.BatchMsg)
	if !ok {
		// tea.Sequence builds its command with the same code: keep it whole.
		leaf(func() tea.Msg { return msg })
		return
	}
	for _, sub := range batch {
		walkCmds(sub, leaf)
	}
}

// applyMoves runs on the form, now, the focus moves in cmd (and those they
// lead to), and returns the rest of it for the program to run.
func (f *formModel) applyMoves(cmd tea.Cmd) tea.Cmd {
	var rest []tea.Cmd
	var moves []tea.Msg
	walkCmds(cmd, func(c tea.Cmd) {
		if moveCodes[cmdCode(c)] {
			moves = append(moves, c())
		} else {
			rest = append(rest, c)
		}
	})
	for _, mv := range moves {
		if f.form.State != huh.StateNormal {
			break
		}
		m, c := f.form.Update(mv)
		if hf, ok := m.(*huh.Form); ok {
			f.form = hf
		}
		rest = append(rest, f.applyMoves(c))
	}
	return tea.Batch(rest...)
}
