package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var (
	testSecret  = []byte("0123456789abcdef0123456789abcdef")
	otherSecret = []byte("fedcba9876543210fedcba9876543210")
	t0          = time.Date(2025, 3, 14, 9, 26, 53, 589793000, time.UTC)
)

func testSigner(t *testing.T, secret []byte) *Signer {
	t.Helper()
	s, err := NewSigner(secret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func issue(t *testing.T, s *Signer, now time.Time) string {
	t.Helper()
	tok, err := s.Issue(42, "sales", now.Add(-time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// mapToken signs claims with method and key, outside Signer, to forge the
// tokens Parse must refuse.
func mapToken(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func validClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"sub": "42", "role": "admin", "iss": "epic-tui", "aud": "epic-tui",
		"iat": t0.Unix(), "iat_us": t0.UnixMicro(), "exp": t0.Add(time.Hour).Unix(),
	}
}

func wantInvalid(t *testing.T, s *Signer, tok string) {
	t.Helper()
	_, err := s.Parse(tok, t0.Add(time.Minute))
	if !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("Parse = %v; want ErrTokenInvalid", err)
	}
	if err.Error() != ErrTokenInvalid.Error() {
		t.Fatalf("error text %q; want the human sentence only", err.Error())
	}
}

func TestNewSignerRefusesShortSecret(t *testing.T) {
	_, err := NewSigner([]byte("0123456789abcdef0123456789abcde")) // 31 bytes
	if !errors.Is(err, ErrSecretTooShort) || !strings.Contains(err.Error(), "EPIC_SECRET must be at least 32 bytes") {
		t.Fatalf("NewSigner(31 bytes) = %v; want ErrSecretTooShort", err)
	}
}

func TestTokenRoundTrip(t *testing.T) {
	s := testSigner(t, testSecret)
	tok := issue(t, s, t0)
	got, err := s.Parse(tok, t0.Add(TokenLifetime-time.Second))
	if err != nil {
		t.Fatal(err)
	}
	want := Claims{
		UserID:     42,
		Role:       "sales",
		IssuedAt:   t0.Truncate(time.Microsecond),
		ExpiresAt:  t0.Add(TokenLifetime).Truncate(time.Second),
		ValidAfter: t0.Add(-time.Hour).Truncate(time.Microsecond),
	}
	if got.UserID != want.UserID || got.Role != want.Role || !got.ValidAfter.Equal(want.ValidAfter) ||
		!got.IssuedAt.Equal(want.IssuedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Fatalf("Parse = %+v; want %+v", got, want)
	}
}

func TestTokenCarriesStandardClaims(t *testing.T) {
	tok := issue(t, testSigner(t, testSecret), t0)
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"sub", "role", "iat", "exp", "iss", "aud"} {
		if _, ok := m[k]; !ok {
			t.Errorf("payload %s lacks %q", payload, k)
		}
	}
	if m["sub"] != "42" || m["iss"] != "epic-tui" {
		t.Errorf("payload %s: want sub \"42\" and iss \"epic-tui\"", payload)
	}
	if exp, iat := m["exp"].(float64), m["iat"].(float64); exp-iat != TokenLifetime.Seconds() {
		t.Errorf("exp - iat = %v s; want %v", exp-iat, TokenLifetime.Seconds())
	}
}

func TestTokenExpired(t *testing.T) {
	s := testSigner(t, testSecret)
	tok := issue(t, s, t0)
	_, err := s.Parse(tok, t0.Add(TokenLifetime+time.Second))
	if !errors.Is(err, ErrTokenExpired) || errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("Parse after expiry = %v; want ErrTokenExpired only", err)
	}
	if err.Error() != "your session has expired; please sign in again" {
		t.Fatalf("error text %q", err.Error())
	}
}

func TestTokenTamperedPayload(t *testing.T) {
	s := testSigner(t, testSecret)
	parts := strings.Split(issue(t, s, t0), ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forged := bytes.Replace(payload, []byte(`"role":"sales"`), []byte(`"role":"admin"`), 1)
	if bytes.Equal(forged, payload) {
		t.Fatalf("payload %s has no role to change", payload)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(forged)
	wantInvalid(t, s, strings.Join(parts, "."))
}

func TestTokenFromOtherSecret(t *testing.T) {
	wantInvalid(t, testSigner(t, testSecret), issue(t, testSigner(t, otherSecret), t0))
}

func TestTokenAlgNone(t *testing.T) {
	tok := mapToken(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, validClaims())
	wantInvalid(t, testSigner(t, testSecret), tok)
}

func TestTokenHS512(t *testing.T) {
	tok := mapToken(t, jwt.SigningMethodHS512, testSecret, validClaims())
	wantInvalid(t, testSigner(t, testSecret), tok)
}

// An RS256 header with an HMAC signature is the classic key-confusion forgery.
func TestTokenRS256Header(t *testing.T) {
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	body, _ := json.Marshal(validClaims())
	signing := header + "." + base64.RawURLEncoding.EncodeToString(body)
	mac := hmac.New(sha256.New, testSecret)
	mac.Write([]byte(signing))
	tok := signing + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	wantInvalid(t, testSigner(t, testSecret), tok)
}

// A control for the forged tokens above: the same claims, signed as Issue
// would, are accepted, so the rejections are about what each test changed.
func TestTokenHandMadeHS256Accepted(t *testing.T) {
	tok := mapToken(t, jwt.SigningMethodHS256, testSecret, validClaims())
	if _, err := testSigner(t, testSecret).Parse(tok, t0.Add(time.Minute)); err != nil {
		t.Fatalf("Parse = %v; want nil", err)
	}
}

func TestTokenWrongClaims(t *testing.T) {
	for name, change := range map[string]func(jwt.MapClaims){
		"wrong iss":     func(c jwt.MapClaims) { c["iss"] = "someone-else" },
		"wrong aud":     func(c jwt.MapClaims) { c["aud"] = "someone-else" },
		"no iss":        func(c jwt.MapClaims) { delete(c, "iss") },
		"no aud":        func(c jwt.MapClaims) { delete(c, "aud") },
		"no exp":        func(c jwt.MapClaims) { delete(c, "exp") },
		"no iat":        func(c jwt.MapClaims) { delete(c, "iat") },
		"no iat_us":     func(c jwt.MapClaims) { delete(c, "iat_us") },
		"iat in future": func(c jwt.MapClaims) { c["iat"] = t0.Add(time.Hour).Unix() },
		"no role":       func(c jwt.MapClaims) { delete(c, "role") },
		"bad sub":       func(c jwt.MapClaims) { c["sub"] = "bob" },
	} {
		t.Run(name, func(t *testing.T) {
			c := validClaims()
			change(c)
			wantInvalid(t, testSigner(t, testSecret), mapToken(t, jwt.SigningMethodHS256, testSecret, c))
		})
	}
}

func TestTokenMalformed(t *testing.T) {
	s := testSigner(t, testSecret)
	for _, tok := range []string{"", "garbage", "a.b.c", strings.Repeat(".", 2)} {
		wantInvalid(t, s, tok)
	}
}

func TestTokenIssuedAtSubSecond(t *testing.T) {
	s := testSigner(t, testSecret)
	first := t0.Truncate(time.Second).Add(100 * time.Millisecond)
	second := first.Add(10 * time.Millisecond)
	a, err := s.Parse(issue(t, s, first), second)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Parse(issue(t, s, second), second)
	if err != nil {
		t.Fatal(err)
	}
	if !a.IssuedAt.Before(b.IssuedAt) {
		t.Fatalf("IssuedAt %v then %v; want ordered within one second", a.IssuedAt, b.IssuedAt)
	}
	// What the domain's revocation check relies on: a revocation between the
	// two issues falls after the first token and before the second.
	revoked := first.Add(5 * time.Millisecond)
	if !a.IssuedAt.Before(revoked) || b.IssuedAt.Before(revoked) {
		t.Fatalf("revocation at %v does not separate %v and %v", revoked, a.IssuedAt, b.IssuedAt)
	}
}

func TestTokenBoundToAudience(t *testing.T) {
	base := testSigner(t, []byte("0123456789abcdef0123456789abcdef"))
	a, b := base.ForAudience("db-a"), base.ForAudience("db-b")
	now := time.Now()
	tok, err := a.Issue(7, "admin", now, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Parse(tok, now); err != nil {
		t.Fatalf("own audience refused: %v", err)
	}
	if _, err := b.Parse(tok, now); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("a token for another database accepted: %v", err)
	}
	if _, err := base.Parse(tok, now); !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("a database's token accepted without audience: %v", err)
	}
}
