// Package auth hashes passwords, issues and checks session tokens, and keeps
// the saved session and the local signing secret on disk.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/alexedwards/argon2id"
	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters of a hash.
type Params struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
	SaltLength  uint32 // bytes
	KeyLength   uint32 // bytes
}

// DefaultParams is the second recommended option of RFC 9106 §4
// (argon2id, 64 MiB, t=3, p=4) with a 16-byte salt and a 32-byte key.
var DefaultParams = Params{
	Memory:      64 * 1024,
	Iterations:  3,
	Parallelism: 4,
	SaltLength:  16,
	KeyLength:   32,
}

// TestParams are cheap parameters for tests, so that suites creating many
// users stay fast. They are far too weak for real passwords.
var TestParams = Params{
	Memory:      1024,
	Iterations:  1,
	Parallelism: 1,
	SaltLength:  16,
	KeyLength:   32,
}

// Limits on the parameters read back from a stored hash: a corrupt or hostile
// row must not make a login allocate gigabytes, spin for minutes, panic inside
// argon2 (t or p of 0), or accept any password (an empty key).
const (
	maxMemory     = 1 << 20 // 1 GiB in KiB
	maxIterations = 64
	minSaltLength = 8
	minKeyLength  = 16
	maxKeyLength  = 1024
)

// ErrInvalidHash is returned by Verify when the stored hash cannot be used.
var ErrInvalidHash = errors.New("stored password hash is not a usable argon2id hash")

// Argon2 implements domain.PasswordHasher with argon2id and PHC strings
// ($argon2id$v=19$m=65536,t=3,p=4$salt$key). Use it through a pointer.
type Argon2 struct {
	params Params
	// dummy is what Waste verifies against: see dummyHash.
	dummy string
}

// NewArgon2 returns a hasher using DefaultParams.
func NewArgon2() *Argon2 {
	return &Argon2{params: DefaultParams, dummy: dummyHash(DefaultParams)}
}

// NewArgon2WithParams returns a hasher using p; tests pass TestParams to stay
// fast. It refuses parameters Verify would reject.
func NewArgon2WithParams(p Params) (*Argon2, error) {
	if err := checkParams(p); err != nil {
		return nil, fmt.Errorf("auth: argon2 params: %w", err)
	}
	return &Argon2{params: p, dummy: dummyHash(p)}, nil
}

// Params returns the parameters new hashes are made with.
func (h *Argon2) Params() Params {
	return h.params
}

// Hash returns the PHC string of password, with a fresh random salt.
func (h *Argon2) Hash(password string) (string, error) {
	salt := make([]byte, h.params.SaltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	return encodeHash(h.params, salt, deriveKey(password, salt, h.params)), nil
}

// Verify reports whether password matches hash, and whether hash was made
// with other parameters than h's, in which case the caller should store a
// fresh Hash once the password is known to be right.
func (h *Argon2) Verify(password, hash string) (ok, needsRehash bool, err error) {
	decoded, salt, key, err := argon2id.DecodeHash(hash)
	if err != nil {
		return false, false, fmt.Errorf("auth: verify password: %w: %w", ErrInvalidHash, err)
	}
	p := Params{
		Memory:      decoded.Memory,
		Iterations:  decoded.Iterations,
		Parallelism: decoded.Parallelism,
		SaltLength:  decoded.SaltLength,
		KeyLength:   decoded.KeyLength,
	}
	if err := checkParams(p); err != nil {
		return false, false, fmt.Errorf("auth: verify password: %w: %w", ErrInvalidHash, err)
	}
	other := deriveKey(password, salt, p)
	ok = subtle.ConstantTimeCompare(key, other) == 1
	return ok, p != h.params, nil
}

// Waste runs one Verify, with h's parameters, against a hash no password
// matches, so that an unknown user costs as much as a known one, from the
// first call of a process on.
func (h *Argon2) Waste(password string) {
	_, _, _ = h.Verify(password, h.dummy)
}

// dummyHash is a PHC string with p's parameters whose salt and key are all
// zero bytes. Verifying against it derives a key at the full cost of p, but
// nothing had to be derived to make it, so building a hasher stays free.
func dummyHash(p Params) string {
	return encodeHash(p, make([]byte, p.SaltLength), make([]byte, p.KeyLength))
}

func deriveKey(password string, salt []byte, p Params) []byte {
	return argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLength)
}

func encodeHash(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Iterations, p.Parallelism,
		base64.RawStdEncoding.EncodeToString(salt),
		base64.RawStdEncoding.EncodeToString(key))
}

func checkParams(p Params) error {
	switch {
	case p.Iterations < 1 || p.Iterations > maxIterations:
		return fmt.Errorf("iterations %d out of range 1..%d", p.Iterations, maxIterations)
	case p.Parallelism < 1:
		return errors.New("parallelism must be at least 1")
	case p.Memory < 8*uint32(p.Parallelism) || p.Memory > maxMemory:
		return fmt.Errorf("memory %d KiB out of range %d..%d", p.Memory, 8*uint32(p.Parallelism), maxMemory)
	case p.SaltLength < minSaltLength:
		return fmt.Errorf("salt of %d bytes is shorter than %d", p.SaltLength, minSaltLength)
	case p.KeyLength < minKeyLength || p.KeyLength > maxKeyLength:
		return fmt.Errorf("key length %d out of range %d..%d", p.KeyLength, minKeyLength, maxKeyLength)
	}
	return nil
}
