package ui

import (
	"context"
	"testing"

	"github.com/epicevents/epic-tui/domain"
)

func TestEscAsksBeforeDiscardingChanges(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	h := signedInHarness(t, app, f.admin)
	// Unchanged, the form closes at once.
	h.key("n")
	h.mustSee("Full name")
	h.key("esc")
	h.mustNotSee("Full name", "Discard changes?")
	h.mustSee("cancelled")

	h.key("n")
	h.typ("Eloise")
	h.key("esc")
	h.mustSee("Discard changes?", "Eloise")
	// No is the default: enter keeps editing, and what was typed.
	h.key("enter")
	h.mustNotSee("Discard changes?")
	h.typ(" Roux")
	h.mustSee("Eloise Roux")
	h.key("esc")
	h.key("n")
	h.mustSee("Eloise Roux")
	h.key("esc")
	h.key("y")
	h.mustNotSee("Full name", "Eloise")
	h.mustSee("cancelled")
	page, err := app.Clients.List(context.Background(), f.adminSess, domain.ClientQuery{})
	if err != nil || len(page.Items) != 0 {
		t.Fatalf("clients: %+v %v", page.Items, err)
	}
}

func TestCtrlCInAFormAsksInsteadOfQuitting(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	h := signedInHarness(t, app, f.admin)
	h.key("n")
	h.typ("Eloise")
	h.key("ctrl+c")
	if h.quit {
		t.Fatal("ctrl+c in a changed form quit the app")
	}
	h.mustSee("Discard changes?", "Eloise")
	h.key("y")
	h.mustNotSee("Full name")
	// An unchanged form closes; with no form open ctrl+c quits.
	h.key("n")
	h.mustSee("Full name")
	h.key("ctrl+c")
	if h.quit {
		t.Fatal("ctrl+c in an unchanged form quit the app")
	}
	h.mustNotSee("Full name")
	h.key("ctrl+c")
	if !h.quit {
		t.Fatal("ctrl+c on the main screen did not quit")
	}
}

func TestCtrlCOnTheLoginAsksOnlyWhenSomethingWasTyped(t *testing.T) {
	app := newApp(t)
	newFixture(t, app)
	h := newHarness(t, app, nil)
	h.mustSee("Username or email")
	h.typ("adm")
	h.key("ctrl+c")
	if h.quit {
		t.Fatal("ctrl+c quit with a login typed")
	}
	h.mustSee("Discard changes?")
	h.key("y")
	h.mustNotSee("adm", "Discard changes?")
	h.key("ctrl+c")
	if !h.quit {
		t.Fatal("ctrl+c on an empty login did not quit")
	}
}
