package entitlement

import (
	"time"

	"github.com/coterm/coterm/activation"
)

// MaxQuantity is the largest quantity of a grant, a deployment change or a
// maximum: a billion, like activation.MaxSeats. Sums are computed in int64
// and cannot overflow.
const MaxQuantity = 1_000_000_000

// MaxNameLen is the largest name, reason or competency the package accepts,
// in bytes (activation.MaxNameLen).
const MaxNameLen = activation.MaxNameLen

// Membership is what a location holds: the Action Pack, or one competency
// named by Competency. It is comparable.
type Membership struct {
	Program Program
	// Competency names the competency ("Cloud Productivity"); it is empty
	// for the Action Pack and must not be for a competency.
	Competency string
}

// String returns "action-pack" or "competency " and the competency's name.
func (m Membership) String() string {
	if m.Program == Competency {
		return "competency " + m.Competency
	}
	return m.Program.String()
}

// Year is one program year of a membership at a location: the Action Pack
// subscription's year or the competency's enrolment year (R20). End is the
// first day without use rights, like a subscription's end date; the year
// holds every day d with Start ≤ d < End. Two years of one membership at one
// location may not overlap; a year that starts on the End of the one before
// continues its use rights (a re-enrolment).
type Year struct {
	Membership Membership
	Start, End time.Time
}

// Location is one location of the organisation, in one country. Exactly one
// location is the headquarters (Headquarters empty); every other is
// associated with it and names it in Headquarters (R17: licences are shared
// only between the headquarters and its associated locations).
type Location struct {
	// Name identifies the location; unique, compared byte for byte.
	Name string
	// Country is where the location is.
	Country Country
	// Headquarters is empty for the headquarters and, for an associated
	// location, the headquarters' Name.
	Headquarters string
	// Years are the location's program years, of any of its memberships.
	Years []Year
}

// Product is an online product and the class of its SKU (R19), as the
// caller declares it.
type Product struct {
	Name string
	SKU  SKU
}

// Limit is a pool's maximum in one country.
type Limit struct {
	Country Country
	Max     int // 0 … MaxQuantity
}

// Pool is a set of interchangeable uses, as the caller declares it (no
// catalogue ships): the online products and the on-premises licences that
// draw on its grants, one seat or one licence each (R14), and its maximums
// (R15). A product or licence belongs to at most one pool.
type Pool struct {
	// Name identifies the pool; unique.
	Name string
	// Online are the products whose seats draw on the pool.
	Online []Product
	// OnPremises are the licences that draw on the pool ("Office
	// Professional Plus + server CALs").
	OnPremises []string
	// CountryMax is the maximum in each country the pool has no Limit for:
	// 1 … MaxQuantity. The documents give no values; a pool must state them
	// (MaxQuantity leaves a maximum without effect in practice).
	CountryMax int
	// Countries overrides CountryMax in the countries listed, at most once
	// each; a maximum of 0 allows no bound use there.
	Countries []Limit
	// WorldMax is the worldwide maximum: 1 … MaxQuantity.
	WorldMax int
}

// Placement maps a tenant's subscriptions to the location whose country
// their seats are in. A placement with an empty Product places every
// subscription of the tenant that has no placement of its own.
type Placement struct {
	Tenant   string
	Product  string // empty: every other product of the tenant
	Location string
}

// Organisation is what the computation is told once: the headquarters and
// its associated locations with their program years, the pools, the classes
// of the online products that draw on no pool, where each tenant's seats
// are, and the policy the subscriptions live under.
type Organisation struct {
	Locations []Location
	Pools     []Pool
	// OtherProducts are online products that draw on no pool (bought, not
	// granted); their classes count for R19.
	OtherProducts []Product
	Placements    []Placement
	// Policy is the policy of the subscriptions (their lifecycle, R8, and
	// the use-rights comparison of R13). It must be valid.
	Policy activation.Policy
	// Service says when a subscription's seats are use and when its full
	// service ends. Nil means [PolicyService] of Policy.
	Service Service
}

// clone returns a copy of o whose slices (and the locations' years) are its
// own, so that a what-if can change it.
func (o Organisation) clone() Organisation {
	c := o
	c.Locations = append([]Location(nil), o.Locations...)
	for i := range c.Locations {
		c.Locations[i].Years = append([]Year(nil), c.Locations[i].Years...)
	}
	c.Pools = append([]Pool(nil), o.Pools...)
	c.OtherProducts = append([]Product(nil), o.OtherProducts...)
	c.Placements = append([]Placement(nil), o.Placements...)
	return c
}
