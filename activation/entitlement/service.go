package entitlement

import (
	"fmt"
	"time"

	"github.com/coterm/coterm/activation"
)

// Service says, for the policy a book's subscriptions live under, on which
// days a subscription's seats count as use and when its full service ends.
// It is the one place the package reads a subscription's service from; a
// subscription s given to it has a term (s.IsNone() is false) and is valid.
type Service interface {
	// Serves reports whether s gives any service, full or read-only, on day
	// on: its seats are use on that day.
	Serves(s activation.Subscription, on time.Time) (bool, error)
	// FullServiceEnds returns the first day s gives less than full service;
	// the day before is the last safe day to enter a new program year's
	// tokens (R21).
	FullServiceEnds(s activation.Subscription) (time.Time, error)
	// Changes returns, in any order, every day on which Serves(s, ·) may
	// differ from the day before: a finding's "since when" is looked for
	// on these days only.
	Changes(s activation.Subscription) ([]time.Time, error)
}

// PolicyService is the [Service] of a policy's lifecycle and its service
// per state (R8, R22: [activation.Policy.Service]): a subscription serves on
// a day whose state gives full or read-only service, and serves fully up to
// Timeline.FullServiceEnds. Under PartnerCenter that is Active, Expired and
// Disabled, and full service up to DisabledFrom; under VolumeLicensing,
// whose Expired days give none, Active and Disabled, and full service up to
// the end date. It is the default of [Organisation.Service].
type PolicyService struct {
	Policy activation.Policy
}

// Serves reports whether the policy's service in s's state on day on is
// full or read-only.
func (p PolicyService) Serves(s activation.Subscription, on time.Time) (bool, error) {
	if _, err := p.Policy.Timeline(s); err != nil { // says why s or the policy is not valid
		return false, err
	}
	st := p.Policy.State(s, on)
	if st == 0 {
		return false, fmt.Errorf("%w: service of a subscription on a day outside the calendar", activation.ErrInvalid)
	}
	sv := p.Policy.Service(st)
	return sv == activation.FullService || sv == activation.ReadOnlyService, nil
}

// FullServiceEnds returns the policy's Timeline(s).FullServiceEnds: the end
// date where the Expired days give less than full service, else the day s
// becomes Disabled.
func (p PolicyService) FullServiceEnds(s activation.Subscription) (time.Time, error) {
	tl, err := p.Policy.Timeline(s)
	return tl.FullServiceEnds, err
}

// Changes returns the first days of the states after Active: the end
// date, DisabledFrom and DeletedOn.
func (p PolicyService) Changes(s activation.Subscription) ([]time.Time, error) {
	tl, err := p.Policy.Timeline(s)
	return []time.Time{tl.End, tl.DisabledFrom, tl.DeletedOn}, err
}
