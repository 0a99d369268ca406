package activation

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

// exactDecimal is appendDecimal's text as a string.
func exactDecimal(num, den int64) string {
	var buf [40]byte
	return string(appendDecimal(buf[:0], num, den))
}

// TestExactDecimalIsTheDecimalWay: the integer rendering of num ÷ den gives
// the text the decimal one (bigDecimal) gives, for every num and den > 0:
// ties both ways, negative quotients that round to zero, the last
// thousandth rolling over into the integer part, and the edge of the
// integer path, |num| = math.MaxInt64 ÷ 1000, on both sides.
func TestExactDecimalIsTheDecimalWay(t *testing.T) {
	edge := int64(math.MaxInt64 / 1000)
	rapid.Check(t, func(t *rapid.T) {
		den := rapid.OneOf(rapid.Int64Range(1, 2_000), rapid.Int64Range(1, math.MaxInt64),
			rapid.SampledFrom([]int64{1, 2, 3, 7, 8, 16, 999, 1000, 1001, 2000, math.MaxInt64})).Draw(t, "den")
		num := rapid.OneOf(rapid.Int64Range(-5_000_000, 5_000_000), rapid.Int64(),
			rapid.Int64Range(edge-3, edge+3), rapid.Int64Range(-edge-3, -edge+3),
			rapid.SampledFrom([]int64{0, math.MinInt64, math.MaxInt64, math.MinInt64 + 1})).Draw(t, "num")
		if rapid.Bool().Draw(t, "a tie or beside one") {
			// num ÷ den = (2k+1) ÷ 2000, half a thousandth past k ÷ 1000, or one beside it.
			m := rapid.Int64Range(1, 1_000).Draw(t, "m")
			k := rapid.Int64Range(-1_000_000, 1_000_000).Draw(t, "k")
			den, num = 2000*m, m*(2*k+1)+rapid.Int64Range(-1, 1).Draw(t, "beside")
		}
		if got, want := exactDecimal(num, den), bigDecimal(num, den); got != want {
			t.Fatalf("exactDecimal(%d, %d) = %q, the decimal way %q", num, den, got, want)
		}
	})
}

// TestExactDecimalInIntegers: every |num| up to math.MaxInt64 ÷ 1000, the
// edge included, is rendered in integers, which allocate nothing; past it,
// with decimals.
func TestExactDecimalInIntegers(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation allocates")
	}
	edge := int64(math.MaxInt64 / 1000)
	var buf [64]byte
	for _, num := range []int64{0, 1, -1, 3703, -3703, 1_000_001, edge, -edge} {
		for _, den := range []int64{1, 3, 7, 1000, math.MaxInt64} {
			n := testing.AllocsPerRun(10, func() { _ = appendDecimal(buf[:0], num, den) })
			if n != 0 {
				t.Errorf("appendDecimal(%d, %d) allocates %v times: not the integer path", num, den, n)
			}
		}
	}
	for _, num := range []int64{edge + 1, -edge - 1, math.MinInt64} {
		if n := testing.AllocsPerRun(10, func() { _ = appendDecimal(buf[:0], num, 7) }); n == 0 {
			t.Errorf("appendDecimal(%d, 7) allocates nothing: past the edge, the decimal path allocates", num)
		}
	}
}
