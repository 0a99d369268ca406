package plan

import (
	"testing"

	"github.com/coterm/coterm/activation"
)

// benchPool returns n keys of varied seats, so that most subsets have
// distinct sums: the hardest case for the structured search.
func benchPool(n int) []int {
	seats := make([]int, n)
	for i := range seats {
		seats[i] = 5 + (i*37+11)%190
	}
	return seats
}

func benchPlan(b *testing.B, n int, goal Goal) {
	p := activation.PartnerCenter()
	s := sub(300, day(2027, 3, 1))
	keys := pool(benchPool(n)...)
	at := day(2026, 12, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Plan(p, s, keys, at, goal); err != nil {
			b.Fatal(err)
		}
	}
}

func benchGoals(b *testing.B, n int) {
	b.Run("most-seats", func(b *testing.B) { benchPlan(b, n, ReachEnd(day(2028, 3, 1))) })
	b.Run("latest-end", func(b *testing.B) { benchPlan(b, n, ReachSeats(600)) })
	b.Run("trade-off", func(b *testing.B) { benchPlan(b, n, AllTradeOffs()) })
}

// BenchmarkPlan8 times the exhaustive search at its largest, ExhaustiveKeys.
func BenchmarkPlan8(b *testing.B) { benchGoals(b, ExhaustiveKeys) }

// BenchmarkPlan16 plans 16 keys (goal: at most 10 ms).
func BenchmarkPlan16(b *testing.B) { benchGoals(b, 16) }

// BenchmarkPlan20 plans 20 keys (goal: at most 200 ms).
func BenchmarkPlan20(b *testing.B) { benchGoals(b, 20) }
