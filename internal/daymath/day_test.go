package daymath

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// mustDay is DayFromCivil for literals in tests.
func mustDay(t testing.TB, y int, m time.Month, d int) Day {
	t.Helper()
	n, err := DayFromCivil(y, m, d)
	require.NoError(t, err)
	return n
}

func TestDayFromCivil(t *testing.T) { // Rata Die: 0001-01-01 is Day 1
	tests := []struct {
		name    string
		y       int
		m       time.Month
		d       int
		want    Day
		wantStr string
	}{
		{"first day", 1, 1, 1, MinDay, "0001-01-01"},
		{"epoch of Unix time", 1970, 1, 1, 719163, "1970-01-01"},
		{"last day", 9999, 12, 31, MaxDay, "9999-12-31"},
		{"leap day 2000", 2000, 2, 29, 730179, "2000-02-29"},
		{"the worked example's end", 2027, 1, 31, 740012, "2027-01-31"},
		{"day before year 2", 1, 12, 31, 365, "0001-12-31"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DayFromCivil(tc.y, tc.m, tc.d)
			require.NoError(t, err)
			if got != tc.want {
				t.Fatalf("DayFromCivil(%d, %d, %d) = %d, want %d", tc.y, tc.m, tc.d, got, tc.want)
			}
			assert.Equal(t, tc.wantStr, got.String())
			y, m, d := got.Civil()
			assert.Equal(t, [3]int{tc.y, int(tc.m), tc.d}, [3]int{y, int(m), d})
			assert.True(t, got.Time().Equal(date(tc.y, tc.m, tc.d)), "Time() = %s", got.Time())
			assert.Equal(t, got, DayOf(date(tc.y, tc.m, tc.d)))
		})
	}
}

func TestDayFromCivilErrors(t *testing.T) { // exact: nothing is normalised as time.Date would
	cases := map[string]struct {
		y    int
		m    time.Month
		d    int
		want error
	}{
		"year 0":         {0, 12, 31, ErrDateRange},
		"year 10000":     {10000, 1, 1, ErrDateRange},
		"huge year":      {math.MaxInt, 1, 1, ErrDateRange},
		"month 0":        {2027, 0, 1, ErrInput},
		"month 13":       {2027, 13, 1, ErrInput},
		"day 0":          {2027, 1, 0, ErrInput},
		"Feb 29 in 2027": {2027, 2, 29, ErrInput},
		"Feb 29 in 2100": {2100, 2, 29, ErrInput},
		"Apr 31":         {2027, 4, 31, ErrInput},
		"negative day":   {2027, 1, -1, ErrInput},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := DayFromCivil(c.y, c.m, c.d)
			assert.ErrorIs(t, err, c.want)
			assert.Equal(t, Day(0), got)
			assert.False(t, got.Valid())
		})
	}
	_, err := DayFromCivil(2027, 2, 29)
	assert.EqualError(t, err, "proration: invalid input: day 29 outside 1…28 of 2027-02")
}

func TestDayOfZones(t *testing.T) { // open point "Dates": the local date, whatever the zone or DST
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	lh, err := time.LoadLocation("Australia/Lord_Howe")
	require.NoError(t, err)
	instant := date(2026, 12, 31).Add(12 * time.Hour)
	tests := []struct {
		name string
		t    time.Time
		want Day
	}{
		{"New York, 23-hour day", time.Date(2026, 3, 8, 23, 59, 0, 0, ny), mustDay(t, 2026, 3, 8)},
		{"Lord Howe, 23.5-hour day", time.Date(2026, 10, 4, 23, 0, 0, 0, lh), mustDay(t, 2026, 10, 4)},
		{"+14 h", instant.In(time.FixedZone("+14", 14*3600)), mustDay(t, 2027, 1, 1)},
		{"-12 h", instant.In(time.FixedZone("-12", -12*3600)), mustDay(t, 2026, 12, 31)},
		{"zero Time", time.Time{}, MinDay},
		{"last instant", date(9999, 12, 31).Add(24*time.Hour - 1), MaxDay},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DayOf(tc.t); got != tc.want {
				t.Fatalf("DayOf(%s) = %s, want %s", tc.t, got, tc.want)
			}
		})
	}
}

