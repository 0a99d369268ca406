package activation

import (
	"errors"
	"fmt"
	"time"

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
	if !op.Valid() {
		return Outcome{}, invalid("operation %s", op)
	}
	r, term, err := p.checkAll(s, t, at)
	if err != nil {
		return Outcome{}, err
	}
	eff, err := p.permit(&r, op)
	if err != nil {
		return Outcome{}, err
	}
	if err := p.apply(&o, &r, t, op, eff, term); err != nil {
		return Outcome{}, err
	}
	return o, nil
}

// keyTerm validates t and returns its term in months.
func (p Policy) keyTerm(t token.Token) (int, error) {
	if err := t.Validate(); err != nil {
		return 0, invalidWrap("token", err)
	}
	switch {
	case t.Key.IsZero():
		return 0, invalid("token: zero key")
	case t.Seats < 1 || t.Seats > MaxSeats:
		return 0, invalid("token: %s seats outside 1…%s", group(int64(t.Seats)), group(MaxSeats))
	case t.TermMonths < 0 || t.TermMonths > proration.MaxTermMonths:
		return 0, invalid("token: term %d months outside 0…%d", t.TermMonths, proration.MaxTermMonths)
	case t.Product == "":
		return 0, invalid("token: no product")
	case t.TermMonths == 0:
		return p.TermMonths, nil
	}
	return t.TermMonths, nil
}

// apply computes an allowed operation into o (which it may leave partly
// filled on error). It works on day numbers: each input date was converted
// once, by prepare.
func (p Policy) apply(o *Outcome, r *request, t token.Token, op Operation, eff effect, term int) error {
	keyEnd, err := proration.AddMonthsChecked(r.at, term)
	if err != nil {
		return invalidWrap("key term", err)
	}
	keyEndDay := dayNumber(keyEnd)
	a, c := int64(r.s.Seats), int64(t.Seats)
	var b int64
	if r.state == Active {
		b = r.end - r.day
	}
	*o = Outcome{
		Op: op, Applied: op, At: r.at, Token: t, Before: r.s, StateBefore: r.state,
		Remaining: int(b), TermDays: int(keyEndDay - r.day), TermMonths: term,
		Rounding: p.Rounding, Convention: p.Convention, CapFactor: p.CapFactor,
	}
	seats, newEnd := c, keyEndDay // what Renew and Activate give

	switch eff {
	case blend: // R4, R10
		if a+c > MaxSeats {
			return fmt.Errorf("%w: %s + %s seats exceed %s", ErrSeatLimit, group(a), group(c), group(MaxSeats))
		}
		bl, err := proration.Blend(r.s.Seats, int(b), t.Seats, o.TermDays, p.Rounding)
		if err != nil {
			return invalidWrap("add licenses", err)
		}
		seats, newEnd = a+c, r.day+int64(bl.NewRemaining)
	case extend: // R5, R6
		ext, err := proration.Extend(proration.ExtendInput{
			End: r.s.End, At: r.at, Seats: r.s.Seats, KeySeats: t.Seats, TermMonths: term,
			CapFactor: p.CapFactor, Rounding: p.Rounding, Convention: p.Convention,
		})
		if err != nil {
			return extendErr(err)
		}
		seats, newEnd = a, r.end+int64(ext.AddedDays)
		o.MonthsNum, o.MonthsDen = ext.MonthsNum, ext.MonthsDen
	case renewEarly: // R9, before the end date
		o.Anchor = p.EarlyRenewAnchor
		if o.Anchor == OldEnd {
			if newEnd, err = anchoredOnEnd(r.s.End, term); err != nil {
				return err
			}
		} else {
			o.DaysLost = int(b)
		}
	case renewGrace: // R9 inside the grace; RedemptionDay is R7
		o.Anchor = p.GraceRenewAnchor
		if o.Anchor == OldEnd {
			if newEnd, err = anchoredOnEnd(r.s.End, term); err != nil {
				return err
			}
		} else {
			o.Applied = Activate
		}
	default: // activateNew, R7
		o.Applied = Activate
	}
	if !inRange(newEnd) {
		return invalidWrap(op.String(), proration.CheckDate(dateOf(newEnd)))
	}

	o.After = Subscription{Tenant: r.s.Tenant, Product: t.Product, Seats: int(seats), End: dateOf(newEnd)}
	o.NewRemaining = int(newEnd - r.day)
	o.SeatDaysBefore = a*b + c*int64(o.TermDays)
	o.SeatDaysAfter = seats * int64(o.NewRemaining)
	o.Residue = o.SeatDaysAfter - o.SeatDaysBefore
	if r.s.IsNone() {
		o.DaysAdded = o.NewRemaining
	} else {
		o.DaysAdded = int(newEnd - r.end)
	}
	return nil
}

// anchoredOnEnd returns the day number of AddMonths(oldEnd, term): a renewal
// anchored on the old end date (R9).
func anchoredOnEnd(oldEnd time.Time, term int) (int64, error) {
	end, err := proration.AddMonthsChecked(oldEnd, term)
	if err != nil {
		return 0, invalidWrap("renew", err)
	}
	return dayNumber(end), nil
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
