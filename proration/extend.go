package proration

import (
	"fmt"
	"math/bits"
	"time"

	"github.com/shopspring/decimal"
)

// Convention says how [Extend] turns a fraction of months into days.
type Convention int

// The conventions. The zero value, CalendarMonths, is the default.
const (
	// CalendarMonths adds the whole months w of m = C ÷ A × term by [AddMonths]
	// and the fraction f as f × the days of the following calendar month.
	CalendarMonths Convention = iota
	// ExactSeatDays adds C × T ÷ A days, T being the days of the key's term
	// from the redemption day: the key's seat-days spread over the active seats.
	ExactSeatDays
)

// String returns "calendar-months" or "exact-seat-days", or "Convention(N)".
func (c Convention) String() string { return conventionText.String(c) }

// Valid reports whether c is one of the defined conventions.
func (c Convention) Valid() bool { return conventionText.Valid(c) }

// ParseConvention parses the names [Convention.String] returns:
// "calendar-months" or "exact-seat-days", in any ASCII case, nothing trimmed.
// Any other text is an error wrapping [ErrInput] that lists the names and
// does not repeat the text.
func ParseConvention(s string) (Convention, error) {
	return conventionText.Parse(s)
}

// MarshalText implements [encoding.TextMarshaler]. It returns an error
// wrapping [ErrInput] for an invalid c.
func (c Convention) MarshalText() ([]byte, error) { return conventionText.MarshalText(c) }

// UnmarshalText implements [encoding.TextUnmarshaler] by [ParseConvention].
func (c *Convention) UnmarshalText(b []byte) error { return conventionText.UnmarshalText(c, b) }

// The rules of [Extend] as constants.
const (
	// DefaultTermMonths is the term of a key: 12 months of service from the
	// day it is redeemed (R3, partner-center-cloud-services).
	DefaultTermMonths = 12
	// DefaultCapFactor is the extension cap (R6, cloud-services scenario 4):
	// a key may have at most 3 × the active seats, so that a 12-month key
	// extends the end date by at most three years.
	DefaultCapFactor = 3
	// MaxTermMonths is the longest key term [Extend] accepts.
	MaxTermMonths = 36
)

// ExtendInput is the input of [Extend]. The zero TermMonths means
// [DefaultTermMonths] (12), the zero CapFactor [DefaultCapFactor] (3), the
// zero Rounding [HalfEven] and the zero Convention [CalendarMonths].
type ExtendInput struct {
	End        time.Time  // E, the current end date (first day without service)
	At         time.Time  // redemption day; ExactSeatDays measures the key's term T from it
	Seats      int        // A, active seats, 1 … MaxSeats
	KeySeats   int        // C, the key's seats, 1 … MaxSeats
	TermMonths int        // the key's term in months, 1 … MaxTermMonths; 0 means 12
	CapFactor  int        // C may be at most CapFactor × A, 1 … MaxCapFactor; 0 means 3
	Rounding   Rounding   // how the fraction of days is rounded
	Convention Convention // how months become days
}

// Extension is the result of [Extend] (R5): the exact number of months, how
// it became days, and the seat-days for comparison. Dates are at 00:00 UTC.
type Extension struct {
	Seats, KeySeats, TermMonths int // A, C and the key's term (defaults applied)

	// MonthsNum ÷ MonthsDen = C ÷ A × TermMonths exactly, in lowest terms.
	MonthsNum, MonthsDen int64
	WholeMonths          int   // w, the whole months of m
	FracNum              int64 // f = FracNum ÷ MonthsDen, the fraction of m

	End       time.Time // E, the end date before
	NewEnd    time.Time // the end date after, at 00:00 UTC
	AddedDays int       // Days(End, NewEnd)
	KeyDays   int       // T, days of the key's term from the redemption day

	SeatDaysKey   int64 // C × T: the seat-days the key is worth
	SeatDaysAdded int64 // A × AddedDays: the seat-days the extension gives
}

// Months returns m = C ÷ A × term months as a decimal rounded half-even to
// scale decimal places, for display: 1.5 for C = 1, A = 8. The exact value is
// MonthsNum ÷ MonthsDen. The zero Extension gives 0.
func (e Extension) Months(scale int32) decimal.Decimal {
	return fracDecimal(e.MonthsNum, e.MonthsDen, scale)
}

