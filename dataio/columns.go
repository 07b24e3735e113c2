// Package dataio moves records in and out of epic-tui as CSV (and JSON for
// export): the export and import commands and the application's export key
// use it. Every record passes through the domain services, with the rights
// of the person signed in; the package knows nothing of SQL or terminals.
package dataio

import (
	"strconv"
	"strings"
	"time"

	"github.com/epicevents/epic-tui/domain"
)

// kind says how a column's value is written in JSON; in CSV every value is
// text.
type kind int

const (
	text kind = iota
	integer
	boolean
	money
	timestamp
)

// column is one field of an exported record. Read-only columns are written
// by export and ignored by import.
type column struct {
	name     string
	kind     kind
	readOnly bool
}

var clientColumns = []column{
	{name: "id", kind: integer, readOnly: true},
	{name: "full_name"},
	{name: "email"},
	{name: "phone"},
	{name: "company_name"},
	{name: "sales_contact"},
	{name: "sales_contact_name", readOnly: true},
	{name: "created_at", kind: timestamp, readOnly: true},
	{name: "updated_at", kind: timestamp, readOnly: true},
}

func clientCells(c domain.Client) []string {
	return []string{itoa(c.ID), c.FullName, c.Email, c.Phone, c.CompanyName, c.SalesContactUsername,
		c.SalesContactName, stamp(c.CreatedAt), stamp(c.UpdatedAt)}
}

var contractColumns = []column{
	{name: "id", kind: integer},
	{name: "client_email"},
	{name: "client_name", readOnly: true},
	{name: "sales_contact", readOnly: true},
	{name: "total_amount", kind: money},
	{name: "amount_due", kind: money},
	{name: "signed", kind: boolean},
	{name: "signed_at", kind: timestamp, readOnly: true},
	{name: "created_at", kind: timestamp, readOnly: true},
	{name: "updated_at", kind: timestamp, readOnly: true},
}

func contractCells(k domain.Contract) []string {
	signedAt := ""
	if k.SignedAt != nil {
		signedAt = stamp(*k.SignedAt)
	}
	return []string{itoa(k.ID), k.ClientEmail, k.ClientName, k.SalesContactUsername, euros(k.TotalAmount),
		euros(k.AmountDue), strconv.FormatBool(k.Signed), signedAt, stamp(k.CreatedAt), stamp(k.UpdatedAt)}
}

var eventColumns = []column{
	{name: "id", kind: integer},
	{name: "name"},
	{name: "contract_id", kind: integer},
	{name: "client_email", readOnly: true},
	{name: "client_name", readOnly: true},
	{name: "support_contact"},
	{name: "start_at", kind: timestamp},
	{name: "end_at", kind: timestamp},
	{name: "location"},
	{name: "attendees", kind: integer},
	{name: "notes"},
	{name: "created_at", kind: timestamp, readOnly: true},
	{name: "updated_at", kind: timestamp, readOnly: true},
}

func eventCells(e domain.Event) []string {
	return []string{itoa(e.ID), e.Name, itoa(e.ContractID), e.ClientEmail, e.ClientName, e.SupportContactUsername,
		stamp(e.StartAt), stamp(e.EndAt), e.Location, strconv.Itoa(e.Attendees), e.Notes, stamp(e.CreatedAt), stamp(e.UpdatedAt)}
}

var userColumns = []column{
	{name: "id", kind: integer, readOnly: true},
	{name: "employee_number"},
	{name: "full_name"},
	{name: "username"},
	{name: "email"},
	{name: "role"},
	{name: "active", kind: boolean},
	{name: "created_at", kind: timestamp, readOnly: true},
	{name: "updated_at", kind: timestamp, readOnly: true},
}

func userCells(u domain.User) []string {
	return []string{itoa(u.ID), u.EmployeeNumber, u.FullName, u.Username, u.Email, string(u.Role),
		strconv.FormatBool(u.Active), stamp(u.CreatedAt), stamp(u.UpdatedAt)}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// stamp writes a time in RFC 3339, UTC, to the second.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// euros writes cents as euros with a dot and two decimals, no grouping:
// 1234.50, which every spreadsheet and program reads as a number.
func euros(cents int64) string {
	return strconv.FormatInt(cents/100, 10) + "." + twoDigits(cents%100)
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// formulaStart are the first characters that make a spreadsheet read a cell
// as a formula (or, for tab and carriage return, hide one).
const formulaStart = "=+-@\t\r"

// neutralise keeps a spreadsheet from running a cell as a formula: a cell
// starting with one of formulaStart gets a single quote in front, which
// spreadsheets show as text and import takes off again.
func neutralise(cell string) string {
	if cell != "" && strings.IndexByte(formulaStart, cell[0]) >= 0 {
		return "'" + cell
	}
	return cell
}

// restore undoes neutralise.
func restore(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && strings.IndexByte(formulaStart, cell[1]) >= 0 {
		return cell[1:]
	}
	return cell
}
