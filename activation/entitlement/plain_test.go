package entitlement

import (
	"slices"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/plan"
)

// The plain model: the rules computed the obvious way, from the raw
// Organisation and Records, on one day, with every assignment of uses to
// grants enumerated. It shares nothing with the package's code but its
// types; the properties hold the package to it.

type pUse struct {
	ref     Ref
	country Country
	qty     int64
	sub     activation.Subscription
}

type pLine struct {
	loc     string
	country Country
	m       Membership
	start   time.Time
	end     time.Time
	kind    Kind
	qty     int64
}

type plainDay struct {
	o        Organisation
	d        time.Time
	uses     []pUse // the pool's (the model has one pool)
	lines    []pLine
	unplaced map[string][]pUse // tenant → its unplaced pool subscriptions
	inSvc    map[string][]string
	seats    map[string]int64
	other    map[string]bool
}

func (pd *plainDay) locOf(name string) Location {
	for _, l := range pd.o.Locations {
		if l.Name == name {
			return l
		}
	}
	panic("no location")
}

func (pd *plainDay) sku(product string) (SKU, bool) {
	for _, p := range pd.o.Pools[0].Online {
		if p.Name == product {
			return p.SKU, true
		}
	}
	for _, p := range pd.o.OtherProducts {
		if p.Name == product {
			return p.SKU, false
		}
	}
	panic("no product")
}

func (pd *plainDay) yearFor(loc string, m Membership, start time.Time) Year {
	for _, y := range pd.locOf(loc).Years {
		if y.Membership == m && y.Start.Equal(start) {
			return y
		}
	}
	panic("no year")
}

func within(d time.Time, y Year) bool { return !d.Before(y.Start) && d.Before(y.End) }

// plainAt computes what the records say on day d.
func plainAt(o Organisation, r Records, d time.Time) *plainDay {
	pd := &plainDay{o: o, d: d, unplaced: map[string][]pUse{}, inSvc: map[string][]string{},
		seats: map[string]int64{}, other: map[string]bool{}}
	type sk struct{ t, p string }
	latest := map[sk]Online{}
	for _, x := range r.Online {
		k := sk{x.Subscription.Tenant, x.Subscription.Product}
		if x.From.After(d) {
			continue
		}
		if old, ok := latest[k]; !ok || !old.From.After(x.From) {
			latest[k] = x
		}
	}
	for k, x := range latest {
		s := x.Subscription
		if s.IsNone() {
			continue
		}
		if _, err := o.Policy.Timeline(s); err != nil {
			continue
		}
		if sv := o.Policy.Service(o.Policy.State(s, d)); sv != activation.FullService && sv != activation.ReadOnlyService {
			continue
		}
		sku, inPool := pd.sku(k.p)
		pd.inSvc[k.t] = append(pd.inSvc[k.t], k.p)
		pd.seats[k.t] += int64(s.Seats)
		pd.other[k.t] = pd.other[k.t] || sku == OtherSKU
		if !inPool {
			continue
		}
		u := pUse{ref: Ref{Tenant: k.t, Product: k.p}, qty: int64(s.Seats), sub: s}
		loc := ""
		for _, pl := range o.Placements {
			if pl.Tenant == k.t && pl.Product == k.p {
				loc = pl.Location
			}
		}
		if loc == "" {
			for _, pl := range o.Placements {
				if pl.Tenant == k.t && pl.Product == "" {
					loc = pl.Location
				}
			}
		}
		if loc == "" {
			pd.unplaced[k.t] = append(pd.unplaced[k.t], u)
			continue
		}
		u.country = pd.locOf(loc).Country
		pd.uses = append(pd.uses, u)
	}
	levels := map[sk]int64{}
	for _, x := range r.Deployments {
		if x.Day.After(d) {
			continue
		}
		n := int64(x.Quantity)
		if x.Change == Remove {
			n = -n
		}
		levels[sk{x.Location, x.Licence}] += n
	}
	for k, n := range levels {
		if n > 0 {
			pd.uses = append(pd.uses, pUse{ref: Ref{Location: k.t, Licence: k.p}, country: pd.locOf(k.t).Country, qty: n})
		}
	}
	slices.SortFunc(pd.uses, func(a, b pUse) int { return a.ref.compare(b.ref) })
	for _, g := range r.Grants {
		y := pd.yearFor(g.Location, g.Membership, g.Year)
		from := g.Day
		if from.IsZero() {
			from = y.Start
		}
		if within(d, y) && !from.After(d) {
			pd.addLine(pLine{loc: g.Location, country: pd.locOf(g.Location).Country, m: g.Membership,
				start: y.Start, end: y.End, kind: g.Kind, qty: int64(g.Quantity)})
		}
	}
	return pd
}

func (pd *plainDay) addLine(l pLine) { pd.lines = addLine(pd.lines, l) }

func addLine(ls []pLine, l pLine) []pLine {
	for i, x := range ls {
		if x.loc == l.loc && x.m == l.m && x.start.Equal(l.start) && x.kind == l.kind {
			ls[i].qty += l.qty
			return ls
		}
	}
	return append(ls, l)
}

