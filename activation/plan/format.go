package plan

import (
	"fmt"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/internal/text"
)

// invalid returns an error wrapping activation.ErrInvalid whose message is
// "plan: invalid input: " and the formatted text.
func invalid(format string, args ...any) error {
	return invalidMsg(fmt.Sprintf(format, args...))
}

// invalidMsg is invalid with a message that is not a format.
func invalidMsg(msg string) error {
	return &text.Error{Pkg: "plan", Msg: "invalid input: " + msg, Kind: activation.ErrInvalid}
}

// seatLimit returns an error wrapping activation.ErrSeatLimit whose message
// is "plan: seat limit exceeded: " and the formatted text.
func seatLimit(format string, args ...any) error {
	return &text.Error{Pkg: "plan", Msg: "seat limit exceeded: " + fmt.Sprintf(format, args...), Kind: activation.ErrSeatLimit}
}

// wrap returns err with the context what ("key 1"), or none if what is "":
// "plan: key 1: " and err's message (see [text.Error]). It wraps err.
func wrap(what string, err error) error {
	return &text.Error{Pkg: "plan", Msg: what, Err: err}
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
