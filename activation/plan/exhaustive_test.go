package plan

import (
	"math/rand/v2"
	"testing"
)

// TestExhaustiveGolden pins what the exhaustive search answers for pools of
// 4 to 8 keys, step by step: of the plans that reach the same seats and end
// date it returns the one the package documentation describes, and no
// change of the search (its pruning of interchangeable keys, its dominance
// of equal seats) may change that choice.
func TestExhaustiveGolden(t *testing.T) {
	checkGolden(t, "exhaustive.golden", planGolden(rand.New(rand.NewPCG(2026, 8)), 20, 4, 8))
}
