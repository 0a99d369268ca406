package entitlement

import (
	"slices"
	"time"
)

// plainFindings computes the findings on day d the plain way (Since
// aside), by the definitions of the package documentation.
func plainFindings(o Organisation, r Records, d time.Time) []Finding {
	pd := plainAt(o, r, d)
	out := pd.poolFindings(r)
	tenants := map[string]bool{}
	for t := range pd.unplaced {
		tenants[t] = true
	}
	for t := range pd.inSvc {
		tenants[t] = true
	}
	for t := range tenants {
		if us := pd.unplaced[t]; len(us) > 0 {
			f := Finding{Rule: R14, Issue: NotCovered, Tenant: t}
			for _, u := range us {
				f.Used += u.qty
				f.Short = append(f.Short, u.ref)
			}
			slices.SortFunc(f.Short, Ref.compare)
			out = append(out, f)
		}
		if ps := pd.inSvc[t]; len(ps) > 1 && pd.other[t] {
			slices.Sort(ps)
			out = append(out, Finding{Rule: R19, Issue: MixedSKUs, Tenant: t, Products: ps, Used: pd.seats[t]})
		}
	}
	out = append(out, pd.tokenFindings(r)...)
	slices.SortFunc(out, compareFindings)
	return out
}

func (pd *plainDay) poolFindings(r Records) []Finding {
	if len(pd.uses) == 0 {
		return nil
	}
	var total, granted int64
	for _, u := range pd.uses {
		total += u.qty
	}
	for _, l := range pd.lines {
		granted += l.qty
	}
	all := enumerate(pd.uses, pd.lines, pd.allCaps(), sharing)
	none := enumerate(pd.uses, pd.lines, caps{}, sharing).total
	base := Finding{Pool: pd.o.Pools[0].Name, Used: total}
	for i, u := range pd.uses {
		switch {
		case all.cover[i] < u.qty:
			base.Uncoverable = append(base.Uncoverable, u.ref)
		case all.shortOK[i]:
			base.Short = append(base.Short, u.ref)
		}
	}
	var out []Finding
	add := func(is Issue, f func(*Finding)) {
		x := base
		x.Rule, x.Issue = is.Rule(), is
		f(&x)
		out = append(out, x)
	}
	if none < total {
		add(OverEntitlement, func(x *Finding) { x.Limit, x.Excess = granted, total-none })
	}
	countries := map[Country]int64{}
	for _, u := range pd.uses {
		countries[u.country] += u.qty
	}
	if all.total < none {
		alone := false
		for c, used := range countries {
			m := pd.countryMax(c)
			if got := enumerate(pd.uses, pd.lines, caps{country: map[Country]int64{c: m}}, sharing).total; got < none {
				alone = true
				add(OverCountryMax, func(x *Finding) { x.Country, x.Limit, x.Used, x.Excess = c, m, used, none-got })
			}
		}
		w := int64(pd.o.Pools[0].WorldMax)
		if got := enumerate(pd.uses, pd.lines, caps{world: w}, sharing).total; got < none {
			alone = true
			add(OverWorldMax, func(x *Finding) { x.Limit, x.Excess = w, none-got })
		}
		if !alone {
			add(OverMaxJointly, func(x *Finding) { x.Excess = none - all.total })
		}
	}
	if all.total < total {
		for c, used := range countries {
			may := func(u pUse, l pLine) bool {
				return sharing(u, l) || l.m.Program == ActionPack && u.country == c
			}
			if got := enumerate(pd.uses, pd.lines, pd.allCaps(), may).total; got > all.total {
				var apq int64
				for _, l := range pd.lines {
					if l.country == c && l.m.Program == ActionPack {
						apq += l.qty
					}
				}
				add(OutsideCountry, func(x *Finding) { x.Country, x.Limit, x.Used, x.Excess = c, apq, used, got-all.total })
			}
		}
	}
	if none < total {
		lapsed := plainLapsed(pd.o, r, pd.d)
		if len(lapsed) > 0 {
			lines := append(slices.Clone(pd.lines), lapsed...)
			if gain := enumerate(pd.uses, lines, caps{}, sharing).total - none; gain > 0 {
				var years []ProgramYear
				for _, l := range lapsed {
					y := ProgramYear{Location: l.loc, Membership: l.m, Start: l.start, End: l.end}
					if !slices.Contains(years, y) {
						years = append(years, y)
					}
				}
				slices.SortFunc(years, compareYears)
				add(PastYearEnd, func(x *Finding) { x.Years, x.Excess = years, gain })
			}
		}
	}
	return append(out, pd.runsBeyond()...)
}

