package proration

import (
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestSwitchCost(t *testing.T) { // R11
	act, end := date(2026, 1, 1), date(2027, 1, 1)
	tests := []struct {
		name      string
		in        SwitchInput
		rule      SwitchRule
		months    [2]int64
		remaining int
		value     string
		penalty   string
		due       string
	}{
		{"R11 activation day is inside the first 30 days", SwitchInput{Activated: act, End: end, At: act, Seats: 5, PricePerSeatMonth: dec("10")},
			SwitchFirstMonth, [2]int64{12, 1}, 365, "600.00", "150.00", "50.00"},
		{"R11 day 29 is inside", SwitchInput{Activated: act, End: end, At: date(2026, 1, 30), Seats: 5, PricePerSeatMonth: dec("10")},
			SwitchFirstMonth, [2]int64{4032, 365}, 336, "552.33", "138.08", "50.00"},
		// "Innerhalb von 30 Tagen ab … Aktivierung" reads as R12's "within 30
		// days of activation": day 30 is the last day inside (it was outside
		// before the two rules were made one).
		{"R11 day 30 is the last inside", SwitchInput{Activated: act, End: end, At: date(2026, 1, 31), Seats: 5, PricePerSeatMonth: dec("10")},
			SwitchFirstMonth, [2]int64{804, 73}, 335, "550.68", "137.67", "50.00"},
		{"R11 day 31 pays the 25 % penalty", SwitchInput{Activated: act, End: end, At: date(2026, 2, 1), Seats: 5, PricePerSeatMonth: dec("10")},
			SwitchPenalty, [2]int64{4008, 365}, 334, "549.04", "137.26", "137.26"},
		// Trailing zeros do not count (found by review): 10.000…0 with 70
		// zeros is 10 and 0.25 with 69 more zeros is 0.25.
		{"R11 trailing zeros", SwitchInput{Activated: act, End: end, At: date(2026, 2, 1), Seats: 5,
			PricePerSeatMonth: dec("10." + strings.Repeat("0", 70)), PenaltyRate: dec("0.25" + strings.Repeat("0", 69))},
			SwitchPenalty, [2]int64{4008, 365}, 334, "549.04", "137.26", "137.26"},
		{"R11 half way", SwitchInput{Activated: act, End: end, At: date(2026, 7, 2), Seats: 1, PricePerSeatMonth: dec("12.50")},
			SwitchPenalty, [2]int64{2196, 365}, 183, "75.21", "18.80", "18.80"}, // 75.205479… , 18.801369…
		{"R11 last day", SwitchInput{Activated: act, End: end, At: date(2026, 12, 31), Seats: 100, PricePerSeatMonth: dec("3.65")},
			SwitchPenalty, [2]int64{12, 365}, 1, "12.00", "3.00", "3.00"},
		{"R11 custom rate and window", SwitchInput{Activated: act, End: end, At: date(2026, 1, 31), Seats: 5, PricePerSeatMonth: dec("10"), PenaltyRate: dec("0.5"), FirstDays: 31},
			SwitchFirstMonth, [2]int64{804, 73}, 335, "550.68", "275.34", "50.00"},
		{"R11 whole units", SwitchInput{Activated: act, End: end, At: date(2026, 7, 2), Seats: 1, PricePerSeatMonth: dec("1250"), Scale: WholeUnits},
			SwitchPenalty, [2]int64{2196, 365}, 183, "7521", "1880", "1880"},
		{"R11 leap year from activation", SwitchInput{Activated: date(2028, 1, 1), End: date(2029, 1, 1), At: date(2028, 7, 2), Seats: 1, PricePerSeatMonth: dec("30.5")},
			SwitchPenalty, [2]int64{6, 1}, 183, "183.00", "45.75", "45.75"},
		{"R11 free price", SwitchInput{Activated: act, End: end, At: date(2026, 6, 1), Seats: 1, PricePerSeatMonth: decimal.Zero},
			SwitchPenalty, [2]int64{2568, 365}, 214, "0.00", "0.00", "0.00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := SwitchCost(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.rule, q.Rule)
			assert.Equal(t, tc.months, [2]int64{q.RemainingMonthsNum, q.RemainingMonthsDen})
			assert.Equal(t, tc.remaining, q.RemainingDays)
			assert.Equal(t, tc.value, q.RemainingValue.StringFixed(q.Scale), "remaining value")
			assert.Equal(t, tc.penalty, q.Penalty.StringFixed(q.Scale), "penalty")
			assert.Equal(t, tc.due, q.Due.StringFixed(q.Scale), "due")
			assert.True(t, q.Due.Equal(map[SwitchRule]decimal.Decimal{SwitchFirstMonth: q.FirstMonth, SwitchPenalty: q.Penalty}[q.Rule]))
		})
	}
	q, err := SwitchCost(tests[2].in)
	require.NoError(t, err)
	assert.Equal(t, 30, q.DaysSinceActivation)
	assert.Equal(t, 365, q.YearDays)
	assert.Equal(t, 30, q.FirstDays)
	assert.Equal(t, Window{First: act, Last: date(2026, 1, 31)}, q.FirstMonthDays, "R11: day 0 … day 30")
	assert.Equal(t, int32(2), q.Scale)
	assert.True(t, q.PenaltyRate.Equal(dec("0.25")))
	assert.Equal(t, "11.01", q.RemainingMonths(2).String())
	assert.True(t, q.FirstMonth.Equal(dec("50")))
	assert.Equal(t, date(2026, 1, 31), q.At)
}

