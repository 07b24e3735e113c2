package ui

import (
	"fmt"
	"runtime/debug"
	"sync"

	tea "charm.land/bubbletea/v2"
)

// PanicError is what Run returns when the app panicked: the terminal has
// been restored and the panic reported; main prints one line and exits.
type PanicError struct{ Value any }

func (e *PanicError) Error() string { return fmt.Sprintf("internal error: %v", e.Value) }

// guard wraps the root model so that a panic in Update, View or a command
// is recovered, reported with its stack, and ends the program cleanly
// instead of leaving a raw terminal and a stack trace on the screen.
type guard struct {
	inner   tea.Model
	onPanic func(value any, stack []byte)
	quit    func() // ends the program from outside Update (a panic in View)

	mu      sync.Mutex
	crashed *PanicError
}

func (g *guard) recovered(r any) {
	g.mu.Lock()
	first := g.crashed == nil
	if first {
		g.crashed = &PanicError{Value: r}
	}
	g.mu.Unlock()
	if first && g.onPanic != nil {
		g.onPanic(r, debug.Stack())
	}
}

func (g *guard) panicked() *PanicError {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.crashed
}

// panicMsg ends the program after a command panicked.
type panicMsg struct{}

func (g *guard) Init() (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			g.recovered(r)
			cmd = tea.Quit
		}
	}()
	return g.wrap(g.inner.Init())
}

func (g *guard) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	if _, ok := msg.(panicMsg); ok {
		return g, tea.Quit
	}
	defer func() {
		if r := recover(); r != nil {
			g.recovered(r)
			m, cmd = g, tea.Quit
		}
	}()
	inner, cmd := g.inner.Update(msg)
	g.inner = inner
	return g, g.wrap(cmd)
}

func (g *guard) View() (v tea.View) {
	defer func() {
		if r := recover(); r != nil {
			g.recovered(r)
			v = tea.NewView("")
			if g.quit != nil {
				go g.quit()
			}
		}
	}()
	return g.inner.View()
}

// wrap makes a command report its panic instead of crashing; batches are
// wrapped one command at a time.
func (g *guard) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				g.recovered(r)
				msg = panicMsg{}
			}
		}()
		msg = cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			wrapped := make(tea.BatchMsg, len(batch))
			for i, c := range batch {
				wrapped[i] = g.wrap(c)
			}
			return wrapped
		}
		return msg
	}
}
