package proration

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestCapEndLimit is the end-limit reading of R6: after an extension the end
// date lies at most CapFactor × the key's term after the redemption day.
// 100 seats ending 2027-03-01, redeemed on 2026-12-01: the limit is
// 2029-12-01, 33 months after the end date, so 275 seats (+33 months) is the
// largest key, where the per-key reading accepts 300 (+36 months).
func TestCapEndLimit(t *testing.T) {
	in := ExtendInput{End: date(2027, 3, 1), At: date(2026, 12, 1), Seats: 100, KeySeats: 275, CapRule: CapEndLimit}
	x, err := Extend(in)
	require.NoError(t, err)
	assert.Equal(t, date(2029, 12, 1), x.NewEnd, "the largest key reaches the limit exactly")

	in.KeySeats = 276
	_, err = Extend(in)
	require.ErrorIs(t, err, ErrExtensionCap)
	var ce *CapError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, CapError{Seats: 100, KeySeats: 276, Factor: 3, MaxKeySeats: 275, Rule: CapEndLimit, Term: 12,
		At: date(2026, 12, 1), Limit: date(2029, 12, 1)}, *ce)
	assert.EqualError(t, err, "proration: extension cap exceeded: a key of 276 seats on 100 active seats would end the term after "+
		"2029-12-01, 3 × 12 months after the redemption day 2026-12-01 (R6, end-limit reading); the largest key accepted is 275 seats")

	in.CapRule, in.KeySeats = CapPerKey, 300
	x, err = Extend(in)
	require.NoError(t, err, "the default reading: a key of 3 × A (scenario 4)")
	assert.Equal(t, date(2030, 3, 1), x.NewEnd)
	in.KeySeats = 301
	_, err = Extend(in)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, CapError{Seats: 100, KeySeats: 301, Factor: 3, MaxKeySeats: 300}, *ce, "per key: no dates in the error")
}

// TestCapEndLimitNoKeyFits: an end date already at the limit admits no key;
// the refusal says so and names the first day a key of one seat fits.
func TestCapEndLimitNoKeyFits(t *testing.T) {
	for _, conv := range []Convention{CalendarMonths, ExactSeatDays} {
		in := ExtendInput{End: date(2029, 12, 1), At: date(2026, 12, 1), Seats: 100, KeySeats: 1, CapRule: CapEndLimit, Convention: conv}
		_, err := Extend(in)
		var ce *CapError
		require.ErrorAs(t, err, &ce, "%s", conv)
		assert.Equal(t, 0, ce.MaxKeySeats)
		require.False(t, ce.FitsFrom.IsZero())
		// One seat adds 0.12 months (calendar: 0.12 × 31 days = 3.72 → 4 days)
		// or 365 ÷ 100 = 3.65 → 4 days: the end 2029-12-05 fits 36 months
		// after 2026-12-05.
		assert.Equal(t, date(2026, 12, 5), ce.FitsFrom, "%s", conv)
		assert.Contains(t, err.Error(), "; no key fits: the end date is already at the limit; a key of one seat fits from 2026-12-05")
		in.At = ce.FitsFrom
		_, err = Extend(in)
		assert.NoError(t, err, "%s: on that day a key of one seat fits", conv)
		in.At = addDays(ce.FitsFrom, -1)
		_, err = Extend(in)
		assert.ErrorIs(t, err, ErrExtensionCap, "%s: not the day before", conv)
	}

	// No later day of the calendar admits a key: the key's term from that
	// day would pass 9999-12-31 first.
	in := ExtendInput{End: date(9999, 12, 1), At: date(9990, 1, 1), Seats: 1, KeySeats: 1, CapRule: CapEndLimit}
	_, err := Extend(in)
	var ce *CapError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 0, ce.MaxKeySeats)
	assert.True(t, ce.FitsFrom.IsZero())
	assert.Contains(t, err.Error(), "no key fits: the end date is already at the limit, and no later day of the calendar admits a key")
}