func TestDayInvalid(t *testing.T) { // out of range: invalid Days and errors, never a panic or a wrap
	west := time.FixedZone("-1", -3600)
	invalid := map[string]Day{
		"zero Day":              0,
		"year 0":                DayOf(date(0, 12, 31)),
		"year 10000":            DayOf(date(10000, 1, 1)),
		"zero Time west of UTC": DayOf(time.Time{}.In(west)),
		"far future":            DayOf(time.Unix(1<<62, 0)),
		"far past":              DayOf(time.Unix(-1<<62, 0)),
		"absurd zone offset":    DayOf(time.Unix(1<<62, 0).In(time.FixedZone("x", 1<<62))),
		"absurd negative zone":  DayOf(time.Unix(-1<<62, 0).In(time.FixedZone("x", -1<<62))),
		"MaxDay + 1":            MaxDay + 1,
		"MinInt64":              math.MinInt64,
		"MaxInt64":              math.MaxInt64,
	}
	for name, d := range invalid {
		t.Run(name, func(t *testing.T) {
			assert.False(t, d.Valid())
			assert.ErrorIs(t, d.Check(), ErrDateRange)
			assert.True(t, d.Time().IsZero())
			y, m, dd := d.Civil()
			assert.Equal(t, [3]int{0, 0, 0}, [3]int{y, int(m), dd})
			assert.Contains(t, d.String(), "Day(")
			_, err := d.AddMonths(1)
			assert.ErrorIs(t, err, ErrDateRange)
			_, err = d.AddDays(1)
			assert.ErrorIs(t, err, ErrDateRange)
		})
	}
	// A zone offset that overflows the instant still lands on the right side
	// of the calendar, and the messages say which.
	assert.EqualError(t, DayOf(time.Unix(1<<62, 0).In(time.FixedZone("x", 1<<62))).Check(), "proration: date out of range: year 10000 outside 1…9999")
	assert.EqualError(t, DayOf(time.Unix(-1<<62-1, 0).In(time.FixedZone("x", -1<<62))).Check(), "proration: date out of range: year 0 outside 1…9999")
	assert.EqualError(t, Day(math.MinInt64).Check(), "proration: date out of range: before year 1")
	assert.EqualError(t, Day(math.MaxInt64).Check(), "proration: date out of range: after year 9999")
	// The same message as the time.Time API gives for the same date.
	assert.Equal(t, CheckDate(date(10000, 1, 1)).Error(), DayOf(date(10000, 1, 1)).Check().Error())
	assert.EqualError(t, Day(0).Check(), "proration: date out of range: year 0 outside 1…9999")
	assert.Equal(t, "Day(0)", Day(0).String())
	require.NoError(t, MinDay.Check())
	require.NoError(t, MaxDay.Check())
}

func TestDayArithmetic(t *testing.T) { // R3: the month ends of AddMonths, on Days
	jan31 := mustDay(t, 2027, 1, 31)
	tests := []struct {
		name string
		d    Day
		n    int
		want string
	}{
		{"Jan 31 + 1 = Feb 28", jan31, 1, "2027-02-28"},
		{"Jan 31 + 13 = Feb 29 in a leap year", jan31, 13, "2028-02-29"},
		{"Feb 29 + 12 = Feb 28", mustDay(t, 2028, 2, 29), 12, "2029-02-28"},
		{"Mar 31 - 1 = Feb 28", mustDay(t, 2027, 3, 31), -1, "2027-02-28"},
		{"Aug 31 + 1 = Sep 30", mustDay(t, 2026, 8, 31), 1, "2026-09-30"},
		{"+0", jan31, 0, "2027-01-31"},
		{"to the last day", mustDay(t, 9999, 1, 31), 11, "9999-12-31"},
		{"into year 1", mustDay(t, 2, 3, 31), -13, "0001-02-28"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.d.AddMonths(tc.n)
			require.NoError(t, err)
			if got.String() != tc.want {
				t.Fatalf("%s.AddMonths(%d) = %s, want %s", tc.d, tc.n, got, tc.want)
			}
		})
	}
	for name, f := range map[string]func() (Day, error){
		"AddMonths past 9999":       func() (Day, error) { return MaxDay.AddMonths(1) },
		"AddMonths before year 1":   func() (Day, error) { return MinDay.AddMonths(-1) },
		"AddMonths huge n":          func() (Day, error) { return jan31.AddMonths(math.MaxInt) },
		"AddMonths huge negative n": func() (Day, error) { return jan31.AddMonths(math.MinInt) },
		"AddDays past 9999":         func() (Day, error) { return MaxDay.AddDays(1) },
		"AddDays before year 1":     func() (Day, error) { return MinDay.AddDays(-1) },
		"AddDays huge n":            func() (Day, error) { return jan31.AddDays(math.MaxInt) },
		"AddDays huge negative n":   func() (Day, error) { return jan31.AddDays(math.MinInt) },
	} {
		t.Run(name, func(t *testing.T) {
			got, err := f()
			assert.ErrorIs(t, err, ErrDateRange)
			assert.Equal(t, Day(0), got)
		})
	}
	// The whole calendar is one step in either direction, and no more.
	got, err := MinDay.AddDays(MaxDays)
	require.NoError(t, err)
	assert.Equal(t, MaxDay, got)
	got, err = MaxDay.AddDays(-MaxDays)
	require.NoError(t, err)
	assert.Equal(t, MinDay, got)
	got, err = jan31.AddDays(29)
	require.NoError(t, err)
	assert.Equal(t, "2027-03-01", got.String())
	assert.Equal(t, 29, got.Sub(jan31), "Sub counts days")
	assert.Equal(t, -29, jan31.Sub(got))
}

// drawDay draws a valid Day anywhere in the supported years.
func drawDay(t *rapid.T, label string) Day {
	return Day(rapid.Int64Range(int64(MinDay), int64(MaxDay)).Draw(t, label))
}

