package proration

import "github.com/coterm/coterm/internal/daymath"

// Blended is the result of [Blend]: the seat-weighted average term of add
// licenses (R4), with the seat-days that prove nothing was added or lost
// beyond the rounding residue.
type Blended struct {
	Seats     int // A, active seats before
	Remaining int // B, days remaining before
	KeySeats  int // C, the key's seats
	Term      int // T, days of the key's term from the redemption day

	NewRemaining   int   // R = (A·B + C·T) ÷ (A + C), rounded
	SeatDaysBefore int64 // A·B + C·T
	SeatDaysAfter  int64 // (A + C)·R
	Residue        int64 // SeatDaysAfter − SeatDaysBefore: what rounding added (+) or removed (−)
}

// Blend computes add licenses (R4) by the formula of "Add licenses" in the
// package documentation: seats A with remaining days B receive a key of
// keySeats C whose term is T days, rounded once by rnd.
//
// Seats must be 1 … [MaxSeats], days 0 … 3,652,058 (the span of the supported
// calendar) and rnd a defined [Rounding]; anything else is an error wrapping
// [ErrInput], and the result is zero.
func Blend(seats, remaining, keySeats, term int, rnd Rounding) (Blended, error) {
	if err := checkBlend(seats, remaining, keySeats, term, rnd); err != nil {
		return Blended{}, err
	}
	a, b, c, t := int64(seats), int64(remaining), int64(keySeats), int64(term)
	before := a*b + c*t
	r := daymath.Blend(a, b, c, t, daymath.Rounding(rnd))
	after := (a + c) * r
	return Blended{
		Seats: seats, Remaining: remaining, KeySeats: keySeats, Term: term,
		NewRemaining: int(r), SeatDaysBefore: before, SeatDaysAfter: after, Residue: after - before,
	}, nil
}

// checkBlend validates the inputs of Blend.
func checkBlend(seats, remaining, keySeats, term int, rnd Rounding) error {
	if err := checkSeats("seats", seats); err != nil {
		return err
	}
	if err := checkSeats("key seats", keySeats); err != nil {
		return err
	}
	if err := checkDays("remaining days", remaining); err != nil {
		return err
	}
	if err := checkDays("term days", term); err != nil {
		return err
	}
	if !rnd.Valid() {
		return inputErr("rounding %s not defined", rnd)
	}
	return nil
}

func checkSeats(what string, n int) error {
	if n < 1 || n > MaxSeats {
		return inputErr("%s %d outside 1…%d", what, n, MaxSeats)
	}
	return nil
}

func checkDays(what string, n int) error {
	if n < 0 || n > daymath.MaxDays {
		return inputErr("%s %d outside 0…%d", what, n, daymath.MaxDays)
	}
	return nil
}
