package entitlement

import (
	"fmt"
	"slices"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
)

// org is a validated Organisation, indexed.
type org struct {
	locs      []loc
	locByName map[string]int
	hq        int

	pools      []pool
	poolByName map[string]int
	products   map[string]product // online products, in a pool or other
	licences   map[string]int     // licence → pool
	licIndex   map[string]int     // licence → its place in the pool's OnPremises

	placeExact  map[subKey]int // (tenant, product) → location
	placeTenant map[string]int // tenant → location

	years map[memberKey][]span // a location's years of one membership, by start

	policy  activation.Policy
	service Service
}

type loc struct {
	name    string
	country Country
	hq      bool
}

type pool struct {
	name     string
	countryM int64
	over     map[Country]int64
	worldM   int64
	licences []string
}

// product is an online product's pool (-1 for none) and class.
type product struct {
	pool int
	sku  SKU
}

type subKey struct{ tenant, product string }

// memberKey is one membership at one location.
type memberKey struct {
	loc int
	m   Membership
}

// span is a program year: the days start ≤ d < end.
type span struct{ start, end daymath.Day }

func (s span) contains(d daymath.Day) bool { return s.start <= d && d < s.end }

// countryMax returns pool p's maximum in country c.
func (o *org) countryMax(p int, c Country) int64 {
	if m, ok := o.pools[p].over[c]; ok {
		return m
	}
	return o.pools[p].countryM
}

// yearOf returns the year of membership m at location l that starts on
// start.
func (o *org) yearOf(l int, m Membership, start daymath.Day) (span, bool) {
	for _, y := range o.years[memberKey{l, m}] {
		if y.start == start {
			return y, true
		}
	}
	return span{}, false
}

// rightsEnd returns the end of the use rights of membership m at location l
// that hold on day d: the End of the year containing d, followed through the
// years that start on the End of the one before (re-enrolments). ok is false
// if no year contains d.
func (o *org) rightsEnd(l int, m Membership, d daymath.Day) (daymath.Day, bool) {
	ys := o.years[memberKey{l, m}]
	for i, y := range ys {
		if !y.contains(d) {
			continue
		}
		end := y.end
		for _, z := range ys[i+1:] {
			if z.start != end {
				break
			}
			end = z.end
		}
		return end, true
	}
	return 0, false
}

// newOrg validates o.
func newOrg(o Organisation) (*org, error) {
	if err := o.Policy.Validate(); err != nil {
		return nil, badWrap(ErrInvalid, top("policy"), "not valid", err)
	}
	g := &org{
		locByName: map[string]int{}, poolByName: map[string]int{},
		products: map[string]product{}, licences: map[string]int{}, licIndex: map[string]int{},
		placeExact: map[subKey]int{}, placeTenant: map[string]int{},
		years: map[memberKey][]span{}, policy: o.Policy, service: o.Service,
	}
	if g.service == nil {
		g.service = PolicyService{Policy: o.Policy}
	}
	if err := g.addLocations(o.Locations); err != nil {
		return nil, err
	}
	if err := g.addPools(o.Pools, o.OtherProducts); err != nil {
		return nil, err
	}
	if err := g.addPlacements(o.Placements); err != nil {
		return nil, err
	}
	return g, nil
}

func (g *org) addLocations(ls []Location) error {
	if len(ls) == 0 {
		return bad(ErrNotAssociated, top("locations"), "none: the organisation needs its headquarters")
	}
	g.hq = -1
	for i, l := range ls {
		if err := checkName(item("locations", i).at("name"), l.Name); err != nil {
			return err
		}
		if _, dup := g.locByName[l.Name]; dup {
			return bad(ErrDuplicate, item("locations", i).at("name"), "a second location of that name")
		}
		if !l.Country.Valid() {
			return bad(ErrCountry, item("locations", i).at("country"), "not an officially assigned ISO 3166-1 alpha-2 code")
		}
		if l.Headquarters == "" {
			if g.hq >= 0 {
				return bad(ErrNotAssociated, item("locations", i).at("headquarters"), "a second headquarters: one organisation has one (R17)")
			}
			g.hq = i
		}
		g.locByName[l.Name] = i
		g.locs = append(g.locs, loc{name: l.Name, country: l.Country, hq: l.Headquarters == ""})
	}
	if g.hq < 0 {
		return bad(ErrNotAssociated, top("locations"), "no headquarters (a location with an empty Headquarters)")
	}
	for i, l := range ls {
		if i != g.hq && l.Headquarters != ls[g.hq].Name {
			return bad(ErrNotAssociated, item("locations", i).at("headquarters"), "not the name of the organisation's headquarters (R17)")
		}
		for j, y := range l.Years {
			if err := g.addYear(i, item(fmt.Sprintf("locations[%d].years", i), j), y); err != nil {
				return err
			}
		}
	}
	for k, ys := range g.years {
		slices.SortFunc(ys, func(a, b span) int { return int(a.start - b.start) })
		for j := 1; j < len(ys); j++ {
			if ys[j].start < ys[j-1].end {
				return bad(ErrOverlap, top(fmt.Sprintf("locations[%d].years", k.loc)), "two years of one membership overlap")
			}
		}
	}
	return nil
}

