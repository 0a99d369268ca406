package daymath

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var roundings = []Rounding{HalfEven, HalfUp, Down, Up}

// refDiv is Rounding.Div by math/big: the exact quotient, then the rule.
func refDiv(r Rounding, num, den int64) *big.Int {
	x := new(big.Rat).SetFrac(big.NewInt(num), big.NewInt(den))
	n, d := x.Num(), x.Denom() // d > 0
	q, m := new(big.Int).QuoRem(n, d, new(big.Int))
	if m.Sign() == 0 {
		return q
	}
	away := false
	twice := new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2))
	switch r {
	case Down:
	case Up:
		away = true
	case HalfUp:
		away = twice.Cmp(d) >= 0
	default:
		c := twice.Cmp(d)
		away = c > 0 || (c == 0 && q.Bit(0) == 1)
	}
	if away {
		return q.Add(q, big.NewInt(int64(x.Sign())))
	}
	return q
}

func TestRoundingDiv(t *testing.T) { // open point "Add licenses": rounding applied once, exactly
	tests := []struct {
		num, den                  int64
		halfEven, halfUp, dn, upR int64
	}{
		{5, 2, 2, 3, 2, 3},
		{7, 2, 4, 4, 3, 4},
		{-5, 2, -2, -3, -2, -3},
		{-7, 2, -4, -4, -3, -4},
		{31, 2, 16, 16, 15, 16}, // the worked example: 15.5 → 16
		{29, 2, 14, 15, 14, 15},
		{10, 3, 3, 3, 3, 4},
		{11, 3, 4, 4, 3, 4},
		{-11, 3, -4, -4, -3, -4},
		{5, -2, -2, -3, -2, -3},
		{-5, -2, 2, 3, 2, 3},
		{0, 7, 0, 0, 0, 0},
		{6, 3, 2, 2, 2, 2},
		{math.MaxInt64, math.MaxInt64 - 1, 1, 1, 1, 2},
		{math.MaxInt64 - 1, math.MaxInt64, 1, 1, 0, 1},
		{math.MaxInt64 / 2, math.MaxInt64, 0, 0, 0, 1}, // just below a half
		{math.MinInt64 / 2, math.MinInt64, 0, 1, 0, 1}, // exactly a half
		{math.MinInt64, math.MaxInt64, -1, -1, -1, -2}, // −1 − 1/(2⁶³−1)
		{math.MaxInt64, math.MinInt64, -1, -1, 0, -1},  // −(1 − 2⁻⁶³)
		{math.MinInt64 + 1, 2, -(1 << 62), -(1 << 62), -(1 << 62) + 1, -(1 << 62)},
	}
	for _, tc := range tests {
		for i, want := range []int64{tc.halfEven, tc.halfUp, tc.dn, tc.upR} {
			r := roundings[i]
			assert.Equal(t, want, r.Div(tc.num, tc.den), "%d.Div(%d, %d)", r, tc.num, tc.den)
			assert.Equal(t, 0, refDiv(r, tc.num, tc.den).Cmp(big.NewInt(want)), "reference %d.Div(%d, %d)", r, tc.num, tc.den)
		}
	}
}

func TestRoundingDivChecked(t *testing.T) {
	cases := map[string]struct {
		r        Rounding
		num, den int64
	}{
		"zero divisor":     {HalfEven, 1, 0},
		"overflow":         {Down, math.MinInt64, -1},
		"invalid rounding": {Rounding(4), 1, 2},
		"negative":         {Rounding(-1), 1, 2},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := tc.r.DivChecked(tc.num, tc.den)
			assert.ErrorIs(t, err, ErrInput)
		})
	}
	q, err := HalfUp.DivChecked(5, 2)
	require.NoError(t, err)
	assert.Equal(t, int64(3), q)
	assert.Equal(t, int64(0), HalfEven.Div(1, 0), "Div by zero is 0, not a panic")
	assert.Equal(t, HalfEven.Div(5, 2), Rounding(99).Div(5, 2), "invalid rounds like HalfEven")
}

