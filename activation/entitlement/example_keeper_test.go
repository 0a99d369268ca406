package entitlement_test

import (
	"context"
	"fmt"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/entitlement"
	"github.com/coterm/coterm/token"
)

// A Keeper records the grants and the on-premises changes on the Journal
// of the Book that holds the online subscriptions, exactly once per change
// request, each with its explanation (R14: 80 seats online and 20 licences
// on premises use the 100 granted); the position is computed from what was
// recorded.
func ExampleKeeper() {
	ctx := context.Background()
	org, _ := seed(80)
	org.Pools[0].OnPremises = []string{"Office Professional Plus"}
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	err := book.Import(ctx, activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 80, End: date("2027-07-01")}, date("2026-07-01"))
	if err != nil {
		fmt.Println(err)
		return
	}
	k, err := entitlement.NewKeeper(org, entitlement.KeeperConfig{Book: book})
	if err != nil {
		fmt.Println(err)
		return
	}
	g, err := k.AddGrant(ctx, "grant-2026", entitlement.Grant{Location: "Munich", Membership: org.Locations[0].Years[0].Membership,
		Year: date("2026-07-01"), Pool: "Office", Kind: entitlement.Core, Quantity: 100})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g.Note)
	d := entitlement.Deployment{Location: "Munich", Licence: "Office Professional Plus", Quantity: 20, Day: date("2026-07-03"), Reason: "finance team"}
	e, err := k.Deploy(ctx, "ticket-4711", d)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Note)

	// A retry replays; the same id for another change is refused.
	e, err = k.Deploy(ctx, "ticket-4711", d)
	fmt.Println("replayed:", e.Replayed, "Seq", e.Seq, err)
	d.Quantity = 25
	_, err = k.Deploy(ctx, "ticket-4711", d)
	fmt.Println(err)

	p, err := k.Partner()
	if err != nil {
		fmt.Println(err)
		return
	}
	pos, err := p.Position(ctx, date("2026-08-01"))
	if err != nil {
		fmt.Println(err)
		return
	}
	w := pos.Pools[0].World
	fmt.Printf("%d online + %d on-premises of %d granted: excess %d\n", w.Online, w.OnPremises, w.Granted, pos.Pools[0].Excess)
	// Output:
	// 100 core licences of pool Office granted at Munich by the competency Cloud Productivity year from 2026-07-01: 80 online + 0 on-premises = 80 of 100 granted
	// 20 Office Professional Plus licences deployed at Munich: 80 online + 20 on-premises = 100 of 100 granted
	// replayed: true Seq 2 <nil>
	// entitlement: change request id already used for another change; nothing recorded
	// 80 online + 20 on-premises of 100 granted: excess 0
}

// History yields each change recorded at a location with its
// explanation, oldest first.
func ExampleKeeper_History() {
	ctx := context.Background()
	org, k, err := seedKeeper()
	if err != nil {
		fmt.Println(err)
		return
	}
	lic := org.Pools[0].OnPremises[0]
	for i, n := range []int{20, -5} {
		d := entitlement.Deployment{Location: "Munich", Licence: lic, Quantity: n, Day: date("2026-07-03")}
		if n < 0 {
			d.Quantity = -n
			_, err = k.Remove(ctx, fmt.Sprint("change-", i), d)
		} else {
			_, err = k.Deploy(ctx, fmt.Sprint("change-", i), d)
		}
		if err != nil {
			fmt.Println(err)
			return
		}
	}
	for e, err := range k.History(ctx, "Munich") {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(e.Seq, e.Day.Format("2006-01-02"), e.Level, e.Note)
	}
	// Output:
	// 1 2026-07-03 20 20 Office Professional Plus + CALs licences deployed at Munich: 0 online + 20 on-premises = 20 of 0 granted
	// 2 2026-07-03 15 5 Office Professional Plus + CALs licences removed from Munich: 0 online + 15 on-premises = 15 of 0 granted
}

// A token issued for a program year is recorded once, whatever the
// location: issuing it again elsewhere is refused (R21).
func ExampleKeeper_IssueToken() {
	ctx := context.Background()
	org, k, err := seedKeeper()
	if err != nil {
		fmt.Println(err)
		return
	}
	key := token.MustParseKey("AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2")
	t := entitlement.IssuedToken{Fingerprint: key.Fingerprint(), Location: "Munich", Membership: org.Locations[0].Years[0].Membership,
		Year: date("2026-07-01"), Pool: "Office", ActivateBy: date("2026-09-01")}
	e, err := k.IssueToken(ctx, t)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Note)
	t.ActivateBy = date("2026-10-01")
	_, err = k.IssueToken(ctx, t)
	fmt.Println(err)
	// Output:
	// a token of pool Office issued at Munich for the competency Cloud Productivity year from 2026-07-01, to activate before 2026-09-01
	// entitlement: token.fingerprint: a token already issued, with other details; nothing recorded
}

// seedKeeper returns the organisation of [seed] and a Keeper of it on a
// MemoryJournal.
func seedKeeper() (entitlement.Organisation, *entitlement.Keeper, error) {
	org, _ := seed(80)
	k, err := entitlement.NewKeeper(org, entitlement.KeeperConfig{Journal: activation.NewMemoryJournal()})
	return org, k, err
}

// Verify audits the chains a Keeper keeps by the package's rules: each
// record is found under its fingerprint, and its request identity,
// explanation and levels follow from it and the record before.
func ExampleKeeper_Verify() {
	ctx := context.Background()
	org, k, err := seedKeeper()
	if err != nil {
		fmt.Println(err)
		return
	}
	d := entitlement.Deployment{Location: "Munich", Licence: org.Pools[0].OnPremises[0], Quantity: 20, Day: date("2026-07-03")}
	if _, err := k.Deploy(ctx, "ticket-4711", d); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := k.Remove(ctx, "ticket-4712", d); err != nil {
		fmt.Println(err)
		return
	}
	sum, err := k.Verify(ctx, func(f activation.Finding) error {
		fmt.Println(f)
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sum)
	// Output:
	// 1 chain, 2 records: 0 breaks, 0 not verifiable
}