// gcd returns the greatest common divisor of a, b > 0 (binary GCD: shifts and
// subtractions, no division).
func gcd(a, b int64) int64 {
	if a == 0 {
		return b
	}
	if b == 0 {
		return a
	}
	ua, ub := uint64(a), uint64(b)
	shift := bits.TrailingZeros64(ua | ub)
	ua >>= bits.TrailingZeros64(ua)
	for ub != 0 {
		ub >>= bits.TrailingZeros64(ub)
		if ua > ub {
			ua, ub = ub, ua
		}
		ub -= ua
	}
	return int64(ua << shift)
}

// MaxCapFactor is the largest CapFactor [Extend] accepts.
const MaxCapFactor = 100

// MaxKeySeats returns the largest key [Extend] accepts on seats active seats
// under capFactor (0 means [DefaultCapFactor]): capFactor × seats (R6), but
// never more than [MaxSeats]. It returns 0, no key at all, when seats is
// outside 1 … [MaxSeats] or capFactor outside 0 … [MaxCapFactor].
func MaxKeySeats(seats, capFactor int) int {
	if capFactor == 0 {
		capFactor = DefaultCapFactor
	}
	if seats < 1 || seats > MaxSeats || capFactor < 1 || capFactor > MaxCapFactor {
		return 0
	}
	return min(capFactor*seats, MaxSeats)
}

// Extend computes extend end date (R5): the seats stay and the end date E
// moves by m = C ÷ A × term months, an exact fraction. Under [CalendarMonths]
// (the default), with w the whole months of m and f its fraction,
//
//	Ew      = AddMonths(E, w)
//	Ew1     = AddMonths(E, w+1)
//	new end = Ew + round(f × Days(Ew, Ew1))
//
// both months counted from E itself (anchored, never chained). Example:
// E = 2027-01-31, A = 8, C = 1: m = 1.5, Ew = 2027-02-28, Ew1 = 2027-03-31,
// 0.5 × 31 = 15.5 → 16 (HalfEven) → 2027-03-16. A key of C = k·A seats adds
// exactly 12·k calendar months.
//
// Under [ExactSeatDays] the new end is E + round(C × T ÷ A) days, T being the
// days of the key's term from the redemption day At (T = Days(At, AddMonths(At,
// term))): the key's seat-days spread over the active seats.
//
// The cap (R6): a key of more than CapFactor × A seats is refused with a
// [*CapError] wrapping [ErrExtensionCap] that carries the largest key accepted;
// C = CapFactor × A is allowed (+36 months with the defaults).
//
// Seats must be 1 … [MaxSeats], TermMonths 0 … [MaxTermMonths], CapFactor
// 0 … [MaxCapFactor], Rounding and Convention defined: otherwise the error
// wraps [ErrInput]. End and At must lie in the years [MinYear] … [MaxYear],
// as must the new end and AddMonths(At, term): otherwise the error wraps
// [ErrDateRange]. Extend does not check that the subscription is active on At;
// that is the caller's rule (R7).
func Extend(in ExtendInput) (x Extension, err error) {
	// A wrapper small enough to be inlined, so that the input and the result
	// are built in the caller's frame and never copied whole: extendTo works
	// on them through pointers. The copies it saves cost more than the
	// arithmetic (see BenchmarkExtendFloor).
	err = extendTo(&x, &in)
	return x, err
}

