package proration_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/coterm/coterm/proration"
	"github.com/shopspring/decimal"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func ExampleAddMonths() {
	jan31 := day(2027, 1, 31)
	for _, n := range []int{1, 2, 12, 13} {
		fmt.Println(n, proration.AddMonths(jan31, n).Format(time.DateOnly))
	}
	fmt.Println(proration.AddMonths(day(2028, 2, 29), 12).Format(time.DateOnly))
	fmt.Println(proration.AddMonths(day(2028, 3, 31), -1).Format(time.DateOnly))
	fmt.Println(proration.AddMonths(day(9999, 12, 1), 1).IsZero()) // past 9999-12-31
	// Output:
	// 1 2027-02-28
	// 2 2027-03-31
	// 12 2028-01-31
	// 13 2028-02-29
	// 2029-02-28
	// 2028-02-29
	// true
}

func ExampleDays() {
	ny, _ := time.LoadLocation("America/New_York")
	// 2026-03-08 has only 23 hours in New York; it is still one day.
	from := time.Date(2026, 3, 8, 0, 0, 0, 0, ny)
	to := time.Date(2026, 3, 9, 0, 0, 0, 0, ny)
	fmt.Println(proration.Days(from, to), to.Sub(from))
	// The same instant falls on different dates at +14 h and −12 h.
	instant := day(2026, 12, 31).Add(12 * time.Hour)
	fmt.Println(proration.Days(instant.In(time.FixedZone("-12", -12*3600)), instant.In(time.FixedZone("+14", 14*3600))))
	// Output:
	// 1 23h0m0s
	// 1
}

func ExampleBlend() {
	// 10 seats with 182 days left receive a 10-seat key of 365 days (R4).
	b, err := proration.Blend(10, 182, 10, 365, proration.HalfEven)
	if err != nil {
		panic(err)
	}
	fmt.Println("new remaining days:", b.NewRemaining)
	fmt.Println("seat-days before, after, residue:", b.SeatDaysBefore, b.SeatDaysAfter, b.Residue)
	// Output:
	// new remaining days: 274
	// seat-days before, after, residue: 5470 5480 10
}

