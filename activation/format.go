package activation

import (
	"strconv"
	"time"
)

// dateString returns d's calendar date as YYYY-MM-DD, or "" for the zero time.
func dateString(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// group formats n with thousands separators: 18125 → "18,125".
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := false
	if n < 0 {
		neg, s = true, s[1:]
	}
	if len(s) <= 3 {
		if neg {
			return "-" + s
		}
		return s
	}
	b := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		b = append(b, '-')
	}
	first := len(s) % 3
	if first == 0 {
		first = 3
	}
	b = append(b, s[:first]...)
	for i := first; i < len(s); i += 3 {
		b = append(b, ',')
		b = append(b, s[i:i+3]...)
	}
	return string(b)
}

// plural returns "1 seat", "2 seats", "1,000 seats".
func plural(n int64, unit string) string {
	if n == 1 || n == -1 {
		return group(n) + " " + unit
	}
	return group(n) + " " + unit + "s"
}
