package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coterm/coterm/internal/daymath"
)

// ParseDate parses a calendar date YYYY-MM-DD with the library's parser
// (the one its JSON uses) into a date at 00:00 UTC, ignoring surrounding
// white space. An impossible date says why, quoting the date (ten digits and
// hyphens cannot be a key): "2027-02-30: February 2027 has 28 days".
// Anything else is "not a date YYYY-MM-DD", without the input. 0001-01-01 is
// refused: the library reads it as the zero time, no date.
func ParseDate(s string) (time.Time, error) {
	return daymath.ParseDate(strings.TrimSpace(s))
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
