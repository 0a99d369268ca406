package activation_test

import (
	"context"
	"fmt"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// Example_preview answers a billing tool's question before the single-use key
// is spent (R2): what would each operation give today? Options also lists the
// refused operations with their reason.
func Example_preview() {
	p := activation.PartnerCenter()
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100,
		End: time.Date(2027, time.March, 1, 0, 0, 0, 0, time.UTC)}
	t := token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 25}
	at := time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

	for _, opt := range p.Options(s, t, at) {
		if !(opt.Err == nil) {
			fmt.Printf("%-10s refused\n", opt.Op)
			continue
		}
		o := opt.Outcome
		fmt.Printf("%-10s %d seats until %s (%+d days)\n", o.Op, o.After.Seats, o.After.End.Format(time.DateOnly), o.DaysAdded)
	}
	// Output:
	// add-seats  125 seats until 2027-04-25 (+55 days)
	// extend-end 100 seats until 2027-06-01 (+92 days)
	// renew      refused
	// activate   refused
}

// ExampleRedeemer_Redeem redeems a key once through a ledger (R2). The key is
// applied by a pure Policy.Apply and then claimed atomically in the ledger.
func ExampleRedeemer_Redeem() {
	r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: activation.NewMemoryLedger()}
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100,
		End: time.Date(2027, time.March, 1, 0, 0, 0, 0, time.UTC)}
	t := token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 25}
	at := time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

	o, err := r.Redeem(context.Background(), s, t, activation.AddSeats, at)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.Explain())
	// Output:
	// Add licenses (R4): 100 seats × 90 days + 25 seats × 365 days = 18,125 seat-days; ÷ 125 seats = 145 days; new end date 2027-04-25 for 125 seats.
}

// ExampleParseOperation reads an operation from configuration or a CSV file.
func ExampleParseOperation() {
	for _, s := range []string{"extend", "add", "Renew", "activate", "split"} {
		op, err := activation.ParseOperation(s)
		fmt.Println(op, err != nil)
	}
	// Output:
	// extend-end false
	// add-seats false
	// renew false
	// activate false
	// Operation(0) true
}

// ExamplePolicy_ReplacementWindow: a replacement key is considered only
// within 30 days of activation, once (R12): the activation day through day
// 30, both included.
func ExamplePolicy_ReplacementWindow() {
	p := activation.PartnerCenter()
	w, err := p.ReplacementWindow(time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(w, "deadline", w.Last.Format(time.DateOnly))
	fmt.Println(w.Contains(time.Date(2026, time.December, 31, 0, 0, 0, 0, time.UTC))) // day 30
	fmt.Println(w.Contains(time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC)))   // day 31
	granted := true                                                                   // a replacement was issued already: once
	fmt.Println(!granted && w.Contains(time.Date(2026, time.December, 5, 0, 0, 0, 0, time.UTC)))
	// Output:
	// 2026-12-01 … 2026-12-31 deadline 2026-12-31
	// true
	// false
	// false
}

// ExamplePolicy_Service: what a subscription still gives after its end date
// depends on the channel (R22): under volume licensing "Services immediately
// become unavailable when the Expired status starts".
func ExamplePolicy_Service() {
	s := activation.Subscription{Tenant: "contoso", Product: "M365-E3", Seats: 100, End: time.Date(2027, time.March, 1, 0, 0, 0, 0, time.UTC)}
	for _, p := range []activation.Policy{activation.PartnerCenter(), activation.VolumeLicensing()} {
		tl, err := p.Timeline(s)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: expired %s, disabled %s, full service ends %s\n", p.Name,
			p.Service(activation.Expired), p.Service(activation.Disabled), tl.FullServiceEnds.Format(time.DateOnly))
	}
	// Output:
	// partner-center: expired full, disabled read-only, full service ends 2027-03-31
	// volume-licensing: expired none, disabled read-only, full service ends 2027-03-01
}
