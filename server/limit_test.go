package server

import (
	"testing"
	"time"
)

func TestAddrLimiterWindow(t *testing.T) {
	l := newAddrLimiter(2, time.Minute)
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	for i, want := range []bool{true, true, false} {
		if got := l.allow("10.0.0.1", at); got != want {
			t.Fatalf("connection %d from one address: allowed %v", i+1, got)
		}
	}
	if !l.allow("10.0.0.2", at) {
		t.Fatal("another address was refused")
	}
	if !l.allow("10.0.0.1", at.Add(time.Minute)) {
		t.Fatal("the address was still refused a minute later")
	}
}
