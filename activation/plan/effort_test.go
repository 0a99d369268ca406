package plan

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
)

// TestSearchEffort pins how much each search works on the pools of the
// golden files: the redemptions it makes through Policy.Apply, the unit of
// its cost, next to the answer it finds. The exhaustive search must keep
// pruning interchangeable keys, operations the table refuses and dominated
// end dates; the structured search must keep its margins, early exits and
// tie-breaks. A count that grows is a search made slower for the same
// answer; one that shrinks is a margin or a branch that changed and may lose
// plans on pools the goldens do not cover. Either is a deliberate change:
// regenerate with -update and say why. The structured pools are planned
// under both conventions (R5) and under rounding down (R4), which take
// different margins.
func TestSearchEffort(t *testing.T) {
	var b strings.Builder
	at := day(2026, 12, 1)
	pc := activation.PartnerCenter()
	for i, gp := range goldenPools(rand.New(rand.NewPCG(2026, 8)), 20, 4, 8) {
		c, err := prepare(pc, gp.s, gp.keys, at)
		require.NoError(t, err)
		front := c.exhaustive()
		fmt.Fprintf(&b, "exhaustive pool %02d: %d keys: %d redemptions, front of %d\n", i, len(gp.keys), c.applies, len(front))
	}
	// A subscription in its grace under a policy that adds and extends
	// there (R8): redeeming 65 seats for a month extends it 5 days, short
	// of the day, then adding a one-month key of one seat leaves it ending
	// on the day (B = 0, 31 ÷ 401 rounds to 0 days, R4); in the other order
	// it ends 5 days later. The two share keys and seats, but only the one
	// ending after the day is Active: it alone is under dominance.
	grace := pc
	grace.Name, grace.AddWhenInactive, grace.ExtendWhenInactive = "in-grace", true, true
	keys := pool(65, 1, 100)
	keys[0].TermMonths, keys[1].TermMonths = 1, 1
	c, err := prepare(grace, sub(400, daymath.AddDays(at, -10)), keys, at)
	require.NoError(t, err)
	r, err := c.choose(AllTradeOffs(), c.exhaustive(), true)
	require.NoError(t, err)
	fmt.Fprintf(&b, "exhaustive in grace: %d redemptions: %s, front of %d\n", c.applies, golden(r), len(r.Front))
	exact, down := pc, pc
	exact.Name, exact.Convention = "exact", proration.ExactSeatDays
	down.Name, down.Rounding = "down", proration.Down
	for i, gp := range goldenPools(rand.New(rand.NewPCG(2026, 12)), 24, 9, 20) {
		for _, p := range []activation.Policy{pc, exact, down} {
			// the pool's goals, targets they reach exactly, and a goal of
			// each kind no plan reaches
			goals := append(gp.goals, ReachEnd(at.AddDate(30, 0, 0)), ReachSeats(gp.s.Seats+sum(gp.seats)+1))
			for gi := 0; gi < len(goals); gi++ {
				g := goals[gi]
				c, err := prepare(p, gp.s, gp.keys, at)
				require.NoError(t, err)
				r, err := c.choose(g, c.structured(g), false)
				answer := golden(r)
				var inf *InfeasibleError
				switch {
				case errors.As(err, &inf):
					answer = "infeasible; nearest " + golden(inf.Nearest)
				case err != nil:
					answer = err.Error()
				case gi < 2:
					goals = append(goals, ReachEnd(r.Final.End), ReachSeats(r.Final.Seats))
				}
				fmt.Fprintf(&b, "structured pool %02d %s %s: %d redemptions, %d refined: %s\n", i, p.Name, g, c.applies, c.refines, answer)
			}
		}
	}
	checkGolden(t, "effort.golden", b.String())
}