func TestSwitchCostRounding(t *testing.T) { // every Rounding, applied once to the exact amount
	in := SwitchInput{Activated: date(2026, 1, 1), End: date(2027, 1, 1), At: date(2026, 7, 2), Seats: 1, PricePerSeatMonth: dec("12.50")}
	// value 75.205479…, penalty 18.801369…
	want := map[Rounding][2]string{HalfEven: {"75.21", "18.80"}, HalfUp: {"75.21", "18.80"}, Down: {"75.20", "18.80"}, Up: {"75.21", "18.81"}}
	for r, w := range want {
		in.Rounding = r
		q, err := SwitchCost(in)
		require.NoError(t, err)
		assert.Equal(t, w[0], q.RemainingValue.StringFixed(2), "%s", r)
		assert.Equal(t, w[1], q.Penalty.StringFixed(2), "%s", r)
	}
	// A tie: 0.125 at scale 2.
	assert.Equal(t, "0.12", divRound(dec("1"), dec("8"), 2, HalfEven).String())
	assert.Equal(t, "0.13", divRound(dec("1"), dec("8"), 2, HalfUp).String())
	assert.Equal(t, "0.38", divRound(dec("3"), dec("8"), 2, HalfEven).String())
	assert.Equal(t, "-0.12", divRound(dec("-1"), dec("8"), 2, HalfEven).String())
	assert.Equal(t, "-0.13", divRound(dec("1"), dec("-8"), 2, Up).String())
}

