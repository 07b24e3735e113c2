package domain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// ContractInput is what creating or editing a contract takes. Amounts are cents.
type ContractInput struct {
	ClientID    int64
	TotalAmount int64
	AmountDue   int64
	Signed      bool
	// RequestKey, when set, makes a save safe to send again: see
	// ClientInput.RequestKey.
	RequestKey string
}

// ContractDetail is a contract with its events.
type ContractDetail struct {
	Contract Contract
	Events   []Event
}

// ContractService manages contracts.
type ContractService struct{ c *core }

// List returns a page of contracts.
func (s *ContractService) List(ctx context.Context, sess Session, q ContractQuery) (Page[Contract], error) {
	actor, err := s.c.authorize(ctx, s.c.store, sess, EntityContract, ActionRead)
	if err != nil {
		return Page[Contract]{}, err
	}
	if err := checkSort(q.Sort, ContractSorts); err != nil {
		return Page[Contract]{}, err
	}
	if q.Mine {
		q.SalesContactID = actor.ID
	}
	pageLimit(&q.PageQuery)
	return s.c.store.ListContracts(ctx, q)
}

// Count returns how many contracts match q.
func (s *ContractService) Count(ctx context.Context, sess Session, q ContractQuery) (int, error) {
	actor, err := s.c.authorize(ctx, s.c.store, sess, EntityContract, ActionRead)
	if err != nil {
		return 0, err
	}
	if q.Mine {
		q.SalesContactID = actor.ID
	}
	return s.c.store.CountContracts(ctx, q)
}

// Estimate tells quickly about how many contracts match q.
func (s *ContractService) Estimate(ctx context.Context, sess Session, q ContractQuery) (Estimate, error) {
	actor, err := s.c.authorize(ctx, s.c.store, sess, EntityContract, ActionRead)
	if err != nil {
		return Estimate{}, err
	}
	if q.Mine {
		q.SalesContactID = actor.ID
	}
	return s.c.store.EstimateContracts(ctx, q)
}

// Get returns a contract with its events.
func (s *ContractService) Get(ctx context.Context, sess Session, id int64) (ContractDetail, error) {
	if _, err := s.c.authorize(ctx, s.c.store, sess, EntityContract, ActionRead); err != nil {
		return ContractDetail{}, err
	}
	c, err := s.c.store.Contract(ctx, id)
	if err != nil {
		return ContractDetail{}, err
	}
	events, err := s.c.store.ListEvents(ctx, EventQuery{ContractID: id, PageQuery: PageQuery{Limit: relatedLimit}})
	if err != nil {
		return ContractDetail{}, err
	}
	return ContractDetail{Contract: c, Events: events.Items}, nil
}

func validateAmounts(total, due int64) error {
	if total <= 0 {
		return invalid("total_amount", "the total amount must be more than zero")
	}
	if total > MaxAmount {
		return invalid("total_amount", "the total amount is too large")
	}
	if due < 0 {
		return invalid("amount_due", "the amount due cannot be negative")
	}
	if due > total {
		return invalid("amount_due", "the amount due (%s) cannot be more than the total (%s)", FormatAmount(due), FormatAmount(total))
	}
	return nil
}

func existingClient(ctx context.Context, q Queries, id int64) (Client, error) {
	if id == 0 {
		return Client{}, invalid("client_id", "choose the contract's client")
	}
	c, err := q.Client(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Client{}, invalid("client_id", "client %d does not exist", id)
	}
	return c, err
}

