// Package datetest holds the calendar test data that the date arithmetic of
// internal/daymath and of package proration are both held against: the
// month-end table (R3), the days across DST changes, the zones, a plain
// reference for adding months, the rapid draws of dates, and the checks
// both packages run on their own functions ([Calendar]). It is imported by
// tests only.
//
// Nothing here calls the code under test: the reference and the number of
// days in a month come from package time.
package datetest

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones below, independent of the host

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Date returns y-m-d at 00:00 UTC.
func Date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// YMD formats t's date in its own location.
func YMD(t time.Time) string { return t.Format(time.DateOnly) }

// DaysIn is the number of days in month m of year y, by package time.
func DaysIn(y int, m time.Month) int { return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day() }

// ZoneNames are the real zones the tests use: DST with half-hour shifts
// (Lord_Howe), DST at 02:00 (New_York), the extremes +14 h and −12 h, and
// zones whose offset changed by a whole day (Apia skipped 2011-12-30).
var ZoneNames = []string{
	"UTC", "America/New_York", "Australia/Lord_Howe", "Pacific/Kiritimati",
	"Etc/GMT+12", "Etc/GMT-14", "Pacific/Apia", "Asia/Kathmandu", "Europe/Berlin",
	"America/St_Johns", "Pacific/Chatham", "Africa/Casablanca",
}

// LoadZones loads [ZoneNames] and adds the fixed zones +14, −14, +13:45 and
// −12.
func LoadZones(t testing.TB) []*time.Location {
	t.Helper()
	locs := make([]*time.Location, 0, len(ZoneNames)+4)
	for _, n := range ZoneNames {
		loc, err := time.LoadLocation(n)
		require.NoError(t, err, n)
		locs = append(locs, loc)
	}
	return append(locs,
		time.FixedZone("+14", 14*3600), time.FixedZone("-14", -14*3600),
		time.FixedZone("+13:45", 13*3600+45*60), time.FixedZone("-12", -12*3600))
}

// RefAddMonths is AddMonths the plain way: year/month arithmetic through
// time.Date normalisation of the first of the month, then the clamp.
func RefAddMonths(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(first.Year(), first.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return time.Date(first.Year(), first.Month(), min(day, last), 0, 0, 0, 0, time.UTC)
}

// MonthCase is a case of adding N months to D.
type MonthCase struct {
	Name string
	D    time.Time
	N    int
	Want time.Time
}

// MonthEnds are the documented cases of adding months (R3 and the
// "12 months" open point): the day is clamped to the target month's last
// day, from year 1 to year 9999.
var MonthEnds = []MonthCase{
	{"Jan 31 + 1 = Feb 28", Date(2027, 1, 31), 1, Date(2027, 2, 28)},
	{"Jan 31 + 1 = Feb 29 in a leap year", Date(2028, 1, 31), 1, Date(2028, 2, 29)},
	{"Feb 29 + 12 = Feb 28", Date(2028, 2, 29), 12, Date(2029, 2, 28)},
	{"Feb 29 + 48 = Feb 29", Date(2028, 2, 29), 48, Date(2032, 2, 29)},
	{"Feb 29 - 12 = Feb 28", Date(2028, 2, 29), -12, Date(2027, 2, 28)},
	{"Mar 31 - 1 = Feb 28", Date(2027, 3, 31), -1, Date(2027, 2, 28)},
	{"Mar 31 - 1 = Feb 29 in a leap year", Date(2028, 3, 31), -1, Date(2028, 2, 29)},
	{"Aug 31 + 1 = Sep 30", Date(2026, 8, 31), 1, Date(2026, 9, 30)},
	{"Oct 31 + 1 = Nov 30", Date(2026, 10, 31), 1, Date(2026, 11, 30)},
	{"Dec 31 + 2 = Feb 28", Date(2026, 12, 31), 2, Date(2027, 2, 28)},
	{"Jan 30 + 1 = Feb 28", Date(2027, 1, 30), 1, Date(2027, 2, 28)},
	{"Jan 15 + 1 = Feb 15", Date(2027, 1, 15), 1, Date(2027, 2, 15)},
	{"2100 is not leap", Date(2100, 1, 31), 1, Date(2100, 2, 28)},
	{"2000 is leap", Date(2000, 1, 31), 1, Date(2000, 2, 29)},
	{"+0", Date(2026, 5, 17), 0, Date(2026, 5, 17)},
	{"+12 keeps the day", Date(2026, 5, 17), 12, Date(2027, 5, 17)},
	{"-13 crosses the year", Date(2026, 1, 31), -13, Date(2024, 12, 31)},
	{"year 1 Jan 1", Date(1, 1, 1), 0, Date(1, 1, 1)},
	{"into year 1", Date(2, 3, 31), -13, Date(1, 2, 28)},
	{"to the last day", Date(9999, 1, 31), 11, Date(9999, 12, 31)},
	{"from year 1 to 9999", Date(1, 1, 31), 9998*12 + 11, Date(9999, 12, 31)},
	{"from year 9999 to 1", Date(9999, 12, 31), -(9998*12 + 11), Date(1, 1, 31)},
}

// DSTCase is a pair of instants in a zone with DST and the number of
// calendar days from one to the other.
type DSTCase struct {
	Name     string
	From, To time.Time
	Days     int
}

// DSTCases are days of 23, 24.5, 23.5 and 25 hours (the open point
// "Dates": no result depends on zone or DST), in New York and Lord Howe.
func DSTCases(t testing.TB) []DSTCase {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	lh, err := time.LoadLocation("Australia/Lord_Howe")
	require.NoError(t, err)
	return []DSTCase{
		// 2026-03-08 has 23 hours in New York, 2026-11-01 has 25.
		{"New York spring forward", time.Date(2026, 3, 8, 0, 0, 0, 0, ny), time.Date(2026, 3, 9, 0, 0, 0, 0, ny), 1},
		{"New York fall back", time.Date(2026, 11, 1, 0, 0, 0, 0, ny), time.Date(2026, 11, 2, 0, 0, 0, 0, ny), 1},
		{"New York late evening to early morning", time.Date(2026, 3, 7, 23, 59, 0, 0, ny), time.Date(2026, 3, 9, 0, 1, 0, 0, ny), 2},
		{"New York across both", time.Date(2026, 3, 1, 12, 0, 0, 0, ny), time.Date(2026, 11, 30, 12, 0, 0, 0, ny), 274},
		// Lord Howe shifts by 30 minutes: 2026-04-05 has 24.5 hours, 2026-10-04 has 23.5.
		{"Lord Howe fall back 30 min", time.Date(2026, 4, 5, 0, 0, 0, 0, lh), time.Date(2026, 4, 6, 0, 0, 0, 0, lh), 1},
		{"Lord Howe spring forward 30 min", time.Date(2026, 10, 4, 0, 0, 0, 0, lh), time.Date(2026, 10, 5, 0, 0, 0, 0, lh), 1},
		{"Lord Howe midnight vs UTC", time.Date(2026, 10, 4, 23, 59, 0, 0, lh), time.Date(2026, 10, 4, 0, 0, 0, 0, time.UTC), 0},
	}
}

// DrawDate draws a calendar date in years lo … hi.
func DrawDate(t *rapid.T, lo, hi int, label string) time.Time {
	y := rapid.IntRange(lo, hi).Draw(t, label+" year")
	m := time.Month(rapid.IntRange(1, 12).Draw(t, label+" month"))
	d := rapid.IntRange(1, DaysIn(y, m)).Draw(t, label+" day")
	return Date(y, m, d)
}

// DrawZoned draws a date in years lo … hi and expresses it at a random time
// of day in a random zone of locs, returning the instant and its local date
// at 00:00 UTC.
func DrawZoned(t *rapid.T, locs []*time.Location, lo, hi int, label string) (time.Time, time.Time) {
	d := DrawDate(t, lo, hi, label)
	loc := rapid.SampledFrom(locs).Draw(t, label+" zone")
	sec := rapid.IntRange(0, 86399).Draw(t, label+" second of day")
	z := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, sec, 0, loc)
	y, m, dd := z.Date() // a DST gap may move the wall clock, never the day here
	return z, Date(y, m, dd)
}

