package daymath_test

import (
	"fmt"
	"time"

	"github.com/coterm/coterm/internal/daymath"
)

// ExampleDay converts dates once and then works on integers: the clamped
// months of AddMonths, differences in days, and the dates back at the end.
func ExampleDay() {
	ny, _ := time.LoadLocation("America/New_York")
	end := daymath.Of(time.Date(2027, 1, 31, 23, 30, 0, 0, ny)) // the local date counts
	at, _ := daymath.FromCivil(2026, 6, 1)
	fmt.Println(end, at, "days left:", end.Sub(at))

	for _, n := range []int{1, 13} {
		d, _ := end.AddMonths(n)
		fmt.Println(n, "months:", d)
	}
	y, m, d := end.Civil()
	fmt.Println(y, m, d, end.Time().Format(time.RFC3339))

	_, err := daymath.MaxDay.AddDays(1)
	fmt.Println(err)
	fmt.Println(daymath.Day(0).Valid(), daymath.Day(0))
	// Output:
	// 2027-01-31 2026-06-01 days left: 244
	// 1 months: 2027-02-28
	// 13 months: 2028-02-29
	// 2027 January 31 2027-01-31T00:00:00Z
	// proration: date out of range: year 10000 outside 1…9999
	// false Day(0)
}

// ExampleExtend runs the worked example of extend end date (R5) on Days:
// T, the key's term in days, is measured once by the caller, as for Blend.
func ExampleExtend() {
	end, _ := daymath.FromCivil(2027, 1, 31)
	at, _ := daymath.FromCivil(2026, 6, 1)
	atEnd, _ := at.AddMonths(12)
	newEnd, num, den, w, err := daymath.Extend(8, 1, 12, daymath.HalfEven, false, end, int64(atEnd-at))
	if err != nil {
		panic(err)
	}
	fmt.Printf("m = %d/%d months (%d whole), new end %s (+%d days)\n", num, den, w, newEnd, newEnd.Sub(end))
	// Output:
	// m = 3/2 months (1 whole), new end 2027-03-16 (+44 days)
}

func ExampleRounding_Div() {
	for _, r := range []daymath.Rounding{daymath.HalfEven, daymath.HalfUp, daymath.Down, daymath.Up} {
		fmt.Println(r, r.Div(31, 2), r.Div(29, 2), r.Div(-31, 2))
	}
	// Output:
	// 0 16 14 -16
	// 1 16 15 -16
	// 2 15 14 -15
	// 3 16 15 -16
}
