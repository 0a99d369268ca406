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
// subscription s under p (package documentation: "Lifecycle", "Formulas").
// It is pure: no clock, no change, no key recorded (a [Book] records), no
// panic. It returns the [Outcome], or the zero Outcome and the first error
// of, in this order: an
// invalid input ([ErrInvalid]); a key for another product
// ([*ProductMismatchError]); an operation the transition table refuses
// ([*NotAllowedError]); a key over the cap ([*proration.CapError]), more
// than [MaxSeats] seats ([ErrSeatLimit]) or a result past 9999 ([ErrInvalid]).
func (p Policy) Apply(s Subscription, t token.Token, op Operation, at time.Time) (o Outcome, err error) {
	err = applyTo(&o, &p, &s, &t, op, at)
	return o, err
}

// applyTo is Apply: it fills *o, which the caller has zeroed, and leaves it
// zero on error (apply writes it only after its last error return). Plainly
// valid input ([checkPlain]) goes straight to the transition table and the
// arithmetic; anything else takes [checkEach], whose checks give each error.
func applyTo(o *Outcome, p *Policy, s *Subscription, t *token.Token, op Operation, at time.Time) error {
	if !op.valid() {
		return invalid("operation %s", op)
	}
	r, term, plain := checkPlain(p, s, t, at)
	if !plain {
		var err error
		if r, term, err = checkEach(p, s, t, at); err != nil {
			return err
		}
	}
	eff, ok := allowedFor(p, &r, op, term)
	if !ok {
		return refusalFor(p, &r, op, term)
	}
	keyEnd, err := keyTermEnd(&r, term)
	if err != nil {
		return err
	}
	return apply(o, p, s, &r, t, op, eff, term, keyEnd) // writes *o only on success
}

// checkAll runs the checks Apply makes before the transition table, in
// Apply's order, each once: the policy, the subscription and the day (the
// request), the token (its term in months), and the product. The common
// case, where every input is plainly valid, takes [checkPlain]; anything
// else, and every error, takes [checkEach].
func checkAll(p *Policy, s *Subscription, t *token.Token, at time.Time) (request, int, error) {
	if r, term, ok := checkPlain(p, s, t, at); ok {
		return r, term, nil
	}
	return checkEach(p, s, t, at)
}

// checkPlain is checkAll for inputs that are plainly valid, in a few
// combined range checks and without an error path: a policy
// [Policy.plainlyValid] accepts, a subscription with seats and a product, a
// token of that product with a key, seats and a term in range, and both
// dates strictly after 0001-01-01 and on or before 9999-12-31. It reports
// false, and nothing else, when any of this does not hold; whatever it
// accepts, checkEach accepts with the same results (a property test pins
// this).
func checkPlain(p *Policy, s *Subscription, t *token.Token, at time.Time) (request, int, bool) {
	if !p.plainRules() || !p.plainService() ||
		uint(s.Seats-1) >= MaxSeats || s.Product == "" || t.Product != s.Product ||
		t.Key.IsZero() || !plainName(t.Product) ||
		uint(t.Seats-1) >= MaxSeats || uint(t.TermMonths) > token.MaxTermMonths {
		return request{}, 0, false
	}
	end, day := daymath.Of(s.End), daymath.Of(at)
	if !end.ValidAfterMin() || !day.ValidAfterMin() {
		return request{}, 0, false
	}
	term := t.TermMonths
	if term == 0 {
		term = p.TermMonths
	}
	return request{end: end, day: day, state: boundsOf(p, end).state(day)}, term, true
}

// plainName reports whether the non-empty name starts with a printable ASCII
// character other than a space, so that it is not empty after
// strings.TrimSpace (what token.Token.Validate requires of a product).
func plainName(name string) bool { return name[0]-'!' < '~'-'!'+1 }

