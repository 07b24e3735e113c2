package domain

import (
	"context"
	"errors"
)

// Batch runs fn with services whose every call shares one transaction: what
// fn does is committed together when it returns nil, and nothing of it when
// it returns an error. Each call still checks permissions, validates and
// audits exactly as alone. A call that fails is not undone on its own, so fn
// must return an error when any did. The observer hears of the changes
// after the commit only. Like InTx, the store may run fn again from the
// start when the database aborted it.
func (a *App) Batch(ctx context.Context, fn func(b *App) error) error {
	var held *heldObserver
	err := a.core.store.InTx(ctx, func(q Queries) error {
		held = &heldObserver{}
		c := *a.core
		c.store = txStore{q}
		c.observer = held
		return fn(newApp(&c))
	})
	if err == nil && a.core.observer != nil {
		for _, call := range held.calls {
			call(a.core.observer)
		}
	}
	return err
}

// txStore is a store already inside a transaction: a service's own InTx
// joins it.
type txStore struct{ Queries }

func (t txStore) InTx(_ context.Context, fn func(q Queries) error) error { return fn(t.Queries) }

// heldObserver keeps what a batch would have told the observer until it
// commits.
type heldObserver struct{ calls []func(Observer) }

func (h *heldObserver) UserCreated(actor, created User) {
	h.calls = append(h.calls, func(o Observer) { o.UserCreated(actor, created) })
}

func (h *heldObserver) UserUpdated(actor, updated User, fields []string) {
	h.calls = append(h.calls, func(o Observer) { o.UserUpdated(actor, updated, fields) })
}

func (h *heldObserver) ContractSigned(actor User, c Contract) {
	h.calls = append(h.calls, func(o Observer) { o.ContractSigned(actor, c) })
}

// ByEmail returns the client with the given email (normalised first), to
// anyone who may read clients.
func (s *ClientService) ByEmail(ctx context.Context, sess Session, email string) (Client, error) {
	if _, err := s.c.authorize(ctx, s.c.store, sess, EntityClient, ActionRead); err != nil {
		return Client{}, err
	}
	norm, err := NormalizeEmail(email)
	if err != nil {
		return Client{}, err
	}
	return s.c.store.ClientByEmail(ctx, norm)
}

// ByLogin returns the user with the given username or email, to anyone who
// may read users.
func (s *UserService) ByLogin(ctx context.Context, sess Session, login string) (User, error) {
	if _, err := s.c.authorize(ctx, s.c.store, sess, EntityUser, ActionRead); err != nil {
		return User{}, err
	}
	u, err := s.c.store.UserByLogin(ctx, Fold(login))
	if errors.Is(err, ErrNotFound) {
		return User{}, newError(ErrNotFound, "", "no user is named %q", login)
	}
	return readable(u), err
}
