package daymath

import (
	"fmt"
	"math/bits"
)

// Blend returns R = (a·b + c·t) ÷ (a + c) rounded by r (see "Formulas"): the
// days remaining after add licenses, for inputs the caller has checked: a and
// c seats, 1 … 10⁹, and b and t days, 0 … [MaxDays].
func Blend(a, b, c, t int64, r Rounding) int64 {
	return r.DivPos(a*b+c*t, a+c)
}

// OverCap reports whether a key of keySeats is more than factor × seats: the
// extension cap.
func OverCap(seats, keySeats, factor int) bool {
	return int64(keySeats) > int64(factor)*int64(seats)
}

// Extend is the arithmetic of extend end date (see "Formulas") for inputs
// the caller has checked: a active seats and a key of c seats, both 1 … 10⁹,
// c at most 100·a ([ExtendUncapped] takes any c), a term of 1 … 36 months, a valid end date e, and the
// key's term T in days (used only when exact is true, the exact seat-days
// convention). It returns the new end date and m = num ÷ den = c·term ÷ a in
// lowest terms with its whole months w; the fraction of m is num − w·den. The
// only error is a new end past the supported years, wrapping [ErrDateRange];
// the other results are then zero.
func Extend(a, c int64, term int, r Rounding, exact bool, e Day, keyDays int64) (newEnd Day, num, den, w int64, err error) {
	num0 := c * int64(term)
	if uint64(num0) < 1<<32 { // a ≤ MaxSeats < 2³²
		w = int64(uint32(num0) / uint32(a))
	} else {
		w = num0 / a
	}
	f0 := num0 - w*a
	if exact {
		newEnd = e + Day(r.DivPos(c*keyDays, a))
	} else {
		y, m, d := civil(e)
		ey, em, ed := addMonthsUp(y, m, d, int(w))
		if ey > MaxYear {
			return 0, 0, 0, 0, fmt.Errorf("new end: %w", yearErr(ey))
		}
		newEnd = fromCivil(ey, em, ed)
		if f0 != 0 {
			// Days(Ew, Ew1) without another conversion: from Ew to the end of
			// its month, then to the clamped day of the next month. Ew1 may
			// lie in the year after MaxYear: only the span counts.
			ny, nm := ey, em+1
			if nm > 12 {
				ny, nm = ny+1, 1
			}
			span := int64(daysIn(ey, em)-ed) + int64(min(d, daysIn(ny, nm)))
			newEnd += Day(r.DivPos(f0*span, a))
		}
	}
	if !newEnd.Valid() {
		return 0, 0, 0, 0, fmt.Errorf("new end: %w", newEnd.Check())
	}
	if f0 == 0 {
		return newEnd, w, 1, w, nil
	}
	den, f := a, f0
	if g := gcd32(uint32(f0), uint32(a)); g != 1 { // 0 < f0 < a < 2³²
		den, f = int64(uint32(a)/g), int64(uint32(f0)/g)
	}
	return newEnd, w*den + f, den, w, nil
}

// GCD returns the greatest common divisor of a, b ≥ 0, by the binary GCD:
// shifts and subtractions, no division.
func GCD(a, b int64) int64 {
	if a == 0 {
		return b
	}
	if b == 0 {
		return a
	}
	u, v := uint64(a), uint64(b)
	shift := bits.TrailingZeros64(u | v)
	u >>= bits.TrailingZeros64(u)
	for v != 0 {
		v >>= bits.TrailingZeros64(v)
		if u > v {
			u, v = v, u
		}
		v -= u
	}
	return int64(u << shift)
}

// gcd32 is [GCD] for 0 < u, v < 2³², by Brent's variant of the binary GCD:
// both stay odd, the smaller replaces one and the odd part of their
// difference the other, so the loop has no unpredictable branch (min and the
// absolute difference compile to conditional moves). The OR with 2³² tells
// the compiler the count is of a non-zero value, and the masks that the
// shifts are in range, so neither needs a guard.
func gcd32(u, v uint32) uint32 {
	shift := bits.TrailingZeros64(uint64(u|v) | 1<<32)
	u >>= bits.TrailingZeros64(uint64(u)|1<<32) & 31
	v >>= bits.TrailingZeros64(uint64(v)|1<<32) & 31
	for u != v {
		d := v - u
		z := bits.TrailingZeros64(uint64(d)|1<<32) & 31 // v − u and u − v have the same trailing zeros: the count need not wait for the choice
		if v < u {
			d = u - v
		}
		u = min(u, v)
		v = d >> z
	}
	return u << (shift & 31)
}
