package ui

import (
	"strings"
	"testing"
)

// TestHintsAreNotMistakenForValues: an empty field shows nothing after its
// prompt; examples sit in the line under the title, marked "e.g.", also
// without colour.
func TestHintsAreNotMistakenForValues(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	app := newApp(t)
	f := newFixture(t, app)
	h := signedInHarness(t, app, f.admin)
	h.key("n")
	h.mustSee("e.g. 06 12 34 56 78")
	for _, l := range strings.Split(h.view(), "\n") {
		if strings.Contains(l, "> 06") {
			t.Fatalf("the empty phone field shows a value: %q", l)
		}
	}
	h.key("esc")
	h.key("2")
	h.key("n")
	h.mustSee("Find a client", "e.g. 1 500,00", "empty: the total")
	h.mustNotSee("> 1500.00", "> empty: the total", "> part of")
}

// TestAmountShowsWhatWasRead: the amount typed is shown as read, and an
// ambiguous one says why.
func TestAmountShowsWhatWasRead(t *testing.T) {
	app := newApp(t)
	f := newFixture(t, app)
	c := f.client(t, "Alice Martin", "alice@client.test")
	k := f.contract(t, c.ID, 200000, 200000, true)
	h := signedInHarness(t, app, f.admin)
	h.key("2")
	h.key("p")
	h.mustSee("Record a payment")
	h.typ("1 234,5")
	h.mustSee("= 1 234.50 €")
	for range 7 {
		h.key("backspace")
	}
	h.typ("1,234")
	h.mustSee("ambiguous")
	h.key("enter")
	h.mustSee("Record a payment", "ambiguous")
	for range 5 {
		h.key("backspace")
	}
	h.typ("1,234.50")
	h.mustSee("= 1 234.50 €")
	h.key("enter")
	h.mustSee("payment recorded")
	d, err := app.Contracts.Get(t.Context(), f.adminSess, k.ID)
	if err != nil || d.Contract.AmountDue != 200000-123450 {
		t.Fatalf("due after the payment: %d, %v", d.Contract.AmountDue, err)
	}
}
