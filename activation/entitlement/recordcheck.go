package entitlement

import (
	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// lineKey names a grant line: the grants of one kind that one program year
// of one membership at one location gives in one pool. Its grants add up.
type lineKey struct {
	loc  int
	m    Membership
	year daymath.Day // the year's start
	pool int
	kind Kind
}

// grantRec is a validated Grant.
type grantRec struct {
	key  lineKey
	qty  int64
	day  daymath.Day // the first day it counts
	year span
}

// onlineRec is a validated Online state.
type onlineRec struct {
	key  subKey
	from daymath.Day
	sub  activation.Subscription
	prod product
}

// depKey names the on-premises use of one licence at one location.
type depKey struct {
	loc, pool, lic int
}

// depRec is a validated Deployment: delta is + for a deployment, − for a
// removal.
type depRec struct {
	key   depKey
	delta int64
	day   daymath.Day
}

// tokRec is a validated IssuedToken.
type tokRec struct {
	fp         token.Fingerprint
	key        lineKey // kind 0: a token is for the year's grants in the pool
	year       span
	activateBy daymath.Day // 0: none
	redeemed   daymath.Day // 0: not redeemed
}

// yearRef checks the location, membership and year start that a grant or a
// token names.
func (g *org) yearRef(f path, location string, m Membership, start daymath.Day) (int, span, error) {
	l, ok := g.locByName[location]
	if !ok {
		return 0, span{}, bad(ErrUnknown, f.at("location"), "no location of that name")
	}
	if err := checkMembership(f, m); err != nil {
		return 0, span{}, err
	}
	y, ok := g.yearOf(l, m, start)
	if !ok {
		return 0, span{}, bad(ErrUnknown, f.at("year"), "no program year of that membership at that location starts on that day")
	}
	return l, y, nil
}

func (g *org) poolRef(f path, name string) (int, error) {
	p, ok := g.poolByName[name]
	if !ok {
		return 0, bad(ErrUnknown, f.at("pool"), "no pool of that name")
	}
	return p, nil
}

// grant validates the i-th grant.
func (g *org) grant(i int, x Grant) (grantRec, error) {
	f := item("grants", i)
	start, err := dayOf(f.at("year"), x.Year)
	if err != nil {
		return grantRec{}, err
	}
	l, y, err := g.yearRef(f, x.Location, x.Membership, start)
	if err != nil {
		return grantRec{}, err
	}
	p, err := g.poolRef(f, x.Pool)
	if err != nil {
		return grantRec{}, err
	}
	switch {
	case !x.Kind.Valid():
		return grantRec{}, bad(ErrInvalid, f.at("kind"), "not a defined kind")
	case x.Kind == Toolkit && g.locs[l].hq:
		return grantRec{}, bad(ErrToolkit, f.at("kind"), "a toolkit at the headquarters: only associated locations hold one (R18)")
	case x.Kind == Toolkit && x.Membership.Program != Competency:
		return grantRec{}, bad(ErrToolkit, f.at("kind"), "a toolkit for a membership that is not a competency (R18)")
	case x.Quantity < 1 || x.Quantity > MaxQuantity:
		return grantRec{}, bad(ErrInvalid, f.at("quantity"), "outside 1 … %d", MaxQuantity)
	}
	day := y.start
	if !x.Day.IsZero() {
		if day, err = dayOf(f.at("day"), x.Day); err != nil {
			return grantRec{}, err
		}
		if !y.contains(day) {
			return grantRec{}, bad(ErrInvalid, f.at("day"), "outside its program year")
		}
	}
	return grantRec{key: lineKey{l, x.Membership, y.start, p, x.Kind}, qty: int64(x.Quantity), day: day, year: y}, nil
}

// online validates the i-th online state.
func (g *org) online(i int, x Online) (onlineRec, error) {
	f := item("online", i)
	from, err := dayOf(f.at("from"), x.From)
	if err != nil {
		return onlineRec{}, err
	}
	s := x.Subscription
	if err := checkName(f.at("subscription.tenant"), s.Tenant); err != nil {
		return onlineRec{}, err
	}
	if err := checkName(f.at("subscription.product"), s.Product); err != nil {
		return onlineRec{}, err
	}
	if err := s.Validate(); err != nil {
		return onlineRec{}, badWrap(ErrInvalid, f.at("subscription"), "not valid", err)
	}
	p, ok := g.products[s.Product]
	if !ok {
		return onlineRec{}, bad(ErrUnknown, f.at("subscription.product"), "not a declared product (of a pool or other)")
	}
	return onlineRec{key: subKey{s.Tenant, s.Product}, from: from, sub: s, prod: p}, nil
}

// deployment validates the i-th on-premises change.
func (g *org) deployment(i int, x Deployment) (depRec, error) {
	f := item("deployments", i)
	l, ok := g.locByName[x.Location]
	if !ok {
		return depRec{}, bad(ErrUnknown, f.at("location"), "no location of that name")
	}
	p, ok := g.licences[x.Licence]
	if !ok {
		return depRec{}, bad(ErrUnknown, f.at("licence"), "not a licence of any pool")
	}
	if x.Quantity < 1 || x.Quantity > MaxQuantity {
		return depRec{}, bad(ErrInvalid, f.at("quantity"), "outside 1 … %d", MaxQuantity)
	}
	day, err := dayOf(f.at("day"), x.Day)
	if err != nil {
		return depRec{}, err
	}
	if err := checkText(f.at("reason"), x.Reason); err != nil {
		return depRec{}, err
	}
	d := depRec{key: depKey{loc: l, pool: p, lic: g.licIndex[x.Licence]}, delta: int64(x.Quantity), day: day}
	switch x.Change {
	case Deploy:
	case Remove:
		d.delta = -d.delta
	default:
		return depRec{}, bad(ErrInvalid, f.at("change"), "not a defined change")
	}
	return d, nil
}

// token validates the i-th issued token.
func (g *org) token(i int, x IssuedToken) (tokRec, error) {
	f := item("tokens", i)
	if x.Fingerprint.IsZero() {
		return tokRec{}, bad(ErrInvalid, f.at("fingerprint"), "zero")
	}
	start, err := dayOf(f.at("year"), x.Year)
	if err != nil {
		return tokRec{}, err
	}
	l, y, err := g.yearRef(f, x.Location, x.Membership, start)
	if err != nil {
		return tokRec{}, err
	}
	p, err := g.poolRef(f, x.Pool)
	if err != nil {
		return tokRec{}, err
	}
	t := tokRec{fp: x.Fingerprint, key: lineKey{loc: l, m: x.Membership, year: y.start, pool: p}, year: y}
	if t.activateBy, err = optDayOf(f.at("activateBy"), x.ActivateBy); err != nil {
		return tokRec{}, err
	}
	if t.redeemed, err = optDayOf(f.at("redeemed"), x.Redeemed); err != nil {
		return tokRec{}, err
	}
	return t, nil
}
