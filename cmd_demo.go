package main

import (
	"crypto/rand"
	"fmt"
	mathrand "math/rand/v2"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/epicevents/epic-tui/auth"
	"github.com/epicevents/epic-tui/domain"
	"github.com/epicevents/epic-tui/store"
)

func newDemoCommand(dbFlag *string) *cobra.Command {
	var clients int
	demo := &cobra.Command{
		Use:   "demo [--clients N]",
		Short: "Fill an empty database with a demonstration company",
		Long: `Fills an empty database with a plausible company: users of every role, whose
passwords are printed once, here; French and international clients; contracts
unsigned, signed, partly paid and paid; events past and coming, with and
without support. Each record's creation is in its history. A database that
already holds clients is refused. An SQLite file is created and migrated; a
PostgreSQL database needs "epic-tui migrate up" first.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if clients < 1 || clients > maxDemoClients {
				return &usageError{msg: fmt.Sprintf("demo: --clients must be 1 to %d (see epic-tui demo --help)", maxDemoClients)}
			}
			return runDemo(cmd, *dbFlag, clients)
		},
	}
	demo.Flags().IntVar(&clients, "clients", 300, "how many clients to make")
	return demo
}

// maxDemoClients bounds --clients: the emails are numbered within it.
const maxDemoClients = 10_000_000

func runDemo(cmd *cobra.Command, dbFlag string, clients int) error {
	ctx := cmd.Context()
	o, err := startOps(dbFlag)
	if err != nil {
		return err
	}
	defer o.close()
	db, err := openDatabase(ctx, o.cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	// Refused before the passwords are hashed; BulkLoad checks again in
	// its transaction.
	some, err := db.ListClients(ctx, domain.ClientQuery{PageQuery: domain.PageQuery{Limit: 1}})
	if err != nil {
		return err
	}
	if len(some.Items) > 0 {
		return store.ErrNotEmpty
	}
	users, passwords, err := demoUsers(auth.NewArgon2())
	if err != nil {
		return err
	}
	start := time.Now()
	fmt.Fprintf(cmd.ErrOrStderr(), "loading %d clients into %s…\n", clients, store.Redact(o.cfg.DatabaseURL))
	n, err := db.BulkLoad(ctx, demoBulk(users, clients, time.Now()))
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "%d users, %d clients, %d contracts and %d events loaded in %s.\n",
		n.Users, n.Clients, n.Contracts, n.Events, time.Since(start).Round(100*time.Millisecond))
	fmt.Fprintln(out, "Sign in as one of these users; their passwords are shown only this once:")
	for i, u := range users {
		fmt.Fprintf(out, "  %-14s %-22s %s\n", u.Role.Label(), u.Username, passwords[i])
	}
	return nil
}

// demoStaff are the demonstration users: one admin, then management, sales
// and support people.
var demoStaff = []struct {
	name string
	role domain.Role
}{
	{"Camille Durand", domain.RoleAdmin},
	{"Hélène Moreau", domain.RoleManagement},
	{"Thomas Nguyen", domain.RoleManagement},
	{"Léa Lefèvre", domain.RoleSales},
	{"Julien Rousseau", domain.RoleSales},
	{"Amélie Garnier", domain.RoleSales},
	{"Karim Benali", domain.RoleSales},
	{"Sophie Martin", domain.RoleSales},
	{"Noémie Faure", domain.RoleSupport},
	{"Lucas Bernard", domain.RoleSupport},
	{"Inès Chevalier", domain.RoleSupport},
	{"Hugo Lambert", domain.RoleSupport},
}

// demoUsers builds the staff with random passwords, each hashed once.
func demoUsers(h *auth.Argon2) ([]domain.User, []string, error) {
	now := time.Now()
	users := make([]domain.User, 0, len(demoStaff))
	passwords := make([]string, 0, len(demoStaff))
	for i, s := range demoStaff {
		pw := strings.ToLower(rand.Text()[:16])
		hash, err := h.Hash(pw)
		if err != nil {
			return nil, nil, err
		}
		first, last, _ := strings.Cut(s.name, " ")
		login := domain.Fold(first) + "." + domain.Fold(last)
		users = append(users, domain.User{
			EmployeeNumber: fmt.Sprintf("DEMO-%02d", i+1), FullName: s.name, Username: login,
			Email: login + "@epicevents.example", Role: s.role, Active: true, PasswordHash: hash,
			TokensValidAfter: now, CreatedAt: now.AddDate(-3, 0, 0), UpdatedAt: now.AddDate(-3, 0, 0),
		})
		passwords = append(passwords, pw)
	}
	return users, passwords, nil
}

// The parts demonstration clients are made of. The phones have the shape
// of real mobile numbers; the lines are made up.
var (
	frenchFirst = []string{"Élodie", "François", "Margaux", "Benoît", "Chloé", "Jérôme", "Anaïs", "Clément",
		"Gaëlle", "Loïc", "Manon", "Raphaël", "Océane", "Sébastien", "Zoé", "Timothée"}
	frenchLast = []string{"Lefèbvre", "Dubois", "Mercier", "Girard", "Bonnet", "Fournier", "Lemaître", "Roussel",
		"Muller", "Perrin", "Gauthier", "Barbier", "Brunet", "Dumont", "Lacroix", "Noël"}
	worldFirst = []string{"Sofía", "Björn", "Aoife", "Mateus", "Yuki", "Ngozi", "Łukasz", "Priya",
		"Søren", "Chiara", "Oliver", "Amara", "Diego", "Hannah", "Zeynep", "Mikael"}
	worldLast = []string{"García", "Lindqvist", "O'Brien", "Gonçalves", "Tanaka", "Okafor", "Wójcik", "Sharma",
		"Jørgensen", "Rossi", "Smith", "Mensah", "Fernández", "Schäfer", "Yılmaz", "Virtanen"}
	companyKinds = []string{"Atelier", "Maison", "Groupe", "Studio", "Cabinet", "Société", "Laboratoires", "Éditions"}
	worldKinds   = []string{"Holdings", "GmbH", "Ltd", "S.p.A.", "AB", "Partners", "Labs", "& Co"}
	// Mobile prefixes and the digits after the + of a whole number:
	// French ones first, then other countries'.
	frenchPhones = []phonePlan{{"+3361", 11}, {"+3362", 11}, {"+3364", 11}, {"+3366", 11}, {"+3367", 11}, {"+3377", 11}, {"+3378", 11}}
	worldPhones  = []phonePlan{{"+49151", 13}, {"+44781", 12}, {"+346", 11}, {"+3934", 12}, {"+4670", 11}, {"+4176", 11}, {"+3247", 11}, {"+35191", 12}}
	eventKinds   = []string{"Séminaire annuel", "Soirée de gala", "Lancement produit", "Assemblée générale",
		"Conférence clients", "Team building", "Wedding reception", "Product launch", "Salon professionnel", "Anniversaire"}
	places = []string{"Paris — Pavillon Dauphine", "Lyon — Cité Internationale", "Bordeaux — Hangar 14",
		"Marseille — Palais du Pharo", "Lille — Grand Palais", "Nantes — La Cité", "Genève — Palexpo",
		"London — Somerset House", "Barcelona — Fira", "Annecy — Château de Menthon"}
)

// phonePlan is how a country's mobile numbers begin and how long they are.
type phonePlan struct {
	prefix string
	digits int // after the +
}

// demoPhone is a mobile number of plan, in E.164.
func demoPhone(plan phonePlan, rng *mathrand.Rand) string {
	var b strings.Builder
	b.WriteString(plan.prefix)
	for b.Len()-1 < plan.digits {
		b.WriteByte(byte('0' + rng.IntN(10)))
	}
	return b.String()
}

// demoBulk builds the records of a company of n clients, over the three
// years before now, from a fixed seed: the same n gives the same company.
func demoBulk(users []domain.User, n int, now time.Time) store.Bulk {
	var sales, support []*domain.User
	manager := 0
	for i := range users {
		switch users[i].Role {
		case domain.RoleSales:
			sales = append(sales, &users[i])
		case domain.RoleSupport:
			support = append(support, &users[i])
		case domain.RoleManagement:
			manager = i
		}
	}
	rng := mathrand.New(mathrand.NewPCG(2026, 10))
	now = now.UTC().Truncate(time.Second)
	span := 3 * 365 * 24 * time.Hour
	var cur int // the client being built
	return store.Bulk{
		Users: users, Author: "demo", Manager: manager, Clients: n,
		Client: func(i int) domain.Client {
			cur = i
			first, last := frenchFirst[rng.IntN(len(frenchFirst))], frenchLast[rng.IntN(len(frenchLast))]
			company := companyKinds[rng.IntN(len(companyKinds))] + " " + last
			phone := frenchPhones[rng.IntN(len(frenchPhones))]
			if i%3 == 2 {
				first, last = worldFirst[rng.IntN(len(worldFirst))], worldLast[rng.IntN(len(worldLast))]
				company = last + " " + worldKinds[rng.IntN(len(worldKinds))]
				phone = worldPhones[rng.IntN(len(worldPhones))]
			}
			if i%7 == 6 {
				company = "" // a private person
			}
			login := strings.NewReplacer(" ", "", "'", "", "ł", "l", "ø", "o", "ı", "i").Replace(domain.Fold(first + "." + last))
			created := now.Add(-span + time.Duration(rng.Int64N(int64(span-30*24*time.Hour))))
			return domain.Client{
				FullName: first + " " + last, Email: fmt.Sprintf("%s.%d@client.example", login, i+1),
				Phone: demoPhone(phone, rng), CompanyName: company, SalesContactID: sales[i%len(sales)].ID,
				CreatedAt: created, UpdatedAt: created,
			}
		},
		Contracts: func(c domain.Client) []domain.Contract {
			count := 1
			if cur%5 == 4 {
				count = 2
			}
			out := make([]domain.Contract, 0, count)
			for j := range count {
				total := int64(1500+rng.IntN(785)*100) * 100
				created := c.CreatedAt.Add(time.Duration(1+rng.IntN(20)) * 24 * time.Hour)
				k := domain.Contract{TotalAmount: total, AmountDue: total, CreatedAt: created, UpdatedAt: created}
				// Unsigned, signed and unpaid, partly paid, paid.
				state := (cur + j) % 4
				if state > 0 {
					signed := created.Add(time.Duration(1+rng.IntN(10)) * 24 * time.Hour)
					k.Signed, k.SignedAt, k.UpdatedAt = true, &signed, signed
				}
				switch state {
				case 2:
					k.AmountDue = total - total*3/10
				case 3:
					k.AmountDue = 0
				}
				out = append(out, k)
			}
			return out
		},
		Events: func(c domain.Client, k domain.Contract) []domain.Event {
			if !k.Signed {
				// Events are made for signed contracts only.
				return nil
			}
			// Paid contracts had their event; the others' are still to come.
			start := now.Add(time.Duration(1+rng.IntN(180)) * 24 * time.Hour)
			if k.AmountDue == 0 {
				start = k.SignedAt.Add(time.Duration(7+rng.IntN(60)) * 24 * time.Hour)
				if latest := now.Add(-24 * time.Hour); start.After(latest) {
					start = latest
				}
			}
			start = start.Truncate(time.Hour).Add(time.Duration(9+rng.IntN(10)) * time.Hour)
			name := eventKinds[rng.IntN(len(eventKinds))]
			if c.CompanyName != "" {
				name += " " + c.CompanyName
			}
			e := domain.Event{
				Name: name, StartAt: start, EndAt: start.Add(time.Duration(2+rng.IntN(8)) * time.Hour),
				Location: places[rng.IntN(len(places))], Attendees: 20 + rng.IntN(480),
				CreatedAt: *k.SignedAt, UpdatedAt: *k.SignedAt,
			}
			if rng.IntN(4) == 0 {
				e.Notes = "Accès PMR, vestiaire.\nMenu végétarien pour un tiers des invités."
			}
			// Past events had their support; a third of those to come wait for one.
			if k.AmountDue == 0 || cur%3 != 0 {
				e.SupportContactID = &support[rng.IntN(len(support))].ID
			}
			return []domain.Event{e}
		},
	}
}
