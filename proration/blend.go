package proration

// Blended is the result of [Blend]: the seat-weighted average term of add
// licenses (R4), with the seat-days that prove nothing was added or lost
// beyond the rounding residue, |Residue| < A + C (≤ (A + C) ÷ 2 for the
// nearest roundings).
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

// Blend computes add licenses (R4): A seats with B days remaining receive a
// key of C seats whose term is T days; all A + C seats then share
//
//	R = (A·B + C·T) ÷ (A + C)
//
// days remaining, rounded once by rnd. The caller measures B = Days(at, End)
// and T = Days(at, AddMonths(at, 12)) (R3); the new end is AddDays(at, R).
// R lies between B and T; with B < T the end moves later, with B > T earlier.
//
// Seats must be 1 … [MaxSeats], days 0 … [MaxDays] and rnd a defined
// [Rounding]; anything else is an error wrapping [ErrInput]. Blend never
// overflows: A·B + C·T ≤ 2 · 10⁹ · [MaxDays] < 2⁶³.
func Blend(seats, remaining, keySeats, term int, rnd Rounding) (Blended, error) {
	if err := checkBlend(seats, remaining, keySeats, term, rnd); err != nil {
		return Blended{}, err
	}
	a, b, c, t := int64(seats), int64(remaining), int64(keySeats), int64(term)
	before := a*b + c*t
	r := rnd.Div(before, a+c)
	after := (a + c) * r
	return Blended{
		Seats: seats, Remaining: remaining, KeySeats: keySeats, Term: term,
		NewRemaining: int(r), SeatDaysBefore: before, SeatDaysAfter: after, Residue: after - before,
	}, nil
}

// BlendRemaining is [Blend] for hot paths that need only R, the new remaining
// days: the same checks, errors and rounding, without the Blended breakdown
// (whose eight fields a caller must copy). The seat-days follow from R:
// before A·B + C·T, after (A + C)·R.
func BlendRemaining(seats, remaining, keySeats, term int, rnd Rounding) (int, error) {
	if err := checkBlend(seats, remaining, keySeats, term, rnd); err != nil {
		return 0, err
	}
	a, c := int64(seats), int64(keySeats)
	return int(rnd.Div(a*int64(remaining)+c*int64(term), a+c)), nil
}

// checkBlend validates the inputs of Blend and BlendRemaining.
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

// MaxDays is the largest day count a formula accepts: the span of the
// supported calendar, Days(0001-01-01, 9999-12-31).
const MaxDays = 3652058

func checkSeats(what string, n int) error {
	if n < 1 || n > MaxSeats {
		return inputErr("%s %d outside 1…%d", what, n, MaxSeats)
	}
	return nil
}

func checkDays(what string, n int) error {
	if n < 0 || n > MaxDays {
		return inputErr("%s %d outside 0…%d", what, n, MaxDays)
	}
	return nil
}
