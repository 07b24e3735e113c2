package auth

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// Argon2 must satisfy domain.PasswordHasher, mirrored here: importing domain
// would tie these tests to that package building.
var _ interface {
	Hash(password string) (string, error)
	Verify(password, hash string) (ok, needsRehash bool, err error)
	Waste(password string)
} = (*Argon2)(nil)

func cheapHasher(t *testing.T) *Argon2 {
	t.Helper()
	h, err := NewArgon2WithParams(TestParams)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// phcParts splits a PHC string and checks its fixed fields.
func phcParts(t *testing.T, hash string) (params, salt, key string) {
	t.Helper()
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v=19" {
		t.Fatalf("not an argon2id v19 PHC string: %q", hash)
	}
	return parts[3], parts[4], parts[5]
}

func TestDefaultParamsAreRFC9106(t *testing.T) {
	want := Params{Memory: 65536, Iterations: 3, Parallelism: 4, SaltLength: 16, KeyLength: 32}
	if DefaultParams != want {
		t.Fatalf("DefaultParams = %+v, want %+v", DefaultParams, want)
	}
	if NewArgon2().Params() != want {
		t.Fatalf("NewArgon2 does not use DefaultParams")
	}
}

// The one test paying for real parameters: the production setting must work.
func TestHashWithDefaultParams(t *testing.T) {
	h := NewArgon2()
	hash, err := h.Hash("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	params, salt, key := phcParts(t, hash)
	if params != "m=65536,t=3,p=4" {
		t.Errorf("params = %q, want m=65536,t=3,p=4", params)
	}
	if b, err := base64.RawStdEncoding.DecodeString(salt); err != nil || len(b) != 16 {
		t.Errorf("salt %q: %d bytes, err %v; want 16 bytes", salt, len(b), err)
	}
	if b, err := base64.RawStdEncoding.DecodeString(key); err != nil || len(b) != 32 {
		t.Errorf("key %q: %d bytes, err %v; want 32 bytes", key, len(b), err)
	}
	ok, rehash, err := h.Verify("correct horse", hash)
	if err != nil || !ok || rehash {
		t.Fatalf("Verify = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
}

func TestHashSaltsDiffer(t *testing.T) {
	h := cheapHasher(t)
	a, _ := h.Hash("same password")
	b, _ := h.Hash("same password")
	if a == b {
		t.Fatal("two hashes of one password are equal; salt is not random")
	}
}

func TestVerify(t *testing.T) {
	h := cheapHasher(t)
	hash, err := h.Hash("s3cret-password")
	if err != nil {
		t.Fatal(err)
	}
	if params, _, _ := phcParts(t, hash); params != "m=1024,t=1,p=1" {
		t.Fatalf("params = %q, want the hasher's", params)
	}
	for _, tc := range []struct {
		password string
		want     bool
	}{
		{"s3cret-password", true},
		{"s3cret-passwore", false},
		{"", false},
		{"S3CRET-PASSWORD", false},
	} {
		ok, rehash, err := h.Verify(tc.password, hash)
		if err != nil || ok != tc.want || rehash {
			t.Errorf("Verify(%q) = %v, %v, %v; want %v, false, nil", tc.password, ok, rehash, err, tc.want)
		}
	}
}

func TestVerifyNeedsRehash(t *testing.T) {
	old := cheapHasher(t)
	hash, err := old.Hash("pw-12345678")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		p    Params
	}{
		{"memory", Params{2048, 1, 1, 16, 32}},
		{"iterations", Params{1024, 2, 1, 16, 32}},
		{"parallelism", Params{1024, 1, 2, 16, 32}},
		{"salt", Params{1024, 1, 1, 32, 32}},
		{"key", Params{1024, 1, 1, 16, 64}},
	} {
		h, err := NewArgon2WithParams(tc.p)
		if err != nil {
			t.Fatal(err)
		}
		ok, rehash, err := h.Verify("pw-12345678", hash)
		if err != nil || !ok || !rehash {
			t.Errorf("%s changed: Verify = %v, %v, %v; want true, true, nil", tc.name, ok, rehash, err)
		}
	}
}

func TestVerifyRejectsBadHashes(t *testing.T) {
	h := cheapHasher(t)
	salt := base64.RawStdEncoding.EncodeToString([]byte("0123456789abcdef"))
	for name, hash := range map[string]string{
		"empty":       "",
		"bcrypt":      "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":     "$argon2i$v=19$m=1024,t=1,p=1$" + salt + "$" + salt,
		"zero time":   "$argon2id$v=19$m=1024,t=0,p=1$" + salt + "$" + salt,
		"zero lanes":  "$argon2id$v=19$m=1024,t=1,p=0$" + salt + "$" + salt,
		"huge memory": "$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + salt,
		// An empty key would match every password.
		"empty key": "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$",
	} {
		ok, _, err := h.Verify("anything", hash)
		if ok || !errors.Is(err, ErrInvalidHash) {
			t.Errorf("%s: Verify = %v, %v; want false, ErrInvalidHash", name, ok, err)
		}
	}
}

func TestNewArgon2WithParamsRefusesUnusable(t *testing.T) {
	if _, err := NewArgon2WithParams(Params{Memory: 1024, Iterations: 0, Parallelism: 1, SaltLength: 16, KeyLength: 32}); err == nil {
		t.Fatal("zero iterations accepted")
	}
}

func TestWaste(t *testing.T) {
	// Not TestParams, so that a dummy built from fixed params would show.
	h, err := NewArgon2WithParams(Params{Memory: 2048, Iterations: 2, Parallelism: 2, SaltLength: 16, KeyLength: 32})
	if err != nil {
		t.Fatal(err)
	}
	// Ready before the first call: the first unknown name of a process
	// costs no more than the next ones.
	params, _, _ := phcParts(t, h.dummy)
	if params != "m=2048,t=2,p=2" {
		t.Fatalf("dummy hash params = %q, want the hasher's m=2048,t=2,p=2", params)
	}
	if _, rehash, err := h.Verify("x", h.dummy); err != nil || rehash {
		t.Fatalf("dummy hash: rehash %v, err %v; want a hash with current params", rehash, err)
	}
	for _, pw := range []string{"", "whatever", "epic-tui dummy password"} {
		h.Waste(pw)
		if ok, _, _ := h.Verify(pw, h.dummy); ok {
			t.Fatalf("password %q matches the dummy hash", pw)
		}
	}
	if d := NewArgon2().dummy; !strings.HasPrefix(d, "$argon2id$v=19$m=65536,t=3,p=4$") {
		t.Fatalf("default dummy hash %q, want the default parameters", d)
	}
}

// The first Waste of a fresh hasher and a Verify of a real hash, with the
// default parameters: they should take the same time.
func BenchmarkFirstWasteAndVerify(b *testing.B) {
	hash, err := NewArgon2().Hash("correct horse 1")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("first-waste", func(b *testing.B) {
		for b.Loop() {
			NewArgon2().Waste("wrong password")
		}
	})
	b.Run("verify", func(b *testing.B) {
		h := NewArgon2()
		for b.Loop() {
			_, _, _ = h.Verify("wrong password", hash)
		}
	})
}
