package entitlement

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/coterm/coterm/activation/plan"
	"github.com/coterm/coterm/internal/daymath"
)

// scope limits what an evaluation computes: the pools to solve (nil: all)
// and whether to look at the tokens.
type scope struct {
	pools  []bool
	tokens bool
}

func (s scope) pool(p int) bool { return s.pools == nil || s.pools[p] }

// findingsAt returns the findings on day d within sc, without Since.
func (pt *Partner) findingsAt(ctx context.Context, d daymath.Day, sc scope) ([]Finding, error) {
	g := pt.org
	st, err := collect(ctx, g, pt.src, d)
	if err != nil {
		return nil, err
	}
	probs, unplaced, err := g.problems(st)
	if err != nil {
		return nil, err
	}
	var out []Finding
	var s solver
	for i := range probs {
		if !sc.pool(i) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fs, err := g.poolFindings(st, &probs[i], &s)
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	out = append(out, notCovered(unplaced)...)
	mixed, err := g.mixedSKUs(st)
	if err != nil {
		return nil, err
	}
	out = append(out, mixed...)
	if sc.tokens {
		fs, err := pt.tokenFindings(ctx, st)
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}

// poolFindings returns the findings of one pool (R14 to R16, R20). Every
// number is a maximum flow, unique, whatever assignment is found:
//   - R14 over the entitlement: the use exceeds the flow without maximums;
//   - R15: the flow with one maximum alone is less than without any (one
//     finding per such maximum); if none alone but all together cost
//     something, one finding for the maximums jointly;
//   - R16: letting the uses of one country draw on Action Pack lines of
//     other countries adds flow under every maximum;
//   - R20 past the year's end: adding the lines of each membership's last
//     program year, where that year has ended and none holds the day, adds
//     flow without maximums;
//   - R20 runs beyond: an online subscription's end date is past the end of
//     the use rights of every line in force it may draw on (R13).
func (g *org) poolFindings(st *state, p *problem, s *solver) ([]Finding, error) {
	var out []Finding
	if len(p.uses) == 0 {
		return nil, nil
	}
	sol := s.solve(g, p)
	name := g.pools[p.pool].name
	f := Finding{Pool: name, Used: sol.total}
	for i, u := range p.uses {
		switch {
		case sol.uncover[i]:
			f.Uncoverable = append(f.Uncoverable, u.ref)
		case sol.short[i]:
			f.Short = append(f.Short, u.ref)
		}
	}
	add := func(is Issue, mod func(*Finding)) {
		x := f
		x.Rule, x.Issue = is.Rule(), is
		mod(&x)
		out = append(out, x)
	}
	none := s.aux.solve(g, p, opts{caps: noCaps, apShare: -1})
	var granted int64
	for _, l := range p.lines {
		granted += l.qty
	}
	if none < sol.total {
		add(OverEntitlement, func(x *Finding) { x.Limit, x.Excess = granted, sol.total-none })
	}
	if sol.max < none {
		alone := false
		for c, code := range p.countries {
			if p.demand[c] == 0 {
				continue
			}
			if m := s.aux.solve(g, p, opts{caps: onlyCountry, country: c, apShare: -1}); m < none {
				alone = true
				add(OverCountryMax, func(x *Finding) {
					x.Country, x.Limit, x.Used, x.Excess = code, g.countryMax(p.pool, code), p.demand[c], none-m
				})
			}
		}
		if m := s.aux.solve(g, p, opts{caps: onlyWorld, apShare: -1}); m < none {
			alone = true
			add(OverWorldMax, func(x *Finding) { x.Limit, x.Excess = g.pools[p.pool].worldM, none-m })
		}
		if !alone {
			add(OverMaxJointly, func(x *Finding) { x.Excess = none - sol.max })
		}
	}
	if sol.max < sol.total {
		for c, code := range p.countries {
			if p.demand[c] == 0 {
				continue
			}
			if m := s.aux.solve(g, p, opts{caps: allCaps, apShare: c}); m > sol.max {
				var ap int64
				for _, l := range p.lines {
					if l.country == c && l.key.m.Program == ActionPack {
						ap += l.qty
					}
				}
				add(OutsideCountry, func(x *Finding) { x.Country, x.Limit, x.Used, x.Excess = code, ap, p.demand[c], m-sol.max })
			}
		}
	}
	if none < sol.total {
		if years, gain := g.pastYearEnd(st, p, s, none); gain > 0 {
			add(PastYearEnd, func(x *Finding) { x.Years, x.Excess = years, gain })
		}
	}
	beyond, err := g.runsBeyond(st.day, p)
	return append(out, beyond...), err
}

// pastYearEnd returns the program years whose lines R20 adds to p and the
// flow they add without maximums to none, the flow without them.
func (g *org) pastYearEnd(st *state, p *problem, s *solver, none int64) ([]ProgramYear, int64) {
	q := problem{pool: p.pool, uses: slices.Clone(p.uses), lines: slices.Clone(p.lines)}
	var years []ProgramYear
	for k, n := range st.total {
		if k.pool != p.pool {
			continue
		}
		last, ok := g.lapsedYear(k.loc, k.m, st.day)
		if !ok || last.start != k.year {
			continue
		}
		q.lines = append(q.lines, line{key: k, qty: n})
		y := ProgramYear{Location: g.locs[k.loc].name, Membership: k.m, Start: last.start.Time(), End: last.end.Time()}
		if !slices.Contains(years, y) {
			years = append(years, y)
		}
	}
	if len(years) == 0 {
		return nil, 0
	}
	g.index(&q)
	slices.SortFunc(years, compareYears)
	return years, s.aux.solve(g, &q, opts{caps: noCaps, apShare: -1}) - none
}

// lapsedYear returns the last year of membership m at location l if it
// ended on or before d and no year of it holds d.
func (g *org) lapsedYear(l int, m Membership, d daymath.Day) (span, bool) {
	var last span
	for _, y := range g.years[memberKey{l, m}] {
		switch {
		case y.contains(d):
			return span{}, false
		case y.end <= d:
			last = y
		}
	}
	return last, last.end != 0
}

// runsBeyond returns the R20 findings of p's online uses (R13 for each).
func (g *org) runsBeyond(d daymath.Day, p *problem) ([]Finding, error) {
	var out []Finding
	for _, u := range p.uses {
		if !u.ref.Online() {
			continue
		}
		var end daymath.Day
		for _, l := range p.lines {
			if l.key.m.Program == ActionPack && l.country != u.country {
				continue
			}
			if e, ok := g.rightsEnd(l.key.loc, l.key.m, d); ok {
				end = max(end, e)
			}
		}
		if end == 0 {
			continue
		}
		r, err := plan.CheckUseRights(g.policy, u.sub, end.Time())
		if err != nil {
			return nil, fmt.Errorf("entitlement: use rights of an online subscription: %w", err)
		}
		if r.Finding() == plan.RunsBeyond {
			out = append(out, Finding{
				Rule: R20, Issue: RunsBeyond, Pool: g.pools[p.pool].name, Tenant: u.ref.Tenant, Product: u.ref.Product,
				Used: u.qty, Days: r.Beyond, Deadline: end.Time(),
			})
		}
	}
	return out, nil
}

// notCovered groups the unplaced subscriptions by tenant.
func notCovered(us []Unplaced) []Finding {
	var out []Finding
	for _, u := range us {
		if n := len(out); n > 0 && out[n-1].Tenant == u.Ref.Tenant {
			out[n-1].Used += u.Seats
			out[n-1].Short = append(out[n-1].Short, u.Ref)
			continue
		}
		out = append(out, Finding{Rule: R14, Issue: NotCovered, Tenant: u.Ref.Tenant, Used: u.Seats, Short: []Ref{u.Ref}})
	}
	return out
}

// mixedSKUs returns the tenants with seats of two or more products in
// service, one of them of another class than E or K (R19).
func (g *org) mixedSKUs(st *state) ([]Finding, error) {
	type tenant struct {
		products []string
		seats    int64
		other    bool
	}
	ts := map[string]*tenant{}
	for k, r := range st.subs {
		on, err := g.serves(r, st.day)
		if err != nil {
			return nil, err
		}
		if !on {
			continue
		}
		t := ts[k.tenant]
		if t == nil {
			t = &tenant{}
			ts[k.tenant] = t
		}
		t.products = append(t.products, k.product)
		t.seats += int64(r.sub.Seats)
		t.other = t.other || r.prod.sku == OtherSKU
	}
	var out []Finding
	for name, t := range ts {
		if len(t.products) > 1 && t.other {
			slices.Sort(t.products)
			out = append(out, Finding{Rule: R19, Issue: MixedSKUs, Tenant: name, Products: t.products, Used: t.seats})
		}
	}
	return out, nil
}

// compareYears orders program years by location, membership and start.
func compareYears(a, b ProgramYear) int {
	switch {
	case a.Location != b.Location:
		return strings.Compare(a.Location, b.Location)
	case a.Membership != b.Membership:
		if a.Membership.Program != b.Membership.Program {
			return int(a.Membership.Program - b.Membership.Program)
		}
		return strings.Compare(a.Membership.Competency, b.Membership.Competency)
	}
	return a.Start.Compare(b.Start)
}
