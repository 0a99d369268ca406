package plan_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/plan"
	"github.com/coterm/coterm/token"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// workedExample is the issue's worked example: 100 seats ending in 3 months,
// keys of 25, 25, 50 and 100 seats, a program year ending in 15 months.
func workedExample() (activation.Subscription, []token.Token, time.Time, time.Time) {
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: date(2027, 3, 1)}
	var keys []token.Token
	for i, seats := range []int{25, 25, 50, 100} {
		k := token.MustParseKey(fmt.Sprintf("AAAA%d-BBBBB-CCCCC-DDDDD-KEY0%d", i+1, i+1))
		keys = append(keys, token.Token{Key: k, Product: "O365-E3", Seats: seats})
	}
	return s, keys, date(2026, 12, 1), date(2028, 3, 1)
}

// The most seats that still run until the program year ends (R13): add the
// 25- and 50-seat keys, which raises the cap (R6), then extend with the rest.
func ExamplePlan() {
	s, keys, at, programEnd := workedExample()
	r, err := plan.Plan(activation.PartnerCenter(), s, keys, at, plan.ReachEnd(programEnd))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range r.Steps {
		fmt.Println(st.Op, st.Key, "→", st.Outcome.After.Seats, "seats until", st.Outcome.After.End.Format(time.DateOnly))
	}
	fmt.Println("seat-days:", r.SeatDays.Start, "+", r.SeatDays.Keys, "→", r.SeatDays.Final, "residue", r.SeatDays.Residue)
	// Output:
	// add-seats XXXXX-XXXXX-XXXXX-XXXXX-KEY01 → 125 seats until 2027-04-25
	// add-seats XXXXX-XXXXX-XXXXX-XXXXX-KEY03 → 175 seats until 2027-06-27
	// extend-end XXXXX-XXXXX-XXXXX-XXXXX-KEY04 → 175 seats until 2028-01-23
	// extend-end XXXXX-XXXXX-XXXXX-XXXXX-KEY02 → 175 seats until 2028-03-15
	// seat-days: 9000 + 73000 → 82250 residue 250
}

// The latest end date with at least 200 seats.
func ExamplePlan_latestEnd() {
	s, keys, at, _ := workedExample()
	r, err := plan.Plan(activation.PartnerCenter(), s, keys, at, plan.ReachSeats(200))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Summary())
	fmt.Println(r.Final.Seats, "seats until", r.Final.End.Format(time.DateOnly))
	// Output:
	// extend end date XXXXX-XXXXX-XXXXX-XXXXX-KEY03 (50), add licenses XXXXX-XXXXX-XXXXX-XXXXX-KEY04 (100), extend end date XXXXX-XXXXX-XXXXX-XXXXX-KEY01 (25), extend end date XXXXX-XXXXX-XXXXX-XXXXX-KEY02 (25)
	// 200 seats until 2028-01-18
}

// The whole trade-off between seats and end date: every plan no other plan
// beats on both.
func ExamplePlan_tradeOff() {
	s, keys, at, _ := workedExample()
	r, err := plan.Plan(activation.PartnerCenter(), s, keys, at, plan.AllTradeOffs())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range r.Front {
		fmt.Printf("%d seats until %s\n", f.Final.Seats, f.Final.End.Format(time.DateOnly))
	}
	// Output:
	// 300 seats until 2027-09-01
	// 275 seats until 2027-09-27
	// 250 seats until 2027-10-27
	// 225 seats until 2027-12-02
	// 200 seats until 2028-01-18
	// 175 seats until 2028-03-15
	// 150 seats until 2028-06-01
	// 125 seats until 2028-09-20
	// 100 seats until 2029-03-01
}

// A goal no plan reaches is an error that names the nearest plan.
func ExamplePlan_infeasible() {
	s, keys, at, _ := workedExample()
	_, err := plan.Plan(activation.PartnerCenter(), s, keys, at, plan.ReachEnd(date(2030, 1, 1)))
	var ie *plan.InfeasibleError
	fmt.Println(errors.Is(err, plan.ErrInfeasible), errors.As(err, &ie))
	fmt.Println(err)
	// Output:
	// true true
	// plan: goal infeasible: no plan reaches the most seats with an end date on or after 2030-01-01; nearest: 100 seats until 2029-03-01
}