// Create adds a contract.
func (s *ContractService) Create(ctx context.Context, sess Session, in ContractInput) (Contract, error) {
	var out Contract
	var actor User
	var replay bool
	err := s.c.store.InTx(ctx, func(q Queries) error {
		var err error
		actor, err = s.c.authorize(ctx, q, sess, EntityContract, ActionCreate)
		if err != nil {
			return err
		}
		if _, err := existingClient(ctx, q, in.ClientID); err != nil {
			return err
		}
		if err := validateAmounts(in.TotalAmount, in.AmountDue); err != nil {
			return err
		}
		if out, replay, err = replayed(ctx, q, actor, EntityContract, in.RequestKey, q.Contract, func(p Contract) bool {
			return p.ClientID == in.ClientID && p.TotalAmount == in.TotalAmount && p.AmountDue == in.AmountDue && p.Signed == in.Signed
		}); replay || err != nil {
			return err
		}
		now := s.c.stamp()
		c := Contract{ClientID: in.ClientID, TotalAmount: in.TotalAmount, AmountDue: in.AmountDue, Signed: in.Signed, CreatedAt: now, UpdatedAt: now}
		if c.Signed {
			c.SignedAt = &now
		}
		if err := q.InsertContract(ctx, &c); err != nil {
			return err
		}
		if err := s.c.audit(ctx, q, actor, EntityContract, c.ID, ActionCreate, contractCreated(c), in.RequestKey); err != nil {
			return err
		}
		out, err = q.Contract(ctx, c.ID)
		return err
	})
	if err == nil && out.Signed && !replay {
		s.c.notifySigned(actor, out)
	}
	return out, err
}

// Update edits a contract at the version the caller read. A contract with
// events keeps its client and cannot be unsigned.
func (s *ContractService) Update(ctx context.Context, sess Session, id int64, version int, in ContractInput) (Contract, error) {
	var out Contract
	var actor User
	var signedNow bool
	err := s.c.store.InTx(ctx, func(q Queries) error {
		var err error
		actor, err = s.c.authorize(ctx, q, sess, EntityContract, ActionUpdate)
		if err != nil {
			return err
		}
		// Held until commit: no event is added while it is unsigned.
		if err := q.Lock(ctx, EntityContract, id); err != nil {
			return err
		}
		old, err := q.Contract(ctx, id)
		if err != nil {
			return err
		}
		prior, err := priorChange(ctx, q, actor, EntityContract, id, ActionUpdate, in.RequestKey)
		if err != nil {
			return err
		}
		if prior == nil && old.Version != version {
			return conflict(EntityContract)
		}
		if in.ClientID == 0 {
			in.ClientID = old.ClientID
		}
		if err := validateAmounts(in.TotalAmount, in.AmountDue); err != nil {
			return err
		}
		if in.ClientID != old.ClientID || (old.Signed && !in.Signed) {
			n, err := q.CountEvents(ctx, EventQuery{ContractID: id})
			if err != nil {
				return err
			}
			if n > 0 && in.ClientID != old.ClientID {
				return newError(ErrReferenced, "client_id", "this contract has %d event(s); its client cannot change", n)
			}
			if n > 0 {
				return newError(ErrReferenced, "signed", "this contract has %d event(s); it cannot be unsigned", n)
			}
			if _, err := existingClient(ctx, q, in.ClientID); err != nil {
				return err
			}
		}
		c := old
		c.ClientID, c.TotalAmount, c.AmountDue, c.Signed = in.ClientID, in.TotalAmount, in.AmountDue, in.Signed
		switch {
		case c.Signed && !old.Signed:
			now := s.c.stamp()
			c.SignedAt = &now
			signedNow = true
		case !c.Signed:
			c.SignedAt = nil
		}
		ch := changes{}
		ch.set("client_id", old.ClientID, c.ClientID)
		ch.set("total_amount", old.TotalAmount, c.TotalAmount)
		ch.set("amount_due", old.AmountDue, c.AmountDue)
		ch.set("signed", old.Signed, c.Signed)
		if prior != nil && len(ch) > 0 {
			return changedOtherwise(EntityContract, id)
		}
		if len(ch) == 0 {
			out = old
			return nil
		}
		c.UpdatedAt = s.c.stamp()
		if err := q.UpdateContract(ctx, &c); err != nil {
			return err
		}
		if err := s.c.audit(ctx, q, actor, EntityContract, c.ID, ActionUpdate, ch, in.RequestKey); err != nil {
			return err
		}
		out, err = q.Contract(ctx, c.ID)
		return err
	})
	if err == nil && signedNow {
		s.c.notifySigned(actor, out)
	}
	return out, err
}

