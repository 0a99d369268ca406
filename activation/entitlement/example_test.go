package entitlement_test

import (
	"context"
	"fmt"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/entitlement"
)

func date(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

// seed is the Office 365 IUR example: a gold competency partner granted 100
// seats of Office 365 E3 or Office Professional Plus + server CALs, one
// pool, online seats at Munich and licences deployed there.
func seed(seats int) (entitlement.Organisation, entitlement.Records) {
	gold := entitlement.Membership{Program: entitlement.Competency, Competency: "Cloud Productivity"}
	year := date("2026-07-01")
	org := entitlement.Organisation{
		Locations: []entitlement.Location{{
			Name: "Munich", Country: entitlement.MustParseCountry("DE"),
			Years: []entitlement.Year{{Membership: gold, Start: year, End: date("2027-07-01")}},
		}},
		Pools: []entitlement.Pool{{
			Name:       "Office",
			Online:     []entitlement.Product{{Name: "O365-E3", SKU: entitlement.Enterprise}},
			OnPremises: []string{"Office Professional Plus + CALs"},
			CountryMax: 250, WorldMax: 500,
		}},
		Placements: []entitlement.Placement{{Tenant: "contoso", Location: "Munich"}},
		Policy:     activation.PartnerCenter(),
	}
	recs := entitlement.Records{
		Grants: []entitlement.Grant{{Location: "Munich", Membership: gold, Year: year, Pool: "Office", Kind: entitlement.Core, Quantity: 100}},
		Online: []entitlement.Online{{From: date("2026-07-02"), Subscription: activation.Subscription{
			Tenant: "contoso", Product: "O365-E3", Seats: seats, End: date("2027-07-01")}}},
		Deployments: []entitlement.Deployment{{Location: "Munich", Licence: "Office Professional Plus + CALs",
			Change: entitlement.Deploy, Quantity: 20, Day: date("2026-07-03"), Reason: "finance team"}},
	}
	return org, recs
}

// The Office 365 IUR example (R14): 100 granted, 80 seats online and 20
// licences on premises are within the grant; 81 + 20 are over by one, and
// either use could be the one left short.
func Example_seed() {
	for _, seats := range []int{80, 81} {
		org, recs := seed(seats)
		p, err := entitlement.New(org, recs.Source())
		if err != nil {
			fmt.Println(err)
			return
		}
		pos, err := p.Position(context.Background(), date("2026-08-01"))
		if err != nil {
			fmt.Println(err)
			return
		}
		w := pos.Pools[0].World
		fmt.Printf("%d online + %d on-premises of %d granted: excess %d\n", w.Online, w.OnPremises, w.Granted, pos.Pools[0].Excess)
		fs, err := p.Check(context.Background(), date("2026-08-01"))
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, f := range fs {
			fmt.Println(f)
		}
	}
	// Output:
	// 80 online + 20 on-premises of 100 granted: excess 0
	// 81 online + 20 on-premises of 100 granted: excess 1
	// R14 over-entitlement in pool Office: 101 used of 100 granted, 1 uncovered; uses left short: online contoso O365-E3, on-premises Office Professional Plus + CALs at Munich; since 2026-07-03
}

// Position assigns every use to the grant lines; each draw names its
// program year.
func ExamplePartner_Position() {
	org, recs := seed(80)
	p, _ := entitlement.New(org, recs.Source())
	pos, err := p.Position(context.Background(), date("2026-08-01"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range pos.Pools[0].Countries {
		fmt.Printf("%s: granted %d, online %d, on-premises %d, maximum %d, headroom %d\n",
			c.Country, c.Granted, c.Online, c.OnPremises, c.Max, c.Headroom)
	}
	for _, u := range pos.Pools[0].Uses {
		for _, d := range u.Draws {
			fmt.Printf("%s draws %d on the %s year from %s\n", u.Ref, d.Quantity, d.Line.Membership.Competency, d.Line.Year.Format(time.DateOnly))
		}
	}
	// Output:
	// DE: granted 100, online 80, on-premises 20, maximum 250, headroom 0
	// online contoso O365-E3 draws 80 on the Cloud Productivity year from 2026-07-01
	// on-premises Office Professional Plus + CALs at Munich draws 20 on the Cloud Productivity year from 2026-07-01
}

// Check reports each rule broken, with its numbers and since when.
func ExamplePartner_Check() {
	org, recs := seed(80)
	recs.Deployments = append(recs.Deployments, entitlement.Deployment{Location: "Munich",
		Licence: "Office Professional Plus + CALs", Change: entitlement.Deploy, Quantity: 5, Day: date("2026-09-01")})
	p, _ := entitlement.New(org, recs.Source())
	fs, err := p.Check(context.Background(), date("2026-10-01"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range fs {
		fmt.Println(f.Rule, f.Issue, "excess", f.Excess, "since", f.Since.Format(time.DateOnly))
	}
	// Output:
	// R14 over-entitlement excess 5 since 2026-09-01
}

// WhatIf answers before anything is recorded: moving 10 users from
// online to on premises keeps the total, and a grant that shrinks to 90
// at re-enrolment leaves the partner over by 10.
func ExamplePartner_WhatIf() {
	org, recs := seed(80)
	p, _ := entitlement.New(org, recs.Source())
	gold := org.Locations[0].Years[0].Membership
	pos, _, err := p.WhatIf(context.Background(), date("2026-08-01"), entitlement.Scenario{
		Moves: []entitlement.Move{{Tenant: "contoso", Product: "O365-E3", Location: "Munich",
			Licence: "Office Professional Plus + CALs", Users: 10, Day: date("2026-07-15")}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	w := pos.Pools[0].World
	fmt.Printf("moved: %d online + %d on-premises, excess %d\n", w.Online, w.OnPremises, pos.Pools[0].Excess)
	next := entitlement.Year{Membership: gold, Start: date("2027-07-01"), End: date("2028-07-01")}
	_, fs, err := p.WhatIf(context.Background(), date("2027-07-15"), entitlement.Scenario{
		Years:  []entitlement.YearAt{{Location: "Munich", Year: next}},
		Grants: []entitlement.Grant{{Location: "Munich", Membership: gold, Year: next.Start, Pool: "Office", Kind: entitlement.Core, Quantity: 90}},
		Online: []entitlement.Online{{From: date("2027-07-01"), Subscription: activation.Subscription{
			Tenant: "contoso", Product: "O365-E3", Seats: 80, End: date("2028-07-01")}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range fs {
		fmt.Println(f.Rule, f.Issue, "excess", f.Excess)
	}
	// Output:
	// moved: 70 online + 30 on-premises, excess 0
	// R14 over-entitlement excess 10
}

// ParseCountry takes ISO 3166-1 alpha-2 codes in any case, and only the
// officially assigned ones.
func ExampleParseCountry() {
	c, err := entitlement.ParseCountry("de")
	fmt.Println(c, err)
	_, err = entitlement.ParseCountry("UK")
	fmt.Println(err)
	// Output:
	// DE <nil>
	// entitlement: country: not an officially assigned ISO 3166-1 alpha-2 code
}