func TestSwitchCostErrors(t *testing.T) { // R11 inputs
	ok := SwitchInput{Activated: date(2026, 1, 1), End: date(2027, 1, 1), At: date(2026, 3, 1), Seats: 5, PricePerSeatMonth: dec("10")}
	inputs := map[string]func(*SwitchInput){
		"zero seats":              func(in *SwitchInput) { in.Seats = 0 },
		"too many seats":          func(in *SwitchInput) { in.Seats = MaxSeats + 1 },
		"negative price":          func(in *SwitchInput) { in.PricePerSeatMonth = dec("-0.01") },
		"price too large":         func(in *SwitchInput) { in.PricePerSeatMonth = dec("1000000000000.01") },
		"price too precise":       func(in *SwitchInput) { in.PricePerSeatMonth = dec("0.0000000000000000001") },
		"price absurd exponent":   func(in *SwitchInput) { in.PricePerSeatMonth = decimal.New(1, -2_000_000_000) },
		"price absurd magnitude":  func(in *SwitchInput) { in.PricePerSeatMonth = decimal.New(1, 2_000_000_000) },
		"negative rate":           func(in *SwitchInput) { in.PenaltyRate = dec("-0.25") },
		"rate above 1":            func(in *SwitchInput) { in.PenaltyRate = dec("1.01") },
		"negative first days":     func(in *SwitchInput) { in.FirstDays = -1 },
		"first days too long":     func(in *SwitchInput) { in.FirstDays = MaxFirstDays + 1 },
		"negative scale":          func(in *SwitchInput) { in.Scale = -2 },
		"scale too large":         func(in *SwitchInput) { in.Scale = MaxMoneyScale + 1 },
		"invalid rounding":        func(in *SwitchInput) { in.Rounding = 7 },
		"switch before activated": func(in *SwitchInput) { in.At = date(2025, 12, 31) },
		"switch on the end":       func(in *SwitchInput) { in.At = date(2027, 1, 1) },
		"switch after the end":    func(in *SwitchInput) { in.At = date(2027, 3, 1) },
	}
	for name, f := range inputs {
		t.Run(name, func(t *testing.T) {
			in := ok
			f(&in)
			_, err := SwitchCost(in)
			assert.ErrorIs(t, err, ErrInput)
		})
	}
	// The documented ranges are inclusive.
	for name, f := range map[string]func(*SwitchInput){
		"longest first days": func(in *SwitchInput) { in.FirstDays = MaxFirstDays },
		"largest scale":      func(in *SwitchInput) { in.Scale = MaxMoneyScale },
		"largest price":      func(in *SwitchInput) { in.PricePerSeatMonth = decimal.New(MaxPriceUnits, 0) },
		"finest price":       func(in *SwitchInput) { in.PricePerSeatMonth = dec("0.000000000000000001") },
		"whole penalty":      func(in *SwitchInput) { in.PenaltyRate = dec("1") },
	} {
		in := ok
		f(&in)
		_, err := SwitchCost(in)
		assert.NoError(t, err, name)
	}
	// An amount with the largest exponents is judged by its value and its
	// places, and the message says which.
	in := ok
	in.PricePerSeatMonth = decimal.New(1, 64)
	_, err := SwitchCost(in)
	assert.ErrorContains(t, err, "outside 0…1000000000000")
	in.PricePerSeatMonth = decimal.New(1, -64)
	_, err = SwitchCost(in)
	assert.ErrorContains(t, err, "more than 18 decimal places")
	in.PricePerSeatMonth = decimal.New(1, 2_000_000_000)
	_, err = SwitchCost(in)
	assert.ErrorContains(t, err, "exponent 2000000000 outside -64…64")
	in.PricePerSeatMonth = decimal.New(-1, 2_000_000_000)
	_, err = SwitchCost(in)
	assert.ErrorContains(t, err, "price per seat month is negative")
	dates := map[string]func(*SwitchInput){
		"activated in year 0": func(in *SwitchInput) { in.Activated = date(0, 6, 1) },
		"end in year 10000":   func(in *SwitchInput) { in.End = date(10000, 1, 1) },
		"at in year 10000":    func(in *SwitchInput) { in.At = date(10000, 1, 1) },
		"year from activation out": func(in *SwitchInput) {
			in.Activated, in.At, in.End = date(9999, 2, 1), date(9999, 3, 1), date(9999, 12, 31)
		},
	}
	for name, f := range dates {
		t.Run(name, func(t *testing.T) {
			in := ok
			f(&in)
			_, err := SwitchCost(in)
			assert.ErrorIs(t, err, ErrDateRange)
		})
	}
}