// extendTo is Extend: it fills *x, which the caller has zeroed, from *in and
// leaves *x zero on error.
func extendTo(x *Extension, in *ExtendInput) error {
	term, factor, err := checkExtend(in.Seats, in.KeySeats, in.TermMonths, in.CapFactor, in.Rounding, in.Convention)
	if err != nil {
		return err
	}
	e, at := dayOf(in.End), dayOf(in.At)
	if !inRange(e) {
		return fmt.Errorf("end: %w", checkDay(e))
	}
	if !inRange(at) {
		return fmt.Errorf("at: %w", checkDay(at))
	}
	if err := checkCap(in.Seats, in.KeySeats, factor); err != nil {
		return err
	}
	// T = Days(at, AddMonths(at, term)), the key's term from the redemption day.
	atEnd, err := addMonths(at, term)
	if err != nil {
		return fmt.Errorf("key term from at: %w", err)
	}
	keyDays := atEnd - at
	num, den, f, w, added, err := extend(int64(in.Seats), int64(in.KeySeats), term, in.Rounding, in.Convention, e, keyDays)
	if err != nil {
		return err
	}
	x.Seats, x.KeySeats, x.TermMonths = in.Seats, in.KeySeats, term
	x.MonthsNum, x.MonthsDen, x.WholeMonths, x.FracNum = num, den, int(w), f
	x.End, x.NewEnd = timeOf(e), timeOf(e+added)
	x.AddedDays, x.KeyDays = int(added), int(keyDays)
	x.SeatDaysKey, x.SeatDaysAdded = int64(in.KeySeats)*keyDays, int64(in.Seats)*added
	return nil
}

// ExtendDayInput is the input of [ExtendDay]: [ExtendInput] for a caller that
// holds the end date as a [Day] and has measured the key's term in days, as
// for [Blend]. It is small enough to be passed in registers. The zero
// TermMonths, CapFactor, Rounding and Convention mean the defaults, as in
// ExtendInput.
type ExtendDayInput struct {
	End        Day        // E, the current end date (first day without service)
	KeyDays    int        // T = at.AddMonths(term) − at for the redemption day at; 0 … MaxDays
	Seats      int        // A, active seats, 1 … MaxSeats
	KeySeats   int        // C, the key's seats, 1 … MaxSeats
	TermMonths int        // the key's term in months, 1 … MaxTermMonths; 0 means 12
	CapFactor  int        // C may be at most CapFactor × A, 1 … MaxCapFactor; 0 means 3
	Rounding   Rounding   // how the fraction of days is rounded
	Convention Convention // how months become days
}

// DayExtension is the result of [ExtendDay]: the numbers of an [Extension]
// for a caller that works on [Day]s, four fields so that it stays in
// registers. The rest of an Extension follows from them and the input:
// FracNum = MonthsNum − WholeMonths × MonthsDen, AddedDays = NewEnd − End,
// the seat-days C × KeyDays and A × AddedDays.
type DayExtension struct {
	NewEnd               Day   // the end date after
	MonthsNum, MonthsDen int64 // m = C ÷ A × term exactly, in lowest terms
	WholeMonths          int   // w, the whole months of m
}

// ExtendDay is [Extend] on a [Day] and a day count: the same formula, cap and
// errors, in the same order, as Extend with End = in.End.Time() and At a day
// whose key term is in.KeyDays (which only [ExactSeatDays] uses). In place of
// Extend's checks of At, KeyDays outside 0 … [MaxDays] is an error wrapping
// [ErrInput], reported after the other numbers and before End; an invalid End
// is an error wrapping [ErrDateRange]. ExtendDay allocates nothing but its
// errors. On error the result is zero.
func ExtendDay(in ExtendDayInput) (DayExtension, error) {
	term, factor, err := checkExtend(in.Seats, in.KeySeats, in.TermMonths, in.CapFactor, in.Rounding, in.Convention)
	if err != nil {
		return DayExtension{}, err
	}
	if err := checkDays("key term days", in.KeyDays); err != nil {
		return DayExtension{}, err
	}
	if !in.End.Valid() {
		return DayExtension{}, fmt.Errorf("end: %w", in.End.Check())
	}
	if err := checkCap(in.Seats, in.KeySeats, factor); err != nil {
		return DayExtension{}, err
	}
	num, den, _, w, added, err := extend(int64(in.Seats), int64(in.KeySeats), term, in.Rounding, in.Convention, in.End.num(), int64(in.KeyDays))
	if err != nil {
		return DayExtension{}, err
	}
	return DayExtension{NewEnd: in.End + Day(added), MonthsNum: num, MonthsDen: den, WholeMonths: int(w)}, nil
}

