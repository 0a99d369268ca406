package daymath_test

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
)

// The integer core agrees with the rule-level API of package proration, which
// checks the inputs and converts the dates around it.

var roundings = []proration.Rounding{proration.HalfEven, proration.HalfUp, proration.Down, proration.Up}

func drawDate(t *rapid.T, lo, hi int, label string) time.Time {
	return time.Date(rapid.IntRange(lo, hi).Draw(t, label+" year"), time.Month(rapid.IntRange(1, 12).Draw(t, label+" month")),
		rapid.IntRange(1, 31).Draw(t, label+" day"), 0, 0, 0, 0, time.UTC)
}

func TestPropBlendAgrees(t *testing.T) { // R4: Blend is proration.Blend's R for every input it accepts
	rapid.Check(t, func(t *rapid.T) {
		anyInt := rapid.OneOf(rapid.IntRange(-2, daymath.MaxDays+2), rapid.IntRange(-2, proration.MaxSeats+2), rapid.Int())
		a := rapid.IntRange(1, proration.MaxSeats).Draw(t, "seats A")
		b := rapid.IntRange(0, 3*366).Draw(t, "remaining days B")
		c := rapid.IntRange(1, proration.MaxSeats).Draw(t, "key seats C")
		term := rapid.IntRange(0, 3*366).Draw(t, "term days T")
		rnd := rapid.SampledFrom(roundings).Draw(t, "rounding")
		if rapid.Bool().Draw(t, "any input") {
			a, b, c, term = anyInt.Draw(t, "any seats"), anyInt.Draw(t, "any remaining"), anyInt.Draw(t, "any key seats"), anyInt.Draw(t, "any term")
		}
		want, err := proration.Blend(a, b, c, term, rnd)
		if err != nil {
			return // out of range: Blend's callers check first
		}
		if got := daymath.Blend(int64(a), int64(b), int64(c), int64(term), daymath.Rounding(rnd)); got != int64(want.NewRemaining) {
			t.Fatalf("Blend(%d, %d, %d, %d, %s) = %d; proration.Blend %d", a, b, c, term, rnd, got, want.NewRemaining)
		}
	})
}

// refAddMonths adds n months with package time and a clamp.
func refAddMonths(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(day, last), 0, 0, 0, 0, time.UTC)
}

// refExtend is extend end date under calendar months on time.Time and
// math/big, rounded half to even: m = c·term ÷ a.
func refExtend(end time.Time, a, c int64, term int) (time.Time, *big.Rat) {
	m := big.NewRat(c*int64(term), a)
	w := new(big.Int).Quo(m.Num(), m.Denom()).Int64()
	ew, ew1 := refAddMonths(end, int(w)), refAddMonths(end, int(w)+1)
	f := new(big.Rat).Sub(m, new(big.Rat).SetInt64(w))
	x := new(big.Rat).Mul(f, new(big.Rat).SetInt64(int64(ew1.Sub(ew)/(24*time.Hour))))
	q, r := new(big.Int).QuoRem(x.Num(), x.Denom(), new(big.Int))
	if c := new(big.Int).Mul(r, big.NewInt(2)).Cmp(x.Denom()); c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(1))
	}
	return ew.AddDate(0, 0, int(q.Int64())), m
}

func TestPropExtendReference(t *testing.T) { // R5 against time.Time and math/big
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.Int64Range(1, proration.MaxSeats).Draw(t, "seats A")
		c := rapid.Int64Range(1, min(3*a, proration.MaxSeats)).Draw(t, "key seats C")
		term := rapid.SampledFrom([]int{1, 6, 12, 24, 36}).Draw(t, "term months")
		end := drawDate(t, 1900, 2200, "end")
		wantEnd, m := refExtend(end, a, c, term)
		newEnd, num, den, w, err := daymath.Extend(a, c, term, daymath.HalfEven, false, daymath.Of(end), 365)
		if err != nil || !newEnd.Time().Equal(wantEnd) || num != m.Num().Int64() || den != m.Denom().Int64() || w != num/den {
			t.Fatalf("Extend(%d, %d, %d, %s) = %s, %d/%d, %d, %v; want %s, %s", a, c, term, end.Format(time.DateOnly),
				newEnd, num, den, w, err, wantEnd.Format(time.DateOnly), m)
		}
	})
}

