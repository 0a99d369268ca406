package daymath

import (
	"fmt"
	"time"
)

// The functions on [time.Time] take each date's year, month and day in its
// own location and return dates at 00:00 UTC.

// Date returns t's calendar date at 00:00 UTC, or the zero [time.Time] when
// it lies outside the years [MinYear] … [MaxYear].
func Date(t time.Time) time.Time { return Of(t).Time() }

// DateChecked is [Date] with an error wrapping [ErrDateRange] for a date out
// of range.
func DateChecked(t time.Time) (time.Time, error) {
	d := Of(t)
	if !d.Valid() {
		return time.Time{}, d.Check()
	}
	return d.time(), nil
}

// CheckDate returns an error wrapping [ErrDateRange] if t's calendar date is
// outside the years [MinYear] … [MaxYear].
func CheckDate(t time.Time) error { return Of(t).Check() }

// AddMonths returns the date n calendar months after t's (see [Day.AddMonths]),
// or the zero [time.Time] when t or the result is out of range.
func AddMonths(t time.Time, n int) time.Time {
	d, _ := Of(t).AddMonths(n) // the zero Day gives the zero Time
	return d.Time()
}

// AddMonthsChecked is [AddMonths] with the error of [Day.AddMonths].
func AddMonthsChecked(t time.Time, n int) (time.Time, error) { return checked(Of(t).AddMonths(n)) }

// AddDays returns the date n days after t's, or the zero [time.Time] when t
// or the result is out of range.
func AddDays(t time.Time, n int) time.Time {
	d, _ := Of(t).AddDays(n) // the zero Day gives the zero Time
	return d.Time()
}

// AddDaysChecked is [AddDays] with the error of [Day.AddDays].
func AddDaysChecked(t time.Time, n int) (time.Time, error) { return checked(Of(t).AddDays(n)) }

// checked is the date of d, or the zero Time and err.
func checked(d Day, err error) (time.Time, error) {
	if err != nil {
		return time.Time{}, err
	}
	return d.time(), nil
}

// Days returns the number of calendar days from from's date to to's,
// negative when to is earlier; meaningless (but never a panic) for dates out
// of range.
func Days(from, to time.Time) int { return int(Of(to) - Of(from)) }

// DaysChecked is [Days] with an error wrapping [ErrDateRange] when either date
// is out of range.
func DaysChecked(from, to time.Time) (int, error) {
	f, t := Of(from), Of(to)
	if err := f.Check(); err != nil {
		return 0, err
	}
	if err := t.Check(); err != nil {
		return 0, err
	}
	return int(t - f), nil
}

// inputErr is an error wrapping ErrInput.
func inputErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInput}, args...)...)
}