func TestPropDayRoundTrips(t *testing.T) { // Day ↔ civil date ↔ time.Time ↔ YYYY-MM-DD, everywhere in range
	rapid.Check(t, func(t *rapid.T) {
		d := drawDay(t, "day")
		y, m, dd := d.Civil()
		if back, err := DayFromCivil(y, m, dd); err != nil || back != d {
			t.Fatalf("DayFromCivil(%s.Civil()) = %d, %v", d, back, err)
		}
		tm := d.Time()
		if ty, tmo, td := tm.Date(); ty != y || tmo != m || td != dd || tm.Location() != time.UTC || tm.Hour() != 0 {
			t.Fatalf("%s.Time() = %s, Civil %04d-%02d-%02d", d, tm, y, m, dd)
		}
		if DayOf(tm) != d || d.String() != tm.Format(time.DateOnly) {
			t.Fatalf("DayOf(%s) = %s, String %q", tm, DayOf(tm), d.String())
		}
		if p, err := time.Parse(time.DateOnly, d.String()); err != nil || DayOf(p) != d {
			t.Fatalf("parse %q: %v", d.String(), err)
		}
	})
}

func TestPropDayAgreesWithTime(t *testing.T) { // zone invariance: the Day API agrees with the time.Time API
	locs := loadZones(t)
	rapid.Check(t, func(t *rapid.T) {
		z1, d1 := drawZoned(t, locs, 1, 9999, "from")
		z2, d2 := drawZoned(t, locs, 1, 9999, "to")
		a, b := DayOf(z1), DayOf(z2)
		if !a.Time().Equal(d1) || !a.Time().Equal(Date(z1)) {
			t.Fatalf("DayOf(%s) = %s, want %s", z1, a, ymd(d1))
		}
		if b.Sub(a) != Days(z1, z2) || b.Sub(a) != Days(d1, d2) {
			t.Fatalf("%s − %s = %d, Days %d", b, a, b-a, Days(z1, z2))
		}
		n := rapid.IntRange(-12*10000, 12*10000).Draw(t, "months")
		got, err := a.AddMonths(n)
		want, werr := AddMonthsChecked(z1, n)
		if (err == nil) != (werr == nil) || (err == nil && !got.Time().Equal(want)) || (err != nil && err.Error() != werr.Error()) {
			t.Fatalf("%s.AddMonths(%d) = %s, %v; AddMonthsChecked %s, %v", a, n, got, err, ymd(want), werr)
		}
		k := rapid.IntRange(-MaxDays-1, MaxDays+1).Draw(t, "days")
		gotD, err := a.AddDays(k)
		wantD, werr := AddDaysChecked(z1, k)
		if (err == nil) != (werr == nil) || (err == nil && !gotD.Time().Equal(wantD)) {
			t.Fatalf("%s.AddDays(%d) = %s, %v; AddDaysChecked %s, %v", a, k, gotD, err, ymd(wantD), werr)
		}
	})
}

func TestDayZeroAllocs(t *testing.T) { // the Day API allocates nothing
	if testing.Short() {
		t.Skip()
	}
	d := DayOf(benchEnd)
	cases := map[string]func(){
		"DayOf":     func() { sinkInt = int(DayOf(benchEnd)) },
		"AddMonths": func() { n, _ := d.AddMonths(13); sinkInt = int(n) },
		"AddDays":   func() { n, _ := d.AddDays(13); sinkInt = int(n) },
		"Civil":     func() { y, _, _ := d.Civil(); sinkInt = y },
		"Time":      func() { sinkTime = d.Time() },
		"Extend": func() {
			x, _, _, _, _ := Extend(8, 1, 12, HalfEven, false, d, 365)
			sinkInt = int(x)
		},
		"Blend": func() { sinkInt = int(Blend(100, 200, 25, 365, HalfEven)) },
	}
	for name, f := range cases {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocs per run, want 0", name, n)
		}
	}
}

func BenchmarkDayOf(b *testing.B) {
	for b.Loop() {
		sinkInt = int(DayOf(benchEnd))
	}
}

func BenchmarkDayAddMonths(b *testing.B) {
	d := DayOf(benchEnd)
	for i := 0; b.Loop(); i++ {
		n, _ := d.AddMonths(1 + i&15)
		sinkInt = int(n)
	}
}

// BenchmarkExtend is proration's BenchmarkExtend on Days: what a caller
// that converts its dates once pays per extension.
func BenchmarkExtend(b *testing.B) {
	end := DayOf(benchEnd)
	at := DayOf(benchAt)
	atEnd, _ := at.AddMonths(12)
	for i := 0; b.Loop(); i++ {
		r, _, _, _, _ := Extend(int64(8+i&7), 1, 12, HalfEven, false, end, int64(atEnd-at))
		sinkInt = int(r)
	}
}

// BenchmarkBlend is proration's BenchmarkBlend reduced to R.
func BenchmarkBlend(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		sinkInt = int(Blend(int64(100+i&63), 200, 25, 365, HalfEven))
	}
}
