package domain

import (
	"context"
	"errors"
)

// ClientInput is what creating or editing a client takes.
type ClientInput struct {
	FullName    string
	Email       string
	Phone       string
	CompanyName string
	// SalesContactID is chosen by an administrator only; a sales person
	// creating a client becomes its sales contact and leaves it 0.
	SalesContactID int64
	// RequestKey, when set, makes a save safe to send again: a create
	// under a key that already made a record returns that record, an edit
	// under a key that already changed it returns it as it is. A form keeps
	// one key from opening to closing.
	RequestKey string
}

// ClientDetail is a client with its contracts and events.
type ClientDetail struct {
	Client    Client
	Contracts []Contract
	Events    []Event
}

// ClientService manages clients.
type ClientService struct{ c *core }

// List returns a page of clients.
func (s *ClientService) List(ctx context.Context, sess Session, q ClientQuery) (Page[Client], error) {
	actor, err := s.c.authorize(ctx, s.c.store, sess, EntityClient, ActionRead)
	if err != nil {
		return Page[Client]{}, err
	}
	if err := checkSort(q.Sort, ClientSorts); err != nil {
		return Page[Client]{}, err
	}
	if q.Mine {
		q.SalesContactID = actor.ID
	}
	pageLimit(&q.PageQuery)
	return s.c.store.ListClients(ctx, q)
}

// Count returns how many clients match q.
func (s *ClientService) Count(ctx context.Context, sess Session, q ClientQuery) (int, error) {
	actor, err := s.c.authorize(ctx, s.c.store, sess, EntityClient, ActionRead)
	if err != nil {
		return 0, err
	}
	if q.Mine {
		q.SalesContactID = actor.ID
	}
	return s.c.store.CountClients(ctx, q)
}

// Estimate tells quickly about how many clients match q.
func (s *ClientService) Estimate(ctx context.Context, sess Session, q ClientQuery) (Estimate, error) {
	actor, err := s.c.authorize(ctx, s.c.store, sess, EntityClient, ActionRead)
	if err != nil {
		return Estimate{}, err
	}
	if q.Mine {
		q.SalesContactID = actor.ID
	}
	return s.c.store.EstimateClients(ctx, q)
}

// Get returns a client with its contracts and events.
func (s *ClientService) Get(ctx context.Context, sess Session, id int64) (ClientDetail, error) {
	if _, err := s.c.authorize(ctx, s.c.store, sess, EntityClient, ActionRead); err != nil {
		return ClientDetail{}, err
	}
	c, err := s.c.store.Client(ctx, id)
	if err != nil {
		return ClientDetail{}, err
	}
	contracts, err := s.c.store.ListContracts(ctx, ContractQuery{ClientID: id, PageQuery: PageQuery{Limit: relatedLimit}})
	if err != nil {
		return ClientDetail{}, err
	}
	events, err := s.c.store.ListEvents(ctx, EventQuery{ClientID: id, PageQuery: PageQuery{Limit: relatedLimit}})
	if err != nil {
		return ClientDetail{}, err
	}
	return ClientDetail{Client: c, Contracts: contracts.Items, Events: events.Items}, nil
}

func validateClient(in ClientInput) (Client, error) {
	var c Client
	var err error
	if c.FullName, err = ValidateName("full_name", "full name", in.FullName, true); err != nil {
		return c, err
	}
	if c.Email, err = NormalizeEmail(in.Email); err != nil {
		return c, err
	}
	if c.Phone, err = NormalizePhone(in.Phone); err != nil {
		return c, err
	}
	if c.CompanyName, err = ValidateName("company_name", "company name", in.CompanyName, false); err != nil {
		return c, err
	}
	return c, nil
}

// salesContact checks that id names an active sales person.
func salesContact(ctx context.Context, q Queries, id int64) (User, error) {
	if id == 0 {
		return User{}, invalid("sales_contact_id", "choose the client's sales contact")
	}
	// Held until commit: nobody takes them off sales meanwhile.
	if err := q.Lock(ctx, EntityUser, id); err != nil {
		return User{}, err
	}
	u, err := q.User(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return User{}, invalid("sales_contact_id", "the chosen sales contact does not exist")
	}
	if err != nil {
		return User{}, err
	}
	if u.Role != RoleSales || !u.Active {
		return User{}, invalid("sales_contact_id", "the sales contact must be an active sales user; %s is not", u.FullName)
	}
	return u, nil
}

