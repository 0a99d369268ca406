package activation_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// Add licenses (R4): 100 seats with 90 days left receive a 25-seat key.
func ExamplePolicy_Apply_addSeats() {
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100,
		End: time.Date(2027, time.March, 1, 0, 0, 0, 0, time.UTC)}
	t := token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 25}
	at := time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

	o, err := activation.PartnerCenter().Apply(s, t, activation.AddSeats, at)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.After.Seats, "seats until", o.After.End.Format(time.DateOnly))
	fmt.Println("B =", o.Remaining, "T =", o.TermDays, "R =", o.NewRemaining, "residue", o.Residue)
	// Output:
	// 125 seats until 2027-04-25
	// B = 90 T = 365 R = 145 residue 0
}

// Extend end date (R5): a 25-seat key on 100 active seats adds 3 months; a
// key of more than 3 × the seats is refused (R6).
func ExamplePolicy_Apply_extend() {
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100,
		End: time.Date(2027, time.January, 31, 0, 0, 0, 0, time.UTC)}
	t := token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 25}
	at := time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

	o, err := activation.PartnerCenter().Apply(s, t, activation.ExtendEnd, at)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(months(o), "months:", o.After.Seats, "seats until", o.After.End.Format(time.DateOnly))

	t.Seats = 301
	_, err = activation.PartnerCenter().Apply(s, t, activation.ExtendEnd, at)
	var ce *proration.CapError
	fmt.Println(errors.Is(err, activation.ErrExtensionCap), errors.As(err, &ce) && ce.MaxKeySeats == 300)
	// Output:
	// 3 months: 100 seats until 2027-04-30
	// true true
}

// Preview shows every operation the key allows now, side by side.
func ExamplePolicy_Preview() {
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100,
		End: time.Date(2027, time.March, 1, 0, 0, 0, 0, time.UTC)}
	t := token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 25}
	at := time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

	outs, err := activation.PartnerCenter().Preview(s, t, at)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range outs {
		fmt.Printf("%s → %d seats until %s\n", o.Op, o.After.Seats, o.After.End.Format(time.DateOnly))
	}
	for _, opt := range activation.PartnerCenter().Options(s, t, at) {
		if !(opt.Err == nil) {
			fmt.Printf("%s refused: %v\n", opt.Op, opt.Err)
		}
	}
	// Output:
	// add-seats → 125 seats until 2027-04-25
	// extend-end → 100 seats until 2027-06-01
	// renew refused: activation: renew not allowed: subscription active; allowed from 2027-03-01
	// activate refused: activation: activate not allowed: subscription active; allowed from 2027-03-01
}

func ExampleOutcome_Explain() {
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100,
		End: time.Date(2027, time.March, 1, 0, 0, 0, 0, time.UTC)}
	t := token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 25}
	at := time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

	for _, op := range []activation.Operation{activation.AddSeats, activation.ExtendEnd} {
		o, err := activation.PartnerCenter().Apply(s, t, op, at)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(o.Explain())
	}
	// Output:
	// Add licenses (R4): 100 seats × 90 days + 25 seats × 365 days = 18,125 seat-days; ÷ 125 seats = 145 days; new end date 2027-04-25 for 125 seats.
	// Extend end date (R5): 25-seat key ÷ 100 active seats × 12 months = 3 months; 2027-03-01 + 3 months = new end date 2027-06-01 for 100 seats (R6: keys up to 300 seats accepted).
}

// The lifecycle after the end date (R8): 30 days expired, 90 days disabled,
// deleted after 120 days.
func ExamplePolicy_State() {
	p := activation.PartnerCenter()
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 10,
		End: time.Date(2027, time.January, 31, 0, 0, 0, 0, time.UTC)}
	for _, day := range []int{-1, 0, 29, 30, 119, 120} {
		at := s.End.AddDate(0, 0, day) // days, on a date at 00:00 UTC
		fmt.Println(at.Format(time.DateOnly), p.State(s, at))
	}
	fmt.Println(p.State(activation.Subscription{Tenant: "contoso"}, s.End))
	// Output:
	// 2027-01-30 active
	// 2027-01-31 expired
	// 2027-03-01 expired
	// 2027-03-02 disabled
	// 2027-05-30 disabled
	// 2027-05-31 deleted
	// none
}

func ExamplePolicy_Timeline() {
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 10,
		End: time.Date(2027, time.January, 31, 0, 0, 0, 0, time.UTC)}
	for _, p := range []activation.Policy{activation.Open2014(), activation.EnterpriseMultiYear()} {
		tl, err := p.Timeline(s)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %s\n", p.Name, tl)
	}
	// Output:
	// open-2014: renew from 2027-01-01; end 2027-01-31; disabled from 2027-03-02; deleted on 2027-05-31
	// enterprise-multi-year: renew from 2027-01-31; end 2027-01-31; disabled from 2027-05-01; deleted on 2027-07-30
}

// Example_extendEndDate runs the four licensing scenarios of Partner Center
// (R5, R6).
func Example_extendEndDate() {
	end := time.Date(2027, time.March, 15, 0, 0, 0, 0, time.UTC)
	at := time.Date(2026, time.June, 15, 0, 0, 0, 0, time.UTC)
	key := token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5")
	for _, sc := range []struct{ seats, key int }{{100, 25}, {100, 100}, {5, 10}, {100, 300}, {100, 301}} {
		s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: sc.seats, End: end}
		t := token.Token{Key: key, Product: "O365-E3", Seats: sc.key}
		o, err := activation.PartnerCenter().Apply(s, t, activation.ExtendEnd, at)
		var ce *proration.CapError
		if errors.As(err, &ce) {
			fmt.Printf("%d + %d: refused (R6), the largest key accepted is %d seats\n", sc.seats, sc.key, ce.MaxKeySeats)
			continue
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%d + %d: +%s months, new end date %s\n", sc.seats, sc.key, months(o), o.After.End.Format(time.DateOnly))
	}
	// Output:
	// 100 + 25: +3 months, new end date 2027-06-15
	// 100 + 100: +12 months, new end date 2028-03-15
	// 5 + 10: +24 months, new end date 2029-03-15
	// 100 + 300: +36 months, new end date 2030-03-15
	// 100 + 301: refused (R6), the largest key accepted is 300 seats
}

// Example_addLicenses: buying more licenses mid-term co-terms them (R4, R10):
// "why do I suddenly have a new renewal date?"
func Example_addLicenses() {
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100,
		End: time.Date(2027, time.March, 1, 0, 0, 0, 0, time.UTC)}
	t := token.Token{Key: token.MustParseKey("AAAA1-BBBB2-CCCC3-DDDD4-EEEE5"), Product: "O365-E3", Seats: 25}
	o, err := activation.PartnerCenter().Apply(s, t, activation.AddSeats, time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.Explain())
	fmt.Println("seat-days before", o.SeatDaysBefore, "after", o.SeatDaysAfter, "key", o.Token.Key)
	// Output:
	// Add licenses (R4): 100 seats × 90 days + 25 seats × 365 days = 18,125 seat-days; ÷ 125 seats = 145 days; new end date 2027-04-25 for 125 seats.
	// seat-days before 18125 after 18125 key XXXXX-XXXXX-XXXXX-XXXXX-EEEE5
}

// months is an extension's exact months, MonthsNum ÷ MonthsDen, rounded
// half-even to two places.
func months(o activation.Outcome) decimal.Decimal {
	return proration.HalfEven.DivDecimal(decimal.NewFromInt(o.MonthsNum), decimal.NewFromInt(o.MonthsDen), 2)
}