func TestPropRoundingDivMatchesBigRat(t *testing.T) { // every rounding against math/big
	rapid.Check(t, func(t *rapid.T) {
		r := rapid.SampledFrom(roundings).Draw(t, "rounding")
		num := rapid.OneOf(rapid.Int64(), rapid.Int64Range(-1000, 1000),
			rapid.SampledFrom([]int64{math.MinInt64, math.MinInt64 + 1, math.MaxInt64, math.MaxInt64 - 1})).Draw(t, "num")
		den := rapid.OneOf(rapid.Int64(), rapid.Int64Range(-20, 20),
			rapid.SampledFrom([]int64{math.MinInt64, math.MaxInt64, 2, -2})).Filter(func(d int64) bool { return d != 0 }).Draw(t, "den")
		if num == math.MinInt64 && den == -1 {
			if _, err := r.DivChecked(num, den); err == nil {
				t.Fatalf("DivChecked(MinInt64, -1) did not fail")
			}
			return
		}
		got, err := r.DivChecked(num, den)
		want := refDiv(r, num, den)
		if err != nil || !want.IsInt64() || got != want.Int64() {
			t.Fatalf("%d.Div(%d, %d) = %d, %v; want %s", r, num, den, got, err, want)
		}
	})
}

func TestPropDivPosIsDiv(t *testing.T) { // the unsigned division of the formulas is Div on their non-negative values
	rapid.Check(t, func(t *rapid.T) {
		r := rapid.SampledFrom(roundings).Draw(t, "rounding")
		num := rapid.OneOf(rapid.Int64Range(0, math.MaxInt64), rapid.Int64Range(0, 1000)).Draw(t, "num")
		den := rapid.OneOf(rapid.Int64Range(1, math.MaxInt64), rapid.Int64Range(1, 20)).Draw(t, "den")
		if got, want := r.DivPos(num, den), r.Div(num, den); got != want {
			t.Fatalf("%d.DivPos(%d, %d) = %d, Div %d", r, num, den, got, want)
		}
	})
	// At the edge of the 32-bit path.
	for _, c := range [][3]int64{{1 << 32, 1 << 32, 1}, {0, 1 << 32, 0}, {1<<32 - 1, 1<<32 - 1, 1}, {1 << 32, 3, 1431655765}} {
		assert.Equal(t, c[2], HalfEven.DivPos(c[0], c[1]), "DivPos(%d, %d)", c[0], c[1])
	}
}

func TestPropGCD(t *testing.T) { // against Euclid's algorithm
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.OneOf(rapid.Int64Range(0, math.MaxInt64), rapid.Int64Range(0, 1000)).Draw(t, "a")
		b := rapid.OneOf(rapid.Int64Range(0, math.MaxInt64), rapid.Int64Range(0, 1000)).Draw(t, "b")
		x, y := a, b
		for y != 0 {
			x, y = y, x%y
		}
		if got := GCD(a, b); got != x {
			t.Fatalf("GCD(%d, %d) = %d, want %d", a, b, got, x)
		}
	})
	assert.Equal(t, int64(6), GCD(12, 18))
	assert.Equal(t, int64(7), GCD(0, 7))
	assert.Equal(t, int64(7), GCD(7, 7))
	assert.Equal(t, int64(1), GCD(1<<62, 3))
	assert.Equal(t, int64(1<<62), GCD(1<<62, 0))
}

func TestPropBlend(t *testing.T) { // R4: R = (a·b + c·t) ÷ (a + c), rounded once, against math/big
	rapid.Check(t, func(t *rapid.T) {
		r := rapid.SampledFrom(roundings).Draw(t, "rounding")
		a := rapid.Int64Range(1, 1e9).Draw(t, "seats A")
		b := rapid.Int64Range(0, MaxDays).Draw(t, "remaining days B")
		c := rapid.Int64Range(1, 1e9).Draw(t, "key seats C")
		d := rapid.Int64Range(0, MaxDays).Draw(t, "term days T")
		num := new(big.Int).Add(new(big.Int).Mul(big.NewInt(a), big.NewInt(b)), new(big.Int).Mul(big.NewInt(c), big.NewInt(d)))
		want := refDiv(r, num.Int64(), a+c)
		if got := Blend(a, b, c, d, r); !want.IsInt64() || got != want.Int64() {
			t.Fatalf("Blend(%d, %d, %d, %d, %d) = %d, want %s", a, b, c, d, r, got, want)
		}
	})
	assert.Equal(t, int64(171), Blend(100, 122, 25, 365, HalfEven), "the add-licenses example: 170.6")
}

func TestOverCap(t *testing.T) { // R6: C = factor·A is allowed, one more seat is not
	assert.False(t, OverCap(8, 24, 3))
	assert.True(t, OverCap(8, 25, 3))
	assert.False(t, OverCap(1e9, 1e9, 1))
	assert.True(t, OverCap(1, 101, 100))
}
