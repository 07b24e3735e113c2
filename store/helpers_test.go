package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
)

// testHash passes the schema's check on password hashes.
const testHash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"

var ctx = context.Background()

// baseTime is a fixed instant, in a zone other than UTC on purpose.
var baseTime = time.Date(2031, 5, 17, 14, 30, 15, 123456000, time.FixedZone("CEST", 2*3600))

func newUser(t testing.TB, q domain.Queries, name string, role domain.Role) domain.User {
	t.Helper()
	u := domain.User{
		EmployeeNumber:   "E-" + name,
		FullName:         "User " + name,
		Username:         "u_" + name,
		Email:            name + "@epic.test",
		Role:             role,
		Active:           true,
		PasswordHash:     testHash,
		TokensValidAfter: baseTime,
	}
	if err := q.InsertUser(ctx, &u); err != nil {
		t.Fatalf("insert user %s: %v", name, err)
	}
	return u
}

func newClient(t testing.TB, q domain.Queries, name string, sales int64) domain.Client {
	t.Helper()
	c := domain.Client{
		FullName:       name,
		Email:          fmt.Sprintf("c%d@client.test", time.Now().UnixNano()),
		Phone:          "+33102030405",
		CompanyName:    "Company of " + name,
		SalesContactID: sales,
	}
	if err := q.InsertClient(ctx, &c); err != nil {
		t.Fatalf("insert client %s: %v", name, err)
	}
	return c
}

func newContract(t testing.TB, q domain.Queries, client int64, total, due int64, signed bool) domain.Contract {
	t.Helper()
	c := domain.Contract{ClientID: client, TotalAmount: total, AmountDue: due, Signed: signed}
	if signed {
		at := baseTime
		c.SignedAt = &at
	}
	if err := q.InsertContract(ctx, &c); err != nil {
		t.Fatalf("insert contract: %v", err)
	}
	return c
}

func newEvent(t testing.TB, q domain.Queries, name string, contract int64, support *int64, start time.Time) domain.Event {
	t.Helper()
	e := domain.Event{
		Name:             name,
		ContractID:       contract,
		SupportContactID: support,
		StartAt:          start,
		EndAt:            start.Add(3 * time.Hour),
		Location:         "Lyon",
		Attendees:        40,
		Notes:            "notes of " + name,
	}
	if err := q.InsertEvent(ctx, &e); err != nil {
		t.Fatalf("insert event %s: %v", name, err)
	}
	return e
}

// inTx runs fn in one transaction of db, failing the test on error.
func inTx(t testing.TB, db *store.DB, fn func(q domain.Queries)) {
	t.Helper()
	err := db.InTx(ctx, func(q domain.Queries) error {
		fn(q)
		return nil
	})
	if err != nil {
		t.Fatalf("transaction: %v", err)
	}
}

// wantKind fails unless err wraps kind.
func wantKind(t testing.TB, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error = %v, want one wrapping %q", err, kind)
	}
}

func ptr[T any](v T) *T { return &v }
