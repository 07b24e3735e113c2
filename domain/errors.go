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
// when there is one, so a form can show the message beside it. Cause, when
// set, is the fault behind it (a driver's error): it is for the log and
// Sentry, never for the screen.
type Error struct {
	Kind  error
	Field string
	Msg   string
	Cause error
}

func (e *Error) Error() string { return e.Msg }

// Unwrap lets errors.Is match the kind, and errors.As find the cause.
func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Cause}
}

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

// Detail is err as the log should keep it: the sentence people saw followed
// by the fault behind it, when there is one.
func Detail(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Cause != nil {
		return e.Msg + ": " + e.Cause.Error()
	}
	return err.Error()
}

// FieldOf returns the input field an error concerns, or "".
func FieldOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
