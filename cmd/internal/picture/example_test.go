package picture_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/coterm/coterm/cmd/internal/picture"
)

func ExampleSubscription() {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	svg, err := picture.Subscription(picture.SubscriptionChart{
		Title: "contoso / M365-E3",
		Steps: []picture.Step{{At: day("2026-03-01"), Seats: 100, End: day("2027-03-01"),
			DisabledFrom: day("2027-03-31"), DeletedOn: day("2027-06-29"), Label: "activate"}},
		ProgramEnd: day("2027-06-30"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.SplitN(svg, "\n", 2)[0])
	fmt.Println(strings.Contains(svg, "100 seats, activate"), strings.Contains(svg, "program year ends 2027-06-30 (R13)"))
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// true true
}

// Position draws the Office 365 IUR example (R14): 100 granted, 81 seats
// online and 20 licences on premises from 2026-07-03, over by one.
func ExamplePosition() {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	svg, err := picture.Position(picture.PositionChart{
		Title: "Munich: licence position on 2026-08-01",
		From:  day("2026-07-01"), To: day("2027-07-01"), At: day("2026-08-01"),
		Pools: []picture.PoolChart{{
			Name: "Office",
			Steps: []picture.PoolStep{
				{From: day("2026-07-01"), Granted: 100},
				{From: day("2026-07-02"), Online: 81, Granted: 100},
				{From: day("2026-07-03"), Online: 81, OnPremises: 20, Granted: 100, Excess: 1},
			},
			Maxima:   []picture.Maximum{{Max: 500}, {Country: "DE", Max: 250}},
			Findings: []picture.Mark{{Since: day("2026-07-03"), Label: "R14 over-entitlement", Title: "R14 over-entitlement in pool Office"}},
		}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Contains(svg, "Pool Office: 81 online + 20 on premises of 100 granted, excess 1 on 2026-08-01"))
	fmt.Println(strings.Contains(svg, ">R14 over-entitlement since 2026-07-03<"))
	// Output:
	// true
	// true
}
