package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// errNotDate is the message for anything not shaped YYYY-MM-DD: the input is
// not echoed (it may be a key pasted in the wrong place).
var errNotDate = errors.New("not a date YYYY-MM-DD")

// ParseDate parses a calendar date YYYY-MM-DD strictly, as
// time.Parse(time.DateOnly, s) does, into a date at 00:00 UTC. Surrounding
// white space is ignored. An impossible date says why, quoting the date
// (ten digits and hyphens cannot be a key): "2027-02-30: February 2027 has
// 28 days". Anything else is "not a date YYYY-MM-DD", without the input.
// 0001-01-01 is refused: the library reads it as the zero time, no date.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) != len(time.DateOnly) || s[4] != '-' || s[7] != '-' {
		return time.Time{}, errNotDate
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return time.Time{}, errNotDate
	}
	switch {
	case y == 0:
		return time.Time{}, fmt.Errorf("%s: there is no year 0, want 0001 … 9999", s)
	case m < 1 || m > 12:
		return time.Time{}, fmt.Errorf("%s: there is no month %d, want 01 … 12", s, m)
	case d < 1:
		return time.Time{}, fmt.Errorf("%s: there is no day 0 of a month", s)
	case d > DaysIn(y, time.Month(m)):
		return time.Time{}, fmt.Errorf("%s: %s %04d has %d days", s, time.Month(m), y, DaysIn(y, time.Month(m)))
	case y == 1 && m == 1 && d == 1:
		return time.Time{}, errors.New("0001-01-01 is the zero date, want 0001-01-02 … 9999-12-31")
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
}

// DaysIn returns the number of days of month m of year y (Gregorian).
func DaysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
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

// ParseRange parses FROM..TO, two dates with FROM on or before TO. Both days
// are included: the range is [from, to] and the caller asks the book for
// [from, to+1 day).
func ParseRange(s string) (from, to time.Time, err error) {
	a, b, ok := strings.Cut(s, "..")
	if !ok {
		return from, to, errors.New("want FROM..TO, two dates YYYY-MM-DD (both included)")
	}
	if from, err = ParseDate(a); err != nil {
		return from, to, fmt.Errorf("FROM: %w", err)
	}
	if to, err = ParseDate(b); err != nil {
		return from, to, fmt.Errorf("TO: %w", err)
	}
	if to.Before(from) {
		return from, to, fmt.Errorf("FROM %s is after TO %s", from.Format(time.DateOnly), to.Format(time.DateOnly))
	}
	return from, to, nil
}

// NextDay returns the day after d (a date at 00:00 UTC): exact in UTC, which
// has no daylight saving time.
func NextDay(d time.Time) time.Time { return d.Add(24 * time.Hour) }
