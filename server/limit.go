package server

import (
	"sync"
	"time"
)

// addrLimiter counts connections per source address in fixed windows.
type addrLimiter struct {
	max    int
	window time.Duration

	mu      sync.Mutex
	started time.Time
	counts  map[string]int
}

func newAddrLimiter(max int, window time.Duration) *addrLimiter {
	return &addrLimiter{max: max, window: window, counts: map[string]int{}}
}

// allow counts one connection from addr at now and reports whether it is
// within the limit. The map is emptied every window, so it never holds more
// than one window's addresses.
func (l *addrLimiter) allow(addr string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.started) >= l.window {
		l.started, l.counts = now, map[string]int{}
	}
	l.counts[addr]++
	return l.counts[addr] <= l.max
}
