package auth

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestLoadOrCreateSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "secret")
	first, err := LoadOrCreateSecret(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 64 {
		t.Fatalf("secret is %d bytes; want 64 hex characters", len(first))
	}
	if _, err := hex.DecodeString(string(first)); err != nil {
		t.Fatalf("secret %q is not hex: %v", first, err)
	}
	if _, err := NewSigner(first); err != nil {
		t.Fatalf("generated secret unusable: %v", err)
	}
	again, err := LoadOrCreateSecret(path)
	if err != nil || string(again) != string(first) {
		t.Fatalf("second call = %q, %v; want the same secret", again, err)
	}
	skipOnWindows(t)
	if p := perm(t, path); p != 0o600 {
		t.Errorf("secret mode %04o; want 0600", p)
	}
	if p := perm(t, filepath.Dir(path)); p != 0o700 {
		t.Errorf("created dir mode %04o; want 0700", p)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("dir holds %d entries; want only the secret (no temp files)", len(entries))
	}
}

func TestLoadOrCreateSecretRace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	const n = 8
	got := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := LoadOrCreateSecret(path)
			if err != nil {
				t.Error(err)
			}
			got[i] = string(s)
		}()
	}
	wg.Wait()
	for i := range got {
		if got[i] != got[0] {
			t.Fatalf("racing callers got different secrets: %q vs %q", got[0], got[i])
		}
	}
}

func TestLoadOrCreateSecretRefusesLoosePerms(t *testing.T) {
	skipOnWindows(t)
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(strings.Repeat("a", 64)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateSecret(path); err == nil || !strings.Contains(err.Error(), "0644") {
		t.Fatalf("LoadOrCreateSecret(0644) = %v; want a refusal naming 0644", err)
	}
}

func TestLoadOrCreateSecretRefusesShort(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte("too short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateSecret(path); err == nil {
		t.Fatal("a 9-byte secret was accepted")
	}
	if b, _ := os.ReadFile(path); string(b) != "too short\n" {
		t.Fatal("the existing secret file was overwritten")
	}
}
