package e2e

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startTerm runs argv in a tmux window of 100×30, as startApp runs the app.
func startTerm(t *testing.T, argv ...string) *term {
	t.Helper()
	for _, tool := range []string{"tmux", "ssh", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip(tool + " not installed: end-to-end test skipped")
		}
	}
	tm := &term{t: t, socket: fmt.Sprintf("epic-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()), name: "app"}
	tm.tmux(append([]string{"new-session", "-d", "-s", tm.name, "-x", "100", "-y", "30", "-e", "TERM=xterm-256color"}, argv...)...)
	tm.tmux("set-option", "-t", tm.name, "remain-on-exit", "on")
	t.Cleanup(func() { exec.Command("tmux", "-L", tm.socket, "kill-server").Run() })
	return tm
}

// freePort returns a TCP port nobody listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestServeOverSSH runs `epic-tui serve` and signs in with the system ssh
// client: with a password first, registering the key offered, then with
// the key alone; SIGTERM ends the server with exit code 0.
func TestServeOverSSH(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("ssh not installed: end-to-end test skipped")
	}
	home := t.TempDir()
	dbPath := filepath.Join(home, "epic.db")
	env := append(os.Environ(), "HOME="+home, "XDG_STATE_HOME="+filepath.Join(home, "state"),
		"XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_CONFIG_HOME="+filepath.Join(home, "config"))
	admin := exec.Command(binary, "admin", "--db", dbPath, "--username", "ada", "--email", "ada@epic.test", "--name", "Ada Admin", "--password-stdin")
	admin.Env, admin.Stdin = env, strings.NewReader("correct horse 1\n")
	if out, err := admin.CombinedOutput(); err != nil {
		t.Fatalf("admin: %v\n%s", err, out)
	}
	keyPath := filepath.Join(home, "id_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ada@laptop", "-f", keyPath).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}

	port := freePort(t)
	serve := exec.Command(binary, "serve", "--db", dbPath, "--listen", fmt.Sprintf("127.0.0.1:%d", port))
	serve.Env = env
	stdout, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { serve.Process.Kill(); serve.Wait() })
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatal("serve printed nothing")
	}
	m := regexp.MustCompile(`^listening on 127\.0\.0\.1:\d+, host key (SHA256:\S+)$`).FindStringSubmatch(lines.Text())
	if m == nil {
		t.Fatalf("serve said %q", lines.Text())
	}
	if info, err := os.Stat(filepath.Join(home, "data", "epic-tui", "ssh_host_ed25519")); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("host key: %v, %v", info, err)
	}
	go func() {
		for lines.Scan() {
		}
	}()

	known := filepath.Join(home, "known_hosts")
	ssh := []string{"ssh", "-F", "/dev/null", "-p", fmt.Sprint(port), "-i", keyPath, "-o", "IdentitiesOnly=yes",
		"-o", "UserKnownHostsFile=" + known, "-o", "StrictHostKeyChecking=accept-new", "ada@127.0.0.1"}

	tm := startTerm(t, ssh...)
	tm.waitFor(`Sign in`)
	tm.field("Username or email", "ada")
	tm.password("Password", "correct horse 1")
	tm.waitFor(`Sign in with your SSH key next time\?`)
	tm.press("y")
	tm.waitFor(`ada · Administrator`)
	tm.press("q")
	tm.waitFor(`Pane is dead|Connection to 127.0.0.1 closed`)

	// The host key the client kept is the one the server announced.
	out, err := exec.Command("ssh-keygen", "-l", "-f", known).CombinedOutput()
	if err != nil || !strings.Contains(string(out), m[1]) {
		t.Fatalf("known_hosts holds %q (%v), the server announced %s", out, err, m[1])
	}

	again := startTerm(t, ssh...)
	again.waitFor(`ada · Administrator`)
	if strings.Contains(again.screen(), "Sign in") {
		t.Fatal("the registered key met the login screen")
	}
	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serve.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve ended with %v, want exit 0", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after SIGTERM")
	}
}
