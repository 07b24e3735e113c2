package ui

import (
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// bomb panics where it is told to.
type bomb struct{ inUpdate, inCmd, inView bool }

func (b bomb) Init() tea.Cmd { return nil }
func (b bomb) Update(tea.Msg) (tea.Model, tea.Cmd) {
	if b.inUpdate {
		panic("update exploded")
	}
	if b.inCmd {
		return b, tea.Batch(func() tea.Msg { return nil }, func() tea.Msg { panic("command exploded") })
	}
	return b, nil
}
func (b bomb) View() tea.View {
	if b.inView {
		panic("view exploded")
	}
	return tea.NewView("fine")
}

func TestGuardRecoversPanics(t *testing.T) {
	for name, b := range map[string]bomb{"update": {inUpdate: true}, "cmd": {inCmd: true}, "view": {inView: true}} {
		t.Run(name, func(t *testing.T) {
			var reported any
			var stack []byte
			quitCalled := make(chan struct{}, 1)
			g := &guard{inner: b, onPanic: func(v any, s []byte) { reported, stack = v, s }, quit: func() { quitCalled <- struct{}{} }}
			_, cmd := g.Update(tea.KeyPressMsg{Code: 'x', Text: "x"})
			g.View()
			// Run the command tree the way the program would.
			var run func(c tea.Cmd)
			var msgs []tea.Msg
			run = func(c tea.Cmd) {
				if c == nil {
					return
				}
				msg := c()
				if batch, ok := msg.(tea.BatchMsg); ok {
					for _, c := range batch {
						run(c)
					}
					return
				}
				msgs = append(msgs, msg)
			}
			run(cmd)
			for _, m := range msgs {
				if _, isPanic := m.(panicMsg); isPanic {
					if _, next := g.Update(m); next == nil {
						t.Fatal("a panic message must quit")
					}
				}
			}
			pe := g.panicked()
			if pe == nil || !strings.Contains(pe.Error(), "exploded") {
				t.Fatalf("panic not recorded: %v", pe)
			}
			if reported == nil || !strings.Contains(string(stack), "goroutine") {
				t.Fatalf("panic not reported with its stack: %v", reported)
			}
			var target *PanicError
			if !errors.As(error(pe), &target) {
				t.Fatal("not a *PanicError")
			}
			if name == "view" {
				<-quitCalled // quit runs in a goroutine
			}
		})
	}
}
