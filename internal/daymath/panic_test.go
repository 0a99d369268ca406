package daymath

import (
	"math"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestPropNoPanics(t *testing.T) { // "never panics on input"
	anyInt := func(t *rapid.T, label string) int {
		return rapid.OneOf(rapid.Int(), rapid.IntRange(-2, 2),
			rapid.SampledFrom([]int{math.MinInt, math.MinInt + 1, math.MaxInt, math.MaxInt - 1, MaxDays, MaxDays + 1, -MaxDays - 1, maxMonths, maxMonths + 1}),
		).Draw(t, label)
	}
	anyTime := func(t *rapid.T, label string) time.Time {
		sec := rapid.OneOf(rapid.Int64(), rapid.Int64Range(-62135596800-86400, 253402300799+86400),
			rapid.SampledFrom([]int64{math.MinInt64, math.MaxInt64, 0})).Draw(t, label+" unix")
		off := rapid.OneOf(rapid.IntRange(-14*3600, 14*3600), rapid.Int()).Draw(t, label+" offset")
		if rapid.Bool().Draw(t, label+" zero") {
			return time.Time{}.In(time.FixedZone("z", off))
		}
		return time.Unix(sec, rapid.Int64Range(0, 999999999).Draw(t, label+" nanos")).In(time.FixedZone("z", off))
	}
	rapid.Check(t, func(t *rapid.T) {
		d1, d2 := anyTime(t, "d1"), anyTime(t, "d2")
		n := anyInt(t, "n")
		rnd := Rounding(anyInt(t, "rounding"))
		_ = AddMonths(d1, n)
		_, _ = AddMonthsChecked(d1, n)
		_ = AddDays(d1, n)
		_, _ = AddDaysChecked(d1, n)
		_ = Days(d1, d2)
		_, _ = DaysChecked(d1, d2)
		_ = Date(d1)
		_, _ = DateChecked(d1)
		_ = CheckDate(d1)
		_ = rnd.Div(rapid.Int64().Draw(t, "num"), rapid.Int64().Draw(t, "den"))
		_, _ = rnd.DivChecked(rapid.Int64().Draw(t, "num2"), int64(n))
		d := Day(rapid.Int64().Draw(t, "day"))
		_, _ = d.AddMonths(n)
		_, _ = d.AddDays(n)
		_ = d.String()
		_ = d.Check()
	})
}
