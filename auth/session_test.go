package auth

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func skipOnWindows(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits on Windows")
	}
}

func perm(t *testing.T, path string) fs.FileMode {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode().Perm()
}

func TestSessionPath(t *testing.T) {
	a := SessionPath("/home/x/.config", "postgres://u:pw@db/epic")
	b := SessionPath("/home/x/.config", "sqlite:///tmp/epic.db")
	dir := filepath.Join("/home/x/.config", "epic-tui", "sessions")
	if filepath.Dir(a) != dir || !strings.HasSuffix(a, ".jwt") || len(filepath.Base(a)) != 16+len(".jwt") {
		t.Fatalf("SessionPath = %q; want %s/<16 hex>.jwt", a, dir)
	}
	if a == b {
		t.Fatal("two databases share one session file")
	}
	if strings.Contains(a, "pw") {
		t.Fatalf("SessionPath %q leaks the database URL", a)
	}
	if a != SessionPath("/home/x/.config", "postgres://u:pw@db/epic") {
		t.Fatal("SessionPath is not stable")
	}
}

func TestSessionRoundTrip(t *testing.T) {
	skipOnWindows(t)
	path := SessionPath(t.TempDir(), "sqlite://epic.db")
	if err := SaveSession(path, "header.payload.sig"); err != nil {
		t.Fatal(err)
	}
	got, err := LoadSession(path)
	if err != nil || got != "header.payload.sig" {
		t.Fatalf("LoadSession = %q, %v", got, err)
	}
	if p := perm(t, path); p != 0o600 {
		t.Errorf("session file mode %04o; want 0600", p)
	}
	if p := perm(t, filepath.Dir(path)); p != 0o700 {
		t.Errorf("sessions dir mode %04o; want 0700", p)
	}
	if err := SaveSession(path, "second.token.sig"); err != nil {
		t.Fatal(err)
	}
	if got, _ := LoadSession(path); got != "second.token.sig" {
		t.Fatalf("after overwrite LoadSession = %q", got)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != filepath.Base(path) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("sessions dir holds %v; want only %s (no temp files)", names, filepath.Base(path))
	}
}

func TestLoadSessionMissing(t *testing.T) {
	_, err := LoadSession(SessionPath(t.TempDir(), "x"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("LoadSession(missing) = %v; want fs.ErrNotExist", err)
	}
}

func TestLoadSessionRefusesLooseFile(t *testing.T) {
	skipOnWindows(t)
	path := SessionPath(t.TempDir(), "x")
	if err := SaveSession(path, "tok"); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadSession(path)
	if !errors.Is(err, ErrSessionInsecure) {
		t.Fatalf("LoadSession(0644) = %v; want ErrSessionInsecure", err)
	}
	if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "0644") || !strings.Contains(msg, "deleted") {
		t.Fatalf("message %q should name the path, 0644, and say the file was deleted", msg)
	}
	// Refused and gone: its token is no longer there for others to read.
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the loose session file is still on disk: %v", err)
	}
	if _, err := LoadSession(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("LoadSession after the refusal = %v; want fs.ErrNotExist", err)
	}
}

func TestSessionRefusesLooseDir(t *testing.T) {
	skipOnWindows(t)
	path := SessionPath(t.TempDir(), "x")
	if err := SaveSession(path, "tok"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(path)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSession(path); !errors.Is(err, ErrSessionInsecure) || !strings.Contains(err.Error(), "0755") {
		t.Fatalf("LoadSession in 0755 dir = %v; want ErrSessionInsecure naming 0755", err)
	}
	if err := SaveSession(path, "tok2"); !errors.Is(err, ErrSessionInsecure) {
		t.Fatalf("SaveSession in 0755 dir = %v; want ErrSessionInsecure", err)
	}
}

func TestLoadSessionRefusesSymlink(t *testing.T) {
	skipOnWindows(t)
	path := SessionPath(t.TempDir(), "x")
	if err := SaveSession(path, "tok"); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(filepath.Dir(path), "link.jwt")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSession(link); err == nil {
		t.Fatal("LoadSession followed a symlink")
	}
}

func TestDeleteSession(t *testing.T) {
	path := SessionPath(t.TempDir(), "x")
	if err := DeleteSession(path); err != nil {
		t.Fatalf("DeleteSession(missing) = %v", err)
	}
	if err := SaveSession(path, "tok"); err != nil {
		t.Fatal(err)
	}
	if err := DeleteSession(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("session still there after DeleteSession: %v", err)
	}
}

// EndSession deletes the saved session whatever the server answers, and
// never sends a refused one.
func TestEndSession(t *testing.T) {
	skipOnWindows(t)
	signer, err := NewSigner([]byte(strings.Repeat("s", MinSecretLength)))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	token, err := signer.Issue(1, "admin", now, now)
	if err != nil {
		t.Fatal(err)
	}
	path := SessionPath(t.TempDir(), "x")
	down := errors.New("the database cannot be reached")
	for _, tc := range []struct {
		name    string
		mode    os.FileMode
		answer  error
		revoked bool
		want    error
	}{
		{"revoked", 0o600, nil, true, nil},
		{"server down", 0o600, down, true, down},
		{"not private", 0o644, nil, false, ErrSessionInsecure},
	} {
		if err := SaveSession(path, token); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, tc.mode); err != nil {
			t.Fatal(err)
		}
		called := false
		saved, err := EndSession(path, func() error { called = true; return tc.answer })
		if !saved || called != tc.revoked || !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Fatalf("%s: saved %v, revoke called %v, err %v", tc.name, saved, called, err)
		}
		if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("%s: the session file is still there", tc.name)
		}
		var nr *NotRevokedError
		if errors.As(err, &nr) && !nr.Expires.Equal(now.Add(TokenLifetime).Truncate(time.Second)) {
			t.Fatalf("%s: expiry %v, want %v", tc.name, nr.Expires, now.Add(TokenLifetime))
		}
	}
	if saved, err := EndSession(path, func() error { t.Fatal("revoke called without a session"); return nil }); saved || err != nil {
		t.Fatalf("no session: saved %v, err %v", saved, err)
	}
}