// The plan explained, for a support desk.
func ExampleResult_Explain() {
	s, keys, at, programEnd := workedExample()
	r, err := plan.Plan(activation.PartnerCenter(), s, keys, at, plan.ReachEnd(programEnd))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(r.Explain())
	// Output:
	// Plan for the most seats with an end date on or after 2028-03-01 on 2026-12-01 under policy partner-center (exhaustive search over every order and operation).
	// Start: 100 seats until 2027-03-01: 9,000 seat-days from 2026-12-01.
	// Keys: 4 keys with 200 seats, worth 73,000 seat-days (each key's seats × the days of its term, R3); total 82,000 seat-days.
	// 1. XXXXX-XXXXX-XXXXX-XXXXX-KEY01 (25 seats): add licenses → 125 seats until 2027-04-25.
	//    Add licenses (R4): 100 seats × 90 days + 25 seats × 365 days = 18,125 seat-days; ÷ 125 seats = 145 days; new end date 2027-04-25 for 125 seats.
	// 2. XXXXX-XXXXX-XXXXX-XXXXX-KEY03 (50 seats): add licenses → 175 seats until 2027-06-27.
	//    Add licenses (R4): 125 seats × 145 days + 50 seats × 365 days = 36,375 seat-days; ÷ 175 seats = 207.857… days, rounded half-even to 208 days (residue +25 seat-days); new end date 2027-06-27 for 175 seats.
	// 3. XXXXX-XXXXX-XXXXX-XXXXX-KEY04 (100 seats): extend end date → 175 seats until 2028-01-23.
	//    Extend end date (R5): 100-seat key ÷ 175 active seats × 12 months = 6.857… months; 2027-06-27 + 6 months = 2027-12-27, + 0.857… × 31 days = 26.571… days, rounded half-even to 27 days = new end date 2028-01-23 for 175 seats (R6: keys up to 525 seats accepted).
	// 4. XXXXX-XXXXX-XXXXX-XXXXX-KEY02 (25 seats): extend end date → 175 seats until 2028-03-15.
	//    Extend end date (R5): 25-seat key ÷ 175 active seats × 12 months = 1.714… months; 2028-01-23 + 1 month = 2028-02-23, + 0.714… × 29 days = 20.714… days, rounded half-even to 21 days = new end date 2028-03-15 for 175 seats (R6: keys up to 525 seats accepted).
	// Result: 175 seats until 2028-03-15: 175 seats × 470 days = 82,250 seat-days (residue +250 from rounding and calendar months).
	// Why: a redemption neither adds nor loses time (R4: "no time is added or lost"; R5: an extension spreads the key's seat-days over the active seats), so under exact seat-days the total seat-days are the same whatever the plan; a plan only decides how they split between seats and time: every key added raises the seats and pulls the end date towards a year from today, every key extended keeps the seats and moves the end date. Order matters for the extension cap (R6: a key may extend at most CapFactor × the active seats, 3 × by default): adding first raises it; otherwise order matters only for rounding (R4) and calendar months (R5), which the residue shows. Here every add comes before every extension. Every key is redeemed: a key is single-use (R2) and the plan spends the pool.
}

// The smallest key that extends 100 seats to the program year's end, and
// the cap (R5, R6).
func ExampleExtendKeyFor() {
	s, _, at, programEnd := workedExample()
	a, err := plan.ExtendKeyFor(activation.PartnerCenter(), s, at, programEnd)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("smallest key:", a.Seats, "seats, allowed:", a.Allowed, "→", a.Outcome.After.End.Format(time.DateOnly))
	fmt.Println("largest key:", a.MaxKey, "seats →", a.MaxEnd.Format(time.DateOnly))
	// Output:
	// smallest key: 100 seats, allowed: true → 2028-03-01
	// largest key: 300 seats → 2030-03-01
}

// Add licenses moves the end date towards a year from today, never beyond
// (R4): it can reach 2027-10-01 but not the program year's end.
func ExampleAddKeyFor() {
	s, _, at, programEnd := workedExample()
	for _, target := range []time.Time{date(2027, 10, 1), programEnd} {
		a, err := plan.AddKeyFor(activation.PartnerCenter(), s, at, target)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(target.Format(time.DateOnly), "reachable:", a.Reachable(), "keys", a.Min, "…", a.Max, "limit", a.Limit.Format(time.DateOnly))
	}
	// Output:
	// 2027-10-01 reachable: true keys 348 … 999999900 limit 2027-12-01
	// 2028-03-01 reachable: false keys 0 … 0 limit 2027-12-01
}

// The largest key extend end date accepts now, and the latest end one key
// can reach (R6).
func ExampleHeadroomAt() {
	s, _, at, _ := workedExample()
	h, err := plan.HeadroomAt(activation.PartnerCenter(), s, at)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(h.MaxKey, h.MaxEnd.Format(time.DateOnly), h.AddLimit.Format(time.DateOnly))
	// Output:
	// 300 2030-03-01 2027-12-01
}

// When to redeem a renewal key without losing days (R9), under each policy.
func ExampleRenewal() {
	s, _, _, _ := workedExample()
	for _, p := range []activation.Policy{activation.PartnerCenter(), activation.Open2014()} {
		r, err := plan.Renewal(p, s, date(2027, 1, 1))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: opens %s (loses %d days), loss-free %s … %s, new end %s … %s\n", p.Name,
			r.Opens.Format(time.DateOnly), r.LostIfEarlier, r.First.Format(time.DateOnly), r.Last.Format(time.DateOnly),
			r.EndIfFirst.Format(time.DateOnly), r.EndIfLast.Format(time.DateOnly))
	}
	// Output:
	// partner-center: opens 2027-03-01 (loses 0 days), loss-free 2027-03-01 … 2027-03-30, new end 2028-03-01 … 2028-03-30
	// open-2014: opens 2027-01-30 (loses 30 days), loss-free 2027-03-01 … 2027-03-30, new end 2028-03-01 … 2028-03-01
}

// A compliance check of the planned subscription against the program year
// (R13).
func ExampleCheckUseRights() {
	s, keys, at, programEnd := workedExample()
	r, err := plan.Plan(activation.PartnerCenter(), s, keys, at, plan.ReachEnd(programEnd))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, sub := range []activation.Subscription{s, r.Final} {
		u, err := plan.CheckUseRights(activation.PartnerCenter(), sub, programEnd)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(u.Finding(), u.Beyond, u.Lapse, "-", u)
	}
	// Output:
	// lapses 0 366 - lapses 366 days before its use rights end, 30 of them in the grace period (end 2027-03-01, use rights end 2028-03-01) (R8, R13)
	// runs-beyond 14 0 - runs 14 days past its use rights (end 2028-03-15, use rights end 2028-03-01) (R13)
}
