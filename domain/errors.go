// Package domain holds the entities of Epic Events, their validation, the
// permission policy and one service per entity. It knows nothing of SQL or of
// terminals: storage comes through the Store interface, password hashing
// through PasswordHasher.
package domain

import (
	"errors"
	"fmt"
)

// Kinds of failure. Every error the domain returns wraps exactly one of them,
// so callers compare with errors.Is and show people Error(), a sentence.
var (
	ErrNotFound        = errors.New("not found")
	ErrConflict        = errors.New("changed by someone else")
	ErrDuplicate       = errors.New("already exists")
	ErrReferenced      = errors.New("still referenced")
	ErrInvalid         = errors.New("invalid input")
	ErrForbidden       = errors.New("not allowed")
	ErrUnauthenticated = errors.New("not signed in")
	ErrUnavailable     = errors.New("database unreachable")
)

// Error is a failure a person can read. Field names the input it concerns,
// when there is one, so a form can show the message beside it.
type Error struct {
	Kind  error
	Field string
	Msg   string
}

func (e *Error) Error() string { return e.Msg }

// Unwrap lets errors.Is match the kind.
func (e *Error) Unwrap() error { return e.Kind }

func newError(kind error, field, format string, args ...any) *Error {
	return &Error{Kind: kind, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func invalid(field, format string, args ...any) *Error {
	return newError(ErrInvalid, field, format, args...)
}

func forbidden(format string, args ...any) *Error {
	return newError(ErrForbidden, "", format, args...)
}

// NewError builds an Error; the store uses it to map driver errors once.
func NewError(kind error, field, msg string) *Error {
	return &Error{Kind: kind, Field: field, Msg: msg}
}

// FieldOf returns the input field an error concerns, or "".
func FieldOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
