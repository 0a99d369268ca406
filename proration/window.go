package proration

import (
	"fmt"
	"time"

	"github.com/coterm/coterm/internal/daymath"
)

// Window is a span of calendar days with both ends included: First is the
// first day in it and Last the last. Dates are at 00:00 UTC. A Window whose
// Last is the zero time, such as the zero Window, contains no day.
type Window struct {
	First, Last time.Time
}

// WithinDays returns the days "within days days of" from: from itself, day 0,
// through day days, from + days, both included. It is the one reading of
// "within 30 days of activation" (R12: a replacement key) and "innerhalb von
// 30 Tagen ab … Aktivierung" (R11: the first month instead of the penalty):
// activated 2027-01-31, the window is 2027-01-31 … 2027-03-02, day 30 in and
// day 31 out.
//
// days must be 0 … 3,652,058 (the span of the supported calendar) and from
// and from + days lie in the years [MinYear] … [MaxYear], the last day after
// 0001-01-01 (the zero time): otherwise the error wraps [ErrInput] or
// [ErrDateRange] and the Window is zero.
func WithinDays(from time.Time, days int) (Window, error) {
	if days < 0 || days > daymath.MaxDays {
		return Window{}, inputErr("window of %d days outside 0…%d", days, daymath.MaxDays)
	}
	f := daymath.Of(from)
	l, err := f.AddDays(days)
	if err != nil {
		return Window{}, fmt.Errorf("window: %w", err)
	}
	if l == daymath.MinDay {
		return Window{}, fmt.Errorf("window: %w: last day is the zero date 0001-01-01", ErrDateRange)
	}
	return Window{First: f.Time(), Last: l.Time()}, nil
}

// Contains reports whether the date of d lies in w: on or after First and on
// or before Last, by calendar date whatever the zones and hours.
func (w Window) Contains(d time.Time) bool {
	if w.Last.IsZero() {
		return false
	}
	day := daymath.Of(d)
	return day.Valid() && day >= daymath.Of(w.First) && day <= daymath.Of(w.Last)
}

// String returns the first and last day, both included, as
// "2027-01-31 … 2027-03-02", or "" for a Window whose Last is zero.
func (w Window) String() string {
	if w.Last.IsZero() {
		return ""
	}
	return w.First.Format(time.DateOnly) + " … " + w.Last.Format(time.DateOnly)
}
