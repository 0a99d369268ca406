// SKELETON — the activation helper replaces this file, keeping every name and field.
package activation

import (
	"errors"
	"time"

	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// Sentinel errors.
var (
	ErrExtensionCap    = proration.ErrExtensionCap
	ErrNotAllowed      = errors.New("activation: operation not allowed")
	ErrAlreadyRedeemed = errors.New("activation: key already redeemed")
	ErrProductMismatch = errors.New("activation: product mismatch")
	ErrInvalid         = errors.New("activation: invalid input")
)

// Subscription is a tenant's subscription to one product.
type Subscription struct {
	Tenant  string
	Product string
	Seats   int
	End     time.Time // first day without service
}

// Operation is what a redemption does.
type Operation int

// Operations; zero is unknown.
const (
	AddSeats Operation = iota + 1
	ExtendEnd
	Renew
	Activate
)

// State of a subscription on a day; zero is unknown.
type State int

// States.
const (
	Active State = iota + 1
	Expired
	Disabled
	Deleted
)

// Policy holds every rule.
type Policy struct {
	TermMonths int
	Rounding   proration.Rounding
}

// PartnerCenter is the default policy.
func PartnerCenter() Policy { return Policy{TermMonths: 12} }

// Outcome is the result of one redemption.
type Outcome struct {
	Op     Operation
	At     time.Time
	Token  token.Token
	Before Subscription
	After  Subscription

	StateBefore State

	SeatDaysBefore int64
	SeatDaysAfter  int64
	Residue        int64

	MonthsNum, MonthsDen int64
	DaysAdded            int
	DaysLost             int

	Replayed bool
}

// Apply redeems t against s (stub).
func (p Policy) Apply(s Subscription, t token.Token, op Operation, at time.Time) (Outcome, error) {
	return Outcome{}, errors.New("activation: Apply not implemented yet")
}