// lapsedLines are the lines of each membership's last year at a location
// when it ended by d and no year of it holds d, with all their grants.
func plainLapsed(o Organisation, r Records, d time.Time) []pLine {
	var out []pLine
	for _, g := range r.Grants {
		var loc Location
		for _, l := range o.Locations {
			if l.Name == g.Location {
				loc = l
			}
		}
		var last *Year
		held := false
		for i, y := range loc.Years {
			if y.Membership != g.Membership {
				continue
			}
			if within(d, y) {
				held = true
			}
			if !y.End.After(d) && (last == nil || y.End.After(last.End)) {
				last = &loc.Years[i]
			}
		}
		if held || last == nil || !last.Start.Equal(g.Year) {
			continue
		}
		out = addLine(out, pLine{loc: g.Location, country: loc.Country, m: g.Membership, start: last.Start,
			end: last.End, kind: g.Kind, qty: int64(g.Quantity)})
	}
	return out
}

// caps are the maximums an enumeration enforces.
type caps struct {
	country map[Country]int64 // missing: none
	world   int64             // 0: none
}

// best is what the enumeration of every assignment finds.
type best struct {
	total   int64   // the most covered
	cover   []int64 // per use: the most any assignment covers of it
	shortOK []bool  // per use: some assignment covering total leaves it short
}

// enumerate tries every assignment of uses to lines: for each line, every
// split of at most its quantity among the uses that may draw on it.
func enumerate(uses []pUse, lines []pLine, c caps, may func(u pUse, l pLine) bool) best {
	b := best{total: -1, cover: make([]int64, len(uses)), shortOK: make([]bool, len(uses))}
	got := make([]int64, len(uses))
	bound := map[Country]int64{}
	var world int64
	var line func(j int)
	var split func(j, i int, left int64)
	leaf := func() {
		for ct, m := range c.country {
			if bound[ct] > m {
				return
			}
		}
		if c.world > 0 && world > c.world {
			return
		}
		var t int64
		for i, g := range got {
			t += g
			b.cover[i] = max(b.cover[i], g)
		}
		if t > b.total {
			b.total = t
			clear(b.shortOK)
		}
		if t == b.total {
			for i, g := range got {
				if g < uses[i].qty {
					b.shortOK[i] = true
				}
			}
		}
	}
	line = func(j int) {
		if j == len(lines) {
			leaf()
			return
		}
		split(j, 0, lines[j].qty)
	}
	split = func(j, i int, left int64) {
		if i == len(uses) {
			line(j + 1)
			return
		}
		u, l := uses[i], lines[j]
		top := int64(0)
		if may(u, l) {
			top = min(left, u.qty-got[i])
		}
		for k := int64(0); k <= top; k++ {
			got[i] += k
			if l.kind != Demonstration {
				bound[u.country] += k
				world += k
			}
			split(j, i+1, left-k)
			got[i] -= k
			if l.kind != Demonstration {
				bound[u.country] -= k
				world -= k
			}
		}
	}
	line(0)
	return b
}

// sharing is R16 and R17: Action Pack lines serve their own country, the
// others any location of the organisation.
func sharing(u pUse, l pLine) bool { return l.m.Program == Competency || l.country == u.country }

func (pd *plainDay) countryMax(c Country) int64 {
	for _, lim := range pd.o.Pools[0].Countries {
		if lim.Country == c {
			return int64(lim.Max)
		}
	}
	return int64(pd.o.Pools[0].CountryMax)
}

func (pd *plainDay) allCaps() caps {
	c := caps{country: map[Country]int64{}, world: int64(pd.o.Pools[0].WorldMax)}
	for _, u := range pd.uses {
		c.country[u.country] = pd.countryMax(u.country)
	}
	return c
}

// rightsEnd is the end of the use rights that hold on d for a membership at
// a location, through its re-enrolments.
func rightsEndPlain(o Organisation, loc string, m Membership, d time.Time) (time.Time, bool) {
	var ys []Year
	for _, l := range o.Locations {
		if l.Name == loc {
			for _, y := range l.Years {
				if y.Membership == m {
					ys = append(ys, y)
				}
			}
		}
	}
	slices.SortFunc(ys, func(a, b Year) int { return a.Start.Compare(b.Start) })
	for i, y := range ys {
		if !within(d, y) {
			continue
		}
		end := y.End
		for _, z := range ys[i+1:] {
			if !z.Start.Equal(end) {
				break
			}
			end = z.End
		}
		return end, true
	}
	return time.Time{}, false
}

// runsBeyondPlain: an online use whose end is past the latest rights end of
// the lines it may draw on.
func (pd *plainDay) runsBeyond() []Finding {
	var out []Finding
	for _, u := range pd.uses {
		if !u.ref.Online() {
			continue
		}
		var end time.Time
		for _, l := range pd.lines {
			if !sharing(u, l) {
				continue
			}
			if e, ok := rightsEndPlain(pd.o, l.loc, l.m, pd.d); ok && e.After(end) {
				end = e
			}
		}
		if end.IsZero() {
			continue
		}
		r, err := plan.CheckUseRights(pd.o.Policy, u.sub, end)
		if err != nil {
			panic(err)
		}
		if u.sub.End.After(end) {
			out = append(out, Finding{Rule: R20, Issue: RunsBeyond, Pool: pd.o.Pools[0].Name, Tenant: u.ref.Tenant,
				Product: u.ref.Product, Used: u.qty, Days: r.Beyond, Deadline: end})
		}
	}
	return out
}
