package entitlement

import (
	"context"
	"slices"

	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// tokenFindings returns the R21 findings on st's day:
//   - TokensLate: tokens of a year that holds the day, whose activate-by day
//     has come, not redeemed before it;
//   - TokensNotEntered: tokens of a year that holds the day, not redeemed by
//     the day, when the year before it (the latest year of the membership
//     at the location that ended by this year's start) had grants in the
//     pool and online subscriptions that could draw on them were in
//     service on its last day: the last safe day is the day before the
//     earliest of those subscriptions loses full service (see [Service]).
func (pt *Partner) tokenFindings(ctx context.Context, st *state) ([]Finding, error) {
	g, d := pt.org, st.day
	type group struct {
		late, open []token.Fingerprint
		by         daymath.Day
	}
	groups := map[lineKey]*group{}
	for _, t := range st.tokens {
		if !t.year.contains(d) {
			continue
		}
		gr := groups[t.key]
		if gr == nil {
			gr = &group{}
			groups[t.key] = gr
		}
		if t.activateBy != 0 && t.activateBy <= d && (t.redeemed == 0 || t.redeemed >= t.activateBy) {
			gr.late = append(gr.late, t.fp)
			if gr.by == 0 || t.activateBy < gr.by {
				gr.by = t.activateBy
			}
		}
		if t.redeemed == 0 || t.redeemed > d {
			gr.open = append(gr.open, t.fp)
		}
	}
	var out []Finding
	olds := map[lineKey]span{} // a group with open tokens → the year before
	var days []daymath.Day
	for k, gr := range groups {
		y, _ := g.yearOf(k.loc, k.m, k.year)
		f := Finding{Rule: R21, Pool: g.pools[k.pool].name, Years: []ProgramYear{g.programYear(k.loc, k.m, y)}}
		if len(gr.late) > 0 {
			f.Issue, f.Tokens, f.Used, f.Deadline = TokensLate, sortFP(gr.late), int64(len(gr.late)), gr.by.Time()
			out = append(out, f)
		}
		if len(gr.open) == 0 {
			continue
		}
		old, ok := g.yearBefore(k.loc, k.m, y.start)
		if !ok || !g.hadGrants(st, k, old) {
			continue
		}
		olds[k] = old
		days = append(days, old.end-1)
	}
	if len(olds) == 0 {
		return out, nil
	}
	subs, err := onlineOn(ctx, g, pt.src, days)
	if err != nil {
		return nil, err
	}
	for k, old := range olds {
		last, ok, err := g.lastSafeDay(k, subs[old.end-1], old.end-1)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		y, _ := g.yearOf(k.loc, k.m, k.year)
		open := groups[k].open
		out = append(out, Finding{
			Rule: R21, Issue: TokensNotEntered, Pool: g.pools[k.pool].name,
			Years: []ProgramYear{g.programYear(k.loc, k.m, y)}, Tokens: sortFP(open), Used: int64(len(open)),
			Deadline: last.Time(), Lapsed: d > last,
		})
	}
	return out, nil
}

// hadGrants reports whether the program year old of k's membership and
// location granted anything in k's pool.
func (g *org) hadGrants(st *state, k lineKey, old span) bool {
	for _, kind := range []Kind{Core, Toolkit, Demonstration} {
		if st.total[lineKey{k.loc, k.m, old.start, k.pool, kind}] > 0 {
			return true
		}
	}
	return false
}

// lastSafeDay returns the day before the earliest day of reduced service
// of the subscriptions in subs (their states on day on) that could draw on
// k's lines: products of k's pool, in service on that day, placed in a
// country the membership's licences may be used in (R16, R17).
func (g *org) lastSafeDay(k lineKey, subs map[subKey]onlineRec, on daymath.Day) (daymath.Day, bool, error) {
	var last daymath.Day
	found := false
	for sk, r := range subs {
		if r.prod.pool != k.pool {
			continue
		}
		l := g.placement(sk)
		if l < 0 || k.m.Program == ActionPack && g.locs[l].country != g.locs[k.loc].country {
			continue
		}
		serving, err := g.serves(r, on)
		if err != nil {
			return 0, false, err
		}
		if !serving {
			continue
		}
		end, err := g.service.FullServiceEnds(r.sub)
		if err != nil {
			return 0, false, err
		}
		if e := daymath.Of(end) - 1; !found || e < last {
			last, found = e, true
		}
	}
	return last, found, nil
}

// yearBefore returns the latest year of membership m at location l that
// ends on or before start.
func (g *org) yearBefore(l int, m Membership, start daymath.Day) (span, bool) {
	var best span
	for _, y := range g.years[memberKey{l, m}] {
		if y.end <= start {
			best = y
		}
	}
	return best, best.end != 0
}

// programYear names a program year.
func (g *org) programYear(l int, m Membership, y span) ProgramYear {
	return ProgramYear{Location: g.locs[l].name, Membership: m, Start: y.start.Time(), End: y.end.Time()}
}

// onlineOn reads each subscription's state on each of the days.
func onlineOn(ctx context.Context, g *org, src Source, days []daymath.Day) (map[daymath.Day]map[subKey]onlineRec, error) {
	out := map[daymath.Day]map[subKey]onlineRec{}
	for _, d := range days {
		out[d] = map[subKey]onlineRec{}
	}
	err := readAll(src.Online(ctx), "online subscriptions", g.onlineStates(), func(_ int, r onlineRec) error {
		for d, m := range out {
			keepLatest(m, r, d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func sortFP(fs []token.Fingerprint) []token.Fingerprint {
	slices.SortFunc(fs, func(a, b token.Fingerprint) int { return slices.Compare(a[:], b[:]) })
	return fs
}
