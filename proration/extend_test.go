package proration

import (
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestExtendScenarios(t *testing.T) { // R5, "Licensing scenarios" 1–4, and R6
	end := date(2026, 9, 30)
	at := date(2026, 3, 15)
	tests := []struct {
		name       string
		a, c       int
		months     int64 // MonthsNum with MonthsDen 1
		want       time.Time
		wantMonths string
	}{
		{"R5 scenario 1: 100 + 25 = +3 months", 100, 25, 3, date(2026, 12, 30), "3"},
		{"R5 scenario 2: 100 + 100 = +12 months", 100, 100, 12, date(2027, 9, 30), "12"},
		{"R5 scenario 3: 5 + 10 = +24 months", 5, 10, 24, date(2028, 9, 30), "24"},
		{"R6: C = 3A = +36 months", 40, 120, 36, date(2029, 9, 30), "36"},
		{"R6: C = 3A at the largest seats", MaxSeats / 3, MaxSeats / 3 * 3, 36, date(2029, 9, 30), "36"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Extend(ExtendInput{End: end, At: at, Seats: tc.a, KeySeats: tc.c})
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.NewEnd, "Extend(%s, A=%d, C=%d) = %s, want %s", ymd(end), tc.a, tc.c, ymd(got.NewEnd), ymd(tc.want))
			assert.Equal(t, tc.months, got.MonthsNum)
			assert.Equal(t, int64(1), got.MonthsDen)
			assert.Equal(t, int(tc.months), got.WholeMonths)
			assert.Equal(t, int64(0), got.FracNum)
			assert.Equal(t, tc.wantMonths, got.Months(2).String())
			assert.Equal(t, Days(end, tc.want), got.AddedDays)
			assert.Equal(t, 365, got.KeyDays)
			assert.Equal(t, end, got.End)
		})
	}
	t.Run("R6: 3A + 1 is refused", func(t *testing.T) {
		for _, a := range []int{1, 5, 100, 333_333_333} {
			got, err := Extend(ExtendInput{End: end, At: at, Seats: a, KeySeats: 3*a + 1})
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrExtensionCap)
			assert.NotErrorIs(t, err, ErrInput)
			var ce *CapError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, 3*a, ce.MaxKeySeats)
			assert.Equal(t, MaxKeySeats(a, 0), ce.MaxKeySeats)
			assert.Equal(t, CapError{Seats: a, KeySeats: 3*a + 1, Factor: 3, MaxKeySeats: 3 * a}, *ce)
			assert.Contains(t, err.Error(), "largest key accepted")
			assert.Equal(t, Extension{}, got)
		}
	})
}

func TestExtendWorkedExample(t *testing.T) { // R5 worked example: E = 2027-01-31, A = 8, C = 1 → 2027-03-16
	tests := []struct {
		name string
		in   ExtendInput
		want time.Time
		num  int64
		den  int64
	}{
		{"HalfEven 15.5 → 16", ExtendInput{End: date(2027, 1, 31), At: date(2026, 6, 1), Seats: 8, KeySeats: 1}, date(2027, 3, 16), 3, 2},
		{"Down 15.5 → 15", ExtendInput{End: date(2027, 1, 31), At: date(2026, 6, 1), Seats: 8, KeySeats: 1, Rounding: Down}, date(2027, 3, 15), 3, 2},
		{"m = 1.5 from Feb 28 (28 days)", ExtendInput{End: date(2027, 1, 28), At: date(2026, 6, 1), Seats: 8, KeySeats: 1}, date(2027, 3, 14), 3, 2},
		{"m = 0.25 in a leap February", ExtendInput{End: date(2028, 2, 1), At: date(2027, 6, 1), Seats: 48, KeySeats: 1}, date(2028, 2, 8), 1, 4}, // 29/4 = 7.25 → 7
		{"m = 12/7", ExtendInput{End: date(2026, 5, 31), At: date(2026, 1, 1), Seats: 7, KeySeats: 1}, date(2026, 7, 22), 12, 7},                  // Ew = Jun 30, Ew1 = Jul 31: 5/7 × 31 = 22.14 → 22
		{"6-month key", ExtendInput{End: date(2026, 5, 31), At: date(2026, 1, 1), Seats: 4, KeySeats: 2, TermMonths: 6}, date(2026, 8, 31), 3, 1},
		{"exact seat-days", ExtendInput{End: date(2027, 1, 31), At: date(2026, 6, 1), Seats: 8, KeySeats: 1, Convention: ExactSeatDays}, date(2027, 3, 18), 3, 2},          // 365/8 = 45.6 → 46
		{"exact seat-days, leap term", ExtendInput{End: date(2028, 1, 1), At: date(2027, 6, 1), Seats: 2, KeySeats: 1, Convention: ExactSeatDays}, date(2028, 7, 2), 6, 1}, // 366/2 = 183
		// Ew = 9999-12-01, Ew1 = 10000-01-01 lies past MaxYear but only the
		// span (31 days) counts: 15.5 → 16. Found by review.
		{"fraction in December 9999", ExtendInput{End: date(9999, 1, 1), At: date(9998, 12, 1), Seats: 24, KeySeats: 23}, date(9999, 12, 17), 23, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Extend(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.num, got.MonthsNum)
			assert.Equal(t, tc.den, got.MonthsDen)
			assert.Equal(t, tc.want, got.NewEnd, "Extend(%+v) = %s, want %s", tc.in, ymd(got.NewEnd), ymd(tc.want))
		})
	}
	// The same fraction from 9999-01-31 ends on 10000-01-16: out of range.
	_, err := Extend(ExtendInput{End: date(9999, 1, 31), At: date(9998, 12, 1), Seats: 24, KeySeats: 23})
	require.ErrorIs(t, err, ErrDateRange)
	got, err := Extend(ExtendInput{End: date(2027, 1, 31), At: date(2026, 6, 1), Seats: 8, KeySeats: 1})
	require.NoError(t, err)
	assert.Equal(t, 1, got.WholeMonths)
	assert.Equal(t, int64(1), got.FracNum)
	assert.Equal(t, "1.5", got.Months(2).String())
	assert.Equal(t, 44, got.AddedDays)
	assert.Equal(t, int64(8*44), got.SeatDaysAdded)
	assert.Equal(t, int64(365), got.SeatDaysKey)
}

