package datetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Calendar is the date arithmetic under test: a package's own Date (the
// calendar date of an instant in its location, at 00:00 UTC), Days,
// AddMonths and its checked form.
type Calendar struct {
	Date             func(time.Time) time.Time
	Days             func(from, to time.Time) int
	AddMonths        func(time.Time, int) time.Time
	AddMonthsChecked func(time.Time, int) (time.Time, error)
}

// MonthEndsCheck checks [MonthEnds] (R3 and the "12 months" open point:
// clamp to the month's last day) on both forms of AddMonths, each result at
// 00:00 UTC.
func MonthEndsCheck(t *testing.T, c Calendar) {
	for _, tc := range MonthEnds {
		t.Run(tc.Name, func(t *testing.T) {
			got, err := c.AddMonthsChecked(tc.D, tc.N)
			require.NoError(t, err)
			assert.True(t, got.Equal(tc.Want), "AddMonths(%s, %d) = %s, want %s", YMD(tc.D), tc.N, YMD(got), YMD(tc.Want))
			assert.Equal(t, time.UTC, got.Location())
			assert.True(t, c.AddMonths(tc.D, tc.N).Equal(tc.Want))
		})
	}
}

// AnchorStability checks that months are anchored on the original date:
// Jan 31 plus 1 … 12 months lands on each month's last day, never drifts.
func AnchorStability(t *testing.T, c Calendar) {
	jan31 := Date(2027, 1, 31)
	want := []int{28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31}
	for i := 1; i <= 12; i++ {
		got := c.AddMonths(jan31, i)
		assert.Equal(t, want[i-1], got.Day(), "AddMonths(%s, %d) = %s", YMD(jan31), i, YMD(got))
	}
	assert.Equal(t, Date(2027, 12, 31), c.AddMonths(jan31, 11))
	assert.Equal(t, Date(2028, 1, 31), c.AddMonths(jan31, 12))
}

// DSTDays checks [DSTCases] (the open point "Dates": no result depends on
// zone or DST) and months across a DST change.
func DSTDays(t *testing.T, c Calendar) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	lh, err := time.LoadLocation("Australia/Lord_Howe")
	require.NoError(t, err)
	for _, tc := range DSTCases(t) {
		t.Run(tc.Name, func(t *testing.T) {
			assert.Equal(t, tc.Days, c.Days(tc.From, tc.To), "Days(%s, %s)", tc.From, tc.To)
			assert.Equal(t, -tc.Days, c.Days(tc.To, tc.From))
			y, m, d := tc.From.Date()
			assert.Equal(t, Date(y, m, d), c.Date(tc.From))
			y, m, d = tc.To.Date()
			assert.Equal(t, Date(y, m, d).AddDate(0, 1, 0).Day(), c.AddMonths(tc.To, 1).Day())
		})
	}
	// Months across a DST change are whole calendar months at 00:00 UTC.
	got := c.AddMonths(time.Date(2026, 2, 8, 0, 30, 0, 0, ny), 1)
	assert.Equal(t, Date(2026, 3, 8), got)
	got = c.AddMonths(time.Date(2026, 9, 4, 23, 45, 0, 0, lh), 1)
	assert.Equal(t, Date(2026, 10, 4), got)
}

// ExtremeZones checks that at ±14 h the date is the one on the local
// calendar, down to year 1 and up to year 9999.
func ExtremeZones(t *testing.T, c Calendar) {
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
		{plus14, Date(2027, 1, 1)},
		{kiri, Date(2027, 1, 1)},
		{minus14, Date(2026, 12, 30)},
		{gmt12, Date(2026, 12, 31)},
		{time.UTC, Date(2026, 12, 31)},
	}
	for _, tc := range tests {
		t.Run(tc.loc.String(), func(t *testing.T) {
			local := instant.In(tc.loc)
			assert.Equal(t, tc.want, c.Date(local), "Date(%s)", local)
			assert.Equal(t, c.Days(tc.want, local), 0)
			assert.Equal(t, c.AddMonths(tc.want, 2), c.AddMonths(local, 2))
		})
	}
	// The same instant is two days apart on the calendars of +14 h and −14 h.
	assert.Equal(t, 2, c.Days(instant.In(minus14), instant.In(plus14)))
	// Year 1 and year 9999 at the extremes of the offsets.
	assert.Equal(t, Date(1, 1, 1), c.Date(time.Date(1, 1, 1, 0, 0, 0, 0, plus14)))
	assert.Equal(t, Date(9999, 12, 31), c.Date(time.Date(9999, 12, 31, 23, 59, 59, 0, minus14)))
}