// tokenFindings: R21 the plain way.
func (pd *plainDay) tokenFindings(r Records) []Finding {
	d := pd.d
	type gk struct {
		loc  string
		m    Membership
		year time.Time
		pool string
	}
	late, open := map[gk][]IssuedToken{}, map[gk][]IssuedToken{}
	for _, t := range r.Tokens {
		y := pd.yearFor(t.Location, t.Membership, t.Year)
		if !within(d, y) {
			continue
		}
		k := gk{t.Location, t.Membership, y.Start, t.Pool}
		if !t.ActivateBy.IsZero() && !t.ActivateBy.After(d) && (t.Redeemed.IsZero() || !t.Redeemed.Before(t.ActivateBy)) {
			late[k] = append(late[k], t)
		}
		if t.Redeemed.IsZero() || t.Redeemed.After(d) {
			open[k] = append(open[k], t)
		}
	}
	var out []Finding
	for k, ts := range late {
		f := Finding{Rule: R21, Issue: TokensLate, Pool: k.pool, Used: int64(len(ts)),
			Years: []ProgramYear{pd.py(k.loc, k.m, k.year)}}
		for _, t := range ts {
			f.Tokens = append(f.Tokens, t.Fingerprint)
			if f.Deadline.IsZero() || t.ActivateBy.Before(f.Deadline) {
				f.Deadline = t.ActivateBy
			}
		}
		out = append(out, f)
	}
	for k, ts := range open {
		var old *Year
		for _, y := range pd.locOf(k.loc).Years {
			if y.Membership == k.m && !y.End.After(k.year) && (old == nil || y.End.After(old.End)) {
				y := y
				old = &y
			}
		}
		if old == nil {
			continue
		}
		had := false
		for _, g := range r.Grants {
			had = had || g.Location == k.loc && g.Membership == k.m && g.Year.Equal(old.Start) && g.Pool == k.pool
		}
		if !had {
			continue
		}
		last := old.End.AddDate(0, 0, -1)
		pdOld := plainAt(pd.o, r, last)
		var safe time.Time
		for _, u := range pdOld.uses {
			if !u.ref.Online() || k.m.Program == ActionPack && u.country != pd.locOf(k.loc).Country {
				continue
			}
			tl, err := pd.o.Policy.Timeline(u.sub)
			if err != nil {
				panic(err)
			}
			if s := tl.FullServiceEnds.AddDate(0, 0, -1); safe.IsZero() || s.Before(safe) {
				safe = s
			}
		}
		if safe.IsZero() {
			continue
		}
		f := Finding{Rule: R21, Issue: TokensNotEntered, Pool: k.pool, Used: int64(len(ts)),
			Years: []ProgramYear{pd.py(k.loc, k.m, k.year)}, Deadline: safe, Lapsed: d.After(safe)}
		for _, t := range ts {
			f.Tokens = append(f.Tokens, t.Fingerprint)
		}
		out = append(out, f)
	}
	for i := range out {
		sortFP(out[i].Tokens)
	}
	return out
}

func (pd *plainDay) py(loc string, m Membership, start time.Time) ProgramYear {
	y := pd.yearFor(loc, m, start)
	return ProgramYear{Location: loc, Membership: m, Start: y.Start, End: y.End}
}
