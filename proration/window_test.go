package proration

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestWithinDays pins the one reading of "within 30 days of activation" (R11,
// R12): the activation day is day 0 and day 30 is the last day in.
func TestWithinDays(t *testing.T) {
	act := date(2027, 1, 31)
	w, err := WithinDays(act, 30)
	require.NoError(t, err)
	assert.Equal(t, Window{First: act, Last: date(2027, 3, 2)}, w)
	assert.Equal(t, "2027-01-31 … 2027-03-02", w.String())
	for _, tc := range []struct {
		name string
		on   time.Time
		in   bool
	}{
		{"the day before", date(2027, 1, 30), false},
		{"day 0, the activation day", act, true},
		{"day 29", date(2027, 3, 1), true},
		{"day 30, the last", date(2027, 3, 2), true},
		{"day 31", date(2027, 3, 3), false},
		{"day 30 late in a zone east of UTC", time.Date(2027, 3, 2, 23, 30, 0, 0, time.FixedZone("", 14*3600)), true},
		{"day 31 early in a zone west of UTC", time.Date(2027, 3, 3, 0, 30, 0, 0, time.FixedZone("", -12*3600)), false},
		{"the zero time", time.Time{}, false},
		{"past the calendar", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), false},
	} {
		assert.Equal(t, tc.in, w.Contains(tc.on), "WithinDays(%s, 30).Contains(%s)", act.Format(time.DateOnly), tc.name)
	}

	w, err = WithinDays(act, 0)
	require.NoError(t, err)
	assert.True(t, w.Contains(act))
	assert.False(t, w.Contains(date(2027, 2, 1)))
	assert.Equal(t, "2027-01-31 … 2027-01-31", w.String())

	assert.False(t, Window{}.Contains(time.Time{}), "the zero Window contains no day")
	assert.Empty(t, Window{}.String())

	w, err = WithinDays(time.Time{}, 1)
	require.NoError(t, err, "a window from 0001-01-01 that ends later is a window")
	assert.True(t, w.Contains(time.Time{}))
	w, err = WithinDays(time.Time{}, maxDays)
	require.NoError(t, err, "the whole calendar")
	assert.Equal(t, date(9999, 12, 31), w.Last)

	for name, tc := range map[string]struct {
		from time.Time
		days int
		want error
	}{
		"negative days":          {act, -1, ErrInput},
		"more days than dates":   {act, maxDays + 1, ErrInput},
		"last day past 9999":     {date(9999, 12, 2), 30, ErrDateRange},
		"from past 9999":         {time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), 0, ErrDateRange},
		"last day the zero date": {time.Time{}, 0, ErrDateRange},
	} {
		w, err := WithinDays(tc.from, tc.days)
		assert.ErrorIs(t, err, tc.want, name)
		assert.Zero(t, w, name)
	}
}

// TestWithinDaysProperty: a day is in WithinDays(from, n) iff it lies 0 … n
// days after from.
func TestWithinDaysProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		from := addDays(date(2000, 1, 1), rapid.IntRange(0, 20000).Draw(t, "from"))
		n := rapid.IntRange(0, 400).Draw(t, "days")
		d := rapid.IntRange(-5, 410).Draw(t, "offset")
		w, err := WithinDays(from, n)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Contains(addDays(from, d)); got != (d >= 0 && d <= n) {
			t.Fatalf("WithinDays(%s, %d).Contains(day %d) = %t", from.Format(time.DateOnly), n, d, got)
		}
	})
}

// TestSwitchCostWithinDays: R11 decides with WithinDays, inclusive of day 30,
// and says so in its explanation.
func TestSwitchCostWithinDays(t *testing.T) { // R11
	act := date(2027, 1, 31)
	for _, tc := range []struct {
		on   time.Time
		rule SwitchRule
	}{
		{date(2027, 3, 1), SwitchFirstMonth}, // day 29
		{date(2027, 3, 2), SwitchFirstMonth}, // day 30, the last
		{date(2027, 3, 3), SwitchPenalty},    // day 31
	} {
		q, err := SwitchCost(SwitchInput{Activated: act, End: date(2028, 1, 31), At: tc.on, Seats: 1, PricePerSeatMonth: dec("10")})
		require.NoError(t, err)
		assert.Equal(t, tc.rule, q.Rule, "switch on %s", tc.on.Format(time.DateOnly))
		assert.Contains(t, q.Explain(), "first-month window 2027-01-31 … 2027-03-02 (within 30 days of activation, both days included)")
	}
}

func TestSwitchQuoteExplain(t *testing.T) { // R11
	act, end := date(2026, 1, 1), date(2027, 1, 1)
	q, err := SwitchCost(SwitchInput{Activated: act, End: end, At: date(2026, 1, 31), Seats: 5, PricePerSeatMonth: dec("10")})
	require.NoError(t, err)
	assert.Equal(t, "Channel switch (R11): activated 2026-01-01, switched 2026-01-31 (day 30), inside the first-month window "+
		"2026-01-01 … 2026-01-31 (within 30 days of activation, both days included): the first month is paid: 5 seats × 10 per month = 50.00.",
		q.Explain())
	q, err = SwitchCost(SwitchInput{Activated: act, End: end, At: date(2026, 2, 1), Seats: 1, PricePerSeatMonth: dec("12.5"), PenaltyRate: dec("0.3")})
	require.NoError(t, err)
	assert.Equal(t, "Channel switch (R11): activated 2026-01-01, switched 2026-02-01 (day 31), after the first-month window "+
		"2026-01-01 … 2026-01-31 (within 30 days of activation, both days included): the penalty is paid: the remaining 334 days "+
		"are 10.981 months of a 365-day year, worth 137.26 for 1 seat at 12.5 per month; 30 % of it = 41.18.", q.Explain())
	assert.Equal(t, "no switch", SwitchQuote{}.Explain())
}