func TestPropExtendAgrees(t *testing.T) { // R5, R6: Extend is proration.Extend on Days
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.IntRange(1, proration.MaxSeats).Draw(t, "seats A")
		in := proration.ExtendInput{
			End:        drawDate(t, 1900, 2200, "end"),
			At:         drawDate(t, 1900, 2200, "at"),
			Seats:      a,
			KeySeats:   rapid.IntRange(1, min(4*a, proration.MaxSeats)).Draw(t, "key seats, past the cap"),
			TermMonths: rapid.SampledFrom([]int{0, 1, 6, 12, 24, 36}).Draw(t, "term months"),
			Rounding:   rapid.SampledFrom(roundings).Draw(t, "rounding"),
			Convention: rapid.SampledFrom([]proration.Convention{proration.CalendarMonths, proration.ExactSeatDays}).Draw(t, "convention"),
		}
		if rapid.Bool().Draw(t, "near the last year") {
			in.End = drawDate(t, 9990, 9999, "end")
		}
		want, werr := proration.Extend(in)
		term := in.TermMonths
		if term == 0 {
			term = proration.DefaultTermMonths
		}
		at := daymath.Of(in.At)
		atEnd, err := at.AddMonths(term)
		require.NoError(t, err)
		if daymath.OverCap(in.Seats, in.KeySeats, proration.DefaultCapFactor) {
			if !errors.Is(werr, proration.ErrExtensionCap) {
				t.Fatalf("OverCap(%d, %d, 3), but Extend gave %v", in.Seats, in.KeySeats, werr)
			}
			return
		}
		newEnd, num, den, w, err := daymath.Extend(int64(in.Seats), int64(in.KeySeats), term, daymath.Rounding(in.Rounding),
			in.Convention == proration.ExactSeatDays, daymath.Of(in.End), int64(atEnd-at))
		if werr != nil {
			if err == nil || err.Error() != werr.Error() {
				t.Fatalf("Extend error %v, proration.Extend %v", err, werr)
			}
			return
		}
		if err != nil || !newEnd.Time().Equal(want.NewEnd) || num != want.MonthsNum || den != want.MonthsDen ||
			w != int64(want.WholeMonths) || num-w*den != want.FracNum || int(newEnd-daymath.Of(in.End)) != want.AddedDays {
			t.Fatalf("Extend = %s, %d/%d, %d, %v; proration.Extend %+v", newEnd, num, den, w, err, want)
		}
	})
}

func TestExtendWholeTerm(t *testing.T) { // R5: C = A adds exactly the key's term, also where C·term is 2³²
	e, _ := daymath.FromCivil(2027, 1, 31)
	for _, tc := range []struct {
		a    int64
		term int
		want string
	}{
		{100, 12, "2028-01-31"},
		{1 << 29, 8, "2027-09-30"}, // C·term = 2³²
		{1e9, 36, "2030-01-31"},
	} {
		newEnd, num, den, w, err := daymath.Extend(tc.a, tc.a, tc.term, daymath.HalfEven, false, e, 365)
		require.NoError(t, err)
		assert.Equal(t, tc.want, newEnd.String(), "A = C = %d, %d months", tc.a, tc.term)
		assert.Equal(t, [3]int64{int64(tc.term), 1, int64(tc.term)}, [3]int64{num, den, w})
	}
}

