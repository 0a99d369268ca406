package activation

import (
	"time"

	"github.com/coterm/coterm/internal/daymath"
)

// ParseDate reads a date written YYYY-MM-DD, strictly (ASCII digits), as a
// date at 00:00 UTC, as the package writes every date. 0001-01-01, the zero
// time, is refused. An impossible date says why and quotes it (it cannot be
// a key): "2027-02-30: February 2027 has 28 days"; anything else is "not a
// date YYYY-MM-DD", without the input. Errors wrap [ErrInvalid].
func ParseDate(s string) (time.Time, error) {
	if len(s) != len(time.DateOnly) || s[4] != '-' || s[7] != '-' {
		return time.Time{}, invalidMsg("not a date YYYY-MM-DD")
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	switch {
	case !ok1 || !ok2 || !ok3:
		return time.Time{}, invalidMsg("not a date YYYY-MM-DD")
	case y == 0:
		return time.Time{}, invalid("%s: there is no year 0, want 0001 … 9999", s)
	case m < 1 || m > 12:
		return time.Time{}, invalid("%s: there is no month %d, want 01 … 12", s, m)
	case d < 1:
		return time.Time{}, invalid("%s: there is no day 0 of a month", s)
	}
	// Day 0 of the next month is the last of this one (no AddDate: a
	// normalisation of one day).
	if last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day(); d > last {
		return time.Time{}, invalid("%s: %s %04d has %d days", s, time.Month(m), y, last)
	}
	if y == 1 && m == 1 && d == 1 {
		return time.Time{}, invalidMsg("0001-01-01 is the zero date, want 0001-01-02 … 9999-12-31")
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
}

// digits parses a string of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = 10*n + int(c-'0')
	}
	return n, true
}

// parseJSONDate reads what dateString writes: "YYYY-MM-DD" ([ParseDate]),
// or "" for the zero time.
func parseJSONDate(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := ParseDate(s)
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