func TestSwitchRuleText(t *testing.T) {
	for _, r := range []SwitchRule{SwitchFirstMonth, SwitchPenalty} {
		b, err := r.MarshalText()
		require.NoError(t, err)
		var back SwitchRule
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, r, back)
	}
	assert.Equal(t, "SwitchRule(0)", SwitchRule(0).String())
	_, err := SwitchRule(0).MarshalText()
	assert.ErrorIs(t, err, ErrInput)
	var r SwitchRule
	assert.ErrorIs(t, r.UnmarshalText([]byte("Penalty ")), ErrInput)
	require.NoError(t, r.UnmarshalText([]byte("Penalty")), "any ASCII case")
	assert.Equal(t, SwitchPenalty, r)
}

func FuzzParseSwitchRule(f *testing.F) {
	for _, s := range []string{"first-month", "penalty", "", "PENALTY", "first month", "SwitchRule(0)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseSwitchRule(s)
		if err != nil {
			return
		}
		if !r.Valid() || !strings.EqualFold(r.String(), s) || !isASCII(s) {
			t.Fatalf("ParseSwitchRule(%q) = %v", s, r)
		}
		if back, err := ParseSwitchRule(r.String()); err != nil || back != r {
			t.Fatalf("round trip of %v", r)
		}
	})
}

// refRound rounds the exact x to scale places by r, with math/big.
func refRound(x *big.Rat, scale int32, r Rounding) string {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
	y := new(big.Rat).Mul(x, new(big.Rat).SetInt(p))
	q := refDivBig(r, y.Num(), y.Denom())
	return decimal.NewFromBigInt(q, -scale).StringFixed(scale)
}

func refDivBig(r Rounding, n, d *big.Int) *big.Int {
	q, m := new(big.Int).QuoRem(n, d, new(big.Int))
	if m.Sign() == 0 {
		return q
	}
	twice := new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2))
	c := twice.Cmp(d)
	away := r == Up || (r == HalfUp && c >= 0) || (r == HalfEven && (c > 0 || c == 0 && q.Bit(0) == 1))
	if away {
		q.Add(q, big.NewInt(int64(n.Sign())))
	}
	return q
}

func TestPropSwitchCost(t *testing.T) { // R11 against a math/big reference; penalty ≤ value; value falls with time
	rapid.Check(t, func(t *rapid.T) {
		act := drawDate(t, 1900, 2200, "activated")
		end := addDays(act, rapid.IntRange(1, 3*366).Draw(t, "term days"))
		at := addDays(act, rapid.IntRange(0, Days(act, end)-1).Draw(t, "switch day"))
		price := decimal.New(rapid.Int64Range(0, 1_000_000_00).Draw(t, "price cents"), -2)
		in := SwitchInput{
			Activated: act, End: end, At: at,
			Seats:             rapid.IntRange(1, MaxSeats).Draw(t, "seats"),
			PricePerSeatMonth: price,
			PenaltyRate:       decimal.New(rapid.Int64Range(0, 100).Draw(t, "penalty percent"), -2),
			FirstDays:         rapid.IntRange(0, 60).Draw(t, "first days"),
			Scale:             int32(rapid.SampledFrom([]int{0, 1, 2, 3, 6, WholeUnits}).Draw(t, "scale")),
			Rounding:          rapid.SampledFrom(roundings).Draw(t, "rounding"),
		}
		q, err := SwitchCost(in)
		if err != nil {
			t.Fatal(err)
		}
		yearDays := int64(Days(act, AddMonths(act, 12)))
		months := big.NewRat(12*int64(Days(at, end)), yearDays)
		if q.RemainingMonthsNum != months.Num().Int64() || q.RemainingMonthsDen != months.Denom().Int64() {
			t.Fatalf("months %d/%d, want %s", q.RemainingMonthsNum, q.RemainingMonthsDen, months)
		}
		value := new(big.Rat).Mul(months, new(big.Rat).Mul(price.Rat(), new(big.Rat).SetInt64(int64(in.Seats))))
		if got, want := q.RemainingValue.StringFixed(q.Scale), refRound(value, q.Scale, in.Rounding); got != want {
			t.Fatalf("remaining value %s, want %s", got, want)
		}
		pen := new(big.Rat).Mul(value, q.PenaltyRate.Rat())
		if got, want := q.Penalty.StringFixed(q.Scale), refRound(pen, q.Scale, in.Rounding); got != want {
			t.Fatalf("penalty %s, want %s", got, want)
		}
		if q.Penalty.GreaterThan(q.RemainingValue) {
			t.Fatalf("penalty %s > remaining value %s", q.Penalty, q.RemainingValue)
		}
		inside := Days(act, at) <= q.FirstDays
		if inside != (q.Rule == SwitchFirstMonth) {
			t.Fatalf("day %d with window %d gave %s", Days(act, at), q.FirstDays, q.Rule)
		}
		if Days(at, end) > 1 {
			in.At = addDays(at, 1)
			later, err := SwitchCost(in)
			if err != nil || later.RemainingValue.GreaterThan(q.RemainingValue) {
				t.Fatalf("a later switch is worth more: %s > %s (%v)", later.RemainingValue, q.RemainingValue, err)
			}
		}
	})
}