// checkEach is checkAll, one check after the other, each with its error.
func checkEach(p *Policy, s *Subscription, t *token.Token, at time.Time) (request, int, error) {
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
	if keyEnd, ok := r.day.AddTerm(term); ok { // r.day is valid, term 1 … 36
		return keyEnd, nil
	}
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
		return 0, invalidCause(err)
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
		seats = a
		rnd, exact := daymath.Rounding(p.Rounding), p.Convention == proration.ExactSeatDays
		if p.CapRule == proration.CapPerKey {
			if daymath.OverCap(s.Seats, t.Seats, p.CapFactor) {
				return extendErr(&proration.CapError{Seats: s.Seats, KeySeats: t.Seats, Factor: p.CapFactor, MaxKeySeats: p.CapFactor * s.Seats})
			}
			newEnd, monthsNum, monthsDen, _, err = daymath.Extend(a, c, term, rnd, exact, r.end, termDays)
		} else {
			newEnd, monthsNum, monthsDen, _, err = daymath.ExtendUncapped(a, c, term, rnd, exact, r.end, termDays)
			if err != nil || newEnd > daymath.EndLimit(r.day, p.CapFactor, term) {
				return overEndLimit(p, s, r, t, term)
			}
			anchor = RedemptionDay // the cap counted from the redemption day (see Outcome.Anchor)
		}
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

// overEndLimit refuses extend end date under the end-limit reading of the
// cap (R6, proration.CapEndLimit), for a key whose extension ends after
// AddMonths(at, CapFactor × term) or past the calendar: with the
// *proration.CapError of proration.Extend, which names the largest key still
// accepted or, when none fits, the first day a key of one seat would; a new
// end past the calendar while the limit is too is its date range error.
func overEndLimit(p *Policy, s *Subscription, r *request, t *token.Token, term int) error {
	_, err := proration.Extend(proration.ExtendInput{End: r.end.Time(), At: r.day.Time(), Seats: s.Seats, KeySeats: t.Seats,
		TermMonths: term, CapFactor: p.CapFactor, Rounding: p.Rounding, Convention: p.Convention, CapRule: p.CapRule})
	if err == nil { // cannot happen: Extend computes what apply did; reported, not ignored
		err = fmt.Errorf("%w: end-limit check disagrees with proration.Extend", ErrInvalid)
	}
	return extendErr(err)
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
		return &text.Error{Pkg: pkg, Msg: "extend end date", Err: err}
	}
	return invalidWrap("extend end date", err)
}

// request is a subscription's end date and a day, validated, as Days, with
// the state on that day: small enough to be passed in registers.
type request struct {
	end   daymath.Day // the date of the subscription's End; 0 (invalid) for None
	day   daymath.Day // the redemption day
	state State
}

// prepare validates s and at (p must be valid) and computes the state (R8).
// Each date is converted once.
func prepare(p *Policy, s *Subscription, at time.Time) (request, error) {
	end, err := validateSubscription(s)
	if err != nil {
		return request{}, err
	}
	day := daymath.Of(at)
	if !usableDay(day) {
		return request{}, badDay("redemption day", day)
	}
	r := request{end: end, day: day}
	if end == 0 { // validateSubscription's answer for None
		r.state = None
		return r, nil
	}
	r.state = boundsOf(p, end).state(day)
	return r, nil
}

// bounds are the lifecycle boundaries of a subscription ending on end under
// a policy (R7–R9), each the first day of what it names. They are computed
// by [boundsOf] alone; [Policy.State], the transition table's renew window,
// the dates of a refusal and [Policy.Timeline] all read them. A bound may
// lie outside the valid Days near the ends of the calendar: Timeline checks
// what it returns.
type bounds struct {
	renewFrom daymath.Day // Renew allowed from here: the renew window (R9) under EarlyRenewal, else end
	end       daymath.Day // Expired (grace, Policy.ExpiredService) from here (R8, R22)
	disabled  daymath.Day // end + GraceDays: Disabled (Policy.DisabledService) (R8)
	deleted   daymath.Day // end + GraceDays + DisabledDays: Deleted (R8)
}

// boundsOf returns the lifecycle boundaries of a subscription ending on end
// under p, which must be valid (its day counts are small).
func boundsOf(p *Policy, end daymath.Day) bounds {
	b := bounds{renewFrom: end, end: end}
	if p.EarlyRenewal {
		b.renewFrom = end - daymath.Day(p.RenewWindowDays)
	}
	b.disabled = end + daymath.Day(p.GraceDays)
	b.deleted = b.disabled + daymath.Day(p.DisabledDays)
	return b
}

// state returns the state on day of a subscription with a term (R8).
func (b bounds) state(day daymath.Day) State {
	switch {
	case day < b.end:
		return Active
	case day < b.disabled:
		return Expired
	case day < b.deleted:
		return Disabled
	}
	return Deleted
}