// TestCapEndLimitCalendarEdge: a limit past 9999-12-31 accepts every end
// date in the calendar; an end past it is the date range, not the cap.
func TestCapEndLimitCalendarEdge(t *testing.T) {
	in := ExtendInput{End: date(9998, 1, 1), At: date(9997, 6, 1), Seats: 10, KeySeats: 30, CapRule: CapEndLimit}
	_, err := Extend(in)
	require.ErrorIs(t, err, ErrDateRange)
	assert.NotErrorIs(t, err, ErrExtensionCap)
	in.KeySeats = 1_000_000_000 // far more months than the calendar holds
	_, err = Extend(in)
	assert.ErrorIs(t, err, ErrDateRange)
	in.KeySeats = 10
	x, err := Extend(in)
	require.NoError(t, err)
	assert.Equal(t, date(9999, 1, 1), x.NewEnd)

	// A limit inside the calendar refuses an end past it as the cap.
	in = ExtendInput{End: date(9998, 1, 1), At: date(9990, 1, 1), Seats: 1, KeySeats: 1_000_000_000, CapRule: CapEndLimit}
	_, err = Extend(in)
	var ce *CapError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, date(9993, 1, 1), ce.Limit)
}

func TestCapRuleText(t *testing.T) {
	for c, name := range map[CapRule]string{CapPerKey: "per-key", CapEndLimit: "end-limit"} {
		assert.Equal(t, name, c.String())
		assert.True(t, c.Valid())
		got, err := ParseCapRule(name)
		require.NoError(t, err)
		assert.Equal(t, c, got)
		b, err := c.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, name, string(b))
		var back CapRule
		require.NoError(t, back.UnmarshalText([]byte("END-LIMIT")))
		assert.Equal(t, CapEndLimit, back)
	}
	assert.Equal(t, "CapRule(2)", CapRule(2).String())
	assert.False(t, CapRule(-1).Valid())
	_, err := CapRule(2).MarshalText()
	assert.ErrorIs(t, err, ErrInput)
	_, err = ParseCapRule("per key")
	assert.EqualError(t, err, "proration: invalid input: unknown cap rule (7 bytes): want per-key or end-limit")
	_, err = Extend(ExtendInput{End: date(2027, 3, 1), At: date(2026, 12, 1), Seats: 1, KeySeats: 1, CapRule: 2})
	assert.ErrorIs(t, err, ErrInput)
}

// TestPropertyCapEndLimit: under the end-limit reading a key is accepted iff
// its extension (computed with no cap) ends on or before AddMonths(at, 3 ×
// term); a refusal's largest key is accepted and one seat more is not; when
// none fits, FitsFrom admits one seat and the day before does not.
func TestPropertyCapEndLimit(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		at := addDays(date(2026, 1, 1), rapid.IntRange(0, 3000).Draw(t, "at"))
		in := ExtendInput{
			At:         at,
			End:        addDays(at, rapid.IntRange(1, 1500).Draw(t, "days left")),
			Seats:      rapid.IntRange(1, 400).Draw(t, "seats"),
			KeySeats:   rapid.IntRange(1, 2000).Draw(t, "key seats"),
			TermMonths: rapid.SampledFrom([]int{1, 6, 12, 24, 36}).Draw(t, "term"),
			CapFactor:  rapid.IntRange(1, 4).Draw(t, "factor"),
			Rounding:   Rounding(rapid.IntRange(0, 3).Draw(t, "rounding")),
			Convention: Convention(rapid.IntRange(0, 1).Draw(t, "convention")),
			CapRule:    CapEndLimit,
		}
		limit := addMonthsChecked
		lim, err := limit(at, in.CapFactor*in.TermMonths)
		if err != nil {
			t.Fatal(err)
		}
		free := in
		free.CapRule, free.CapFactor = CapPerKey, MaxCapFactor
		fx, ferr := Extend(free)
		x, err := Extend(in)
		if ferr == nil && !fx.NewEnd.After(lim) {
			if err != nil {
				t.Fatalf("refused a key ending %s within the limit %s: %v", fx.NewEnd.Format(time.DateOnly), lim.Format(time.DateOnly), err)
			}
			if !x.NewEnd.Equal(fx.NewEnd) {
				t.Fatalf("end %s, without the cap %s", x.NewEnd, fx.NewEnd)
			}
			return
		}
		var ce *CapError
		if !errors.As(err, &ce) {
			if ferr != nil && in.KeySeats > MaxCapFactor*in.Seats {
				return // beyond what the free run can compare
			}
			t.Fatalf("want a cap error, got %v (free: %v)", err, ferr)
		}
		if !ce.Limit.Equal(lim) {
			t.Fatalf("limit %s, want %s", ce.Limit, lim)
		}
		if ce.MaxKeySeats > 0 {
			ok := in
			ok.KeySeats = ce.MaxKeySeats
			if _, err := Extend(ok); err != nil {
				t.Fatalf("the largest key accepted, %d, is refused: %v", ce.MaxKeySeats, err)
			}
			ok.KeySeats++
			if _, err := Extend(ok); !errors.Is(err, ErrExtensionCap) {
				t.Fatalf("one seat more than the largest, %d, is not refused: %v", ok.KeySeats, err)
			}
			return
		}
		if ce.FitsFrom.IsZero() {
			t.Fatalf("no key fits and no day is named")
		}
		one := in
		one.KeySeats, one.At = 1, ce.FitsFrom
		if _, err := Extend(one); err != nil {
			t.Fatalf("one seat on %s: %v", ce.FitsFrom.Format(time.DateOnly), err)
		}
		one.At = addDays(ce.FitsFrom, -1)
		if _, err := Extend(one); !errors.Is(err, ErrExtensionCap) {
			t.Fatalf("one seat the day before %s: %v", ce.FitsFrom.Format(time.DateOnly), err)
		}
	})
}

