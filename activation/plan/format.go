package plan

import (
	"fmt"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/internal/text"
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

// signed formats n with a sign: +75, -3, 0.
func signed(n int64) string {
	if n > 0 {
		return "+" + text.Group(n)
	}
	return text.Group(n)
}
