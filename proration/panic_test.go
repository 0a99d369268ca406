package proration

import (
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// anyInt draws arbitrary ints, biased to the extremes and the edges of the ranges.
func anyInt(t *rapid.T, label string) int {
	return rapid.OneOf(rapid.Int(), rapid.IntRange(-2, 2),
		rapid.SampledFrom([]int{math.MinInt, math.MinInt + 1, math.MaxInt, math.MaxInt - 1, MaxSeats, MaxSeats + 1, maxDays, maxDays + 1, -maxDays - 1, maxMonths, maxMonths + 1}),
	).Draw(t, label)
}

// anyTime draws arbitrary instants in arbitrary zones, including absurd offsets.
func anyTime(t *rapid.T, label string) time.Time {
	sec := rapid.OneOf(rapid.Int64(), rapid.Int64Range(-62135596800-86400, 253402300799+86400),
		rapid.SampledFrom([]int64{math.MinInt64, math.MaxInt64, 0})).Draw(t, label+" unix")
	off := rapid.OneOf(rapid.IntRange(-14*3600, 14*3600), rapid.Int()).Draw(t, label+" offset")
	if rapid.Bool().Draw(t, label+" zero") {
		return time.Time{}.In(time.FixedZone("z", off))
	}
	return time.Unix(sec, rapid.Int64Range(0, 999999999).Draw(t, label+" nanos")).In(time.FixedZone("z", off))
}

func anyDecimal(t *rapid.T, label string) decimal.Decimal {
	return decimal.New(rapid.Int64().Draw(t, label+" coefficient"), rapid.OneOf(rapid.Int32(), rapid.Int32Range(-30, 30)).Draw(t, label+" exponent"))
}

func TestPropNoPanics(t *testing.T) { // "never panics on input"
	rapid.Check(t, func(t *rapid.T) {
		d1, d2, d3 := anyTime(t, "d1"), anyTime(t, "d2"), anyTime(t, "d3")
		n := anyInt(t, "n")
		rnd := Rounding(anyInt(t, "rounding"))
		_ = AddMonths(d1, n)
		_ = Days(d1, d2)
		_ = rnd.String()
		_ = MaxKeySeats(anyInt(t, "seats"), anyInt(t, "factor"))
		_, _ = Blend(anyInt(t, "A"), anyInt(t, "B"), anyInt(t, "C"), anyInt(t, "T"), rnd)
		e, _ := Extend(ExtendInput{
			End: d1, At: d2, Seats: anyInt(t, "ext seats"), KeySeats: anyInt(t, "ext key seats"),
			TermMonths: anyInt(t, "term"), CapFactor: anyInt(t, "cap"), Rounding: rnd, Convention: Convention(anyInt(t, "convention")),
		})
		_ = e.Months(rapid.Int32Range(-20, 20).Draw(t, "months scale"))
		q, _ := SwitchCost(SwitchInput{
			Activated: d3, End: d2, At: d1, Seats: anyInt(t, "switch seats"),
			PricePerSeatMonth: anyDecimal(t, "price"), PenaltyRate: anyDecimal(t, "rate"),
			FirstDays: anyInt(t, "first days"), Scale: rapid.Int32().Draw(t, "scale"), Rounding: rnd,
		})
		_ = q.RemainingMonths(rapid.Int32Range(-20, 20).Draw(t, "quote scale"))
		_ = SwitchRule(n).String()
	})
}

func TestPropNoPanicsPlausible(t *testing.T) { // the same in valid ranges, where results must also succeed
	rapid.Check(t, func(t *rapid.T) {
		end := drawDate(t, 1900, 2200, "end")
		at := drawDate(t, 1900, 2200, "at")
		a := rapid.IntRange(1, MaxSeats).Draw(t, "A")
		c := rapid.IntRange(1, MaxSeats).Draw(t, "C")
		_, err := Extend(ExtendInput{End: end, At: at, Seats: a, KeySeats: c})
		if (err == nil) != (c <= 3*a) {
			t.Fatalf("Extend(A=%d, C=%d): %v", a, c, err)
		}
	})
}