func (g *org) addYear(l int, f path, y Year) error {
	if err := checkMembership(f, y.Membership); err != nil {
		return err
	}
	start, err := dayOf(f.at("start"), y.Start)
	if err != nil {
		return err
	}
	end, err := dayOf(f.at("end"), y.End)
	if err != nil {
		return err
	}
	if end <= start {
		return bad(ErrOverlap, f, "ends on or before the day it starts")
	}
	k := memberKey{l, y.Membership}
	g.years[k] = append(g.years[k], span{start, end})
	return nil
}

// checkMembership checks the membership of the record at f.
func checkMembership(f path, m Membership) error {
	switch m.Program {
	case ActionPack:
		if m.Competency != "" {
			return bad(ErrInvalid, f.at("membership.competency"), "set for the Action Pack")
		}
		return nil
	case Competency:
		return checkName(f.at("membership.competency"), m.Competency)
	}
	return bad(ErrInvalid, f.at("membership.program"), "not a defined program")
}

func (g *org) addPools(ps []Pool, others []Product) error {
	for i, p := range ps {
		f := item("pools", i)
		if err := checkName(f.at("name"), p.Name); err != nil {
			return err
		}
		if _, dup := g.poolByName[p.Name]; dup {
			return bad(ErrDuplicate, f.at("name"), "a second pool of that name")
		}
		if err := checkMax(f.at("countryMax"), p.CountryMax, 1); err != nil {
			return err
		}
		if err := checkMax(f.at("worldMax"), p.WorldMax, 1); err != nil {
			return err
		}
		q := pool{name: p.Name, countryM: int64(p.CountryMax), worldM: int64(p.WorldMax), over: map[Country]int64{}}
		for j, lim := range p.Countries {
			fl := item(fmt.Sprintf("pools[%d].countries", i), j)
			if !lim.Country.Valid() {
				return bad(ErrCountry, fl.at("country"), "not an officially assigned ISO 3166-1 alpha-2 code")
			}
			if _, dup := q.over[lim.Country]; dup {
				return bad(ErrDuplicate, fl.at("country"), "a second maximum for that country")
			}
			if err := checkMax(fl.at("max"), lim.Max, 0); err != nil {
				return err
			}
			q.over[lim.Country] = int64(lim.Max)
		}
		g.poolByName[p.Name] = i
		g.pools = append(g.pools, q)
		for j, pr := range p.Online {
			if err := g.addProduct(item(fmt.Sprintf("pools[%d].online", i), j), pr, i); err != nil {
				return err
			}
		}
		for j, lic := range p.OnPremises {
			fl := item(fmt.Sprintf("pools[%d].onPremises", i), j)
			if err := checkName(fl, lic); err != nil {
				return err
			}
			if _, dup := g.licences[lic]; dup {
				return bad(ErrDuplicate, fl, "a licence already declared (a licence draws on one pool)")
			}
			g.licences[lic] = i
			g.licIndex[lic] = j
			g.pools[i].licences = append(g.pools[i].licences, lic)
		}
	}
	for j, pr := range others {
		if err := g.addProduct(item("otherProducts", j), pr, -1); err != nil {
			return err
		}
	}
	return nil
}

func (g *org) addProduct(f path, p Product, pool int) error {
	if err := checkName(f.at("name"), p.Name); err != nil {
		return err
	}
	if !p.SKU.Valid() {
		return bad(ErrInvalid, f.at("sku"), "not a defined SKU class")
	}
	if _, dup := g.products[p.Name]; dup {
		return bad(ErrDuplicate, f.at("name"), "a product already declared (a product draws on one pool)")
	}
	g.products[p.Name] = product{pool: pool, sku: p.SKU}
	return nil
}

func checkMax(f path, n, least int) error {
	if n < least || n > MaxQuantity {
		return bad(ErrInvalid, f, "outside %d … %d", least, MaxQuantity)
	}
	return nil
}

func (g *org) addPlacements(ps []Placement) error {
	for i, p := range ps {
		f := item("placements", i)
		if err := checkName(f.at("tenant"), p.Tenant); err != nil {
			return err
		}
		l, ok := g.locByName[p.Location]
		if !ok {
			return bad(ErrUnknown, f.at("location"), "no location of that name")
		}
		if p.Product == "" {
			if _, dup := g.placeTenant[p.Tenant]; dup {
				return bad(ErrDuplicate, f, "a second placement of the tenant")
			}
			g.placeTenant[p.Tenant] = l
			continue
		}
		if _, ok := g.products[p.Product]; !ok {
			return bad(ErrUnknown, f.at("product"), "not a declared product")
		}
		k := subKey{p.Tenant, p.Product}
		if _, dup := g.placeExact[k]; dup {
			return bad(ErrDuplicate, f, "a second placement of the subscription")
		}
		g.placeExact[k] = l
	}
	return nil
}

// placement returns the location of subscription k, or -1.
func (g *org) placement(k subKey) int {
	if l, ok := g.placeExact[k]; ok {
		return l
	}
	if l, ok := g.placeTenant[k.tenant]; ok {
		return l
	}
	return -1
}

// dayOf converts a required date.
func dayOf(f path, t time.Time) (daymath.Day, error) {
	if t.IsZero() {
		return 0, bad(ErrInvalid, f, "missing")
	}
	d := daymath.Of(t)
	if !d.Valid() || d == daymath.MinDay {
		return 0, bad(ErrInvalid, f, "not a date from 0001-01-02 to 9999-12-31")
	}
	return d, nil
}

// optDayOf converts an optional date: 0 for the zero time.
func optDayOf(f path, t time.Time) (daymath.Day, error) {
	if t.IsZero() {
		return 0, nil
	}
	return dayOf(f, t)
}
