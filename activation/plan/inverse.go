package plan

import (
	"errors"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// hypotheticalKey is the key of the hypothetical tokens the inverse questions
// redeem through Policy.Apply; it prints masked as XXXXX-XXXXX-XXXXX-XXXXX-PLAN0.
const hypotheticalKey = "HYPOT-HETIC-ALKEY-00000-PLAN0"

// question is the validated input common to the inverse questions, with
// the key of their hypothetical tokens parsed once per question.
type question struct {
	p   activation.Policy
	s   activation.Subscription
	at  time.Time // the day, as daymath.Date gives it
	key token.Key // hypotheticalKey, parsed
}

// ask validates the common inputs of the inverse questions.
func ask(p activation.Policy, s activation.Subscription, at time.Time) (question, error) {
	at, err := checkTermed(p, s, "; only Activate applies (R7)", "day", at)
	if err != nil {
		return question{}, err
	}
	k, err := token.ParseKey(hypotheticalKey)
	if err != nil { // cannot happen, hypotheticalKey is a valid key; reported, not ignored
		return question{}, wrap("hypothetical key", err)
	}
	return question{p: p, s: s, at: at, key: k}, nil
}

// checkTermed validates p, s, which must have a term (else the error says
// so, then why), and the day at, named what, as a date.
func checkTermed(p activation.Policy, s activation.Subscription, why, what string, at time.Time) (time.Time, error) {
	if err := p.Validate(); err != nil {
		return time.Time{}, wrap("", err)
	}
	if err := s.Validate(); err != nil {
		return time.Time{}, wrap("", err)
	}
	if s.IsNone() {
		return time.Time{}, invalid("the subscription has no term%s", why)
	}
	return checkedDate(what, at)
}

// hypothetical returns a key of seats seats for the subscription's product
// with the policy's term.
func (q question) hypothetical(seats int) token.Token {
	return token.Token{Key: q.key, Product: q.s.Product, Seats: seats}
}

// ExtendAnswer answers "which key reaches this end date by extend end date?"
// ([ExtendKeyFor]).
type ExtendAnswer struct {
	Target time.Time
	// Reached: the end date is already on or after Target; no key is needed
	// and Seats is 0.
	Reached bool
	// Seats is the smallest key, in seats, whose ExtendEnd gives an end date
	// on or after Target, found as if the cap allowed up to
	// proration.MaxCapFactor × the active seats; 0 if Reached or if no such
	// key reaches it.
	Seats int
	// Allowed: Seats is within the policy's cap (R6), so Outcome is what
	// redeeming such a key does.
	Allowed bool
	// Outcome is the ExtendEnd of a Seats-seat key when Allowed, else zero.
	Outcome activation.Outcome
	// MaxKey is the largest key the cap accepts now (R6; see
	// [Headroom].MaxKey), and MaxEnd the end date it reaches (zero when that
	// end would lie after 9999-12-31, or when no key fits).
	MaxKey int
	MaxEnd time.Time
}

// ExtendKeyFor returns the smallest key, in seats, that moves the end date of
// s to target or later by extend end date (R5) on day at under p, whether the
// cap (R6) allows it, and the cap's largest key with the latest end it
// reaches. The key has the policy's term. Every end date is p.Apply's: a
// larger key never gives an earlier end, so a binary search over seats finds
// the smallest, and one seat fewer falls short.
//
// The subscription must be Active on at (extend end date is not offered
// otherwise, R7): the error is then an *activation.NotAllowedError.
func ExtendKeyFor(p activation.Policy, s activation.Subscription, at, target time.Time) (ExtendAnswer, error) {
	q, err := ask(p, s, at)
	if err != nil {
		return ExtendAnswer{}, err
	}
	h, err := q.headroom()
	if err != nil {
		return ExtendAnswer{}, err
	}
	target, err = checkedDate("target", target)
	if err != nil {
		return ExtendAnswer{}, err
	}
	ans := ExtendAnswer{Target: target, MaxKey: h.MaxKey, MaxEnd: h.MaxEnd}
	if proration.Days(s.End, ans.Target) <= 0 {
		ans.Reached = true
		return ans, nil
	}
	wide := p // the search ignores the cap, whichever its reading
	wide.CapFactor, wide.CapRule = proration.MaxCapFactor, proration.CapPerKey
	hi := proration.MaxKeySeats(s.Seats, wide.CapFactor)
	// reaches reports whether a c-seat key extends to Target or later. A key
	// whose end would pass 9999-12-31 overshoots every valid Target: for the
	// search it reaches (a larger key never ends earlier), and the answer is
	// checked with a real Apply below.
	reaches := func(c int) bool {
		o, err := wide.Apply(s, q.hypothetical(c), activation.ExtendEnd, q.at)
		if errors.Is(err, proration.ErrDateRange) {
			return true
		}
		return err == nil && proration.Days(o.After.End, ans.Target) <= 0
	}
	if !reaches(hi) {
		return ans, nil
	}
	lo := 1 // invariant: the answer lies in lo … hi and hi reaches
	for lo < hi {
		mid := lo + (hi-lo)/2
		if reaches(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	t := q.hypothetical(lo)
	if _, err := wide.Apply(s, t, activation.ExtendEnd, q.at); err != nil {
		return ans, nil // the smallest key that reaches Target overshoots 9999: none lands
	}
	ans.Seats = lo
	if lo <= h.MaxKey {
		if ans.Outcome, err = p.Apply(s, t, activation.ExtendEnd, q.at); err != nil {
			return ExtendAnswer{}, err
		}
		ans.Allowed = true
	}
	return ans, nil
}

// Headroom is the room for one more key ([HeadroomAt]).
type Headroom struct {
	// MaxKey is the largest key extend end date accepts now, as the policy
	// reads the cap (R6): CapFactor × the active seats under
	// proration.CapPerKey; under proration.CapEndLimit the largest key whose
	// new end lies at most CapFactor terms after the day, 0 when none fits.
	// At most activation.MaxSeats.
	MaxKey int
	// MaxEnd is the end date a MaxKey-seat key reaches by extend end date:
	// the latest end one key can give (CapFactor terms, 36 months by default);
	// zero when that end would lie after 9999-12-31 or MaxKey is 0.
	MaxEnd time.Time
	// FitsFrom is, when MaxKey is 0 under proration.CapEndLimit, the first
	// later day on which a key of one seat fits (zero if none does).
	FitsFrom time.Time
	// AddLimit is AddMonths(at, term): add licenses moves the end date
	// towards it and never beyond, however large the key (R4).
	AddLimit time.Time
}

// HeadroomAt returns the cap headroom of s on day at under p: the largest key
// extend end date accepts, as p reads the cap (R6: per key, or an end limit
// counted from the day), and the latest end date one key can reach, computed
// with p.Apply, and the limit add licenses approaches. The subscription must
// be Active on at (R7), or the error is an *activation.NotAllowedError.
func HeadroomAt(p activation.Policy, s activation.Subscription, at time.Time) (Headroom, error) {
	q, err := ask(p, s, at)
	if err != nil {
		return Headroom{}, err
	}
	return q.headroom()
}

// headroom is [HeadroomAt] of a validated question.
func (q question) headroom() (Headroom, error) {
	h := Headroom{MaxKey: proration.MaxKeySeats(q.s.Seats, q.p.CapFactor)}
	if q.p.CapRule == proration.CapEndLimit {
		// The largest key depends on the dates: the refusal of the largest key
		// there is names it.
		var ce *proration.CapError
		_, err := q.p.Apply(q.s, q.hypothetical(activation.MaxSeats), activation.ExtendEnd, q.at)
		switch {
		case errors.As(err, &ce):
			h.MaxKey, h.FitsFrom = ce.MaxKeySeats, ce.FitsFrom
		case err == nil || errors.Is(err, proration.ErrDateRange):
			h.MaxKey = activation.MaxSeats // the limit lies past every end in the calendar
		default:
			return Headroom{}, wrap("headroom", err)
		}
		if h.MaxKey == 0 {
			if h.AddLimit, err = daymath.AddMonthsChecked(q.at, q.p.TermMonths); err != nil {
				return Headroom{}, wrap("headroom", err)
			}
			return h, nil
		}
	}
	o, err := q.p.Apply(q.s, q.hypothetical(h.MaxKey), activation.ExtendEnd, q.at)
	switch {
	case errors.Is(err, proration.ErrDateRange):
		// The largest key would end after 9999-12-31: MaxEnd stays zero.
		h.AddLimit, err = daymath.AddMonthsChecked(q.at, q.p.TermMonths)
		if err != nil {
			return Headroom{}, wrap("headroom", err)
		}
		return h, nil
	case err != nil:
		return Headroom{}, wrap("headroom", err)
	}
	h.MaxEnd = o.After.End
	h.AddLimit = daymath.AddDays(o.At, o.TermDays)
	return h, nil
}

// AddAnswer answers "which keys reach this end date by add licenses?"
// ([AddKeyFor]).
type AddAnswer struct {
	Target time.Time
	// Limit is AddMonths(at, term): the end date add licenses moves towards
	// and never passes (R4). With the current remaining days B below the
	// key's T, a larger key gives a later end; above T, an earlier one.
	Limit time.Time
	// Min … Max are the keys, in seats, whose AddSeats gives an end date on or
	// after Target; both 0 if none does ("add licenses cannot reach it").
	// One seat fewer than Min (if Min > 1) and one more than Max (if Max is
	// below the seat limit) fall short.
	Min, Max int
	// Outcome is the AddSeats of a Min-seat key, zero if none reaches.
	Outcome activation.Outcome
}

// Reachable reports whether some key reaches the target by add licenses.
func (a AddAnswer) Reachable() bool { return a.Min > 0 }

// AddKeyFor returns which keys, in seats, move the end date of s to target or
// later by add licenses (R4) on day at under p: the end becomes the
// seat-weighted average of the remaining days and the key's term, so it moves
// towards Limit = AddMonths(at, term) and never beyond; when the days
// remaining are at least the term, adding cannot move it later. The keys
// that reach it form one range Min … Max (the end is monotone in the key's
// seats); both are found by binary search with p.Apply.
//
// The subscription must be Active on at under p (unless p.AddWhenInactive),
// or the error is an *activation.NotAllowedError.
func AddKeyFor(p activation.Policy, s activation.Subscription, at, target time.Time) (AddAnswer, error) {
	q, err := ask(p, s, at)
	if err != nil {
		return AddAnswer{}, err
	}
	target, err = checkedDate("target", target)
	if err != nil {
		return AddAnswer{}, err
	}
	ans := AddAnswer{Target: target}
	most := activation.MaxSeats - s.Seats
	if most < 1 {
		return AddAnswer{}, seatLimit("%d seats leave no room for a key", s.Seats)
	}
	endOf := func(c int) (activation.Outcome, error) {
		return p.Apply(s, q.hypothetical(c), activation.AddSeats, q.at)
	}
	reaches := func(c int) bool {
		o, err := endOf(c)
		return err == nil && proration.Days(o.After.End, ans.Target) <= 0
	}
	one, err := endOf(1)
	if err != nil {
		return AddAnswer{}, wrap("add licenses", err)
	}
	ans.Limit = daymath.AddDays(one.At, one.TermDays)
	lo1, hiM := reaches(1), reaches(most)
	switch {
	case lo1 && hiM:
		ans.Min, ans.Max = 1, most
	case hiM: // the end grows with the key: the smallest that reaches
		lo, hi := 1, most
		for lo < hi {
			if mid := lo + (hi-lo)/2; reaches(mid) {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		ans.Min, ans.Max = lo, most
	case lo1: // the end falls with the key: the largest that still reaches
		lo, hi := 1, most
		for lo < hi {
			if mid := lo + (hi-lo+1)/2; reaches(mid) {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		ans.Min, ans.Max = 1, lo
	default:
		return ans, nil
	}
	if ans.Outcome, err = endOf(ans.Min); err != nil {
		return AddAnswer{}, err
	}
	return ans, nil
}

// RenewalAnswer says when a renewal key can be redeemed without losing days
// ([Renewal]).
type RenewalAnswer struct {
	// Opens is the first day on or after the asked day that Renew is allowed
	// at all (R9: the renew window under Open2014; the end date under
	// PartnerCenter, where renewal happens after expiry, as activation anew, R7).
	Opens time.Time
	// First and Last bound the days on or after the asked day on which a
	// renewal loses no days (of the current term, nor of full service): First
	// is the first, Last the last. Zero if there is none (OK false).
	First, Last time.Time
	// OK: some day on or after the asked day renews without losing days.
	OK bool
	// EndIfFirst and EndIfLast are the end dates a renewal on First or on
	// Last gives.
	EndIfFirst, EndIfLast time.Time
	// LostIfEarlier is the days a renewal on Opens loses, when Opens is
	// before First: the days of the current term given up (R9, DaysLost).
	LostIfEarlier int
}

// Renewal returns, for subscription s under p, the days on or after day at on
// which a renewal key (of s's seats and the policy's term) can be redeemed
// without losing days, and the last such day.
//
// A renewal redeemed on day d loses days when either
//   - it gives up days of the current term: an early renewal anchored on the
//     redemption day (R9, Open2014) gives up End − d days
//     (activation.Outcome.DaysLost > 0); or
//   - it leaves a lapse of full service: redeemed on or after the first day
//     without full service (activation.Timeline.FullServiceEnds: the policy's
//     service per state, R22), its users had no full service from that day
//     to d. That day is End + GraceDays where an Expired subscription is
//     fully served (R8) and End under volume licensing, where "Services
//     immediately become unavailable when the Expired status starts".
//
// Days of a fully served grace are not lost: under Open2014 the old end
// stays the anchor (new end = AddMonths(End, term)), under PartnerCenter the
// renewal is an activation anew from d, whose term starts later still. So
// under both presets the last loss-free day is the last day of the grace,
// End + GraceDays − 1, and the first is End (Open2014 loses End − d days
// before it; PartnerCenter refuses Renew before it). Under [VolumeLicensing]
// no day is loss-free: Renew opens on the end date, the day its service
// stops. Every day is classified with p.Apply, scanning from at to the day
// before the subscription is deleted: from that day on only Activate is
// offered (R7, R8), never Renew.
func Renewal(p activation.Policy, s activation.Subscription, at time.Time) (RenewalAnswer, error) {
	q, err := ask(p, s, at)
	if err != nil {
		return RenewalAnswer{}, err
	}
	tl, err := p.Timeline(s)
	if err != nil {
		return RenewalAnswer{}, wrap("", err)
	}
	t := q.hypothetical(s.Seats)
	var ans RenewalAnswer
	for d := q.at; d.Before(tl.DeletedOn); d = daymath.AddDays(d, 1) {
		o, err := p.Apply(s, t, activation.Renew, d)
		if err != nil {
			if errors.Is(err, activation.ErrNotAllowed) {
				continue
			}
			return RenewalAnswer{}, wrap("renewal", err)
		}
		if ans.Opens.IsZero() {
			ans.Opens = d
			ans.LostIfEarlier = o.DaysLost
		}
		lapse := p.Service(o.StateBefore) != activation.FullService // on or after tl.FullServiceEnds (R22)
		if o.DaysLost > 0 || lapse {
			if ans.OK {
				break
			}
			continue
		}
		if !ans.OK {
			ans.OK, ans.First, ans.EndIfFirst = true, d, o.After.End
		}
		ans.Last, ans.EndIfLast = d, o.After.End
	}
	if !ans.OK || !ans.Opens.Before(ans.First) {
		ans.LostIfEarlier = 0
	}
	return ans, nil
}
