package ui

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// TestLoginFlowInProgram runs the real Bubble Tea program: login screen,
// credentials typed, main screen.
func TestLoginFlowInProgram(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	f.client(t, "Alice Martin", "alice@client.test")

	tm := teatest.NewTestModel(t, New(Options{App: app, Sessions: &memSessions{}}), teatest.WithInitialTermSize(100, 30))
	sees := func(text string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			return bytes.Contains([]byte(ansi.Strip(string(b))), []byte(text))
		}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	}
	sees("Username or email")
	tm.Type("admin")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Type(testPassword)
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	sees("Alice")
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