func TestSwitchCostZones(t *testing.T) { // open point "Dates": R11 by calendar dates, not instants
	locs := loadZones(t)
	base, err := SwitchCost(SwitchInput{Activated: date(2026, 3, 8), End: date(2027, 3, 8), At: date(2026, 11, 1), Seats: 3, PricePerSeatMonth: dec("9.99")})
	require.NoError(t, err)
	for _, loc := range locs {
		q, err := SwitchCost(SwitchInput{
			Activated: time.Date(2026, 3, 8, 23, 30, 0, 0, loc), End: time.Date(2027, 3, 8, 0, 15, 0, 0, loc),
			At: time.Date(2026, 11, 1, 12, 0, 0, 0, loc), Seats: 3, PricePerSeatMonth: dec("9.99"),
		})
		require.NoError(t, err, loc.String())
		assert.True(t, q.Due.Equal(base.Due), "%s: %s, want %s", loc, q.Due, base.Due)
		assert.Equal(t, base.RemainingDays, q.RemainingDays)
	}
}

// TestDivDecimal: every Rounding at ties and around them, with the same
// neighbour Rounding.Div picks for integers; zero for a zero divisor.
func TestDivDecimal(t *testing.T) {
	tests := []struct {
		num, den string
		scale    int32
		want     [4]string // HalfEven, HalfUp, Down, Up
	}{
		{"1", "32", 4, [4]string{"0.0312", "0.0313", "0.0312", "0.0313"}},      // 0.03125: a tie
		{"3", "32", 4, [4]string{"0.0938", "0.0938", "0.0937", "0.0938"}},      // 0.09375: a tie, odd below
		{"-1", "32", 4, [4]string{"-0.0312", "-0.0313", "-0.0312", "-0.0313"}}, // ties of negatives
		{"2", "3", 2, [4]string{"0.67", "0.67", "0.66", "0.67"}},
		{"12", "7", 3, [4]string{"1.714", "1.714", "1.714", "1.715"}},
		{"10", "4", 0, [4]string{"2", "3", "2", "3"}},
	}
	for _, tc := range tests {
		for i, r := range []Rounding{HalfEven, HalfUp, Down, Up} {
			got := r.DivDecimal(dec(tc.num), dec(tc.den), tc.scale)
			assert.True(t, got.Equal(dec(tc.want[i])), "%s.DivDecimal(%s, %s, %d) = %s, want %s", r, tc.num, tc.den, tc.scale, got, tc.want[i])
		}
	}
	assert.True(t, HalfEven.DivDecimal(dec("1"), dec("0"), 2).IsZero(), "zero divisor")
	assert.True(t, Rounding(9).DivDecimal(dec("1"), dec("3"), 2).IsZero(), "undefined rounding")
}
