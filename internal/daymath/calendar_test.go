package daymath

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
var calendar = datetest.Calendar{Date: Date, Days: Days, AddMonths: AddMonths, AddMonthsChecked: AddMonthsChecked}

func TestAddMonthsMonthEnds(t *testing.T) { // R3 and "12 months" open point: clamp to the month's last day
	datetest.MonthEndsCheck(t, calendar)
}

func TestAddMonthsAnchorStability(t *testing.T) { // style: months anchored on the original date
	datetest.AnchorStability(t, calendar)
}

func TestDateRangeErrors(t *testing.T) { // MinYear/MaxYear: errors, never panics or wraps
	west := time.FixedZone("-1", -3600)
	east := time.FixedZone("+1", 3600)
	cases := map[string]func() error{
		"AddMonths past 9999":             func() error { _, err := AddMonthsChecked(date(9999, 12, 31), 1); return err },
		"AddMonths before year 1":         func() error { _, err := AddMonthsChecked(date(1, 1, 31), -1); return err },
		"AddMonths huge n":                func() error { _, err := AddMonthsChecked(date(2026, 1, 1), 1<<62); return err },
		"AddMonths huge negative n":       func() error { _, err := AddMonthsChecked(date(2026, 1, 1), -1<<62); return err },
		"AddMonths from year 0":           func() error { _, err := AddMonthsChecked(date(0, 12, 31), 1); return err },
		"AddMonths from year 10000":       func() error { _, err := AddMonthsChecked(date(10000, 1, 1), -1); return err },
		"AddDays past 9999":               func() error { _, err := AddDaysChecked(date(9999, 12, 31), 1); return err },
		"AddDays before year 1":           func() error { _, err := AddDaysChecked(date(1, 1, 1), -1); return err },
		"AddDays huge n":                  func() error { _, err := AddDaysChecked(date(2026, 1, 1), 1<<62); return err },
		"zero Time west of UTC is year 0": func() error { return CheckDate(time.Time{}.In(west)) },
		"9999-12-31 23:00 UTC east":       func() error { return CheckDate(time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC).In(east)) },
		"DateChecked year 10000":          func() error { _, err := DateChecked(date(10000, 1, 1)); return err },
		"DaysChecked year 0":              func() error { _, err := DaysChecked(date(0, 1, 1), date(2026, 1, 1)); return err },
		"DaysChecked year 10000":          func() error { _, err := DaysChecked(date(2026, 1, 1), date(10000, 1, 1)); return err },
		"far future":                      func() error { return CheckDate(time.Unix(1<<62, 0)) },
		"far past":                        func() error { return CheckDate(time.Unix(-1<<62, 0)) },
		"absurd zone offset":              func() error { return CheckDate(time.Unix(1<<62, 0).In(time.FixedZone("x", 1<<62))) },
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			err := f()
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrDateRange)
			assert.NotErrorIs(t, err, ErrInput)
		})
	}
	// The zero results of the unchecked forms.
	assert.True(t, AddMonths(date(9999, 12, 31), 1).IsZero())
	assert.True(t, AddDays(date(1, 1, 1), -1).IsZero())
	assert.True(t, Date(date(10000, 1, 1)).IsZero())
	// The edges themselves are fine.
	require.NoError(t, CheckDate(time.Time{}))
	require.NoError(t, CheckDate(date(9999, 12, 31).Add(23*time.Hour)))
	n, err := DaysChecked(date(1, 1, 1), date(9999, 12, 31))
	require.NoError(t, err)
	assert.Equal(t, MaxDays, n)
}

func TestDSTDays(t *testing.T) { // open point "Dates": no result depends on zone or DST
	datetest.DSTDays(t, calendar)
}

func TestExtremeZones(t *testing.T) { // ±14 h: the date is the one on the local calendar
	datetest.ExtremeZones(t, calendar)
}

func TestPropDayOfMatchesDate(t *testing.T) { // zone invariance: dayOf agrees with t.Date() in every zone
	locs := loadZones(t)
	rapid.Check(t, func(t *rapid.T) {
		sec := rapid.Int64Range(-62135596800+14*3600, 253402300799-14*3600).Draw(t, "unix seconds")
		loc := rapid.SampledFrom(locs).Draw(t, "zone")
		off := rapid.IntRange(-14*3600, 14*3600).Draw(t, "fixed offset")
		for _, z := range []time.Time{time.Unix(sec, 0).In(loc), time.Unix(sec, 0).In(time.FixedZone("f", off))} {
			y, m, d := z.Date()
			if got := Date(z); !got.Equal(date(y, m, d)) {
				t.Fatalf("Date(%s) = %s, want %04d-%02d-%02d", z, ymd(got), y, m, d)
			}
		}
	})
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
		if !AddDays(z1, n).Equal(AddDays(d1, n)) {
			t.Fatalf("AddDays(%s, %d) differs by zone", z1, n)
		}
		seats := rapid.IntRange(1, 1000).Draw(t, "seats")
		key := rapid.IntRange(1, 3*seats).Draw(t, "key seats")
		e1, _, _, _, err1 := Extend(int64(seats), int64(key), 12, HalfEven, false, Of(z1), int64(Days(z2, AddMonths(z2, 12))))
		e2, _, _, _, err2 := Extend(int64(seats), int64(key), 12, HalfEven, false, Of(d1), int64(Days(d2, AddMonths(d2, 12))))
		if (err1 == nil) != (err2 == nil) || e1 != e2 {
			t.Fatalf("Extend differs by zone: %v %v / %v %v", e1, err1, e2, err2)
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
		got, err := AddMonthsChecked(d, n)
		total := d.Year()*12 + int(d.Month()) - 1 + n
		inRange := total >= MinYear*12 && total < (MaxYear+1)*12
		if !inRange {
			if !errors.Is(err, ErrDateRange) {
				t.Fatalf("AddMonthsChecked(%s, %d) = %s, %v; want ErrDateRange", ymd(d), n, ymd(got), err)
			}
			return
		}
		if err != nil || !got.Equal(refAddMonths(d, n)) {
			t.Fatalf("AddMonthsChecked(%s, %d) = %s, %v; want %s", ymd(d), n, ymd(got), err, ymd(refAddMonths(d, n)))
		}
	})
}

