package activation

import (
	"fmt"
	"strings"
	"time"

	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
)

// State returns the lifecycle state of s on day at under p: None for a
// subscription with no term, else Active, Expired, Disabled or Deleted by
// the boundaries of the package documentation, "Lifecycle" (R8). Only
// calendar dates count. State returns the unknown zero State if p, s or
// at is invalid (see [Policy.Validate], [Subscription.Validate]; at must lie
// in the years proration.MinYear … proration.MaxYear).
func (p Policy) State(s Subscription, at time.Time) State {
	if p.Validate() != nil {
		return 0
	}
	r, err := prepare(&p, &s, at)
	if err != nil {
		return 0
	}
	return r.state
}

// guard is the condition of one cell of the transition table.
type guard uint8

const (
	never                guard = iota
	always                     // in every policy
	ifAddWhenInactive          // Policy.AddWhenInactive
	ifExtendWhenInactive       // Policy.ExtendWhenInactive
	inRenewWindow              // at ≥ bounds.renewFrom: under Policy.EarlyRenewal, End − RenewWindowDays (R9)
	keyOutlastsDay             // a renewal anchored on the old end date (GraceRenewAnchor OldEnd) ends after at (R9)
)

// effect is what an allowed cell computes.
type effect uint8

const (
	blend       effect = iota + 1 // add licenses, seat-weighted end date (R4, R10)
	extend                        // extend end date by C ÷ A × term (R5, R6)
	renewEarly                    // renew before the end, anchor Policy.EarlyRenewAnchor (R9)
	renewGrace                    // renew inside the grace, anchor Policy.GraceRenewAnchor (R9, R7)
	activateNew                   // new term from the redemption day (R7)
)

// cell is one entry of the transition table.
type cell struct {
	when guard
	do   effect
}

// transition looks op up in state st in THE transition table: which
// operation is allowed in which state, under which policy condition, and what
// it then does (R4–R9). It is the only place these rules live. The table is
// written as nested switches, one row per state and one cell per operation,
// which compile to a few comparisons (no table is built on each call, and no
// package-level variable exists); a cell not written is the never-allowed
// zero cell, as is any st or op outside the enumerations.
func transition(st State, op Operation) cell {
	switch st {
	case Active:
		switch op {
		case AddSeats:
			return cell{always, blend}
		case ExtendEnd:
			return cell{always, extend}
		case Renew:
			return cell{inRenewWindow, renewEarly} // PartnerCenter: wait for expiry
		case Activate:
			return cell{never, 0}
		}
	case Expired:
		switch op {
		case AddSeats:
			return cell{ifAddWhenInactive, blend}
		case ExtendEnd:
			return cell{ifExtendWhenInactive, extend} // R7: not offered
		case Renew:
			return cell{keyOutlastsDay, renewGrace}
		case Activate:
			return cell{always, activateNew}
		}
	case Disabled:
		switch op {
		case AddSeats:
			return cell{ifAddWhenInactive, blend}
		case ExtendEnd:
			return cell{ifExtendWhenInactive, extend}
		case Renew:
			return cell{always, activateNew} // past the grace: activation anew (R7)
		case Activate:
			return cell{always, activateNew}
		}
	case Deleted:
		if op == Activate {
			return cell{always, activateNew} // a new subscription (R7)
		}
	case None:
		if op == Activate {
			return cell{always, activateNew}
		}
	}
	return cell{}
}

// allowed looks op up in the transition table for request r, without a key:
// it is allowedFor with no key term (the key-dependent condition holds).
func allowed(p *Policy, r *request, op Operation) (effect, bool) {
	return allowedFor(p, r, op, 0)
}

// allowedFor looks op up in the transition table for request r and a key of
// term months (0 when no key is known yet), and evaluates the cell's
// condition.
func allowedFor(p *Policy, r *request, op Operation, term int) (effect, bool) {
	c := transition(r.state, op)
	ok := false
	switch c.when {
	case always:
		ok = true
	case ifAddWhenInactive:
		ok = p.AddWhenInactive
	case ifExtendWhenInactive:
		ok = p.ExtendWhenInactive
	case inRenewWindow:
		ok = r.day >= boundsOf(p, r.end).renewFrom
	case keyOutlastsDay:
		ok = keyOutlasts(p, r, term)
	}
	return c.do, ok
}

// keyOutlasts reports whether a grace renewal of a key of term months ends
// after the redemption day. Policy.Validate keeps the grace under the
// policy's term, but a key may carry a shorter term of its own: anchored on
// the old end date (GraceRenewAnchor OldEnd), it must still end after the day
// it is redeemed, or the key buys nothing (R9). With no key (term 0), with
// another anchor, or when the end lies past the calendar (Apply then reports
// the range), it holds.
func keyOutlasts(p *Policy, r *request, term int) bool {
	if term == 0 || p.GraceRenewAnchor != OldEnd {
		return true
	}
	end, err := r.end.AddMonths(term)
	return err != nil || end > r.day
}

// refusal builds the *NotAllowedError for op in request r, without a key: it
// is refusalFor with no key term.
func refusal(p *Policy, r *request, op Operation) error {
	return refusalFor(p, r, op, 0)
}

// refusalFor builds the *NotAllowedError for op in request r and a key of
// term months, with the dates of [Policy.Timeline] from [boundsOf]. Each lies
// in range: a Since is on or before the redemption day, an Opens after it
// and on or before the end date.
func refusalFor(p *Policy, r *request, op Operation, term int) error {
	e := &NotAllowedError{Op: op, State: r.state}
	b := boundsOf(p, r.end)
	switch r.state {
	case Expired:
		e.Since = b.end.Time()
		if op == Renew && !keyOutlasts(p, r, term) {
			end, _ := r.end.AddMonths(term) // keyOutlasts checked the error
			e.Reason = fmt.Sprintf("a %d-month key anchored on the old end date would end on %s, not after the redemption day (R9)", term, end)
		}
	case Disabled:
		e.Since = b.disabled.Time()
	case Deleted:
		e.Since = b.deleted.Time()
	case Active: // as days pass, Renew and Activate become possible
		switch op {
		case Renew:
			e.Opens = b.renewFrom.Time()
		case Activate:
			e.Opens = b.end.Time()
		}
	}
	return e
}

