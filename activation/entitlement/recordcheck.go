package entitlement

import (
	"time"

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

// lineOfYear checks the location, membership, program year (its start)
// and pool that a grant or a token names, and returns its line (kind 0)
// and the year.
func (g *org) lineOfYear(f path, location string, m Membership, start time.Time, pool string) (lineKey, span, error) {
	d, err := dayOf(f.at("year"), start)
	if err != nil {
		return lineKey{}, span{}, err
	}
	l, ok := g.locByName[location]
	if !ok {
		return lineKey{}, span{}, bad(ErrUnknown, f.at("location"), "no location of that name")
	}
	if err := checkMembership(f, m); err != nil {
		return lineKey{}, span{}, err
	}
	y, ok := g.yearOf(l, m, d)
	if !ok {
		return lineKey{}, span{}, bad(ErrUnknown, f.at("year"), "no program year of that membership at that location starts on that day")
	}
	p, ok := g.poolByName[pool]
	if !ok {
		return lineKey{}, span{}, bad(ErrUnknown, f.at("pool"), "no pool of that name")
	}
	return lineKey{loc: l, m: m, year: y.start, pool: p}, y, nil
}

// grant validates the i-th grant.
func (g *org) grant(i int, x Grant) (grantRec, error) {
	f := item("grants", i)
	k, y, err := g.lineOfYear(f, x.Location, x.Membership, x.Year, x.Pool)
	if err != nil {
		return grantRec{}, err
	}
	l := k.loc
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
	k.kind = x.Kind
	return grantRec{key: k, qty: int64(x.Quantity), day: day, year: y}, nil
}

// onlineStates returns a check of online states, each as g.online checks
// it, that checks a subscription's names once for a run of its states (a
// Book's records come subscription by subscription).
func (g *org) onlineStates() func(int, Online) (onlineRec, error) {
	var last onlineRec
	return func(i int, x Online) (onlineRec, error) {
		r, err := g.onlineAfter(i, x, &last)
		if err == nil {
			last = r
		}
		return r, err
	}
}

// online validates the i-th online state.
func (g *org) online(i int, x Online) (onlineRec, error) { return g.onlineAfter(i, x, nil) }

// onlineAfter validates the i-th online state, its names only if they are
// not those of last (nil: none), which was valid.
func (g *org) onlineAfter(i int, x Online, last *onlineRec) (onlineRec, error) {
	f := item("online", i)
	from, err := dayOf(f.at("from"), x.From)
	if err != nil {
		return onlineRec{}, err
	}
	s := x.Subscription
	if last != nil && last.key.tenant == s.Tenant && last.key.product == s.Product && last.key.tenant != "" {
		if err := s.Validate(); err != nil {
			return onlineRec{}, badWrap(ErrInvalid, f.at("subscription"), "not valid", err)
		}
		return onlineRec{key: last.key, from: from, sub: s, prod: last.prod}, nil
	}
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
	k, y, err := g.lineOfYear(f, x.Location, x.Membership, x.Year, x.Pool)
	if err != nil {
		return tokRec{}, err
	}
	t := tokRec{fp: x.Fingerprint, key: k, year: y}
	if t.activateBy, err = optDayOf(f.at("activateBy"), x.ActivateBy); err != nil {
		return tokRec{}, err
	}
	if t.redeemed, err = optDayOf(f.at("redeemed"), x.Redeemed); err != nil {
		return tokRec{}, err
	}
	return t, nil
}
