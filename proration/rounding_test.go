package proration

import (
	"encoding/json"
	"math"
	"math/big"
	"strings"
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
			assert.Equal(t, want, r.Div(tc.num, tc.den), "%s.Div(%d, %d)", r, tc.num, tc.den)
			assert.Equal(t, 0, refDiv(r, tc.num, tc.den).Cmp(big.NewInt(want)), "reference %s.Div(%d, %d)", r, tc.num, tc.den)
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
			t.Fatalf("%s.Div(%d, %d) = %d, %v; want %s", r, num, den, got, err, want)
		}
	})
}

func TestRoundingText(t *testing.T) {
	for _, r := range roundings {
		b, err := r.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, r.String(), string(b))
		var back Rounding
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, r, back)
		j, err := json.Marshal(struct{ R Rounding }{r})
		require.NoError(t, err)
		var v struct{ R Rounding }
		require.NoError(t, json.Unmarshal(j, &v))
		assert.Equal(t, r, v.R)
	}
	assert.Equal(t, "half-even", HalfEven.String())
	assert.Equal(t, "Rounding(4)", Rounding(4).String())
	assert.Equal(t, "Rounding(-1)", Rounding(-1).String())
	_, err := Rounding(4).MarshalText()
	assert.ErrorIs(t, err, ErrInput)
	// The module's one rule for names: any ASCII case, nothing else.
	for in, want := range map[string]Rounding{"Half-Even": HalfEven, "UP": Up, "Down": Down} {
		got, err := ParseRounding(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "halfeven", "half-even ", "nearest", "Rounding(0)", "half_even", "\u017fup"} {
		_, err := ParseRounding(bad)
		assert.ErrorIs(t, err, ErrInput, "%q", bad)
	}
	var r Rounding = Up
	assert.Error(t, r.UnmarshalText([]byte("sideways")))
	assert.Equal(t, Up, r, "a failed UnmarshalText leaves the value alone")
}

func FuzzParseRounding(f *testing.F) {
	for _, s := range []string{"half-even", "half-up", "down", "up", "", "HALF-EVEN", "half_even", "up\x00", "ſup", "Rounding(4)", "down "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRounding(s)
		if err != nil {
			if r != 0 {
				t.Fatalf("ParseRounding(%q) = %v with error", s, r)
			}
			return
		}
		if !r.Valid() || !strings.EqualFold(r.String(), s) || !isASCII(s) {
			t.Fatalf("ParseRounding(%q) = %v, which prints as %q", s, r, r.String())
		}
		back, err := ParseRounding(r.String())
		if err != nil || back != r {
			t.Fatalf("round trip of %v: %v, %v", r, back, err)
		}
	})
}
