package activation

import "time"

// Day numbers count days since 1970-01-01, as proration does internally.
// Apply converts each input date once and works on day numbers: this is what
// keeps it allocation-free and fast (BenchmarkApply). Results agree with
// proration.Days by construction (floor of local seconds ÷ 86400), which the
// tests check.
const (
	minDayNum = -719162 // 0001-01-01, proration.MinYear
	maxDayNum = 2932896 // 9999-12-31, proration.MaxYear
	secPerDay = 86400
)

// dayNumber returns the day number of t's calendar date in t's own location;
// out of range (never overflowing) for instants beyond the supported years.
func dayNumber(t time.Time) int64 {
	_, off := t.Zone()
	sec, o := t.Unix(), int64(off)
	s := sec + o
	if (o > 0 && s < sec) || (o < 0 && s > sec) { // overflow: absurd zone offset
		if o > 0 {
			return maxDayNum + 1
		}
		return minDayNum - 1
	}
	q := s / secPerDay
	if s%secPerDay != 0 && s < 0 {
		q--
	}
	return q
}

// dateOf returns day number n as a date at 00:00 UTC.
func dateOf(n int64) time.Time { return time.Unix(n*secPerDay, 0).UTC() }

// inRange reports whether day number n lies in the years 1 … 9999.
func inRange(n int64) bool { return n >= minDayNum && n <= maxDayNum }
