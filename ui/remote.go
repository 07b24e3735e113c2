package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"
)

// ChangedMsg tells the app that data changed elsewhere (another session of
// the server, another server on the same database): the visible page and
// the open details reload, as if r had been pressed.
type ChangedMsg struct{}

// StoppingMsg tells the app that the server is stopping. Without an open
// form it quits at once; with one, it says so above the form and quits as
// soon as the form is saved or cancelled.
type StoppingMsg struct{}

// stoppingNote is what a form shows while the server stops.
const stoppingNote = "the server is stopping: save or cancel this form now, the session ends in a few seconds"

// Program is the app for one terminal of a server session.
type Program struct {
	*tea.Program
	g *guard
}

// NewProgram builds the app as Run does, but on the terminal the options
// name (tea.WithInput, tea.WithOutput, tea.WithWindowSize…), for a server
// that runs one per connection. Send it ChangedMsg and StoppingMsg.
func NewProgram(ctx context.Context, opts Options, popts ...tea.ProgramOption) *Program {
	g := &guard{inner: newModel(ctx, opts), onPanic: opts.OnPanic}
	p := tea.NewProgram(g, append([]tea.ProgramOption{tea.WithContext(ctx)}, popts...)...)
	g.quit = p.Quit
	return &Program{Program: p, g: g}
}

// Panicked returns the panic that ended the program, or nil.
func (p *Program) Panicked() *PanicError { return p.g.panicked() }

// changed reloads what the main screen shows.
func (m *model) changed() tea.Cmd {
	if m.main == nil {
		return nil
	}
	l := m.main.list()
	return tea.Batch(l.reload(l.selectedID()), m.main.refreshDetails())
}

// quitIfStopping quits once the server is stopping and no form holds work:
// an open form first gets the time to be saved.
func (m *model) quitIfStopping() tea.Cmd {
	if !m.stopping {
		return nil
	}
	if !m.formHoldsWork() {
		return tea.Quit
	}
	if m.screen == screenMain && m.main.form != nil && !m.main.form.busy {
		m.main.form.topErr = stoppingNote
	}
	return nil
}
