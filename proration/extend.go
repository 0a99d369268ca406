package proration

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/coterm/coterm/internal/daymath"
)

// Convention says how [Extend] turns a fraction of months into days.
type Convention int

// The conventions. The zero value, CalendarMonths, is the default.
const (
	// CalendarMonths adds whole calendar months and the fraction of the
	// following month (see "Extend end date" in the package documentation).
	CalendarMonths Convention = iota
	// ExactSeatDays adds the key's seat-days spread over the active seats.
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
	// day it is redeemed (R3).
	DefaultTermMonths = 12
	// DefaultCapFactor is the extension cap (R6, scenario 4):
	// a key may have at most 3 × the active seats, so that a 12-month key
	// extends the end date by at most three years.
	DefaultCapFactor = 3
	// MaxTermMonths is the longest key term [Extend] accepts.
	MaxTermMonths = 36
)

// ExtendInput is the input of [Extend]. The zero TermMonths means
// [DefaultTermMonths] (12), the zero CapFactor [DefaultCapFactor] (3), the
// zero Rounding [HalfEven], the zero Convention [CalendarMonths] and the zero
// CapRule [CapPerKey].
type ExtendInput struct {
	End        time.Time  // E, the current end date (first day without service)
	At         time.Time  // redemption day; ExactSeatDays measures the key's term T from it
	Seats      int        // A, active seats, 1 … MaxSeats
	KeySeats   int        // C, the key's seats, 1 … MaxSeats
	TermMonths int        // the key's term in months, 1 … MaxTermMonths; 0 means 12
	CapFactor  int        // C may be at most CapFactor × A, 1 … MaxCapFactor; 0 means 3
	Rounding   Rounding   // how the fraction of days is rounded
	Convention Convention // how months become days
	// CapRule is how the cap reads (R6): CapPerKey, the zero value, bounds
	// the key (C ≤ CapFactor × A); CapEndLimit bounds the new end date
	// (at most AddMonths(At, CapFactor × TermMonths)).
	CapRule CapRule
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

// MaxCapFactor is the largest CapFactor [Extend] accepts.
const MaxCapFactor = 100

// MaxKeySeats returns the largest key [Extend] accepts on seats active seats
// under capFactor (0 means [DefaultCapFactor]) and the per-key reading of the
// cap, [CapPerKey]: capFactor × seats (R6), but never more than [MaxSeats].
// Under [CapEndLimit] the answer depends on the dates: a refused key's
// [*CapError] carries it. It returns 0, no key at all, when seats is
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

// Extend computes extend end date (R5) by the formula of "Extend end date"
// in the package documentation: the seats stay and the end date moves by
// C ÷ A × TermMonths months under in.Convention, rounded once by in.Rounding.
// A key over the cap is refused (R6) with a [*CapError] wrapping
// [ErrExtensionCap] that carries the largest key accepted: under
// in.CapRule [CapPerKey] a key of more than CapFactor × A seats, under
// [CapEndLimit] a key whose new end would lie after AddMonths(At, CapFactor
// × TermMonths) (when no key fits, the error names the first day a key of
// one seat would).
//
// Seats must be 1 … [MaxSeats], TermMonths 0 … [MaxTermMonths], CapFactor
// 0 … [MaxCapFactor], Rounding, Convention and CapRule defined: otherwise the
// error wraps [ErrInput]. End and At, the new end and AddMonths(At, term) must lie
// in the years [MinYear] … [MaxYear]: otherwise the error wraps
// [ErrDateRange]. On error the result is zero. Extend does not check that the
// subscription is active on At; that is the caller's rule (R7).
func Extend(in ExtendInput) (x Extension, err error) {
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
	if !in.CapRule.Valid() {
		return inputErr("cap rule %s not defined", in.CapRule)
	}
	e, at := daymath.Of(in.End), daymath.Of(in.At)
	if !e.Valid() {
		return fmt.Errorf("end: %w", e.Check())
	}
	if !at.Valid() {
		return fmt.Errorf("at: %w", at.Check())
	}
	if in.CapRule == CapPerKey && daymath.OverCap(in.Seats, in.KeySeats, factor) {
		return capErr(in.Seats, in.KeySeats, factor)
	}
	// T = Days(at, AddMonths(at, term)), the key's term from the redemption day.
	atEnd, err := at.AddMonths(term)
	if err != nil {
		return fmt.Errorf("key term from at: %w", err)
	}
	keyDays := int64(atEnd - at)
	newEnd, num, den, w, err := daymath.ExtendUncapped(int64(in.Seats), int64(in.KeySeats), term,
		daymath.Rounding(in.Rounding), in.Convention == ExactSeatDays, e, keyDays)
	if in.CapRule == CapEndLimit {
		q := endCap{a: int64(in.Seats), term: term, factor: factor, r: daymath.Rounding(in.Rounding),
			exact: in.Convention == ExactSeatDays, e: e, at: at, keyDays: keyDays}
		if limit := q.limit(); err != nil && limit > daymath.MaxDay {
			// Past the calendar, and the limit too: the date range, as under CapPerKey.
			return fmt.Errorf("new end after %d-12-31: %w", MaxYear, ErrDateRange)
		} else if err != nil || newEnd > limit {
			return q.refusal(in.KeySeats)
		}
	}
	if err != nil {
		return err
	}
	added := int64(newEnd - e)
	x.Seats, x.KeySeats, x.TermMonths = in.Seats, in.KeySeats, term
	x.MonthsNum, x.MonthsDen, x.WholeMonths, x.FracNum = num, den, int(w), num-w*den
	x.End, x.NewEnd = e.Time(), newEnd.Time()
	x.AddedDays, x.KeyDays = int(added), int(keyDays)
	x.SeatDaysKey, x.SeatDaysAdded = int64(in.KeySeats)*keyDays, int64(in.Seats)*added
	return nil
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

// capErr is the refusal of a key of keySeats over factor × seats (R6).
func capErr(seats, keySeats, factor int) error {
	return &CapError{Seats: seats, KeySeats: keySeats, Factor: factor, MaxKeySeats: factor * seats}
}