// Create adds a client. A sales person becomes its sales contact; an
// administrator picks an active sales user.
func (s *ClientService) Create(ctx context.Context, sess Session, in ClientInput) (Client, error) {
	var out Client
	err := s.c.store.InTx(ctx, func(q Queries) error {
		actor, err := s.c.authorize(ctx, q, sess, EntityClient, ActionCreate)
		if err != nil {
			return err
		}
		c, err := validateClient(in)
		if err != nil {
			return err
		}
		switch {
		case actor.Role == RoleSales:
			if in.SalesContactID != 0 && in.SalesContactID != actor.ID {
				return s.c.refuse(actor, EntityClient, ActionCreate, 0, "only an administrator chooses another sales contact")
			}
			c.SalesContactID = actor.ID
		case actor.Role == RoleAdmin:
			if _, err := salesContact(ctx, q, in.SalesContactID); err != nil {
				return err
			}
			c.SalesContactID = in.SalesContactID
		default:
			return s.c.refuse(actor, EntityClient, ActionCreate, 0, "%s users cannot create clients", actor.Role.Label())
		}
		if prev, ok, err := replayed(ctx, q, actor, EntityClient, in.RequestKey, q.Client, func(p Client) bool {
			return p.FullName == c.FullName && p.Email == c.Email && p.Phone == c.Phone &&
				p.CompanyName == c.CompanyName && p.SalesContactID == c.SalesContactID
		}); ok || err != nil {
			out = prev
			return err
		}
		now := s.c.stamp()
		c.CreatedAt, c.UpdatedAt = now, now
		if err := q.InsertClient(ctx, &c); err != nil {
			return err
		}
		if err := s.c.audit(ctx, q, actor, EntityClient, c.ID, ActionCreate, clientCreated(c), in.RequestKey); err != nil {
			return err
		}
		out, err = q.Client(ctx, c.ID)
		return err
	})
	return out, err
}

// Update edits a client at the version the caller read. Its sales contact
// edits it; only an administrator reassigns it.
func (s *ClientService) Update(ctx context.Context, sess Session, id int64, version int, in ClientInput) (Client, error) {
	var out Client
	err := s.c.store.InTx(ctx, func(q Queries) error {
		actor, err := s.c.authorize(ctx, q, sess, EntityClient, ActionUpdate)
		if err != nil {
			return err
		}
		old, err := q.Client(ctx, id)
		if err != nil {
			return err
		}
		if err := s.c.permit(actor, EntityClient, ActionUpdate, id, old.SalesContactID); err != nil {
			return err
		}
		prior, err := priorChange(ctx, q, actor, EntityClient, id, ActionUpdate, in.RequestKey)
		if err != nil {
			return err
		}
		if prior == nil && old.Version != version {
			return conflict(EntityClient)
		}
		c, err := validateClient(in)
		if err != nil {
			return err
		}
		c.ID, c.Version, c.CreatedAt = old.ID, old.Version, old.CreatedAt
		c.SalesContactID = old.SalesContactID
		if in.SalesContactID != 0 && in.SalesContactID != old.SalesContactID {
			if actor.Role != RoleAdmin {
				return s.c.refuse(actor, EntityClient, ActionUpdate, id, "only an administrator can reassign a client")
			}
			if _, err := salesContact(ctx, q, in.SalesContactID); err != nil {
				return err
			}
			c.SalesContactID = in.SalesContactID
		}
		ch := changes{}
		ch.set("full_name", old.FullName, c.FullName)
		ch.set("email", old.Email, c.Email)
		ch.set("phone", old.Phone, c.Phone)
		ch.set("company_name", old.CompanyName, c.CompanyName)
		ch.set("sales_contact_id", old.SalesContactID, c.SalesContactID)
		if prior != nil && len(ch) > 0 {
			return changedOtherwise(EntityClient, id)
		}
		if len(ch) == 0 {
			out = old
			return nil
		}
		c.UpdatedAt = s.c.stamp()
		if err := q.UpdateClient(ctx, &c); err != nil {
			return err
		}
		if err := s.c.audit(ctx, q, actor, EntityClient, c.ID, ActionUpdate, ch, in.RequestKey); err != nil {
			return err
		}
		out, err = q.Client(ctx, c.ID)
		return err
	})
	return out, err
}

// Delete removes a client without contracts; one with contracts is refused
// with their number. A delete sent again under the key of one that
// committed succeeds without doing anything more.
func (s *ClientService) Delete(ctx context.Context, sess Session, id int64, version int, requestKey string) error {
	return s.c.store.InTx(ctx, func(q Queries) error {
		actor, err := s.c.authorize(ctx, q, sess, EntityClient, ActionDelete)
		if err != nil {
			return err
		}
		if prior, err := priorChange(ctx, q, actor, EntityClient, id, ActionDelete, requestKey); prior != nil || err != nil {
			return err
		}
		c, err := q.Client(ctx, id)
		if err != nil {
			return err
		}
		if err := s.c.permit(actor, EntityClient, ActionDelete, id, c.SalesContactID); err != nil {
			return err
		}
		if c.Version != version {
			return conflict(EntityClient)
		}
		n, err := q.CountContracts(ctx, ContractQuery{ClientID: id})
		if err != nil {
			return err
		}
		if n > 0 {
			return newError(ErrReferenced, "", "client %s has %d contract(s); delete them first", c.FullName, n)
		}
		if err := q.DeleteClient(ctx, id, version); err != nil {
			return err
		}
		ch := changes{}
		ch.set("full_name", c.FullName, nil)
		ch.set("email", c.Email, nil)
		ch.set("phone", c.Phone, nil)
		ch.set("company_name", c.CompanyName, nil)
		ch.set("sales_contact_id", c.SalesContactID, nil)
		return s.c.audit(ctx, q, actor, EntityClient, id, ActionDelete, ch, requestKey)
	})
}
