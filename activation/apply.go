package activation

import (
	"errors"
	"fmt"
	"time"

	"github.com/coterm/coterm/activation/internal/text"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// Apply computes what redeeming the key t as operation op on day at does to
// subscription s under p. It is pure: it reads no clock, changes nothing, and
// returns the same Outcome for the same inputs; it never panics. It does not
// record the key: use a Redeemer with a Ledger for exactly-once (R2).
//
// Apply checks, in this order, and returns a zero Outcome with the first
// error:
//
//   - the operation, the policy ([Policy.Validate]), the subscription
//     ([Subscription.Validate]), the token (token.Token.Validate, seats
//     1 … [MaxSeats], term 0 … 36 months), the day (0001-01-02 …
//     9999-12-31):
//     errors wrap [ErrInvalid];
//   - the product: a key for another product than a subscription that names
//     one is a [*ProductMismatchError] ([ErrProductMismatch]);
//   - the transition table: an operation not allowed in the state on day at
//     is a [*NotAllowedError] ([ErrNotAllowed]);
//   - the operation itself: a key of more than CapFactor × the active seats
//     cannot extend (a [*proration.CapError], [ErrExtensionCap], R6); more
//     than [MaxSeats] seats after adding is [ErrSeatLimit]; a result past
//     the year 9999 wraps [ErrInvalid].
//
// The operations (A seats, C key seats, term = the key's TermMonths, or the
// policy's when the key states none):
//
//   - AddSeats (R4, R10): B = Days(at, End), T = Days(at, AddMonths(at,
//     term)), R = (A·B + C·T) ÷ (A + C) rounded by p.Rounding; seats A + C,
//     new End = at + R days.
//   - ExtendEnd (R5, R6): seats A; End moves by C ÷ A × term months, by
//     proration.Extend under p.Convention and p.Rounding.
//   - Renew (R9): seats C. Before the end date (EarlyRenewal, inside the
//     renew window) the new term starts at p.EarlyRenewAnchor; with
//     RedemptionDay the days left are reported as DaysLost. Inside the grace
//     it starts at p.GraceRenewAnchor: OldEnd gives AddMonths(End, term),
//     RedemptionDay is an activation anew (R7, Outcome.Applied = Activate).
//     Past the grace it is always an activation anew.
//   - Activate (R7): seats C, new End = AddMonths(at, term), for a
//     subscription that is None, Expired, Disabled or Deleted.
func (p Policy) Apply(s Subscription, t token.Token, op Operation, at time.Time) (o Outcome, err error) {
	err = applyTo(&o, &p, &s, &t, op, at)
	return o, err
}

// applyTo is Apply: it fills *o, which the caller has zeroed, and leaves it
// zero on error (apply writes it only after its last error return).
func applyTo(o *Outcome, p *Policy, s *Subscription, t *token.Token, op Operation, at time.Time) error {
	if !op.Valid() {
		return invalid("operation %s", op)
	}
	r, term, err := checkAll(p, s, t, at)
	if err != nil {
		return err
	}
	eff, ok := allowed(p, &r, op)
	if !ok {
		return refusal(p, &r, op)
	}
	keyEnd, err := keyTermEnd(&r, term)
	if err != nil {
		return err
	}
	return apply(o, p, s, &r, t, op, eff, term, keyEnd) // writes *o only on success
}

// checkAll runs the checks Apply makes before the transition table, in
// Apply's order, each once: the policy, the subscription and the day (the
// request), the token (its term in months), and the product.
func checkAll(p *Policy, s *Subscription, t *token.Token, at time.Time) (request, int, error) {
	if err := p.Validate(); err != nil {
		return request{}, 0, err
	}
	r, err := prepare(p, s, at)
	if err != nil {
		return request{}, 0, err
	}
	term, err := keyTerm(p, t)
	if err != nil {
		return request{}, 0, err
	}
	if s.Product != "" && t.Product != s.Product {
		return request{}, 0, &ProductMismatchError{Subscription: s.Product, Token: t.Product}
	}
	return r, term, nil
}

// keyTermEnd returns the end of the key's term from the redemption day,
// AddMonths(at, term) (R3), or the error every operation then fails with.
func keyTermEnd(r *request, term int) (daymath.Day, error) {
	keyEnd, err := r.day.AddMonths(term)
	if err != nil {
		return 0, invalidWrap("key term", err)
	}
	return keyEnd, nil
}

// keyTerm validates t and returns its term in months. token.Token.Validate
// checks everything activation needs of a key (a key, a product, seats
// 1 … MaxSeats, term 0 … 36 months: the limits agree, see below), so nothing
// is checked twice.
func keyTerm(p *Policy, t *token.Token) (int, error) {
	if err := t.Validate(); err != nil {
		return 0, invalidWrap("token", err)
	}
	if t.TermMonths == 0 {
		return p.TermMonths, nil
	}
	return t.TermMonths, nil
}

// The limits token.Token.Validate enforces are activation's: these constants
// fail to compile (a negative constant converted to uint) if they drift apart.
const (
	_ = uint(token.MaxSeats - MaxSeats)
	_ = uint(MaxSeats - token.MaxSeats)
	_ = uint(token.MinSeats - 1)
	_ = uint(1 - token.MinSeats)
	_ = uint(token.MaxTermMonths - proration.MaxTermMonths)
	_ = uint(proration.MaxTermMonths - token.MaxTermMonths)
)

// apply computes an allowed operation into o, which must be the zero Outcome
// (Replayed and the fields of other operations stay zero) and is written only
// after the last error return; keyEnd is keyTermEnd(r, term).
func apply(o *Outcome, p *Policy, s *Subscription, r *request, t *token.Token, op Operation, eff effect, term int, keyEnd daymath.Day) (err error) {
	a, c := int64(s.Seats), int64(t.Seats)
	var b int64
	if r.state == Active {
		b = int64(r.end - r.day)
	}
	termDays := int64(keyEnd - r.day)
	seats, newEnd := c, keyEnd // what Renew and Activate give
	applied, anchor := op, Anchor(0)
	var daysLost int
	var monthsNum, monthsDen int64

	switch eff {
	case blend: // R4, R10
		if a+c > MaxSeats {
			return fmt.Errorf("%w: %s + %s seats exceed %s", ErrSeatLimit, text.Group(a), text.Group(c), text.Group(MaxSeats))
		}
		seats, newEnd = a+c, r.day+daymath.Day(daymath.Blend(a, b, c, termDays, daymath.Rounding(p.Rounding)))
	case extend: // R5, R6
		if daymath.OverCap(s.Seats, t.Seats, p.CapFactor) {
			return extendErr(&proration.CapError{Seats: s.Seats, KeySeats: t.Seats, Factor: p.CapFactor, MaxKeySeats: p.CapFactor * s.Seats})
		}
		seats = a
		newEnd, monthsNum, monthsDen, _, err = daymath.Extend(a, c, term, daymath.Rounding(p.Rounding),
			p.Convention == proration.ExactSeatDays, r.end, termDays)
		if err != nil {
			return extendErr(err)
		}
	case renewEarly: // R9, before the end date
		anchor = p.EarlyRenewAnchor
		if anchor == OldEnd {
			if newEnd, err = anchoredOnEnd(r.end, term); err != nil {
				return err
			}
		} else {
			daysLost = int(b)
		}
	case renewGrace: // R9 inside the grace; RedemptionDay is R7
		anchor = p.GraceRenewAnchor
		if anchor == OldEnd {
			if newEnd, err = anchoredOnEnd(r.end, term); err != nil {
				return err
			}
			// Policy.Validate keeps the grace under the policy's term, but a
			// key may carry a shorter term of its own: a renewal must still
			// end after the day it is redeemed, or the key buys nothing.
			if newEnd <= r.day {
				return &NotAllowedError{Op: op, State: r.state, Since: r.end.Time(),
					Reason: fmt.Sprintf("a %d-month key anchored on the old end date would end on %s, not after the redemption day (R9)", term, newEnd)}
			}
		} else {
			applied = Activate
		}
	default: // activateNew, R7
		applied = Activate
	}
	if !newEnd.Valid() {
		return invalidWrap(op.String(), newEnd.Check())
	}

	newRemaining := int64(newEnd - r.day)
	o.Op, o.Applied, o.At = op, applied, r.day.Time()
	o.Token = *t
	o.Before = *s
	if r.state != None {
		o.Before.End = r.end.Time() // the date at 00:00 UTC
	}
	o.After.Tenant, o.After.Product, o.After.Seats, o.After.End = s.Tenant, t.Product, int(seats), newEnd.Time()
	o.StateBefore = r.state
	o.Remaining, o.TermDays, o.NewRemaining, o.TermMonths = int(b), int(termDays), int(newRemaining), term
	o.SeatDaysBefore = a*b + c*termDays
	o.SeatDaysAfter = seats * newRemaining
	o.Residue = o.SeatDaysAfter - o.SeatDaysBefore
	o.MonthsNum, o.MonthsDen = monthsNum, monthsDen
	if r.state == None {
		o.DaysAdded = int(newRemaining)
	} else {
		o.DaysAdded = int(newEnd - r.end)
	}
	o.DaysLost = daysLost
	o.Rounding, o.Convention, o.Anchor, o.CapFactor = p.Rounding, p.Convention, anchor, p.CapFactor
	return nil
}

// anchoredOnEnd returns AddMonths(oldEnd, term): a renewal anchored on the
// old end date (R9).
func anchoredOnEnd(oldEnd daymath.Day, term int) (daymath.Day, error) {
	end, err := oldEnd.AddMonths(term)
	if err != nil {
		return 0, invalidWrap("renew", err)
	}
	return end, nil
}

// extendErr passes a cap error through (it wraps ErrExtensionCap and names the
// largest key accepted) and turns anything else into ErrInvalid.
func extendErr(err error) error {
	var ce *proration.CapError
	if errors.As(err, &ce) {
		return fmt.Errorf("activation: extend end date: %w", err)
	}
	return invalidWrap("extend end date", err)
}
