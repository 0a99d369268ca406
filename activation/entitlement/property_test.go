package entitlement

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// The position equals a recount of the records by the plain model: the
// uses, the figures per country and worldwide, the excess (the most
// covered, found by enumerating every assignment), which uses some maximum
// assignment leaves short and which no assignment covers in full, the
// headroom; and the assignment found keeps every rule (R14 to R17).
func TestPropertyPositionIsThePlainModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := drawCase(t)
		p, err := New(c.org, c.recs.Source())
		require.NoError(t, err)
		pos, err := p.Position(bg, c.at)
		require.NoError(t, err)
		pd := plainAt(c.org, c.recs, c.at)
		checkPosition(t, pd, pos)
	})
}

func checkPosition(t *rapid.T, pd *plainDay, pos Position) {
	require.Len(t, pos.Pools, 1)
	pp := pos.Pools[0]
	require.Len(t, pp.Uses, len(pd.uses))
	var total int64
	for i, u := range pd.uses {
		require.Equal(t, u.ref, pp.Uses[i].Ref)
		require.Equal(t, u.qty, pp.Uses[i].Quantity)
		require.Equal(t, u.country, pp.Uses[i].Country)
		total += u.qty
	}
	all := enumerate(pd.uses, pd.lines, pd.allCaps(), sharing)
	require.Equal(t, total-all.total, pp.Excess, "excess")
	for i, u := range pd.uses {
		require.Equal(t, all.cover[i] < u.qty, pp.Uses[i].Uncoverable, "uncoverable %v", u.ref)
		require.Equal(t, all.shortOK[i], pp.Uses[i].Short, "short %v", u.ref)
	}
	// the figures, recounted
	tallies := map[Country]*Tally{}
	tally := func(c Country) *Tally {
		if tallies[c] == nil {
			tallies[c] = &Tally{Country: c, Max: pd.countryMax(c)}
		}
		return tallies[c]
	}
	world := Tally{Max: int64(pd.o.Pools[0].WorldMax)}
	for _, l := range pd.lines {
		tally(l.country).Granted += l.qty
		world.Granted += l.qty
	}
	for _, u := range pd.uses {
		if u.ref.Online() {
			tally(u.country).Online += u.qty
			world.Online += u.qty
		} else {
			tally(u.country).OnPremises += u.qty
			world.OnPremises += u.qty
		}
	}
	require.Len(t, pp.Countries, len(tallies))
	var big int64 = 1
	for _, l := range pd.lines {
		big += l.qty
	}
	for i, got := range pp.Countries {
		want := *tally(got.Country)
		if i > 0 {
			require.Negative(t, pp.Countries[i-1].Country.compare(got.Country), "countries in order")
		}
		virtual := pUse{ref: Ref{Tenant: "virtual", Product: "E"}, country: got.Country, qty: big}
		cs := pd.allCaps()
		cs.country[got.Country] = pd.countryMax(got.Country)
		want.Headroom = enumerate(append(slices.Clone(pd.uses), virtual), pd.lines, cs, sharing).total - all.total
		require.Equal(t, want, got, "tally")
	}
	world.Headroom = pp.World.Headroom
	require.Equal(t, world, pp.World)
	for _, c := range pp.Countries {
		require.GreaterOrEqual(t, pp.World.Headroom, c.Headroom)
	}
	checkAssignment(t, pd, pp)
	var unplaced []Unplaced
	for _, us := range pd.unplaced {
		for _, u := range us {
			unplaced = append(unplaced, Unplaced{Ref: u.ref, Pool: "P", Seats: u.qty})
		}
	}
	slices.SortFunc(unplaced, func(a, b Unplaced) int { return a.Ref.compare(b.Ref) })
	require.Equal(t, unplaced, pos.NotCovered)
}

// checkAssignment: every draw is allowed (R16, R17), within the use and the
// line (R14) and the maximums (R15), and it covers the most.
func checkAssignment(t *rapid.T, pd *plainDay, pp PoolPosition) {
	drawn := map[Line]int64{}
	bound := map[Country]int64{}
	var world, covered int64
	for _, u := range pp.Uses {
		var sum int64
		for _, d := range u.Draws {
			require.Positive(t, d.Quantity)
			var lc Country
			for _, l := range pd.o.Locations {
				if l.Name == d.Line.Location {
					lc = l.Country
				}
			}
			require.True(t, d.Line.Membership.Program == Competency || lc == u.Country, "R16: an Action Pack line of %s drawn in %s", lc, u.Country)
			sum += d.Quantity
			drawn[d.Line] += d.Quantity
			if d.Line.Kind.Bound() {
				bound[u.Country] += d.Quantity
				world += d.Quantity
			}
		}
		require.Equal(t, sum, u.Covered)
		require.LessOrEqual(t, sum, u.Quantity)
		covered += sum
	}
	for _, g := range pp.Grants {
		require.Equal(t, drawn[g.Line], g.Drawn)
		require.LessOrEqual(t, g.Drawn, g.Quantity, "R14")
	}
	for c, n := range bound {
		require.LessOrEqual(t, n, pd.countryMax(c), "R15 in %s", c)
	}
	require.LessOrEqual(t, world, int64(pd.o.Pools[0].WorldMax), "R15 worldwide")
	require.Equal(t, pp.World.Online+pp.World.OnPremises-pp.Excess, covered, "the assignment covers the most")
}

// The findings are exactly the constraints the plain model finds violated,
// with the same numbers and uses.
func TestPropertyFindingsAreThePlainModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := drawCase(t)
		p, err := New(c.org, c.recs.Source())
		require.NoError(t, err)
		got, err := p.Check(bg, c.at)
		require.NoError(t, err)
		for i := range got {
			got[i].Since = got[i].Since.AddDate(0, 0, 0)
		}
		want := plainFindings(c.org, c.recs, c.at)
		require.Equal(t, len(want), len(got), "findings %v, want %v", got, want)
		for i := range want {
			g := got[i]
			g.Since = want[i].Since
			require.Equal(t, want[i], g)
		}
	})
}

// Since is the first day of the run of days up to the day asked on which
// the finding holds, day by day by the plain model.
func TestPropertySince(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		at := rapid.IntRange(10, 59).Draw(t, "at")
		o := drawOrg(t, at)
		c := drawn{org: o, recs: drawRecords(t, o, at, 2, 2, 1), at: dayN(at)}
		p, err := New(c.org, c.recs.Source())
		require.NoError(t, err)
		got, err := p.Check(bg, c.at)
		require.NoError(t, err)
		open := map[key]int{}
		for i := range got {
			open[keyOf(&got[i])] = i
		}
		for d := c.at; len(open) > 0; d = d.AddDate(0, 0, -1) {
			require.False(t, d.Before(dayN(-200)), "a finding holds before every record")
			held := map[key]bool{}
			fs := plainFindings(c.org, c.recs, d.AddDate(0, 0, -1))
			for i := range fs {
				held[keyOf(&fs[i])] = true
			}
			for k, i := range open {
				if !held[k] {
					require.Equal(t, d, got[i].Since, "%v", got[i])
					delete(open, k)
				}
			}
		}
	})
}