// TestCapEndLimitConvention: the limit is checked on the end the policy's
// convention gives. One seat with a 3-seat key, ending the day after the
// redemption day: 36 calendar months end a day past the limit, 3 × 365
// exact seat-days end on it.
func TestCapEndLimitConvention(t *testing.T) {
	in := ExtendInput{End: date(2026, 12, 2), At: date(2026, 12, 1), Seats: 1, KeySeats: 3, CapRule: CapEndLimit}
	_, err := Extend(in)
	assert.ErrorIs(t, err, ErrExtensionCap, "calendar months: 2029-12-02, after 2029-12-01")
	in.Convention = ExactSeatDays
	x, err := Extend(in)
	require.NoError(t, err)
	assert.Equal(t, date(2029, 12, 1), x.NewEnd, "exact seat-days: on the limit")
}

// TestCapEndLimitOnLastDay: a limit that is exactly 9999-12-31 is a limit in
// the calendar: an end past it is the cap, not the date range.
func TestCapEndLimitOnLastDay(t *testing.T) {
	in := ExtendInput{End: date(9999, 6, 1), At: date(9996, 12, 31), Seats: 1, KeySeats: 1, CapRule: CapEndLimit}
	_, err := Extend(in)
	var ce *CapError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, date(9999, 12, 31), ce.Limit)
	assert.NotErrorIs(t, err, ErrDateRange)
}

// TestCapEndLimitExactCountsDays: under exact seat-days an extension is
// counted in days, so a key of more months than the calendar spans can
// still end within it. 119,989 one-month keys redeemed in February 9199 (a
// term of 28 days) on one seat that ended on 0001-01-02 add 3,359,692 days:
// the end is 9199-07-13, within the limit 100 months after the redemption
// day. For a key past the calendar, the largest key named is accepted and
// one seat more is not.
func TestCapEndLimitExactCountsDays(t *testing.T) {
	in := ExtendInput{End: date(1, 1, 2), At: date(9199, 2, 1), Seats: 1, KeySeats: 119_989, TermMonths: 1,
		CapFactor: 100, Convention: ExactSeatDays, CapRule: CapEndLimit}
	x, err := Extend(in)
	require.NoError(t, err)
	assert.Equal(t, date(9199, 7, 13), x.NewEnd)
	assert.Equal(t, 3_359_692, x.AddedDays)

	in.KeySeats = 200_000 // 5,600,000 days: past 9999
	_, err = Extend(in)
	var ce *CapError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, date(9207, 6, 1), ce.Limit)
	ok := in
	ok.KeySeats = ce.MaxKeySeats
	x, err = Extend(ok)
	require.NoError(t, err, "the largest key accepted, %d seats", ce.MaxKeySeats)
	assert.False(t, x.NewEnd.After(ce.Limit))
	ok.KeySeats++
	_, err = Extend(ok)
	require.ErrorIs(t, err, ErrExtensionCap, "one seat more than the largest, %d", ok.KeySeats)
}
