package entitlement

import (
	"context"
	"time"
)

// Partner answers licence-position questions about one organisation from
// the records of a [Source]. It holds no records itself: every call reads
// the Source anew, so a Partner over a store always answers on what is
// recorded now. A Partner is safe for use by several goroutines at once if
// its Source is.
type Partner struct {
	org *org
	raw Organisation
	src Source
}

// New validates o and returns a Partner reading src. An invalid
// organisation is an [*InputError] (see the package documentation, "Bad
// input"); the records are validated by every call that reads them.
func New(o Organisation, src Source) (*Partner, error) {
	if src == nil {
		return nil, bad(ErrInvalid, top("source"), "nil")
	}
	o = o.clone()
	g, err := newOrg(o)
	if err != nil {
		return nil, err
	}
	return &Partner{org: g, raw: o, src: src}, nil
}

// Position returns the partner's licence position on day at (see
// [Position]): for each pool, per country and worldwide, the quantities
// granted (lines whose program year holds at, grown by at), used online
// (seats of subscriptions giving service, see [Service]) and on premises,
// the headroom, the smallest excess and an assignment of every use to the
// grant lines, each draw naming its program year. A record that is not
// valid is an [*InputError]; an error of the Source is returned wrapped.
func (p *Partner) Position(ctx context.Context, at time.Time) (Position, error) {
	d, err := dayOf(top("at"), at)
	if err != nil {
		return Position{}, err
	}
	st, err := collect(ctx, p.org, p.src, d)
	if err != nil {
		return Position{}, err
	}
	probs, unplaced, err := p.org.problems(st)
	if err != nil {
		return Position{}, err
	}
	pos := Position{At: d.Time(), NotCovered: unplaced, Pools: make([]PoolPosition, len(probs))}
	var s solver
	for i := range probs {
		if err := ctx.Err(); err != nil {
			return Position{}, err
		}
		pos.Pools[i] = p.org.poolPosition(&probs[i], s.solve(p.org, &probs[i]))
	}
	return pos, nil
}

// poolPosition turns a solved problem into its PoolPosition.
func (g *org) poolPosition(p *problem, sol solution) PoolPosition {
	pp := PoolPosition{Pool: g.pools[p.pool].name, Excess: sol.total - sol.max}
	pp.Countries = make([]Tally, len(p.countries))
	for c, code := range p.countries {
		pp.Countries[c] = Tally{Country: code, Max: g.countryMax(p.pool, code), Headroom: sol.headroom[c]}
	}
	pp.World = Tally{Max: g.pools[p.pool].worldM, Headroom: sol.world}
	lines := make([]Line, len(p.lines))
	pp.Grants = make([]LinePosition, len(p.lines))
	for i, l := range p.lines {
		lines[i] = g.lineOf(l.key)
		pp.Grants[i] = LinePosition{Line: lines[i], Quantity: l.qty, Drawn: sol.drawn[i]}
		pp.Countries[l.country].Granted += l.qty
		pp.World.Granted += l.qty
	}
	pp.Uses = make([]UsePosition, len(p.uses))
	for i, u := range p.uses {
		up := UsePosition{
			Ref: u.ref, Location: g.locs[u.loc].name, Country: p.countries[u.country], Quantity: u.qty,
			Short: sol.short[i], Uncoverable: sol.uncover[i],
		}
		for _, d := range sol.draws[i] {
			up.Draws = append(up.Draws, Draw{Line: lines[d.line], Quantity: d.qty})
			up.Covered += d.qty
		}
		pp.Uses[i] = up
		t := &pp.Countries[u.country]
		if u.ref.Online() {
			t.Online += u.qty
			pp.World.Online += u.qty
		} else {
			t.OnPremises += u.qty
			pp.World.OnPremises += u.qty
		}
	}
	return pp
}

// lineOf names a grant line.
func (g *org) lineOf(k lineKey) Line {
	y, _ := g.yearOf(k.loc, k.m, k.year)
	return Line{
		Location: g.locs[k.loc].name, Membership: k.m, Year: y.start.Time(), YearEnd: y.end.Time(),
		Pool: g.pools[k.pool].name, Kind: k.kind,
	}
}
