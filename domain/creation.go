package domain

import (
	"encoding/json"
	"fmt"
	"time"
)

// The changes a record's creation writes to its audit row: each field as
// [null, value]. The services and the store's bulk load both write them,
// so that a loaded record's history reads as a typed one's.

func userCreated(u User) changes {
	ch := changes{}
	ch.set("employee_number", nil, u.EmployeeNumber)
	ch.set("full_name", nil, u.FullName)
	ch.set("username", nil, u.Username)
	ch.set("email", nil, u.Email)
	ch.set("role", nil, string(u.Role))
	ch.set("active", nil, u.Active)
	return ch
}

func clientCreated(c Client) changes {
	ch := changes{}
	ch.set("full_name", nil, c.FullName)
	ch.set("email", nil, c.Email)
	ch.set("phone", nil, c.Phone)
	ch.set("company_name", nil, c.CompanyName)
	ch.set("sales_contact_id", nil, c.SalesContactID)
	return ch
}

func contractCreated(c Contract) changes {
	ch := changes{}
	ch.set("client_id", nil, c.ClientID)
	ch.set("total_amount", nil, c.TotalAmount)
	ch.set("amount_due", nil, c.AmountDue)
	ch.set("signed", nil, c.Signed)
	return ch
}

func eventCreated(e Event) changes {
	ch := changes{}
	ch.set("name", nil, e.Name)
	ch.set("contract_id", nil, e.ContractID)
	ch.set("support_contact_id", nil, idOrNil(e.SupportContactID))
	ch.set("start_at", nil, e.StartAt.Format(time.RFC3339))
	ch.set("end_at", nil, e.EndAt.Format(time.RFC3339))
	ch.set("location", nil, e.Location)
	ch.set("attendees", nil, e.Attendees)
	ch.set("notes", nil, e.Notes)
	return ch
}

// CreationChanges is the changes JSON of the audit row that records the
// creation of record, a User, Client, Contract or Event.
func CreationChanges(record any) (string, error) {
	var ch changes
	switch r := record.(type) {
	case User:
		ch = userCreated(r)
	case Client:
		ch = clientCreated(r)
	case Contract:
		ch = contractCreated(r)
	case Event:
		ch = eventCreated(r)
	default:
		return "", fmt.Errorf("domain: no creation changes for %T", record)
	}
	body, err := json.Marshal(ch)
	return string(body), err
}
