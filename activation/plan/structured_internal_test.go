package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
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
