package proration

import (
	"time"

	"github.com/coterm/coterm/internal/daymath"
)

// MinYear and MaxYear bound every date proration accepts or produces: the
// years 0001 … 9999 of the proleptic Gregorian calendar (see [ErrDateRange]).
const (
	MinYear = 1
	MaxYear = 9999
)

// The years are the core's.
const _ = uint(MinYear-daymath.MinYear) + uint(daymath.MinYear-MinYear) + uint(MaxYear-daymath.MaxYear) + uint(daymath.MaxYear-MaxYear)

// MaxSeats is the largest seat count any formula accepts; the smallest is 1.
const MaxSeats = 1_000_000_000

// AddMonths returns the calendar date n months after d (before d for negative
// n) at 00:00 UTC, clamped to the target month's last day and computed from d
// itself (see "Months: clamping and anchoring" in the package
// documentation). If d or the result lies
// outside the years [MinYear] … [MaxYear], it returns the zero [time.Time].
func AddMonths(d time.Time, n int) time.Time { return daymath.AddMonths(d, n) }

// Days returns the number of calendar days from the date of from to the date
// of to, negative when to is earlier, whatever the zones, hours and DST. For
// dates outside the years [MinYear] … [MaxYear] the count is meaningless, but
// Days does not panic.
func Days(from, to time.Time) int { return daymath.Days(from, to) }
