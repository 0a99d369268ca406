package proration

import (
	"errors"
	"fmt"
	"time"

	"github.com/coterm/coterm/internal/daymath"
)

// ErrDateRange is returned when a date, or the result of date arithmetic, lies
// outside the years [MinYear] … [MaxYear].
var ErrDateRange = daymath.ErrDateRange

// ErrInput is returned for seats, days or terms outside their documented range.
// Errors wrapping it say which argument is wrong and why.
var ErrInput = daymath.ErrInput

// ErrExtensionCap is returned by [Extend] when the key has more than
// CapFactor × the active seats (R6). The error is a [*CapError].
var ErrExtensionCap = errors.New("proration: extension cap exceeded")

// CapError reports a refused extension (R6) and the largest key that would
// have been accepted. Rule says which reading of the cap refused it.
type CapError struct {
	Seats    int // active seats A
	KeySeats int // seats of the refused key C
	Factor   int // the cap factor (3 by default)
	// MaxKeySeats is the largest key Extend accepts: Factor × Seats under
	// CapPerKey; under CapEndLimit the largest key whose extension still ends
	// on or before Limit, 0 when no key fits.
	MaxKeySeats int

	// Rule is the reading of the cap: CapPerKey (the zero value) or
	// CapEndLimit. The fields below are set under CapEndLimit only.
	Rule CapRule
	// Term is the key's term in months and At the redemption day; Limit is
	// AddMonths(At, Factor × Term), the latest end date accepted.
	Term      int
	At, Limit time.Time
	// FitsFrom is, when MaxKeySeats is 0, the first later day on which a key
	// of one seat (of the same term) fits the limit; zero if no day of the
	// calendar does. Whether the subscription can still be extended that day
	// (R7) is another rule.
	FitsFrom time.Time
}

// Error implements error. Under CapPerKey: "proration: extension cap
// exceeded: key of 301 seats is more than 3 × the 100 active seats (R6); the
// largest key accepted is 300 seats". Under CapEndLimit it names the limit
// and the largest key accepted, or says that no key fits and from which day
// one seat does.
func (e *CapError) Error() string {
	if e.Rule != CapEndLimit {
		return fmt.Sprintf("proration: extension cap exceeded: key of %d seats is more than %d × the %d active seats (R6); the largest key accepted is %d seats",
			e.KeySeats, e.Factor, e.Seats, e.MaxKeySeats)
	}
	msg := fmt.Sprintf("proration: extension cap exceeded: a key of %d seats on %d active seats would end the term after %s, %d × %d months after the redemption day %s (R6, end-limit reading)",
		e.KeySeats, e.Seats, dateOnly(e.Limit), e.Factor, e.Term, dateOnly(e.At))
	switch {
	case e.MaxKeySeats > 0:
		return msg + fmt.Sprintf("; the largest key accepted is %d seats", e.MaxKeySeats)
	case e.FitsFrom.IsZero():
		return msg + "; no key fits: the end date is already at the limit, and no later day of the calendar admits a key"
	}
	return msg + "; no key fits: the end date is already at the limit; a key of one seat fits from " + dateOnly(e.FitsFrom)
}

// Is reports whether target is [ErrExtensionCap].
func (e *CapError) Is(target error) bool { return target == ErrExtensionCap }

func inputErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInput}, args...)...)
}
