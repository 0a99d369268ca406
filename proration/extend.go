package proration

import (
	"fmt"
	"math/bits"
	"strconv"
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

var conventionNames = [...]string{"calendar-months", "exact-seat-days"}

// String returns "calendar-months" or "exact-seat-days", or "Convention(N)".
func (c Convention) String() string {
	if c.Valid() {
		return conventionNames[c]
	}
	return "Convention(" + strconv.Itoa(int(c)) + ")"
}

// Valid reports whether c is one of the defined conventions.
func (c Convention) Valid() bool { return c >= 0 && int(c) < len(conventionNames) }

// ParseConvention parses the names [Convention.String] returns:
// "calendar-months" or "exact-seat-days", exactly. Any other text is an error
// wrapping [ErrInput].
func ParseConvention(s string) (Convention, error) {
	for i, n := range conventionNames {
		if s == n {
			return Convention(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown convention %q (want calendar-months or exact-seat-days)", ErrInput, s)
}

// MarshalText implements [encoding.TextMarshaler]. It returns an error
// wrapping [ErrInput] for an invalid c.
func (c Convention) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, inputErr("convention %s not defined", c)
	}
	return []byte(c.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] by [ParseConvention].
func (c *Convention) UnmarshalText(b []byte) error {
	v, err := ParseConvention(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

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
	if e.MonthsDen == 0 {
		return decimal.Zero
	}
	return divRound(decimal.NewFromInt(e.MonthsNum), decimal.NewFromInt(e.MonthsDen), scale, HalfEven)
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
func Extend(in ExtendInput) (Extension, error) {
	if err := checkSeats("seats", in.Seats); err != nil {
		return Extension{}, err
	}
	if err := checkSeats("key seats", in.KeySeats); err != nil {
		return Extension{}, err
	}
	term := in.TermMonths
	if term == 0 {
		term = DefaultTermMonths
	}
	if term < 1 || term > MaxTermMonths {
		return Extension{}, inputErr("term %d months outside 1…%d", in.TermMonths, MaxTermMonths)
	}
	factor := in.CapFactor
	if factor == 0 {
		factor = DefaultCapFactor
	}
	if factor < 1 || factor > MaxCapFactor {
		return Extension{}, inputErr("cap factor %d outside 1…%d", in.CapFactor, MaxCapFactor)
	}
	if !in.Rounding.Valid() {
		return Extension{}, inputErr("rounding %s not defined", in.Rounding)
	}
	if !in.Convention.Valid() {
		return Extension{}, inputErr("convention %s not defined", in.Convention)
	}
	e, at := dayOf(in.End), dayOf(in.At)
	if err := checkDay(e); err != nil {
		return Extension{}, fmt.Errorf("end: %w", err)
	}
	if err := checkDay(at); err != nil {
		return Extension{}, fmt.Errorf("at: %w", err)
	}
	a, c := int64(in.Seats), int64(in.KeySeats)
	if c > int64(factor)*a { // R6
		return Extension{}, &CapError{Seats: in.Seats, KeySeats: in.KeySeats, Factor: factor, MaxKeySeats: factor * in.Seats}
	}
	atEnd, err := addMonths(at, term)
	if err != nil {
		return Extension{}, fmt.Errorf("key term from at: %w", err)
	}
	keyDays := atEnd - at

	// m = C·term ÷ A in lowest terms; w whole months, f ÷ den the fraction.
	num, den := c*int64(term), a
	if g := gcd(num, den); g != 1 {
		num, den = num/g, den/g
	}
	w := num / den
	f := num - w*den

	var newEnd dayNum
	switch in.Convention {
	case ExactSeatDays:
		newEnd = e + in.Rounding.Div(c*keyDays, a)
		if err := checkDay(newEnd); err != nil {
			return Extension{}, fmt.Errorf("new end: %w", err)
		}
	default: // CalendarMonths
		y, m, d := civilFromDays(e)
		ew, ey, em, ed, err := addMonthsCivil3(y, m, d, int(w))
		if err != nil {
			return Extension{}, fmt.Errorf("new end: %w", err)
		}
		newEnd = ew
		if f != 0 {
			// Days(Ew, Ew1) without another conversion: from Ew to the end of
			// its month, then to the clamped day of the next month.
			ny, nm := ey, em+1
			if nm > 12 {
				ny, nm = ny+1, 1
			}
			if ny > MaxYear {
				return Extension{}, fmt.Errorf("new end: %w: year %d outside %d…%d", ErrDateRange, ny, MinYear, MaxYear)
			}
			span := int64(daysIn(ey, em)-ed) + int64(min(d, daysIn(ny, nm)))
			newEnd = ew + in.Rounding.Div(f*span, den)
		}
	}
	added := newEnd - e
	return Extension{
		Seats: in.Seats, KeySeats: in.KeySeats, TermMonths: term,
		MonthsNum: num, MonthsDen: den, WholeMonths: int(w), FracNum: f,
		End: timeOf(e), NewEnd: timeOf(newEnd), AddedDays: int(added), KeyDays: int(keyDays),
		SeatDaysKey: c * keyDays, SeatDaysAdded: a * added,
	}, nil
}
