package proration

import "math"

// Rounding says how a formula turns an exact fraction into a whole number of
// days (or, in [SwitchCost], of the smallest money unit). It is applied once,
// at the end, by exact integer division: never to an intermediate.
// The zero value is [HalfEven], the default.
type Rounding int

// The roundings. The zero value, HalfEven, is the default.
const (
	HalfEven Rounding = iota // to nearest, ties to the even neighbour
	HalfUp                   // to nearest, ties away from zero
	Down                     // toward zero (truncate); for non-negative values, floor
	Up                       // away from zero; for non-negative values, ceiling
)

// String returns "half-even", "half-up", "down" or "up", or "Rounding(N)"
// for a value outside the enumeration.
func (r Rounding) String() string { return roundingText.String(r) }

// Valid reports whether r is one of the defined roundings.
func (r Rounding) Valid() bool { return roundingText.Valid(r) }

// ParseRounding parses the names [Rounding.String] returns: "half-even",
// "half-up", "down" or "up", in any ASCII case, nothing trimmed (the module's
// rule for names, see the package documentation). Any other text is an
// error wrapping [ErrInput] that lists the names and does not repeat the
// text.
func ParseRounding(s string) (Rounding, error) {
	return roundingText.Parse(s)
}

// MarshalText implements [encoding.TextMarshaler]. It returns an error
// wrapping [ErrInput] for an invalid r.
func (r Rounding) MarshalText() ([]byte, error) { return roundingText.MarshalText(r) }

// UnmarshalText implements [encoding.TextUnmarshaler] by [ParseRounding].
func (r *Rounding) UnmarshalText(b []byte) error { return roundingText.UnmarshalText(r, b) }

// Div returns num ÷ den rounded by r, exactly: it uses only the integer
// quotient and remainder, never an intermediate rounding or a float.
// num and den may have any sign; "Down" and "Up" are toward and away from
// zero, "half" compares the remainder with half of den without overflow.
//
// Div never panics. An invalid r rounds like [HalfEven]. If den is zero, Div
// returns 0, and Div(math.MinInt64, -1) returns math.MinInt64 (the quotient
// does not fit); use [Rounding.DivChecked] to get an error in those cases.
func (r Rounding) Div(num, den int64) int64 {
	if den == 0 {
		return 0
	}
	q, rem := num/den, num%den
	if rem == 0 {
		return q
	}
	// |rem| < |den| ≤ 2⁶³, so both magnitudes fit in a uint64.
	ur, ud := uabs(rem), uabs(den)
	away := false
	switch r {
	case Down:
	case Up:
		away = true
	case HalfUp:
		away = ur >= ud-ur
	default: // HalfEven, and any invalid value
		away = ur > ud-ur || (ur == ud-ur && q%2 != 0)
	}
	if !away {
		return q
	}
	// rem ≠ 0 implies |den| ≥ 2, so |q| ≤ 2⁶² and q ± 1 cannot overflow.
	if (num < 0) != (den < 0) {
		return q - 1
	}
	return q + 1
}

// DivChecked is [Rounding.Div] with an error wrapping [ErrInput] when r is not
// a defined rounding, den is zero, or the quotient does not fit in an int64.
func (r Rounding) DivChecked(num, den int64) (int64, error) {
	switch {
	case !r.Valid():
		return 0, inputErr("rounding %s not defined", r)
	case den == 0:
		return 0, inputErr("division by zero")
	case den == -1 && num == math.MinInt64:
		return 0, inputErr("quotient %d ÷ %d overflows int64", num, den)
	}
	return r.Div(num, den), nil
}

func uabs(x int64) uint64 {
	if x < 0 {
		return uint64(-x) // correct for math.MinInt64 too: 2⁶³
	}
	return uint64(x)
}
