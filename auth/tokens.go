package auth

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TokenLifetime is how long a session token stays valid after sign-in.
const TokenLifetime = 8 * time.Hour

// MinSecretLength is the shortest signing secret accepted, in bytes.
const MinSecretLength = 32

const tokenIssuer = "epic-tui"

// Errors returned by (*Signer).Parse; their text is meant to be shown as is.
var (
	ErrTokenExpired = errors.New("your session has expired; please sign in again")
	ErrTokenInvalid = errors.New("your saved session is not valid; please sign in again")
)

// ErrSecretTooShort is returned by NewSigner for a secret under MinSecretLength bytes.
var ErrSecretTooShort = fmt.Errorf("EPIC_SECRET must be at least %d bytes", MinSecretLength)

// Claims is what a valid token says about its holder.
type Claims struct {
	UserID int64
	Role   string
	// IssuedAt has microsecond precision, so that a token issued just after a
	// revocation, in the same second, is still told apart from one issued
	// just before it.
	IssuedAt  time.Time
	ExpiresAt time.Time
	// ValidAfter is the user's tokens_valid_after when the token was
	// issued: the token holds while that value has not moved, which needs
	// no agreement between the clocks of the machines involved.
	ValidAfter time.Time
}

// tokenClaims is the JWT payload. The standard iat only has whole seconds, so
// iat_us carries the same instant in microseconds for revocation checks.
type tokenClaims struct {
	Role         string `json:"role"`
	IssuedAtUS   int64  `json:"iat_us"`
	ValidAfterUS int64  `json:"tva_us"`
	jwt.RegisteredClaims
}

// Signer issues and checks HS256 session tokens.
type Signer struct {
	secret   []byte
	audience string
}

// NewSigner returns a Signer using secret, which must be at least
// MinSecretLength bytes.
func NewSigner(secret []byte) (*Signer, error) {
	if len(secret) < MinSecretLength {
		return nil, fmt.Errorf("auth: new signer: %w", ErrSecretTooShort)
	}
	// Copied so that a caller reusing its slice cannot change the key.
	return &Signer{secret: append([]byte(nil), secret...), audience: tokenIssuer}, nil
}

// ForAudience returns a Signer whose tokens name audience (the database they
// were issued for) and which refuses tokens naming another: two databases
// sharing a secret do not share sessions.
func (s *Signer) ForAudience(audience string) *Signer {
	return &Signer{secret: s.secret, audience: tokenIssuer + ":" + audience}
}

// Issue returns a signed token for userID with role and the user's
// tokens_valid_after, issued at now and expiring TokenLifetime later.
func (s *Signer) Issue(userID int64, role string, validAfter, now time.Time) (string, error) {
	claims := tokenClaims{
		Role:         role,
		IssuedAtUS:   now.UnixMicro(),
		ValidAfterUS: validAfter.UnixMicro(),
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   strconv.FormatInt(userID, 10),
			Issuer:    tokenIssuer,
			Audience:  jwt.ClaimStrings{s.audience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(TokenLifetime)),
		},
	}
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.secret)
	if err != nil {
		return "", fmt.Errorf("auth: issue token for user %d: %w", userID, err)
	}
	return token, nil
}

// Parse checks token as of now and returns its claims. Errors match
// ErrTokenExpired or ErrTokenInvalid with errors.Is, and read as one human
// sentence; the underlying jwt error stays reachable through errors.Is/As.
// Revocation is not checked here: compare Claims.IssuedAt with the user's
// tokens_valid_after.
func (s *Signer) Parse(token string, now time.Time) (Claims, error) {
	parser := jwt.NewParser(
		// Only HS256: refuses "none", and RS256/ES256 tokens that would try to
		// pass the shared secret off as a public key.
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(tokenIssuer),
		jwt.WithAudience(s.audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	var tc tokenClaims
	_, err := parser.ParseWithClaims(token, &tc, func(*jwt.Token) (any, error) {
		return s.secret, nil
	})
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return Claims{}, &tokenError{reason: ErrTokenExpired, err: err}
	case err != nil:
		return Claims{}, &tokenError{reason: ErrTokenInvalid, err: err}
	}

	// The parser only checks iat when present; ours always carries it.
	if tc.IssuedAt == nil || tc.IssuedAtUS <= 0 || tc.Role == "" {
		return Claims{}, &tokenError{reason: ErrTokenInvalid, err: errors.New("missing iat, iat_us or role")}
	}
	id, err := strconv.ParseInt(tc.Subject, 10, 64)
	if err != nil || id <= 0 {
		return Claims{}, &tokenError{reason: ErrTokenInvalid, err: fmt.Errorf("bad subject %q", tc.Subject)}
	}
	return Claims{
		UserID:     id,
		Role:       tc.Role,
		IssuedAt:   time.UnixMicro(tc.IssuedAtUS),
		ExpiresAt:  tc.ExpiresAt.Time,
		ValidAfter: time.UnixMicro(tc.ValidAfterUS).UTC(),
	}, nil
}

// tokenError reads as its human reason while keeping the technical cause for
// errors.Is/As and for logs.
type tokenError struct {
	reason error // ErrTokenExpired or ErrTokenInvalid
	err    error
}

func (e *tokenError) Error() string   { return e.reason.Error() }
func (e *tokenError) Unwrap() []error { return []error{e.reason, e.err} }
