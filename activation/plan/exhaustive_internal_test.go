package plan

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// TestEndsInRange: the exhaustive search's dominance is on exactly while
// the bound on every end date a pool can reach stays before 9999-12-31:
// the later of the subscription's end and the longest term, plus 31 days
// for each of max(CapFactor, 3) × term + 1 months per key, 62 days and a day
// per key. On the last day it is on, the bound is one day short of the
// horizon; a day later it reaches it.
func TestEndsInRange(t *testing.T) {
	tests := []struct {
		name     string
		capacity int // the policy's CapFactor
		endIn    int // days from the day to the subscription's end
		terms    []int
		lastOn   time.Time
		bound    int // days from lastOn + 1 to the bound, = the horizon
	}{
		// 366 days (over 9996-02-29) + 31 × (3 × 12 + 1) + 62 + 1
		{"one key, the default cap", 3, 100, []int{12}, day(9995, 9, 6), 1576},
		// 900 + 31 × ((5 × 6 + 1) + (5 × 24 + 1)) + 62 + 2
		{"the subscription ends last, a wider cap", 5, 900, []int{6, 24}, day(9984, 6, 15), 5676},
		// a cap below the default counts as the default; expired: the term
		// 731 (over 9992-02-29) + 31 × ((3 × 6 + 1) + (3 × 24 + 1)) + 62 + 2
		{"a narrower cap, expired", 2, -10, []int{6, 24}, day(9990, 1, 5), 3646},
	}
	for _, tt := range tests {
		p := activation.PartnerCenter()
		p.CapFactor = tt.capacity
		keys := make([]token.Token, len(tt.terms))
		for i, term := range tt.terms {
			keys[i] = token.Token{Key: keyN(i + 1), Product: product, Seats: 10, TermMonths: term}
		}
		for at, want := range map[time.Time]bool{tt.lastOn: true, daymath.AddDays(tt.lastOn, 1): false} {
			c, err := prepare(p, sub(100, daymath.AddDays(at, tt.endIn)), keys, at)
			require.NoError(t, err, tt.name)
			assert.Equal(t, want, c.endsInRange(), "%s on %s", tt.name, dateString(at))
		}
		horizon := daymath.Days(daymath.AddDays(tt.lastOn, 1), day(9999, 12, 31))
		assert.Equal(t, tt.bound, horizon, "%s: the horizon the day after", tt.name)
	}
}
