package proration

import (
	"errors"
	"testing"

	"pgregory.net/rapid"

	"github.com/coterm/coterm/internal/datetest"
)

// The calendar test data shared with the other package of date arithmetic
// (internal/datetest).
var (
	date         = datetest.Date
	ymd          = datetest.YMD
	loadZones    = datetest.LoadZones
	refAddMonths = datetest.RefAddMonths
	drawDate     = datetest.DrawDate
	drawZoned    = datetest.DrawZoned
)

// calendar is this package's date arithmetic, for the checks of datetest.
var calendar = datetest.Calendar{Date: dateOf, Days: Days, AddMonths: AddMonths, AddMonthsChecked: addMonthsChecked}

func TestAddMonthsMonthEnds(t *testing.T) { // R3 and "12 months" open point: clamp to the month's last day
	datetest.MonthEndsCheck(t, calendar)
}

func TestAddMonthsAnchorStability(t *testing.T) { // style: months anchored on the original date
	datetest.AnchorStability(t, calendar)
}

func TestDSTDays(t *testing.T) { // open point "Dates": no result depends on zone or DST
	datetest.DSTDays(t, calendar)
}

func TestExtremeZones(t *testing.T) { // ±14 h: the date is the one on the local calendar
	datetest.ExtremeZones(t, calendar)
}

func TestPropZoneInvariance(t *testing.T) { // open point "Dates": same dates in any location, same results
	locs := loadZones(t)
	rapid.Check(t, func(t *rapid.T) {
		z1, d1 := drawZoned(t, locs, 1900, 2200, "from")
		z2, d2 := drawZoned(t, locs, 1900, 2200, "to")
		n := rapid.IntRange(-1200, 1200).Draw(t, "months")
		if Days(z1, z2) != Days(d1, d2) {
			t.Fatalf("Days(%s, %s) = %d, want %d", z1, z2, Days(z1, z2), Days(d1, d2))
		}
		if !AddMonths(z1, n).Equal(AddMonths(d1, n)) {
			t.Fatalf("AddMonths(%s, %d) = %s, want %s", z1, n, ymd(AddMonths(z1, n)), ymd(AddMonths(d1, n)))
		}
		if !addDays(z1, n).Equal(addDays(d1, n)) {
			t.Fatalf("addDays(%s, %d) differs by zone", z1, n)
		}
		seats := rapid.IntRange(1, 1000).Draw(t, "seats")
		key := rapid.IntRange(1, 3*seats).Draw(t, "key seats")
		e1, err1 := Extend(ExtendInput{End: z1, At: z2, Seats: seats, KeySeats: key})
		e2, err2 := Extend(ExtendInput{End: d1, At: d2, Seats: seats, KeySeats: key})
		if (err1 == nil) != (err2 == nil) || (err1 == nil && (!e1.NewEnd.Equal(e2.NewEnd) || e1.KeyDays != e2.KeyDays)) {
			t.Fatalf("Extend differs by zone: %v %v / %v %v", e1.NewEnd, err1, e2.NewEnd, err2)
		}
	})
}

func TestPropAddMonthsArithmetic(t *testing.T) { // R3: day = min(day(d), last day of target month)
	rapid.Check(t, func(t *rapid.T) { datetest.CheckAddMonths(t, AddMonths) })
}

func TestPropAddMonthsFullRange(t *testing.T) { // MinYear…MaxYear: checked arithmetic agrees with the reference or errors
	rapid.Check(t, func(t *rapid.T) {
		d := drawDate(t, MinYear, MaxYear, "d")
		n := rapid.IntRange(-maxMonths-1, maxMonths+1).Draw(t, "months")
		got, err := addMonthsChecked(d, n)
		total := d.Year()*12 + int(d.Month()) - 1 + n
		inRange := total >= MinYear*12 && total < (MaxYear+1)*12
		if !inRange {
			if !errors.Is(err, ErrDateRange) {
				t.Fatalf("addMonthsChecked(%s, %d) = %s, %v; want ErrDateRange", ymd(d), n, ymd(got), err)
			}
			return
		}
		if err != nil || !got.Equal(refAddMonths(d, n)) {
			t.Fatalf("addMonthsChecked(%s, %d) = %s, %v; want %s", ymd(d), n, ymd(got), err, ymd(refAddMonths(d, n)))
		}
	})
}
