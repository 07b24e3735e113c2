package main

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/getsentry/sentry-go"
	"github.com/joho/godotenv"

	"github.com/epicevents/epic-tui/auth"
)

// config is the validated configuration: the README's Configuration section.
type config struct {
	DatabaseURL       string // postgres://… or a SQLite file path
	DefaultDatabase   bool   // DatabaseURL is the local default
	Secret            []byte // nil until needed: see signingSecret
	secretFromEnv     bool
	SentryDSN         string
	SentryEnvironment string
	ConfigDir         string // where the session lives
	StateDir          string // where the log lives
}

// configError is a bad configuration value: one line naming the variable,
// exit code 2.
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

func badConfig(format string, args ...any) error {
	return &configError{msg: fmt.Sprintf(format, args...)}
}

// loadConfig reads .env from the working directory (the real environment
// wins), then the environment, then the --db flag.
func loadConfig(dbFlag string) (*config, error) {
	if err := godotenv.Load(); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, badConfig(".env: %v", err)
	}
	c := &config{
		SentryDSN:         strings.TrimSpace(os.Getenv("SENTRY_DSN")),
		SentryEnvironment: strings.TrimSpace(os.Getenv("SENTRY_ENVIRONMENT")),
	}
	var err error
	if c.ConfigDir, err = os.UserConfigDir(); err != nil {
		return nil, badConfig("cannot find the configuration directory: %v (set HOME or XDG_CONFIG_HOME)", err)
	}
	if c.StateDir, err = stateDir(); err != nil {
		return nil, err
	}

	name, raw := "EPIC_DATABASE_URL", os.Getenv("EPIC_DATABASE_URL")
	if dbFlag != "" {
		name, raw = "--db", dbFlag
	}
	if strings.TrimSpace(raw) == "" {
		dir, err := dataDir()
		if err != nil {
			return nil, err
		}
		c.DatabaseURL, c.DefaultDatabase = filepath.Join(dir, "epic-tui.db"), true
	} else if c.DatabaseURL, err = checkDatabaseURL(name, strings.TrimSpace(raw)); err != nil {
		return nil, err
	}

	if s := os.Getenv("EPIC_SECRET"); s != "" {
		if len(s) < 32 {
			return nil, badConfig("EPIC_SECRET must be at least 32 bytes (it has %d)", len(s))
		}
		c.Secret, c.secretFromEnv = []byte(s), true
	}
	if c.SentryDSN != "" {
		if _, err := sentry.NewDsn(c.SentryDSN); err != nil {
			return nil, badConfig("SENTRY_DSN is not a valid Sentry DSN: %v", err)
		}
	}
	return c, nil
}

// checkDatabaseURL accepts postgres:// URLs, sqlite:// URLs and file paths.
func checkDatabaseURL(name, raw string) (string, error) {
	lower := strings.ToLower(raw)
	switch {
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"):
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return "", badConfig("%s is not a valid PostgreSQL URL (postgres://user:password@host:5432/dbname)", name)
		}
		return raw, nil
	case strings.HasPrefix(lower, "sqlite://"):
		if strings.TrimPrefix(raw[len("sqlite://"):], "/") == "" {
			return "", badConfig("%s names no SQLite file (sqlite:///path/to/file.db)", name)
		}
		return raw, nil
	case strings.Contains(raw, "://"):
		scheme, _, _ := strings.Cut(raw, "://")
		return "", badConfig("%s has unsupported scheme %q (use postgres://… or a SQLite file path)", name, scheme)
	}
	return raw, nil
}

// isPostgres reports whether the URL names a PostgreSQL database.
func isPostgres(dbURL string) bool {
	l := strings.ToLower(dbURL)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// checkSecret fails when the database needs EPIC_SECRET and it is not set,
// so a command stops before it writes anything.
func (c *config) checkSecret() error {
	if c.Secret == nil && isPostgres(c.DatabaseURL) {
		return errSecretRequired
	}
	return nil
}

// errSecretRequired says what a PostgreSQL database lacks without EPIC_SECRET.
var errSecretRequired = badConfig("EPIC_SECRET is required with a PostgreSQL database (at least 32 random bytes, the same for the whole team)")

// signingSecret returns EPIC_SECRET, or for a SQLite database a random
// secret generated once and kept beside the database file (0600).
func (c *config) signingSecret() ([]byte, error) {
	if c.Secret != nil {
		return c.Secret, nil
	}
	if isPostgres(c.DatabaseURL) {
		return nil, errSecretRequired
	}
	path := strings.TrimPrefix(c.DatabaseURL, "sqlite://")
	path = strings.TrimPrefix(path, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	secret, err := auth.LoadOrCreateSecret(path + ".secret")
	if err != nil {
		return nil, err
	}
	c.Secret = secret
	return secret, nil
}

// dataDir is where the default database lives: $XDG_DATA_HOME/epic-tui, or
// the platform's equivalent.
func dataDir() (string, error) {
	return userDir("XDG_DATA_HOME", ".local/share", "Library/Application Support")
}

// stateDir is where the log lives: $XDG_STATE_HOME/epic-tui.
func stateDir() (string, error) {
	return userDir("XDG_STATE_HOME", ".local/state", "Library/Logs")
}

func userDir(env, unixRel, darwinRel string) (string, error) {
	if d := os.Getenv(env); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "epic-tui"), nil
	}
	if runtime.GOOS == "windows" {
		if d, err := os.UserCacheDir(); err == nil { // %LocalAppData%
			return filepath.Join(d, "epic-tui"), nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", badConfig("cannot find the home directory: %v (set HOME or %s)", err, env)
	}
	rel := unixRel
	if runtime.GOOS == "darwin" {
		rel = darwinRel
	}
	return filepath.Join(home, rel, "epic-tui"), nil
}

// viewsPath is the file where the app remembers each person's tab views
// (filters, sort, search), beside the sessions.
func viewsPath(configDir string) string {
	return filepath.Join(configDir, "epic-tui", "views.json")
}