func ExampleExtend() {
	// The worked example: E = 2027-01-31, A = 8, C = 1 (R5).
	e, err := proration.Extend(proration.ExtendInput{
		End: day(2027, 1, 31), At: day(2026, 6, 1), Seats: 8, KeySeats: 1,
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("m = %d/%d = %s months\n", e.MonthsNum, e.MonthsDen, e.Months(2))
	fmt.Println("new end:", e.NewEnd.Format(time.DateOnly), "(+", e.AddedDays, "days)")

	// A key of more than 3 × the active seats is refused (R6).
	_, err = proration.Extend(proration.ExtendInput{
		End: day(2027, 1, 31), At: day(2026, 6, 1), Seats: 8, KeySeats: 25,
	})
	var ce *proration.CapError
	fmt.Println(errors.Is(err, proration.ErrExtensionCap), errors.As(err, &ce), ce.MaxKeySeats)
	fmt.Println(err)
	// Output:
	// m = 3/2 = 1.5 months
	// new end: 2027-03-16 (+ 44 days)
	// true true 24
	// proration: extension cap exceeded: key of 25 seats is more than 3 × the 8 active seats (R6); the largest key accepted is 24 seats
}

// ExampleRounding rounds the same add-licenses blends four ways: one seat
// with no days left and one key seat of a 31-day and of a 29-day term leave
// 15.5 and 14.5 days.
func ExampleRounding() {
	for _, r := range []proration.Rounding{proration.HalfEven, proration.HalfUp, proration.Down, proration.Up} {
		a, _ := proration.Blend(1, 0, 1, 31, r)
		b, _ := proration.Blend(1, 0, 1, 29, r)
		fmt.Println(r, a.NewRemaining, b.NewRemaining)
	}
	// Output:
	// half-even 16 14
	// half-up 16 15
	// down 15 14
	// up 16 15
}

func ExampleParseRounding() {
	r, err := proration.ParseRounding("half-up")
	fmt.Println(r, err)
	_, err = proration.ParseRounding("nearest")
	fmt.Println(err)
	// Output:
	// half-up <nil>
	// proration: invalid input: unknown rounding (7 bytes): want half-even, half-up, down or up
}

func ExampleSwitchCost() {
	in := proration.SwitchInput{
		Activated:         day(2026, 1, 1),
		End:               day(2027, 1, 1),
		At:                day(2026, 7, 2),
		Seats:             20,
		PricePerSeatMonth: decimal.RequireFromString("12.50"),
	}
	q, err := proration.SwitchCost(in)
	if err != nil {
		panic(err)
	}
	fmt.Println("rule:", q.Rule)
	fmt.Printf("remaining: %d of %d days = %d/%d = %s months\n", q.RemainingDays, q.YearDays, q.RemainingMonthsNum, q.RemainingMonthsDen, q.RemainingMonths(4))
	fmt.Println("remaining value:", q.RemainingValue.StringFixed(q.Scale))
	fmt.Println("due (25 %):", q.Due.StringFixed(q.Scale))

	// Within 30 days of activation (day 30 included) the first month is paid instead.
	in.At = day(2026, 1, 20)
	q, _ = proration.SwitchCost(in)
	fmt.Println(q.Rule, q.Due.StringFixed(q.Scale))
	fmt.Println(q.Explain())
	// Output:
	// rule: penalty
	// remaining: 183 of 365 days = 2196/365 = 6.0164 months
	// remaining value: 1504.11
	// due (25 %): 376.03
	// first-month 250.00
	// Channel switch (R11): activated 2026-01-01, switched 2026-01-20 (day 19), inside the first-month window 2026-01-01 … 2026-01-31 (within 30 days of activation, both days included): the first month is paid: 20 seats × 12.5 per month = 250.00.
}

// "Within 30 days of activation" (R12) and "innerhalb von 30 Tagen ab …
// Aktivierung" (R11) are one window: the activation day through day 30.
func ExampleWithinDays() {
	w, err := proration.WithinDays(day(2027, 1, 31), 30)
	if err != nil {
		panic(err)
	}
	fmt.Println(w)
	fmt.Println(w.Contains(day(2027, 3, 2)), w.Contains(day(2027, 3, 3)))
	// Output:
	// 2027-01-31 … 2027-03-02
	// true false
}

// Example_extendEndDate runs the licensing scenarios of Partner Center (R5,
// R6): the seats stay, the end date moves by C ÷ A × 12 months.
func Example_extendEndDate() {
	end := day(2026, 9, 30)
	for _, s := range []struct{ a, c int }{{100, 25}, {100, 100}, {5, 10}, {5, 15}, {5, 16}} {
		e, err := proration.Extend(proration.ExtendInput{End: end, At: day(2026, 3, 1), Seats: s.a, KeySeats: s.c})
		if err != nil {
			fmt.Printf("%d + %d: refused, at most %d seats\n", s.a, s.c, proration.MaxKeySeats(s.a, 0))
			continue
		}
		fmt.Printf("%d + %d: +%s months, new end %s\n", s.a, s.c, e.Months(0), e.NewEnd.Format(time.DateOnly))
	}
	// Output:
	// 100 + 25: +3 months, new end 2026-12-30
	// 100 + 100: +12 months, new end 2027-09-30
	// 5 + 10: +24 months, new end 2028-09-30
	// 5 + 15: +36 months, new end 2029-09-30
	// 5 + 16: refused, at most 15 seats
}

// Example_addLicenses co-terms 25 new seats with 100 seats that have 4
// months left (R4, R10): the whole tenant renews on one averaged date.
func Example_addLicenses() {
	at := day(2026, 6, 15)
	end := day(2026, 10, 15)
	b, err := proration.Blend(100, proration.Days(at, end), 25, proration.Days(at, proration.AddMonths(at, 12)), proration.HalfEven)
	if err != nil {
		panic(err)
	}
	fmt.Printf("B = %d, T = %d → R = %d days\n", b.Remaining, b.Term, b.NewRemaining)
	fmt.Println("new end:", at.AddDate(0, 0, b.NewRemaining).Format(time.DateOnly))
	fmt.Println("residue:", b.Residue, "seat-days")
	// Output:
	// B = 122, T = 365 → R = 171 days
	// new end: 2026-12-03
	// residue: 50 seat-days
}

// Example_monthEnds shows the anchor rule: every month is counted from the
// original date, so the 31st comes back whenever the month has one.
func Example_monthEnds() {
	anchor := day(2027, 1, 31)
	for i := 1; i <= 12; i++ {
		fmt.Print(proration.AddMonths(anchor, i).Day(), " ")
	}
	fmt.Println()
	// Output:
	// 28 31 30 31 30 31 31 30 31 30 31 31
}
