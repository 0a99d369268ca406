package proration

import (
	"fmt"
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

// ParseConvention parses the names [Convention.String] returns.
func ParseConvention(s string) (Convention, error) {
	for i, n := range conventionNames {
		if s == n {
			return Convention(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown convention %q (want calendar-months or exact-seat-days)", ErrInput, s)
}

// MarshalText implements encoding.TextMarshaler.
func (c Convention) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, fmt.Errorf("%w: %s", ErrInput, c)
	}
	return []byte(c.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Convention) UnmarshalText(b []byte) error {
	v, err := ParseConvention(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// DefaultTermMonths is the term of a key (R3) and DefaultCapFactor the
// extension cap (R6): a key may extend the end date by at most three years.
const (
	DefaultTermMonths = 12
	DefaultCapFactor  = 3
	MaxTermMonths     = 36
)

// ExtendInput is the input of [Extend]. Zero TermMonths means 12 and zero
// CapFactor means 3.
type ExtendInput struct {
	End        time.Time  // E, the current end date (first day without service)
	At         time.Time  // redemption day; ExactSeatDays measures the key's term T from it
	Seats      int        // A, active seats
	KeySeats   int        // C, the key's seats
	TermMonths int        // the key's term in months; 0 means 12
	CapFactor  int        // C may be at most CapFactor × A; 0 means 3
	Rounding   Rounding   // how the fraction of days is rounded
	Convention Convention // how months become days
}

// Extension is the result of [Extend] (R5).
type Extension struct {
	Seats, KeySeats, TermMonths int

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
// scale decimal places, for display. The exact value is MonthsNum ÷ MonthsDen.
func (e Extension) Months(scale int32) decimal.Decimal {
	if e.MonthsDen == 0 {
		return decimal.Zero
	}
	return decimal.NewFromInt(e.MonthsNum).DivRound(decimal.NewFromInt(e.MonthsDen), scale)
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// MaxKeySeats returns the largest key Extend accepts on seats active seats
// under capFactor (0 means 3): capFactor × seats (R6).
func MaxKeySeats(seats, capFactor int) int {
	if capFactor == 0 {
		capFactor = DefaultCapFactor
	}
	return capFactor * seats
}

// Extend computes extend end date (R5): the seats stay and the end date E
// moves by m = C ÷ A × term months. Under [CalendarMonths], with w the whole
// months of m and f its fraction,
//
//	new end = AddMonths(E, w) + round(f × Days(AddMonths(E, w), AddMonths(E, w+1)))
//
// Under [ExactSeatDays] the new end is E + round(C × T ÷ A) days.
// A key of more than CapFactor × A seats is refused with a [*CapError]
// wrapping [ErrExtensionCap] (R6); C = CapFactor × A is allowed.
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
	if factor < 1 || factor > 100 {
		return Extension{}, inputErr("cap factor %d outside 1…100", in.CapFactor)
	}
	if !in.Rounding.Valid() {
		return Extension{}, inputErr("%s", in.Rounding)
	}
	if !in.Convention.Valid() {
		return Extension{}, inputErr("%s", in.Convention)
	}
	e, at := dayOf(in.End), dayOf(in.At)
	if err := checkDay(e); err != nil {
		return Extension{}, err
	}
	if err := checkDay(at); err != nil {
		return Extension{}, err
	}
	a, c := int64(in.Seats), int64(in.KeySeats)
	if c > int64(factor)*a {
		return Extension{}, &CapError{Seats: in.Seats, KeySeats: in.KeySeats, Factor: factor, MaxKeySeats: factor * in.Seats}
	}
	atEnd, err := addMonths(at, term)
	if err != nil {
		return Extension{}, err
	}
	keyDays := atEnd - at

	num, den := c*int64(term), a
	g := gcd(num, den)
	num, den = num/g, den/g
	w := num / den
	f := num - w*den

	var newEnd dayNum
	switch in.Convention {
	case ExactSeatDays:
		newEnd = e + in.Rounding.Div(c*keyDays, a)
		if err := checkDay(newEnd); err != nil {
			return Extension{}, err
		}
	default:
		ew, err := addMonths(e, int(w))
		if err != nil {
			return Extension{}, err
		}
		newEnd = ew
		if f != 0 {
			ew1, err := addMonths(e, int(w)+1)
			if err != nil {
				return Extension{}, err
			}
			newEnd = ew + in.Rounding.Div(f*(ew1-ew), den)
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
