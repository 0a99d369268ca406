package entitlement

import (
	"time"

	"github.com/coterm/coterm/activation"
)

// Service says, for the policy a book's subscriptions live under, when a
// subscription's seats count as use and when its full service ends. It is
// the one place the package reads a subscription's service from; a
// subscription s given to it has a term (s.IsNone() is false) and is valid.
type Service interface {
	// ServiceEnds returns the first day s gives no service at all, full or
	// read-only: its seats are use from the day of its state up to, not
	// including, this day.
	ServiceEnds(s activation.Subscription) (time.Time, error)
	// FullServiceEnds returns the first day s gives less than full service;
	// the day before is the last safe day to enter a new program year's
	// tokens (R21).
	FullServiceEnds(s activation.Subscription) (time.Time, error)
}

// PolicyService is the [Service] of a policy's lifecycle (R8): a
// subscription serves while its state is Active, Expired or Disabled, that
// is up to Timeline.DeletedOn, and serves fully while Active or Expired, up
// to Timeline.DisabledFrom. It is the default of [Organisation.Service].
type PolicyService struct {
	Policy activation.Policy
}

// ServiceEnds returns the policy's Timeline(s).DeletedOn: the day s becomes
// Deleted.
func (p PolicyService) ServiceEnds(s activation.Subscription) (time.Time, error) {
	tl, err := p.Policy.Timeline(s)
	return tl.DeletedOn, err
}

// FullServiceEnds returns the policy's Timeline(s).DisabledFrom: the day s
// becomes read-only.
func (p PolicyService) FullServiceEnds(s activation.Subscription) (time.Time, error) {
	tl, err := p.Policy.Timeline(s)
	return tl.DisabledFrom, err
}