// checkExtend validates the inputs of Extend other than the dates and
// returns the term and cap factor with their defaults applied.
func checkExtend(seats, keySeats, termMonths, capFactor int, rnd Rounding, conv Convention) (term, factor int, err error) {
	if err := checkSeats("seats", seats); err != nil {
		return 0, 0, err
	}
	if err := checkSeats("key seats", keySeats); err != nil {
		return 0, 0, err
	}
	term = termMonths
	if term == 0 {
		term = DefaultTermMonths
	}
	if term < 1 || term > MaxTermMonths {
		return 0, 0, inputErr("term %d months outside 1…%d", termMonths, MaxTermMonths)
	}
	factor = capFactor
	if factor == 0 {
		factor = DefaultCapFactor
	}
	if factor < 1 || factor > MaxCapFactor {
		return 0, 0, inputErr("cap factor %d outside 1…%d", capFactor, MaxCapFactor)
	}
	if !rnd.Valid() {
		return 0, 0, inputErr("rounding %s not defined", rnd)
	}
	if !conv.Valid() {
		return 0, 0, inputErr("convention %s not defined", conv)
	}
	return term, factor, nil
}

// checkCap refuses a key of more than factor × the active seats (R6).
func checkCap(seats, keySeats, factor int) error {
	if int64(keySeats) > int64(factor)*int64(seats) {
		return &CapError{Seats: seats, KeySeats: keySeats, Factor: factor, MaxKeySeats: factor * seats}
	}
	return nil
}

// extend is the arithmetic of Extend and ExtendDay for checked inputs: a
// active seats, a key of c seats and term months, the end date e (a day number
// in range) and the key's term T in days. It returns m = num ÷ den in lowest
// terms, its fraction f ÷ den and whole months w, and the days the end moves:
// few enough values to be returned in registers, so that a large result is
// built once, by the caller. The exact fraction C·term ÷ A is split and
// rounded before it is reduced (the rounding sees the same value either way).
func extend(a, c int64, term int, rnd Rounding, conv Convention, e, keyDays int64) (num, den, f, w, added int64, err error) {
	// C ≤ factor·A bounds w by factor·term ≤ 3600 months.
	num0 := c * int64(term)
	w = num0 / a
	f0 := num0 - w*a

	var newEnd dayNum
	switch conv {
	case ExactSeatDays:
		newEnd = e + rnd.Div(c*keyDays, a)
		if !inRange(newEnd) {
			return 0, 0, 0, 0, 0, fmt.Errorf("new end: %w", checkDay(newEnd))
		}
	default: // CalendarMonths
		y, m, d := civilFromDaysNS(e)
		ey, em, ed := addMonthsUp(y, m, d, int(w))
		if ey > MaxYear {
			return 0, 0, 0, 0, 0, fmt.Errorf("new end: %w", yearErr(ey))
		}
		newEnd = daysFromCivilNS(ey, em, ed)
		if f0 != 0 {
			// Days(Ew, Ew1) without another conversion: from Ew to the end of
			// its month, then to the clamped day of the next month.
			// Ew1 may lie in the year after MaxYear (Ew in December 9999):
			// only the span counts, and it is a plain calendar length, so
			// the range is checked on the new end alone.
			ny, nm := ey, em+1
			if nm > 12 {
				ny, nm = ny+1, 1
			}
			span := int64(daysIn(ey, em)-ed) + int64(min(d, daysIn(ny, nm)))
			newEnd += rnd.Div(f0*span, a)
			if !inRange(newEnd) {
				return 0, 0, 0, 0, 0, fmt.Errorf("new end: %w", checkDay(newEnd))
			}
		}
	}

	// m in lowest terms, for the result. Whole months (f0 = 0, the common
	// case) are w ÷ 1. Otherwise g = gcd(C·term, A) = gcd(f0, A), and as
	// num = w·den + f two divisions by g suffice, none when g is a power of 2.
	if f0 == 0 {
		return w, 1, 0, w, newEnd - e, nil
	}
	den, f = a, f0
	if g := gcd(f0, a); g != 1 {
		if g&(g-1) == 0 {
			sh := uint(bits.TrailingZeros64(uint64(g)))
			den, f = a>>sh, f0>>sh
		} else {
			den, f = a/g, f0/g
		}
	}
	return w*den + f, den, f, w, newEnd - e, nil
}
