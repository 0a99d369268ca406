package plan

import (
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestStructuredGolden pins what the structured search answers for pools of
// 9 to 20 keys: the steps (order, operation, seats) and the final
// subscription of each goal, and every point of the trade-off. Any change of
// the planner's answers, including where the structured search falls a few
// days short of the optimum, shows up here; regenerate with -update only for
// a change meant to alter results.
func TestStructuredGolden(t *testing.T) {
	checkGolden(t, "structured.golden", planGolden(rand.New(rand.NewPCG(2026, 12)), 24, 9, 20))
}

// goldenPool is a planning problem of the golden files: the subscription,
// the keys and the three goals asked of it.
type goldenPool struct {
	s     activation.Subscription
	keys  []token.Token
	seats []int
	goals []Goal
}

// goldenPools draws count pools from rng — of minKeys … maxKeys keys, every
// fourth of interchangeable sizes, every sixth starting from no subscription
// — each with a ReachEnd, a ReachSeats and the AllTradeOffs goal.
func goldenPools(rng *rand.Rand, count, minKeys, maxKeys int) []goldenPool {
	at := day(2026, 12, 1)
	out := make([]goldenPool, count)
	for i := range count {
		n := minKeys + rng.IntN(maxKeys-minKeys+1)
		seats := make([]int, n)
		for j := range seats {
			seats[j] = 1 + rng.IntN(400)
		}
		if i%4 == 0 { // repeated sizes: interchangeable keys
			for j := range seats {
				seats[j] = 25 * (1 + rng.IntN(4))
			}
		}
		s := sub(20+rng.IntN(500), at.AddDate(0, 0, 1+rng.IntN(700)))
		if i%6 == 5 {
			s = activation.Subscription{Product: product} // none: the first key activates
		}
		keys := make([]token.Token, n)
		for j := range keys {
			keys[j] = token.Token{Key: keyN(j + 1), Product: product, Seats: seats[j], TermMonths: []int{0, 0, 0, 6, 24}[rng.IntN(5)]}
		}
		out[i] = goldenPool{s: s, keys: keys, seats: seats, goals: []Goal{
			ReachEnd(at.AddDate(1+rng.IntN(3), rng.IntN(12), 0)),
			ReachSeats(s.Seats + rng.IntN(1+sum(seats))),
			AllTradeOffs(),
		}}
	}
	return out
}

// planGolden plans the pools goldenPools draws from rng for their three
// goals and for targets the first two reach exactly, and writes the answers
// one per line.
func planGolden(rng *rand.Rand, count, minKeys, maxKeys int) string {
	var b strings.Builder
	p := activation.PartnerCenter()
	at := day(2026, 12, 1)
	for i, gp := range goldenPools(rng, count, minKeys, maxKeys) {
		s, keys, goals := gp.s, gp.keys, gp.goals
		fmt.Fprintf(&b, "pool %02d: %d seats until %s; keys %v\n", i, s.Seats, dateString(s.End), gp.seats)
		for gi := 0; gi < len(goals); gi++ {
			g := goals[gi]
			r, err := Plan(p, s, keys, at, g)
			if err == nil && gi < 2 {
				// Targets a plan reaches exactly: reaching is "on or after"
				// and "at least", so each is reached again.
				goals = append(goals, ReachEnd(r.Final.End), ReachSeats(r.Final.Seats))
			}
			var inf *InfeasibleError
			switch {
			case errors.As(err, &inf):
				fmt.Fprintf(&b, "  %s: infeasible; nearest %s\n", g, golden(inf.Nearest))
			case err != nil:
				fmt.Fprintf(&b, "  %s: error %v\n", g, err)
			default:
				fmt.Fprintf(&b, "  %s: %s\n", g, golden(r))
				if n := len(r.Front); n > 0 {
					// every point of the front, hashed to keep the file small
					h := sha256.New()
					for _, f := range r.Front {
						fmt.Fprintf(h, "%s\n", golden(f))
					}
					fmt.Fprintf(&b, "    front of %d: first %d@%s, last %d@%s, sha256 %x\n", n,
						r.Front[0].Final.Seats, dateString(r.Front[0].Final.End),
						r.Front[n-1].Final.Seats, dateString(r.Front[n-1].Final.End), h.Sum(nil)[:8])
				}
			}
		}
	}
	return b.String()
}

// checkGolden compares got with testdata/name, which -update rewrites.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s line %d:\n got %s\nwant %s", name, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s: got %d lines, want %d", name, len(gl), len(wl))
	}
}

func sum(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

// golden is a plan in one line: the final subscription and each step as
// operation and key seats.
func golden(r Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d seats until %s (exhaustive %t):", r.Final.Seats, dateString(r.Final.End), r.Exhaustive)
	for _, s := range r.Steps {
		op := map[activation.Operation]string{activation.AddSeats: "a", activation.ExtendEnd: "e", activation.Activate: "act"}[s.Op]
		fmt.Fprintf(&b, " %s%d", op, s.Outcome.Token.Seats)
	}
	return b.String()
}

// TestStructuredSeatLimit: the structured search at the seat limit
// (activation.MaxSeats). Adding every key to land exactly on the limit is
// a plan; with no room for any key, every key extends, and a seat goal
// above the seats is infeasible with that plan, the one with the most
// seats, as the nearest.
func TestStructuredSeatLimit(t *testing.T) {
	p, at := activation.PartnerCenter(), day(2026, 12, 1)
	seats := make([]int, ExhaustiveKeys+1)
	for i := range seats {
		seats[i] = 100
	}
	room := 100 * len(seats)
	r, err := Plan(p, sub(activation.MaxSeats-room, day(2027, 3, 1)), pool(seats...), at, ReachSeats(activation.MaxSeats))
	require.NoError(t, err)
	assert.Equal(t, activation.MaxSeats, r.Final.Seats, "every key added, to the limit")

	s := sub(activation.MaxSeats-10, day(2027, 3, 1))
	_, err = Plan(p, s, pool(seats...), at, ReachSeats(activation.MaxSeats-5))
	var inf *InfeasibleError
	require.ErrorAs(t, err, &inf)
	require.Len(t, inf.Nearest.Steps, len(seats))
	for _, st := range inf.Nearest.Steps {
		assert.Equal(t, activation.ExtendEnd, st.Op, "no room to add a key")
	}
	assert.Equal(t, s.Seats, inf.Nearest.Final.Seats)
}

// TestStructuredTradeOffEndingTomorrow: a subscription of nearly the seat
// limit ending the day after the plan, and keys of a seat: every plan ends
// one day after the plan's day (W ÷ seats rounds to 1), and the trade-off
// still lists one, the one with the most seats.
func TestStructuredTradeOffEndingTomorrow(t *testing.T) {
	p, at := activation.PartnerCenter(), day(2026, 12, 1)
	seats := make([]int, ExhaustiveKeys+1)
	for i := range seats {
		seats[i] = 1
	}
	s := sub(activation.MaxSeats-len(seats), day(2026, 12, 2))
	r, err := Plan(p, s, pool(seats...), at, AllTradeOffs())
	require.NoError(t, err)
	require.Len(t, r.Front, 1)
	assert.Equal(t, activation.MaxSeats, r.Final.Seats)
	assert.Equal(t, day(2026, 12, 2), r.Final.End)
}
