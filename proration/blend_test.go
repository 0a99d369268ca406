package proration

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestBlend(t *testing.T) { // R4: R = (A·B + C·T) ÷ (A + C)
	tests := []struct {
		name            string
		a, b, c, term   int
		rnd             Rounding
		want            int
		before, residue int64
	}{
		{"R4 half a year left, equal seats", 10, 182, 10, 365, HalfEven, 274, 5470, 10}, // 273.5 → 274 (even)
		{"R4 half a year left, HalfUp", 10, 182, 10, 365, HalfUp, 274, 5470, 10},
		{"R4 half a year left, Down", 10, 182, 10, 365, Down, 273, 5470, -10},
		{"R4 tie to even downward", 10, 183, 10, 366, HalfEven, 274, 5490, -10}, // 274.5 → 274
		{"R4 tie HalfUp upward", 10, 183, 10, 366, HalfUp, 275, 5490, 10},
		{"R4 B < 12 months moves the end later", 100, 30, 25, 365, HalfEven, 97, 12125, 0},
		{"R4 B > 12 months moves the end earlier", 100, 700, 100, 365, HalfEven, 532, 106500, -100}, // 532.5 → 532
		{"R4 B = T changes nothing", 7, 365, 3, 365, HalfEven, 365, 3650, 0},
		{"R4 nothing left", 1, 0, 1, 366, Up, 183, 366, 0},
		{"R4 one seat joins many", 1_000_000_000, 10, 1, 365, Up, 11, 10_000_000_365, 999_999_646},
		{"R4 extremes", MaxSeats, maxDays, MaxSeats, maxDays, HalfEven, maxDays, 2 * MaxSeats * maxDays, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Blend(tc.a, tc.b, tc.c, tc.term, tc.rnd)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.NewRemaining, "Blend(%d, %d, %d, %d, %s)", tc.a, tc.b, tc.c, tc.term, tc.rnd)
			assert.Equal(t, tc.before, got.SeatDaysBefore)
			assert.Equal(t, tc.residue, got.Residue)
			assert.Equal(t, int64(tc.a+tc.c)*int64(tc.want), got.SeatDaysAfter)
			assert.Equal(t, Blended{Seats: tc.a, Remaining: tc.b, KeySeats: tc.c, Term: tc.term,
				NewRemaining: got.NewRemaining, SeatDaysBefore: got.SeatDaysBefore, SeatDaysAfter: got.SeatDaysAfter, Residue: got.Residue}, got)
		})
	}
}

func TestBlendErrors(t *testing.T) { // R4 inputs: seats 1…1e9, days ≥ 0, a defined rounding
	cases := map[string][5]int{
		"zero seats":          {0, 10, 1, 365, 0},
		"negative seats":      {-1, 10, 1, 365, 0},
		"too many seats":      {MaxSeats + 1, 10, 1, 365, 0},
		"zero key seats":      {1, 10, 0, 365, 0},
		"too many key seats":  {1, 10, MaxSeats + 1, 365, 0},
		"negative remaining":  {1, -1, 1, 365, 0},
		"negative term":       {1, 10, 1, -1, 0},
		"remaining too large": {1, maxDays + 1, 1, 365, 0},
		"term too large":      {1, 10, 1, maxDays + 1, 0},
		"rounding 4":          {1, 10, 1, 365, 4},
		"rounding -1":         {1, 10, 1, 365, -1},
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Blend(in[0], in[1], in[2], in[3], Rounding(in[4]))
			assert.ErrorIs(t, err, ErrInput)
			assert.Equal(t, Blended{}, got)
		})
	}
}

// blendDraw draws the inputs of Blend over the documented ranges.
func blendDraw(t *rapid.T) (a, b, c, term int, rnd Rounding) {
	a = rapid.IntRange(1, MaxSeats).Draw(t, "seats A")
	b = rapid.IntRange(0, 3*366).Draw(t, "remaining days B")
	c = rapid.IntRange(1, MaxSeats).Draw(t, "key seats C")
	term = rapid.IntRange(0, 3*366).Draw(t, "term days T")
	rnd = rapid.SampledFrom(roundings).Draw(t, "rounding")
	return
}

func TestPropBlendConservation(t *testing.T) { // R4 "no time is added or lost" up to the rounding
	rapid.Check(t, func(t *rapid.T) {
		a, b, c, term, rnd := blendDraw(t)
		got, err := Blend(a, b, c, term, rnd)
		if err != nil {
			t.Fatal(err)
		}
		n := int64(a + c)
		if got.SeatDaysBefore != int64(a)*int64(b)+int64(c)*int64(term) || got.SeatDaysAfter != n*int64(got.NewRemaining) ||
			got.Residue != got.SeatDaysAfter-got.SeatDaysBefore {
			t.Fatalf("inconsistent %+v", got)
		}
		res := got.Residue
		if res < 0 {
			res = -res
		}
		switch rnd {
		case HalfEven, HalfUp:
			if 2*res > n {
				t.Fatalf("%s: |residue| %d > (A + C) / 2 = %d/2", rnd, res, n)
			}
		default:
			if res >= n {
				t.Fatalf("%s: |residue| %d ≥ A + C = %d", rnd, res, n)
			}
		}
		if rnd == Down && got.Residue > 0 || rnd == Up && got.Residue < 0 {
			t.Fatalf("%s: residue %d has the wrong sign", rnd, got.Residue)
		}
		if r := got.NewRemaining; r < min(b, term) || r > max(b, term) {
			t.Fatalf("R = %d outside [min(B, T), max(B, T)] = [%d, %d]", r, min(b, term), max(b, term))
		}
	})
}

func TestPropBlendMonotone(t *testing.T) { // R4: more key seats pull R toward T; more B never lowers R
	rapid.Check(t, func(t *rapid.T) {
		a, b, c, term, rnd := blendDraw(t)
		c2 := rapid.IntRange(c, MaxSeats).Draw(t, "more key seats")
		b2 := rapid.IntRange(b, 3*366).Draw(t, "more remaining days")
		r1, _ := Blend(a, b, c, term, rnd)
		r2, _ := Blend(a, b, c2, term, rnd)
		d1, d2 := r1.NewRemaining-term, r2.NewRemaining-term
		if d1*d2 < 0 || abs(d2) > abs(d1) {
			t.Fatalf("C %d → %d moved R %d → %d away from T %d", c, c2, r1.NewRemaining, r2.NewRemaining, term)
		}
		r3, _ := Blend(a, b2, c, term, rnd)
		if r3.NewRemaining < r1.NewRemaining {
			t.Fatalf("B %d → %d lowered R %d → %d", b, b2, r1.NewRemaining, r3.NewRemaining)
		}
		same, _ := Blend(a, term, c, term, rnd)
		if same.NewRemaining != term || same.Residue != 0 {
			t.Fatalf("B = T = %d gave R = %d, residue %d", term, same.NewRemaining, same.Residue)
		}
	})
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