// RecordPayment lowers the amount due by cents. Concurrent payments on one
// contract all count: none overwrites another. A payment sent again under
// the key of one that committed returns the contract without paying twice.
func (s *ContractService) RecordPayment(ctx context.Context, sess Session, id int64, cents int64, requestKey string) (Contract, error) {
	if cents <= 0 {
		return Contract{}, invalid("payment", "a payment must be more than zero")
	}
	var out Contract
	err := s.c.store.InTx(ctx, func(q Queries) error {
		actor, err := s.c.authorize(ctx, q, sess, EntityContract, ActionUpdate)
		if err != nil {
			return err
		}
		prior, err := priorChange(ctx, q, actor, EntityContract, id, ActionUpdate, requestKey)
		if err != nil {
			return err
		}
		if prior != nil {
			paid, err := paymentOf(*prior)
			if err != nil {
				return err
			}
			if paid != cents {
				return NewError(ErrDuplicate, "payment", fmt.Sprintf(
					"your earlier save of this form already recorded a payment of %s on contract #%d; close it and check the amount due",
					FormatAmount(paid), id))
			}
			out, err = q.Contract(ctx, id)
			return err
		}
		out, err = q.ApplyPayment(ctx, id, cents, s.c.stamp())
		if err != nil {
			return err
		}
		ch := changes{}
		ch.set("amount_due", out.AmountDue+cents, out.AmountDue)
		return s.c.audit(ctx, q, actor, EntityContract, id, ActionUpdate, ch, requestKey)
	})
	return out, err
}

// paymentOf reads the amount a payment's audit entry took off the amount
// due; an entry of another change under the key is refused.
func paymentOf(a AuditEntry) (int64, error) {
	var ch map[string][2]json.RawMessage
	var before, after int64
	err := json.Unmarshal([]byte(a.Changes), &ch)
	due, found := ch["amount_due"]
	if err == nil && found && len(ch) == 1 {
		if err = json.Unmarshal(due[0], &before); err == nil {
			err = json.Unmarshal(due[1], &after)
		}
	}
	if err != nil || !found || len(ch) != 1 || before <= after {
		return 0, invalid("", "the request key was already used for another change")
	}
	return before - after, nil
}

// Delete removes a contract without events; one with events is refused. A
// delete sent again under the key of one that committed succeeds without
// doing anything more.
func (s *ContractService) Delete(ctx context.Context, sess Session, id int64, version int, requestKey string) error {
	return s.c.store.InTx(ctx, func(q Queries) error {
		actor, err := s.c.authorize(ctx, q, sess, EntityContract, ActionDelete)
		if err != nil {
			return err
		}
		if prior, err := priorChange(ctx, q, actor, EntityContract, id, ActionDelete, requestKey); prior != nil || err != nil {
			return err
		}
		c, err := q.Contract(ctx, id)
		if err != nil {
			return err
		}
		if c.Version != version {
			return conflict(EntityContract)
		}
		n, err := q.CountEvents(ctx, EventQuery{ContractID: id})
		if err != nil {
			return err
		}
		if n > 0 {
			return newError(ErrReferenced, "", "contract %d has %d event(s); delete them first", id, n)
		}
		if err := q.DeleteContract(ctx, id, version); err != nil {
			return err
		}
		ch := changes{}
		ch.set("client_id", c.ClientID, nil)
		ch.set("total_amount", c.TotalAmount, nil)
		ch.set("amount_due", c.AmountDue, nil)
		ch.set("signed", c.Signed, nil)
		return s.c.audit(ctx, q, actor, EntityContract, id, ActionDelete, ch, requestKey)
	})
}

func (c *core) notifySigned(actor User, k Contract) {
	if c.observer != nil {
		c.observer.ContractSigned(actor, k)
	}
}
