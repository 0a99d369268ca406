package daymath

import "math"

// Rounding is a rounding mode of [Rounding.Div], numbered as package
// proration numbers its Rounding.
type Rounding int

// The roundings.
const (
	HalfEven Rounding = iota // to nearest, ties to the even neighbour
	HalfUp                   // to nearest, ties away from zero
	Down                     // toward zero
	Up                       // away from zero
)

// Div returns num ÷ den rounded by r, exactly, from the integer quotient and
// remainder (see the package documentation). It never panics: an undefined r
// rounds like [HalfEven], a zero den gives 0, and Div(math.MinInt64, −1)
// gives math.MinInt64. [Rounding.DivChecked] reports those cases.
func (r Rounding) Div(num, den int64) int64 {
	if den == 0 {
		return 0
	}
	q, rem := num/den, num%den
	if rem == 0 {
		return q
	}
	// |rem| < |den| ≤ 2⁶³, so both magnitudes fit in a uint64; q's parity is
	// that of its two's complement bits.
	if r.up(uint64(q), uabs(rem), uabs(den)) == 0 {
		return q
	}
	// rem ≠ 0 implies |den| ≥ 2, so |q| ≤ 2⁶² and q ± 1 cannot overflow.
	if (num < 0) != (den < 0) {
		return q - 1
	}
	return q + 1
}

// DivChecked is [Rounding.Div] with an error wrapping [ErrInput] when r is
// not a defined rounding, den is zero, or the quotient does not fit in an
// int64.
func (r Rounding) DivChecked(num, den int64) (int64, error) {
	switch {
	case r < HalfEven || r > Up:
		return 0, inputErr("rounding %d not defined", int(r))
	case den == 0:
		return 0, inputErr("division by zero")
	case den == -1 && num == math.MinInt64:
		return 0, inputErr("quotient %d ÷ %d overflows int64", num, den)
	}
	return r.Div(num, den), nil
}

// DivPos is [Rounding.Div] for num ≥ 0 and den > 0, the case of every
// formula: unsigned division, in 32 bits when both fit (see "Performance").
func (r Rounding) DivPos(num, den int64) int64 {
	if uint64(num|den) < 1<<32 {
		n, d := uint32(num), uint32(den)
		q := n / d
		return int64(q) + r.up(uint64(q), uint64(n-q*d), uint64(d))
	}
	return r.divPos64(uint64(num), uint64(den))
}

// divPos64 is DivPos in 64 bits.
func (r Rounding) divPos64(num, den uint64) int64 {
	q := num / den
	return int64(q) + r.up(q, num-q*den, den)
}

// up returns 1 if the quotient q with remainder 0 ≤ rem < den is to be
// rounded up under r, and 0 otherwise. Each rounding is one comparison x > y,
// and its result is taken without a branch (SETcc): which half rem lies in is
// as good as random, so a branch on it would be mispredicted half of the
// time. 2·rem + 1 cannot overflow: rem < den ≤ 2⁶³.
func (r Rounding) up(q, rem, den uint64) int64 {
	x, y := 2*rem+q&1, den // HalfEven, and any undefined value: 2·rem > den, or = den and q odd
	switch r {
	case Down:
		return 0
	case Up: // any remainder
		x, y = rem, 0
	case HalfUp: // 2·rem ≥ den
		x = 2*rem + 1
	}
	var u int64
	if x > y {
		u = 1
	}
	return u
}

func uabs(x int64) uint64 {
	if x < 0 {
		return uint64(-x) // correct for math.MinInt64 too: 2⁶³
	}
	return uint64(x)
}
