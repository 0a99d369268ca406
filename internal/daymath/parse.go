package daymath

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// errNotDate is the reason for a text not shaped YYYY-MM-DD: the text is not
// quoted (it may be a product key pasted in the wrong place).
var errNotDate = errors.New("not a date YYYY-MM-DD")

// ParseDate reads a date written YYYY-MM-DD, strictly (ASCII digits), as a
// date at 00:00 UTC, as the module writes every date; it is the one date
// parser of the library's JSON and of the programs. 0001-01-01, the zero
// time, is refused. An impossible date says why and quotes it (ten digits
// and two hyphens cannot be a key): "2027-02-30: February 2027 has 28 days";
// anything else is "not a date YYYY-MM-DD", without the input. The messages
// are reasons without a package prefix: the caller names what it read.
func ParseDate(s string) (time.Time, error) {
	if len(s) != len(time.DateOnly) || s[4] != '-' || s[7] != '-' {
		return time.Time{}, errNotDate
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	switch {
	case !ok1 || !ok2 || !ok3:
		return time.Time{}, errNotDate
	case y == 0:
		return time.Time{}, fmt.Errorf("%s: there is no year 0, want 0001 … 9999", strings.Clone(s))
	case m < 1 || m > 12:
		return time.Time{}, fmt.Errorf("%s: there is no month %d, want 01 … 12", strings.Clone(s), m)
	case d < 1:
		return time.Time{}, fmt.Errorf("%s: there is no day 0 of a month", strings.Clone(s))
	}
	if last := daysIn(int64(y), m); d > last {
		return time.Time{}, fmt.Errorf("%s: %s %04d has %d days", strings.Clone(s), time.Month(m), y, last)
	}
	if y == 1 && m == 1 && d == 1 {
		return time.Time{}, errors.New("0001-01-01 is the zero date, want 0001-01-02 … 9999-12-31")
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
