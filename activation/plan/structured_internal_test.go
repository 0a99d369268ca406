package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/proration"
)

// TestEnumerate: every distinct sum of the keys' seats once, ascending, each
// with the subset whose run of the largest keys is longest (the one the cap,
// R6, most likely accepts), and the four slices allocated once, sized up
// front: at most 2^n sums of n keys and at most their seats + 1.
func TestEnumerate(t *testing.T) {
	// keys most seats first: 3 (bit 0), 2 (bit 1), 1 (bit 2), 1 (bit 3)
	sp := &space{keys: []keyInfo{{seats: 3}, {seats: 2}, {seats: 1}, {seats: 1}}}
	sp.enumerate()
	assert.Equal(t, []int64{0, 1, 2, 3, 4, 5, 6, 7}, sp.sums)
	assert.Equal(t, []uint32{
		0b0000, // 0
		0b0100, // 1: the first 1
		0b0010, // 2: 2, not 1 + 1
		0b0001, // 3: 3, not 2 + 1 or 1 + 1 + 1
		0b0101, // 4: 3 + 1
		0b0011, // 5: 3 + 2
		0b0111, // 6: 3 + 2 + 1
		0b1111, // 7: all
	}, sp.masks)
	assert.Equal(t, 4.0, testing.AllocsPerRun(10, sp.enumerate), "enumerate allocates 4 slices")

	// distinct sums far fewer than the seats: 2^3 sums of 3 keys
	sp = &space{keys: []keyInfo{{seats: 400}, {seats: 200}, {seats: 100}}}
	sp.enumerate()
	assert.Equal(t, []int64{0, 100, 200, 300, 400, 500, 600, 700}, sp.sums)
	assert.Equal(t, []uint32{0b000, 0b100, 0b010, 0b110, 0b001, 0b101, 0b011, 0b111}, sp.masks)
	assert.Equal(t, 4.0, testing.AllocsPerRun(10, sp.enumerate), "enumerate allocates 4 slices")
}

// TestStructuredEndLimitKeepsLongTerms: under the end-limit cap (R6) the
// structured search adds the shorter terms among keys of equal seats and
// leaves the longer, whose limit lies later, to extend: 1 seat ending the
// day after, three 1-seat 12-month keys and a 1-seat 1-month key. Adding the
// 1-month key and two others and extending with a 12-month key gives 4 seats
// until 282 days on; the other way round the 1-month key's extension (limit 3
// months) is refused and no 4-seat plan is found.
func TestStructuredEndLimitKeepsLongTerms(t *testing.T) {
	p := activation.PartnerCenter()
	p.CapRule = proration.CapEndLimit
	keys := pool(1, 1, 1, 1)
	keys[3].TermMonths = 1
	c, err := prepare(p, sub(1, day(2026, 1, 2)), keys, day(2026, 1, 1))
	require.NoError(t, err)
	var four int64 = -1
	for _, e := range c.structured(AllTradeOffs()) {
		if e.seats == 4 {
			four = e.end
		}
	}
	assert.Equal(t, int64(282), four, "4 seats, the 12-month key extended")
}