func TestPropDaysAddDays(t *testing.T) { // Days and AddDays are inverse
	rapid.Check(t, func(t *rapid.T) {
		d := drawDate(t, MinYear, MaxYear, "d")
		n := rapid.IntRange(-MaxDays, MaxDays).Draw(t, "days")
		got, err := AddDaysChecked(d, n)
		want := d.Add(time.Duration(0)).AddDate(0, 0, n) // days only: AddDate is exact for days in UTC
		if want.Year() < MinYear || want.Year() > MaxYear {
			if !errors.Is(err, ErrDateRange) {
				t.Fatalf("AddDaysChecked(%s, %d) = %v, want ErrDateRange", ymd(d), n, err)
			}
			return
		}
		if err != nil || !got.Equal(want) || Days(d, got) != n {
			t.Fatalf("AddDaysChecked(%s, %d) = %s, %v; want %s", ymd(d), n, ymd(got), err, ymd(want))
		}
	})
}

func TestCivilRoundTrip(t *testing.T) { // the day numbers agree with package time everywhere in range
	for z := minDay; z <= maxDay; z += 7 {
		y, m, d := civilFromDaysNS(z)
		want := time.Unix(z*secondsPerDay, 0).UTC()
		if int(y) != want.Year() || time.Month(m) != want.Month() || d != want.Day() || daysFromCivilNS(y, m, d) != z {
			t.Fatalf("day %d: %d-%d-%d, want %s", z, y, m, d, ymd(want))
		}
		if yearOfDay(z) != y {
			t.Fatalf("yearOfDay(%d) = %d, want %d", z, yearOfDay(z), y)
		}
	}
	for _, z := range []dayNum{minDay, minDay + 1, maxDay - 1, maxDay, -1, 0, 1} {
		y, m, d := civilFromDaysNS(z)
		want := time.Unix(z*secondsPerDay, 0).UTC()
		assert.Equal(t, [3]int{want.Year(), int(want.Month()), want.Day()}, [3]int{int(y), m, d})
		assert.Equal(t, z, daysFromCivilNS(y, m, d))
		assert.Equal(t, y, yearOfDay(z))
	}
	// The signed year outside the range agrees with package time too.
	// The last day of each 400-year era (a Feb 29) and the day after it,
	// where the era arithmetic turns over.
	for _, y := range []int{-400, 0, 10000, 10400} {
		for _, d := range []time.Time{time.Date(y, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(y, 3, 1, 0, 0, 0, 0, time.UTC)} {
			z := dayNum(d.Unix() / secondsPerDay)
			assert.Equal(t, int64(y), yearOfDay(z), "yearOfDay(%s)", d.Format(time.DateOnly))
		}
	}
	for _, z := range []dayNum{minDay - 1, minDay - 400*366, maxDay + 1, maxDay + 400*366, -1e13, 1e13} {
		assert.Equal(t, int64(time.Unix(z*secondsPerDay, 0).UTC().Year()), yearOfDay(z), "yearOfDay(%d)", z)
	}
	assert.Equal(t, dayNum(0), daysFromCivilNS(1970, 1, 1))
	assert.Equal(t, minDay, daysFromCivilNS(MinYear, 1, 1))
	assert.Equal(t, maxDay, daysFromCivilNS(MaxYear, 12, 31))
	assert.Equal(t, minDay, dayNum(time.Date(MinYear, 1, 1, 0, 0, 0, 0, time.UTC).Unix()/secondsPerDay))
	assert.Equal(t, maxDay, dayNum(time.Date(MaxYear, 12, 31, 0, 0, 0, 0, time.UTC).Unix()/secondsPerDay))
	assert.Equal(t, fmt.Sprint(date(1, 1, 1)), fmt.Sprint(timeOf(minDay)))
}

func TestPropYearOfDay(t *testing.T) { // the signed year agrees with package time far outside the range
	rapid.Check(t, func(t *rapid.T) {
		z := rapid.Int64Range(-1e13, 1e13).Draw(t, "day")
		want := time.Unix(z*secondsPerDay, 0).UTC()
		if got := yearOfDay(z); got != int64(want.Year()) {
			t.Fatalf("yearOfDay(%d) = %d, want %d (%s)", z, got, want.Year(), want.Format(time.DateOnly))
		}
	})
}
