package plan

import (
	"fmt"
	"strconv"
	"time"

	"github.com/coterm/coterm/activation"
)

// invalid returns an error wrapping activation.ErrInvalid.
func invalid(format string, args ...any) error {
	return fmt.Errorf("plan: %w: %s", activation.ErrInvalid, fmt.Sprintf(format, args...))
}

// dateString returns d as YYYY-MM-DD, or "(none)" for the zero time.
func dateString(d time.Time) string {
	if d.IsZero() {
		return "(none)"
	}
	return d.Format(time.DateOnly)
}

// group formats n with thousands separators: 18125 → "18,125".
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// signed formats n with a sign: +75, -3, 0.
func signed(n int64) string {
	if n > 0 {
		return "+" + group(n)
	}
	return group(n)
}

// plural returns "1 seat", "2 seats", "1,000 seats".
func plural(n int64, unit string) string {
	if n == 1 || n == -1 {
		return group(n) + " " + unit
	}
	return group(n) + " " + unit + "s"
}
