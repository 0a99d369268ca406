package proration

import (
	"fmt"
	"strconv"
)

// Rounding says how a formula turns an exact fraction of days into whole days.
// It is applied once, at the end, by exact integer division.
type Rounding int

// The roundings. The zero value, HalfEven, is the default.
const (
	HalfEven Rounding = iota // to nearest, ties to the even neighbour
	HalfUp                   // to nearest, ties away from zero
	Down                     // toward zero (truncate); for non-negative values, floor
	Up                       // away from zero; for non-negative values, ceiling
)

var roundingNames = [...]string{"half-even", "half-up", "down", "up"}

// String returns "half-even", "half-up", "down" or "up", or "Rounding(N)"
// for a value outside the enumeration.
func (r Rounding) String() string {
	if r >= 0 && int(r) < len(roundingNames) {
		return roundingNames[r]
	}
	return "Rounding(" + strconv.Itoa(int(r)) + ")"
}

// Valid reports whether r is one of the defined roundings.
func (r Rounding) Valid() bool { return r >= 0 && int(r) < len(roundingNames) }

// ParseRounding parses the names [Rounding.String] returns.
func ParseRounding(s string) (Rounding, error) {
	for i, n := range roundingNames {
		if s == n {
			return Rounding(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown rounding %q (want half-even, half-up, down or up)", ErrInput, s)
}

// MarshalText implements encoding.TextMarshaler.
func (r Rounding) MarshalText() ([]byte, error) {
	if !r.Valid() {
		return nil, fmt.Errorf("%w: %s", ErrInput, r)
	}
	return []byte(r.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Rounding) UnmarshalText(b []byte) error {
	v, err := ParseRounding(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Div returns num ÷ den rounded by r. den must be positive; num may have any
// sign. Div is exact: it uses only integer quotient and remainder.
func (r Rounding) Div(num, den int64) int64 {
	q, rem := num/den, num%den
	if rem == 0 {
		return q
	}
	neg := num < 0
	if rem < 0 {
		rem = -rem
	}
	away := false
	switch r {
	case Down:
	case Up:
		away = true
	default: // nearest
		twice := 2 * rem
		switch {
		case twice > den:
			away = true
		case twice == den:
			away = r == HalfUp || q%2 != 0
		}
	}
	if away {
		if neg {
			return q - 1
		}
		return q + 1
	}
	return q
}
