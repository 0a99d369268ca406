package proration

import (
	"errors"
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

func TestAddMonthsMonthEnds(t *testing.T) { // R3 and "12 months" open point: clamp to the month's last day
	for _, tc := range datetest.MonthEnds {
		t.Run(tc.Name, func(t *testing.T) {
			got, err := addMonthsChecked(tc.D, tc.N)
			require.NoError(t, err)
			assert.True(t, got.Equal(tc.Want), "AddMonths(%s, %d) = %s, want %s", ymd(tc.D), tc.N, ymd(got), ymd(tc.Want))
			assert.Equal(t, time.UTC, got.Location())
			assert.True(t, AddMonths(tc.D, tc.N).Equal(tc.Want))
		})
	}
}

func TestAddMonthsAnchorStability(t *testing.T) { // style: months anchored on the original date
	jan31 := date(2027, 1, 31)
	want := []int{28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31}
	for i := 1; i <= 12; i++ {
		got := AddMonths(jan31, i)
		assert.Equal(t, want[i-1], got.Day(), "AddMonths(%s, %d) = %s", ymd(jan31), i, ymd(got))
	}
	assert.Equal(t, date(2027, 12, 31), AddMonths(jan31, 11))
	assert.Equal(t, date(2028, 1, 31), AddMonths(jan31, 12))
}

func TestDSTDays(t *testing.T) { // open point "Dates": no result depends on zone or DST
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	lh, err := time.LoadLocation("Australia/Lord_Howe")
	require.NoError(t, err)
	for _, tc := range datetest.DSTDays(t) {
		t.Run(tc.Name, func(t *testing.T) {
			assert.Equal(t, tc.Days, Days(tc.From, tc.To), "Days(%s, %s)", tc.From, tc.To)
			assert.Equal(t, -tc.Days, Days(tc.To, tc.From))
			y, m, d := tc.From.Date()
			assert.Equal(t, date(y, m, d), dateOf(tc.From))
			y, m, d = tc.To.Date()
			assert.Equal(t, date(y, m, d).AddDate(0, 1, 0).Day(), AddMonths(tc.To, 1).Day())
		})
	}
	// Months across a DST change are whole calendar months at 00:00 UTC.
	got := AddMonths(time.Date(2026, 2, 8, 0, 30, 0, 0, ny), 1)
	assert.Equal(t, date(2026, 3, 8), got)
	got = AddMonths(time.Date(2026, 9, 4, 23, 45, 0, 0, lh), 1)
	assert.Equal(t, date(2026, 10, 4), got)
}

func TestExtremeZones(t *testing.T) { // ±14 h: the date is the one on the local calendar
	plus14 := time.FixedZone("+14", 14*3600)
	minus14 := time.FixedZone("-14", -14*3600)
	kiri, err := time.LoadLocation("Pacific/Kiritimati")
	require.NoError(t, err)
	gmt12, err := time.LoadLocation("Etc/GMT+12") // UTC−12
	require.NoError(t, err)
	instant := time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		loc  *time.Location
		want time.Time
	}{
		{plus14, date(2027, 1, 1)},
		{kiri, date(2027, 1, 1)},
		{minus14, date(2026, 12, 30)},
		{gmt12, date(2026, 12, 31)},
		{time.UTC, date(2026, 12, 31)},
	}
	for _, tc := range tests {
		t.Run(tc.loc.String(), func(t *testing.T) {
			local := instant.In(tc.loc)
			assert.Equal(t, tc.want, dateOf(local), "Date(%s)", local)
			assert.Equal(t, Days(tc.want, local), 0)
			assert.Equal(t, AddMonths(tc.want, 2), AddMonths(local, 2))
		})
	}
	// The same instant is two days apart on the calendars of +14 h and −14 h.
	assert.Equal(t, 2, Days(instant.In(minus14), instant.In(plus14)))
	// Year 1 and year 9999 at the extremes of the offsets.
	assert.Equal(t, date(1, 1, 1), dateOf(time.Date(1, 1, 1, 0, 0, 0, 0, plus14)))
	assert.Equal(t, date(9999, 12, 31), dateOf(time.Date(9999, 12, 31, 23, 59, 59, 0, minus14)))
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
