package auth

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// privateBits are the permission bits that let anyone but the owner in.
const privateBits fs.FileMode = 0o077

// maxPrivateFile bounds what is read from a session or secret file: both are
// well under a kilobyte, and a huge file there is a mistake, not data.
const maxPrivateFile = 64 << 10

// checkPrivate reports whether mode keeps group and others out. Windows has
// no such bits (Go reports 0666 or 0777 there), so the check is skipped and
// the per-user profile directory is what protects the files.
func checkPrivate(mode fs.FileMode) bool {
	return runtime.GOOS == "windows" || mode.Perm()&privateBits == 0
}

// writeTemp writes data to a new 0600 file in dir and syncs it, so that the
// caller can publish it whole with a rename or a link.
func writeTemp(dir string, data []byte) (name string, err error) {
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// CreateTemp already uses 0600; Chmod makes it explicit and platform-proof.
	if err = f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return "", err
	}
	if _, err = f.Write(data); err != nil {
		return "", err
	}
	if err = f.Sync(); err != nil {
		return "", err
	}
	if err = f.Close(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// syncDir makes a rename or link in dir survive a crash. Best effort: some
// systems cannot sync directories, and the file itself is already synced.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// readPrivate reads a regular file that only its owner may access. It returns
// errNotPrivate, with the file's mode, when others may access it.
func readPrivate(path string) (data []byte, mode fs.FileMode, err error) {
	info, err := os.Lstat(path)
	if err != nil {
		return nil, 0, err
	}
	if !info.Mode().IsRegular() {
		return nil, info.Mode(), fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	// Checked on the open file, so that a swap after Lstat cannot slip by.
	info, err = f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if !checkPrivate(info.Mode()) {
		return nil, info.Mode(), errNotPrivate
	}
	data, err = io.ReadAll(io.LimitReader(f, maxPrivateFile+1))
	if err != nil {
		return nil, info.Mode(), err
	}
	if len(data) > maxPrivateFile {
		return nil, info.Mode(), fmt.Errorf("%s is larger than %d bytes", path, maxPrivateFile)
	}
	return data, info.Mode(), nil
}

// errNotPrivate is readPrivate's internal signal that the mode is too loose;
// callers turn it into their own message.
var errNotPrivate = errors.New("file is accessible to other users")

// ensureDir creates dir with 0700 if missing.
func ensureDir(dir string) error {
	return os.MkdirAll(filepath.Clean(dir), 0o700)
}