// CheckOperation returns nil if the transition table allows op on s on day at
// under p, a [*NotAllowedError] (wrapping [ErrNotAllowed]) naming the state,
// the operation and the day the state began if it does not, and an error
// wrapping [ErrInvalid] for invalid inputs. It does not look at a key: Apply
// can still refuse for the key's product, seats (cap, R6) or dates, or a
// grace renewal whose key has too short a term of its own (R9).
func (p Policy) CheckOperation(s Subscription, op Operation, at time.Time) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if !op.valid() {
		return invalid("operation %s", op)
	}
	r, err := prepare(&p, &s, at)
	if err != nil {
		return err
	}
	if _, ok := allowed(&p, &r, op); !ok {
		return refusal(&p, &r, op)
	}
	return nil
}

// Timeline lists the dates that matter in a subscription's lifecycle under a
// policy (R8, R9, R22). Each is a date at 00:00 UTC and the first day of
// what it names.
type Timeline struct {
	// RenewFrom is the first day Renew is allowed: the renew window opens
	// RenewWindowDays before the end date under a policy with EarlyRenewal
	// (R9); otherwise the end date itself.
	RenewFrom time.Time
	// End is the first day without an active term: the subscription is
	// Expired (the grace) from this day (R8), with the policy's
	// ExpiredService (R22).
	End time.Time
	// FullServiceEnds is the first day without full service: DisabledFrom
	// when the policy serves an Expired subscription fully (R8: "fully
	// functional"), End when it does not (R22: volume licensing, where
	// "Services immediately become unavailable when the Expired status
	// starts"). A subscription loses service on this day.
	FullServiceEnds time.Time
	// DisabledFrom is End + GraceDays: Disabled from this day, with the
	// policy's DisabledService (R8: read-only).
	DisabledFrom time.Time
	// DeletedOn is End + GraceDays + DisabledDays: the data is deleted on
	// this day (R8: 120 days after the end date).
	DeletedOn time.Time
}

// Timeline returns the lifecycle dates of s under p. It fails with an error
// wrapping [ErrInvalid] for an invalid policy or subscription, for a
// subscription with no term (None), and when a date falls outside the years
// proration.MinYear … proration.MaxYear.
func (p Policy) Timeline(s Subscription) (Timeline, error) {
	if err := p.Validate(); err != nil {
		return Timeline{}, err
	}
	if err := s.Validate(); err != nil {
		return Timeline{}, err
	}
	if s.IsNone() {
		return Timeline{}, invalid("timeline: subscription has no term")
	}
	b := boundsOf(&p, daymath.Of(s.End))
	fullUntil := b.disabled
	if p.Service(Expired) != FullService {
		fullUntil = b.end
	}
	var tl Timeline
	for _, f := range [...]struct {
		what string
		day  daymath.Day
		dst  *time.Time
	}{
		{"timeline: renew window", b.renewFrom, &tl.RenewFrom},
		{"timeline: end", b.end, &tl.End},
		{"timeline: disabled from", b.disabled, &tl.DisabledFrom},
		{"timeline: full service ends", fullUntil, &tl.FullServiceEnds}, // End or DisabledFrom, checked already
		{"timeline: deleted on", b.deleted, &tl.DeletedOn},
	} {
		if !f.day.Valid() {
			return Timeline{}, invalidWrap(f.what, f.day.Check())
		}
		*f.dst = f.day.Time()
	}
	return tl, nil
}

// String returns the dates in one line, e.g. "renew from 2027-01-01; end
// 2027-01-31; disabled from 2027-03-02; deleted on 2027-05-31". When full
// service ends before DisabledFrom (R22), it says so after the end date:
// "end 2027-01-31, no full service from 2027-01-31; disabled from …".
func (tl Timeline) String() string {
	var b strings.Builder
	b.WriteString("renew from ")
	b.WriteString(dateString(tl.RenewFrom))
	b.WriteString("; end ")
	b.WriteString(dateString(tl.End))
	if !tl.FullServiceEnds.IsZero() && !tl.FullServiceEnds.Equal(tl.DisabledFrom) {
		b.WriteString(", no full service from ")
		b.WriteString(dateString(tl.FullServiceEnds))
	}
	b.WriteString("; disabled from ")
	b.WriteString(dateString(tl.DisabledFrom))
	b.WriteString("; deleted on ")
	b.WriteString(dateString(tl.DeletedOn))
	return b.String()
}

// ReplacementWindow returns the days on which a replacement key may be
// requested for a key activated on day activated (R12, "within 30 days of
// activation"): the activation day through day ReplacementWindowDays, both
// included, as [proration.WithinDays] decides it for R11 too (activated
// 2027-01-31: 2027-01-31 … 2027-03-02). Microsoft reviews a request in time
// and may refuse it. Errors wrap [ErrInvalid]: an invalid policy, or a
// window outside the years proration.MinYear … proration.MaxYear.
func (p Policy) ReplacementWindow(activated time.Time) (proration.Window, error) {
	if err := p.Validate(); err != nil {
		return proration.Window{}, err
	}
	w, err := proration.WithinDays(activated, p.ReplacementWindowDays)
	if err != nil {
		return proration.Window{}, invalidWrap("replacement window", err)
	}
	return w, nil
}
