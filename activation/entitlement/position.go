package entitlement

import (
	"strings"
	"time"
)

// Ref names a use: an online subscription (Tenant and Product set) or the
// on-premises deployments of one licence at one location (Location and
// Licence set). It is comparable.
type Ref struct {
	Tenant, Product   string
	Location, Licence string
}

// Online reports whether r names an online subscription.
func (r Ref) Online() bool { return r.Tenant != "" }

// String returns "online <tenant> <product>" or "on-premises <licence> at
// <location>".
func (r Ref) String() string {
	if r.Online() {
		return "online " + r.Tenant + " " + r.Product
	}
	return "on-premises " + r.Licence + " at " + r.Location
}

// compare orders Refs: online before on-premises, then by their names.
func (r Ref) compare(s Ref) int {
	if r.Online() != s.Online() {
		if r.Online() {
			return -1
		}
		return 1
	}
	if c := strings.Compare(r.Tenant, s.Tenant); c != 0 {
		return c
	}
	if c := strings.Compare(r.Product, s.Product); c != 0 {
		return c
	}
	if c := strings.Compare(r.Location, s.Location); c != 0 {
		return c
	}
	return strings.Compare(r.Licence, s.Licence)
}

// Line names a grant line: the grants of one kind that one program year of
// one membership at one location gives in one pool. Year and YearEnd are
// the program year's Start and End.
type Line struct {
	Location   string
	Membership Membership
	Year       time.Time
	YearEnd    time.Time
	Pool       string
	Kind       Kind
}

// Position is the partner's licence position on one day: for each pool,
// per country and worldwide, what is granted, what is used online and on
// premises and how much more could be used, the smallest excess, and an
// assignment of the uses to the grants that respects every rule it can.
type Position struct {
	At    time.Time
	Pools []PoolPosition // in the organisation's order of pools
	// NotCovered are the online subscriptions of pools whose tenant is
	// placed at no location: not covered by any grant, reported apart, not
	// in any pool's figures.
	NotCovered []Unplaced
}

// Unplaced is an online subscription placed at no location, with its
// seats on the day.
type Unplaced struct {
	Ref   Ref
	Pool  string
	Seats int64
}

// PoolPosition is one pool's position.
type PoolPosition struct {
	Pool string
	// Countries has every country with a grant line in force or a use in
	// the pool, by code; World sums them.
	Countries []Tally
	World     Tally
	// Excess is the smallest quantity of use that every assignment leaves
	// uncovered: the total use minus the most any assignment covers. It is
	// unique; 0 means the partner is within its entitlement in the pool.
	Excess int64
	// Uses are the pool's uses, online first, each with its draws.
	Uses []UsePosition
	// Grants are the lines in force, with what the assignment draws on
	// them.
	Grants []LinePosition
}

// Tally is a pool's figures in one country, or worldwide (Country zero).
type Tally struct {
	Country Country
	// Granted is the quantity of the lines in force at locations in the
	// country (worldwide: all), demonstration and training included.
	Granted int64
	// Online and OnPremises are the uses located in the country.
	Online, OnPremises int64
	// Max is the country's maximum, or the worldwide maximum (R15).
	Max int64
	// Headroom is how much more use located in the country (worldwide:
	// anywhere) some assignment could cover on top of the most it covers
	// now.
	Headroom int64
}

// UsePosition is one use, where it is, and what the assignment found draws
// for it; each Draw names its grant line and so its program year.
type UsePosition struct {
	Ref      Ref
	Location string
	Country  Country
	Quantity int64
	Covered  int64 // the sum of Draws
	Draws    []Draw
	// Short reports that some assignment covering the most leaves this use
	// short (the assignment found may cover it in full).
	Short bool
	// Uncoverable reports that no assignment at all covers this use in
	// full; such a use is also Short.
	Uncoverable bool
}

// Draw is a quantity a use draws on a grant line.
type Draw struct {
	Line     Line
	Quantity int64
}

// LinePosition is a grant line in force, its quantity and what the
// assignment draws on it.
type LinePosition struct {
	Line     Line
	Quantity int64
	Drawn    int64
}
