package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/epicevents/epic-tui/server"
	"github.com/epicevents/epic-tui/store/storetest"
)

func TestConnectionsPerAddressLimited(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t), func(c *server.Config) { c.PerMinute = 2 })
	for range 2 {
		w.dial(nil, true).waitFor("Username or email")
	}
	_, err := gossh.Dial("tcp", w.addr, &gossh.ClientConfig{
		User: "anyone", HostKeyCallback: gossh.InsecureIgnoreHostKey(), //nolint:gosec // a test server on loopback
		Timeout: 10 * time.Second,
	})
	if err == nil {
		t.Fatal("a third connection in a minute was let in")
	}
}

func TestHandshakeTimeout(t *testing.T) {
	w := newWorld(t, storetest.OpenSQLite(t), func(c *server.Config) { c.HandshakeTimeout = 200 * time.Millisecond })
	conn, err := net.Dial("tcp", w.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A client that says nothing is cut off: the read ends instead of
	// waiting for ever.
	if err := conn.SetReadDeadline(time.Now().Add(15 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(conn); err != nil {
		t.Fatalf("the silent connection was not closed by the server: %v", err)
	}
}

// syncBuffer is a log destination the server and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestConnectionLogged(t *testing.T) {
	var out syncBuffer
	log := slog.New(slog.NewJSONHandler(&out, nil))
	w := newWorld(t, storetest.OpenSQLite(t), func(c *server.Config) { c.Log = log })
	key := newKey(t)
	c := w.dial(key, true)
	c.login("sam", testPassword)
	c.waitFor("Sign in with your SSH key next time?")
	c.typeText("n")
	c.waitFor("no clients")
	c.typeText("q")
	c.waitEnd()
	var line map[string]any
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end) && line == nil; time.Sleep(20 * time.Millisecond) {
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.Contains(l, `"msg":"ssh session"`) {
				if err := json.Unmarshal([]byte(l), &line); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if line == nil {
		t.Fatalf("no connection line in the log:\n%s", out.String())
	}
	want := map[string]any{"user": "sam", "key": gossh.FingerprintSHA256(key.PublicKey()), "ended": "quit"}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("log %s = %v, want %v", k, line[k], v)
		}
	}
	if r, _ := line["remote"].(string); !strings.HasPrefix(r, "127.0.0.1:") {
		t.Errorf("log remote = %v", line["remote"])
	}
	if d, _ := line["duration"].(string); d == "" {
		t.Error("log has no duration")
	}
}