func TestExtendErrors(t *testing.T) { // R5/R6 inputs
	ok := ExtendInput{End: date(2027, 1, 31), At: date(2026, 6, 1), Seats: 8, KeySeats: 1}
	inputs := map[string]func(*ExtendInput){
		"zero seats":          func(in *ExtendInput) { in.Seats = 0 },
		"too many seats":      func(in *ExtendInput) { in.Seats = MaxSeats + 1 },
		"negative key seats":  func(in *ExtendInput) { in.KeySeats = -3 },
		"too many key seats":  func(in *ExtendInput) { in.Seats, in.KeySeats = MaxSeats, MaxSeats+1 },
		"negative term":       func(in *ExtendInput) { in.TermMonths = -12 },
		"term too long":       func(in *ExtendInput) { in.TermMonths = MaxTermMonths + 1 },
		"negative cap":        func(in *ExtendInput) { in.CapFactor = -1 },
		"cap too large":       func(in *ExtendInput) { in.CapFactor = MaxCapFactor + 1 },
		"invalid rounding":    func(in *ExtendInput) { in.Rounding = 9 },
		"invalid convention":  func(in *ExtendInput) { in.Convention = 2 },
		"negative convention": func(in *ExtendInput) { in.Convention = -1 },
	}
	for name, f := range inputs {
		t.Run(name, func(t *testing.T) {
			in := ok
			f(&in)
			_, err := Extend(in)
			assert.ErrorIs(t, err, ErrInput)
		})
	}
	dates := map[string]func(*ExtendInput){
		"end in year 10000":       func(in *ExtendInput) { in.End = date(10000, 1, 1) },
		"end in year 0":           func(in *ExtendInput) { in.End = date(0, 12, 31) },
		"at in year 0":            func(in *ExtendInput) { in.At = time.Time{}.In(time.FixedZone("w", -60)) },
		"new end after 9999":      func(in *ExtendInput) { in.End = date(9999, 12, 1) },
		"exact new end past 9999": func(in *ExtendInput) { in.End, in.Convention = date(9999, 12, 1), ExactSeatDays },
		"key term past 9999":      func(in *ExtendInput) { in.At = date(9999, 6, 1) },
	}
	for name, f := range dates {
		t.Run(name, func(t *testing.T) {
			in := ok
			f(&in)
			_, err := Extend(in)
			assert.ErrorIs(t, err, ErrDateRange)
		})
	}
	// The cap is checked before the date arithmetic.
	in := ok
	in.End, in.KeySeats = date(9999, 12, 1), 100
	_, err := Extend(in)
	assert.ErrorIs(t, err, ErrExtensionCap)
}

