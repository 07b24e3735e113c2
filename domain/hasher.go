package domain

// PasswordHasher turns passwords into PHC strings and checks them. The auth
// package implements it with argon2id.
type PasswordHasher interface {
	// Hash returns the PHC string of password.
	Hash(password string) (string, error)
	// Verify reports whether password matches hash, and whether hash was made
	// with other parameters than the current ones and should be replaced.
	Verify(password, hash string) (ok, needsRehash bool, err error)
	// Waste spends the time of one Verify, so that an unknown user costs as
	// much as a known one.
	Waste(password string)
}