// CheckAddMonths is the property of R3 for one draw: addMonths(d, n) is
// [RefAddMonths], exactly n months on with the day clamped, comes back to
// d's month, and does not depend on how n is split (anchored on d, not
// chained).
func CheckAddMonths(t *rapid.T, addMonths func(time.Time, int) time.Time) {
	d := DrawDate(t, 1900, 2200, "d")
	n := rapid.IntRange(-1200, 1200).Draw(t, "months")
	got := addMonths(d, n)
	want := RefAddMonths(d, n)
	if !got.Equal(want) {
		t.Fatalf("AddMonths(%s, %d) = %s, want %s", YMD(d), n, YMD(got), YMD(want))
	}
	// The target month is exactly n months on, the day clamped.
	months := (got.Year()*12 + int(got.Month())) - (d.Year()*12 + int(d.Month()))
	if months != n {
		t.Fatalf("AddMonths(%s, %d) = %s is %d months on", YMD(d), n, YMD(got), months)
	}
	if want := min(d.Day(), DaysIn(got.Year(), got.Month())); got.Day() != want {
		t.Fatalf("AddMonths(%s, %d) = %s, want day %d", YMD(d), n, YMD(got), want)
	}
	// Round trip: back to d's month, with the day clamped by the target month.
	back := addMonths(got, -n)
	if back.Year() != d.Year() || back.Month() != d.Month() || back.Day() != got.Day() {
		t.Fatalf("AddMonths(AddMonths(%s, %d), %d) = %s", YMD(d), n, -n, YMD(back))
	}
	if d.Day() <= DaysIn(got.Year(), got.Month()) && !back.Equal(d) {
		t.Fatalf("no clamp, yet AddMonths(AddMonths(%s, %d), %d) = %s", YMD(d), n, -n, YMD(back))
	}
	// Anchored: n months in one step equals the anchor-based steps, not chained ones.
	k := rapid.IntRange(0, 24).Draw(t, "split")
	if !addMonths(d, n).Equal(RefAddMonths(d, k+(n-k))) {
		t.Fatalf("anchor")
	}
}
