package proration_test

import (
	"fmt"
	"time"

	"github.com/coterm/coterm/proration"
)

// ExampleDay converts dates once and then works on integers: the clamped
// months of AddMonths, differences in days, and the dates back at the end.
func ExampleDay() {
	ny, _ := time.LoadLocation("America/New_York")
	end := proration.DayOf(time.Date(2027, 1, 31, 23, 30, 0, 0, ny)) // the local date counts
	at, _ := proration.DayFromCivil(2026, 6, 1)
	fmt.Println(end, at, "days left:", end.Sub(at))

	for _, n := range []int{1, 13} {
		d, _ := end.AddMonths(n)
		fmt.Println(n, "months:", d)
	}
	y, m, d := end.Civil()
	fmt.Println(y, m, d, end.Time().Format(time.RFC3339))

	_, err := proration.MaxDay.AddDays(1)
	fmt.Println(err)
	fmt.Println(proration.Day(0).Valid(), proration.Day(0))
	// Output:
	// 2027-01-31 2026-06-01 days left: 244
	// 1 months: 2027-02-28
	// 13 months: 2028-02-29
	// 2027 January 31 2027-01-31T00:00:00Z
	// proration: date out of range: year 10000 outside 1…9999
	// false Day(0)
}

// ExampleExtendDay runs the worked example of extend end date (R5) on Days:
// T, the key's term in days, is measured once by the caller, as for Blend.
func ExampleExtendDay() {
	end, _ := proration.DayFromCivil(2027, 1, 31)
	at, _ := proration.DayFromCivil(2026, 6, 1)
	atEnd, _ := at.AddMonths(proration.DefaultTermMonths)
	x, err := proration.ExtendDay(proration.ExtendDayInput{End: end, KeyDays: int(atEnd - at), Seats: 8, KeySeats: 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("m = %d/%d months, new end %s (+%d days)\n", x.MonthsNum, x.MonthsDen, x.NewEnd, x.NewEnd.Sub(end))
	// Output:
	// m = 3/2 months, new end 2027-03-16 (+44 days)
}