func TestMaxKeySeats(t *testing.T) { // R6
	assert.Equal(t, 300, MaxKeySeats(100, 0))
	assert.Equal(t, 300, MaxKeySeats(100, 3))
	assert.Equal(t, 100, MaxKeySeats(100, 1))
	assert.Equal(t, MaxSeats, MaxKeySeats(MaxSeats/2, 3), "never more than MaxSeats")
	assert.Equal(t, 0, MaxKeySeats(0, 3))
	assert.Equal(t, 0, MaxKeySeats(MaxSeats+1, 3))
	assert.Equal(t, 0, MaxKeySeats(100, -1))
	assert.Equal(t, 0, MaxKeySeats(100, MaxCapFactor+1))
	// The documented ranges are inclusive.
	assert.Equal(t, MaxSeats, MaxKeySeats(MaxSeats, 1))
	assert.Equal(t, 1, MaxKeySeats(1, 1))
	assert.Equal(t, MaxCapFactor, MaxKeySeats(1, MaxCapFactor))
}

func TestExtendLimitsInclusive(t *testing.T) { // the largest documented inputs are accepted
	end := date(2027, 1, 31)
	x, err := Extend(ExtendInput{End: end, At: end, Seats: 1, KeySeats: MaxCapFactor, CapFactor: MaxCapFactor, TermMonths: 1})
	require.NoError(t, err)
	assert.Equal(t, date(2035, 5, 31), x.NewEnd, "100 months")
	x, err = Extend(ExtendInput{End: end, At: end, Seats: MaxSeats, KeySeats: MaxSeats, TermMonths: MaxTermMonths})
	require.NoError(t, err)
	assert.Equal(t, date(2030, 1, 31), x.NewEnd, "36 months")
}

func TestConventionText(t *testing.T) {
	for _, c := range []Convention{CalendarMonths, ExactSeatDays} {
		b, err := c.MarshalText()
		require.NoError(t, err)
		var back Convention
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, c, back)
	}
	assert.Equal(t, "Convention(2)", Convention(2).String())
	_, err := Convention(2).MarshalText()
	assert.ErrorIs(t, err, ErrInput)
	_, err = ParseConvention("calendar")
	assert.ErrorIs(t, err, ErrInput)
	var c Convention
	assert.Error(t, c.UnmarshalText([]byte("Calendar_Months")))
	require.NoError(t, c.UnmarshalText([]byte("Exact-Seat-Days")), "any ASCII case")
	assert.Equal(t, ExactSeatDays, c)
}

func FuzzParseConvention(f *testing.F) {
	for _, s := range []string{"calendar-months", "exact-seat-days", "", "CALENDAR-MONTHS", "calendar_months", "exact-seat-days\n", "Convention(0)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseConvention(s)
		if err != nil {
			if c != 0 {
				t.Fatalf("ParseConvention(%q) = %v with error", s, c)
			}
			return
		}
		if !c.Valid() || !strings.EqualFold(c.String(), s) || !isASCII(s) {
			t.Fatalf("ParseConvention(%q) = %v, which prints as %q", s, c, c.String())
		}
		if back, err := ParseConvention(c.String()); err != nil || back != c {
			t.Fatalf("round trip of %v: %v, %v", c, back, err)
		}
	})
}

// extendDraw draws an Extend input over the documented ranges within the cap.
func extendDraw(t *rapid.T) ExtendInput {
	a := rapid.IntRange(1, MaxSeats).Draw(t, "seats A")
	return ExtendInput{
		End:        drawDate(t, 1900, 2200, "end"),
		At:         drawDate(t, 1900, 2200, "at"),
		Seats:      a,
		KeySeats:   rapid.IntRange(1, min(3*a, MaxSeats)).Draw(t, "key seats C"),
		TermMonths: rapid.SampledFrom([]int{0, 1, 6, 12, 24, 36}).Draw(t, "term months"),
		Rounding:   rapid.SampledFrom(roundings).Draw(t, "rounding"),
		Convention: rapid.SampledFrom([]Convention{CalendarMonths, ExactSeatDays}).Draw(t, "convention"),
	}
}

func TestPropExtendWholeYears(t *testing.T) { // R5: C = k·A is exactly 12·k calendar months
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.IntRange(1, MaxSeats/3).Draw(t, "seats A")
		k := rapid.IntRange(1, 3).Draw(t, "k")
		end := drawDate(t, 1900, 2200, "end")
		got, err := Extend(ExtendInput{End: end, At: end, Seats: a, KeySeats: k * a, Rounding: rapid.SampledFrom(roundings).Draw(t, "rounding")})
		if err != nil {
			t.Fatal(err)
		}
		if want := AddMonths(end, 12*k); !got.NewEnd.Equal(want) || got.MonthsNum != int64(12*k) || got.MonthsDen != 1 {
			t.Fatalf("Extend(%s, A=%d, C=%d·A) = %s (%d/%d months), want %s", ymd(end), a, k, ymd(got.NewEnd), got.MonthsNum, got.MonthsDen, ymd(want))
		}
	})
}

