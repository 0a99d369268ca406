package proration

import (
	"errors"
	"fmt"

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
// have been accepted.
type CapError struct {
	Seats       int // active seats A
	KeySeats    int // seats of the refused key C
	Factor      int // the cap factor (3 by default)
	MaxKeySeats int // Factor × Seats: the largest key Extend accepts
}

// Error implements error.
func (e *CapError) Error() string {
	return fmt.Sprintf("proration: extension cap exceeded: key of %d seats is more than %d × the %d active seats (R6); the largest key accepted is %d seats",
		e.KeySeats, e.Factor, e.Seats, e.MaxKeySeats)
}

// Is reports whether target is [ErrExtensionCap].
func (e *CapError) Is(target error) bool { return target == ErrExtensionCap }

func inputErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInput}, args...)...)
}