func TestExtendErrors(t *testing.T) { // the checks proration.Extend makes before the core, and the core's own
	end := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	ok := proration.ExtendInput{End: end, At: end, Seats: 8, KeySeats: 1}
	cases := map[string]struct {
		in   func(*proration.ExtendInput)
		want error
	}{
		"seats 0":           {func(in *proration.ExtendInput) { in.Seats = 0 }, proration.ErrInput},
		"key seats 0":       {func(in *proration.ExtendInput) { in.KeySeats = 0 }, proration.ErrInput},
		"term 37":           {func(in *proration.ExtendInput) { in.TermMonths = 37 }, proration.ErrInput},
		"cap factor 101":    {func(in *proration.ExtendInput) { in.CapFactor = 101 }, proration.ErrInput},
		"rounding 9":        {func(in *proration.ExtendInput) { in.Rounding = 9 }, proration.ErrInput},
		"convention 9":      {func(in *proration.ExtendInput) { in.Convention = 9 }, proration.ErrInput},
		"zero end":          {func(in *proration.ExtendInput) { in.End = time.Time{}.AddDate(0, 0, -1) }, proration.ErrDateRange},
		"over the cap":      {func(in *proration.ExtendInput) { in.KeySeats = 25 }, proration.ErrExtensionCap},
		"new end past 9999": {func(in *proration.ExtendInput) { in.End = daymath.MaxDay.Time() }, proration.ErrDateRange},
		"exact seat-days past 9999": {func(in *proration.ExtendInput) {
			in.End, in.Convention = daymath.MaxDay.Time(), proration.ExactSeatDays
		}, proration.ErrDateRange},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			in := ok
			c.in(&in)
			got, err := proration.Extend(in)
			assert.ErrorIs(t, err, c.want)
			assert.Equal(t, proration.Extension{}, got)
		})
	}
	// Into the last supported year, and no further.
	e9998, _ := daymath.FromCivil(9998, 6, 30)
	last, _, _, _, err := daymath.Extend(8, 8, 12, daymath.HalfEven, false, e9998, 365)
	require.NoError(t, err)
	assert.Equal(t, "9999-06-30", last.String())
	for _, exact := range []bool{false, true} {
		newEnd, num, den, w, err := daymath.Extend(8, 1, 12, daymath.HalfEven, exact, daymath.MaxDay, 365)
		assert.ErrorIs(t, err, daymath.ErrDateRange)
		assert.Equal(t, [4]int64{}, [4]int64{int64(newEnd), num, den, w})
	}
	e, _ := daymath.FromCivil(2027, 1, 31)
	newEnd, num, den, w, err := daymath.Extend(8, 1, 12, daymath.HalfEven, false, e, 365)
	require.NoError(t, err)
	want, _ := daymath.FromCivil(2027, 3, 16)
	assert.Equal(t, [4]int64{int64(want), 3, 2, 1}, [4]int64{int64(newEnd), num, den, w})
}

// TestExtendFractionAtMonthEnds: the fraction of a month is counted in the
// days from Ew to Ew1, the next month's clamped day (R5), also where the end
// date is the 31st and the next month is shorter, and across December.
func TestExtendFractionAtMonthEnds(t *testing.T) {
	for _, tc := range []struct {
		end     string
		a, c    int64 // c × 12 ÷ a months
		wantEnd string
	}{
		{"2027-01-31", 24, 1, "2027-02-14"}, // ½ of the 28 days to 2027-02-28
		{"2028-01-31", 24, 1, "2028-02-14"}, // ½ of the 29 days to 2028-02-29: 14.5, to the even 14
		{"2027-03-31", 24, 1, "2027-04-15"}, // ½ of the 30 days to 2027-04-30
		{"2027-10-31", 24, 1, "2027-11-15"}, // ½ of the 30 days to 2027-11-30
		{"2027-12-31", 24, 1, "2028-01-16"}, // ½ of the 31 days to 2028-01-31: 15.5, to the even 16
		{"2027-11-30", 24, 1, "2027-12-15"}, // ½ of the 30 days to 2027-12-30
		{"2027-08-31", 8, 1, "2027-10-16"},  // 1½: Ew = 2027-09-30 (clamped), ½ of the 31 days to 2027-10-31
	} {
		end, err := time.Parse(time.DateOnly, tc.end)
		require.NoError(t, err)
		wantEnd, m := refExtend(end, tc.a, tc.c, 12)
		newEnd, num, den, _, err := daymath.Extend(tc.a, tc.c, 12, daymath.HalfEven, false, daymath.Of(end), 365)
		require.NoError(t, err)
		assert.Equal(t, tc.wantEnd, newEnd.String(), "extend %s by %d/%d months", tc.end, num, den)
		assert.Equal(t, wantEnd.Format(time.DateOnly), newEnd.String(), "the reference")
		assert.Equal(t, [2]int64{m.Num().Int64(), m.Denom().Int64()}, [2]int64{num, den})
	}
}