func TestPropExtend(t *testing.T) { // R5: exact months, bounded days, never earlier, monotone in C
	rapid.Check(t, func(t *rapid.T) {
		in := extendDraw(t)
		got, err := Extend(in)
		if err != nil {
			t.Fatal(err)
		}
		term := in.TermMonths
		if term == 0 {
			term = 12
		}
		// m = C·term ÷ A exactly, in lowest terms.
		m := new(big.Rat).SetFrac64(int64(in.KeySeats)*int64(term), int64(in.Seats))
		if got.MonthsNum != m.Num().Int64() || got.MonthsDen != m.Denom().Int64() ||
			int64(got.WholeMonths)*got.MonthsDen+got.FracNum != got.MonthsNum || got.FracNum >= got.MonthsDen {
			t.Fatalf("months %d/%d (w %d, f %d), want %s", got.MonthsNum, got.MonthsDen, got.WholeMonths, got.FracNum, m)
		}
		if got.NewEnd.Before(in.End) || got.AddedDays < 0 || Days(in.End, got.NewEnd) != got.AddedDays {
			t.Fatalf("new end %s before end %s", ymd(got.NewEnd), ymd(in.End))
		}
		if got.KeyDays != Days(in.At, AddMonths(in.At, term)) || got.SeatDaysKey != int64(in.KeySeats)*int64(got.KeyDays) ||
			got.SeatDaysAdded != int64(in.Seats)*int64(got.AddedDays) {
			t.Fatalf("seat-days %+v", got)
		}
		switch in.Convention {
		case CalendarMonths:
			lo, hi := AddMonths(in.End, got.WholeMonths), AddMonths(in.End, got.WholeMonths+1)
			if got.NewEnd.Before(lo) || got.NewEnd.After(hi) || (got.FracNum == 0 && !got.NewEnd.Equal(lo)) {
				t.Fatalf("new end %s outside [%s, %s]", ymd(got.NewEnd), ymd(lo), ymd(hi))
			}
			// f × Days(Ew, Ew1), rounded once.
			want := div(in.Rounding, got.FracNum*int64(Days(lo, hi)), got.MonthsDen)
			if int64(Days(lo, got.NewEnd)) != want {
				t.Fatalf("fraction days %d, want %d", Days(lo, got.NewEnd), want)
			}
		case ExactSeatDays:
			if want := div(in.Rounding, got.SeatDaysKey, int64(in.Seats)); int64(got.AddedDays) != want {
				t.Fatalf("added %d days, want C·T÷A = %d", got.AddedDays, want)
			}
		}
		// A larger key never gives an earlier end.
		in2 := in
		in2.KeySeats = rapid.IntRange(in.KeySeats, min(3*in.Seats, MaxSeats)).Draw(t, "larger key")
		got2, err := Extend(in2)
		if err != nil || got2.NewEnd.Before(got.NewEnd) {
			t.Fatalf("C %d → %d moved the end %s → %s (%v)", in.KeySeats, in2.KeySeats, ymd(got.NewEnd), ymd(got2.NewEnd), err)
		}
	})
}

func TestPropExtendCapBoundary(t *testing.T) { // R6: C = f·A accepted, f·A + 1 refused with the largest key
	rapid.Check(t, func(t *rapid.T) {
		factor := rapid.IntRange(0, 10).Draw(t, "cap factor")
		eff := max(factor, DefaultCapFactor*btoi(factor == 0))
		a := rapid.IntRange(1, (MaxSeats-1)/eff).Draw(t, "seats A")
		end := drawDate(t, 1900, 2200, "end")
		in := ExtendInput{End: end, At: end, Seats: a, KeySeats: eff * a, CapFactor: factor}
		if _, err := Extend(in); err != nil {
			t.Fatalf("C = %d·A refused: %v", eff, err)
		}
		in.KeySeats++
		_, err := Extend(in)
		var ce *CapError
		if !errors.Is(err, ErrExtensionCap) || !errors.As(err, &ce) || ce.MaxKeySeats != eff*a || ce.MaxKeySeats != MaxKeySeats(a, factor) {
			t.Fatalf("C = %d·A + 1 gave %v", eff, err)
		}
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
