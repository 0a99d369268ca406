package activation

import "time"

// dateString returns d's calendar date as YYYY-MM-DD, or "" for the zero time.
func dateString(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}
