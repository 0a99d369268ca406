package activation

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/coterm/coterm/proration"
)

// TestExplainNeverPanics: Explain is total: an Outcome a caller built by
// hand or decoded from elsewhere, with zero seats or a zero month
// denominator, is explained without a division by zero.
func TestExplainNeverPanics(t *testing.T) {
	for _, op := range []Operation{0, AddSeats, ExtendEnd, Renew, Activate, 9} {
		for _, conv := range []proration.Convention{proration.CalendarMonths, proration.ExactSeatDays, 7} {
			for _, o := range []Outcome{
				{Op: op, Applied: op, Convention: conv},
				{Op: op, Applied: op, Convention: conv, MonthsNum: 3, MonthsDen: 0, TermDays: 365, Token: mkToken(25)},
				{Op: op, Applied: op, Convention: conv, Before: Subscription{Seats: -1}, Token: mkToken(1), TermDays: 10},
			} {
				assert.NotPanics(t, func() { _ = o.Explain() }, "%+v", o)
			}
		}
	}
	assert.Equal(t, "?", exactDecimal(1, 0))
	assert.Equal(t, "?", exactDecimal(1, -2))
	assert.Equal(t, "1.5", exactDecimal(3, 2))
	assert.Equal(t, "-1,234.333…", exactDecimal(-3703, 3))
}
