package activation

import (
	"time"

	"github.com/coterm/coterm/internal/daymath"
)

// parseJSONDate reads what dateString writes: "YYYY-MM-DD" (daymath.ParseDate),
// or "" for the zero time.
func parseJSONDate(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := daymath.ParseDate(s)
	if err != nil {
		return time.Time{}, invalid("%s: want a date YYYY-MM-DD", field)
	}
	return d, nil
}

// dayOf returns the Day of at, or an error wrapping [ErrInvalid] that names
// what: at is outside the supported years or the zero date 0001-01-01 (the
// rule of usableDay and badDay, which Apply shares).
func dayOf(what string, at time.Time) (daymath.Day, error) {
	day := daymath.Of(at)
	if !usableDay(day) {
		return 0, badDay(what, day)
	}
	return day, nil
}

// usableDay reports whether day is a day Apply and the Book accept: valid,
// and not the zero date 0001-01-01.
func usableDay(day daymath.Day) bool { return day.Valid() && day != daymath.MinDay }

// badDay is the error for a day that is not usableDay, named what.
func badDay(what string, day daymath.Day) error {
	if !day.Valid() {
		return invalidWrap(what, day.Check())
	}
	return invalid("%s is the zero date 0001-01-01", what)
}

// checkOrder refuses a day before last, the day of a subscription's head.
func checkOrder(day, last daymath.Day) error {
	if day < last {
		return invalid("book: day %s is before the subscription's last record (%s)", day, last)
	}
	return nil
}

// dateIn reports whether d, as a date, is in [from, to): a zero from has no
// lower bound, a zero to no upper bound. A zero d (no term) is only in
// ranges without a lower bound.
func dateIn(d, from, to time.Time) bool {
	switch {
	case d.IsZero():
		return from.IsZero()
	case !from.IsZero() && daymath.Of(d) < daymath.Of(from):
		return false
	}
	return to.IsZero() || daymath.Of(d) < daymath.Of(to)
}
