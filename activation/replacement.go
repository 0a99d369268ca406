package activation

import (
	"time"

	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
)

// ReplacementDeadline returns the last day a replacement key may be requested
// for a key activated on day activated: activated + ReplacementWindowDays
// (R12: "within 30 days of activation", the activation day being day 0 and
// day 30 the last). It returns the zero time for an invalid policy or a date
// outside the years proration.MinYear … proration.MaxYear.
func (p Policy) ReplacementDeadline(activated time.Time) time.Time {
	if p.Validate() != nil {
		return time.Time{}
	}
	d, err := daymath.AddDaysChecked(activated, p.ReplacementWindowDays)
	if err != nil {
		return time.Time{}
	}
	return d
}

// ReplacementAllowed reports whether a replacement key may still be requested
// on day on for a key activated on day activated, when granted says whether a
// replacement was already issued for it (R12: within ReplacementWindowDays of
// activation, once). It is false before the activation day, after the
// deadline, once a replacement was granted, and for invalid inputs. A true
// result means the request may be made; Microsoft reviews it and may refuse.
func (p Policy) ReplacementAllowed(activated, on time.Time, granted bool) bool {
	if granted || p.Validate() != nil || daymath.CheckDate(activated) != nil || daymath.CheckDate(on) != nil {
		return false
	}
	d := proration.Days(activated, on)
	return d >= 0 && d <= p.ReplacementWindowDays
}
