package daymath

import "fmt"

// The end-limit reading of the extension cap (R6): after an extension the end
// date lies at most factor × term months after the redemption day. Package
// proration states it; these are its integer steps, shared by
// proration.Extend, activation's Apply and the planner's inverse questions.

// EndLimit returns AddMonths(at, factor·term), the latest end date an
// extension redeemed on at may give under the end-limit reading, for a valid
// at, factor 1 … 100 and term 1 … 36. A limit past the calendar is
// MaxDay + 1, an invalid Day after every valid end date.
func EndLimit(at Day, factor, term int) Day {
	l, ok := at.AddTerm(factor * term) // at most 3,600 months
	if !ok {
		return MaxDay + 1
	}
	return l
}

// ExtendedEnd returns the end date an extension of a c-seat key on a active
// seats ending e gives ([Extend]), for a and c of 1 … 10⁹ (c need not be at
// most 100·a), a term of 1 … 36 months, a valid e and the key's term T in
// days, and ok false when that end lies past MaxYear. An end known to lie
// past it ([pastCalendar]) costs no error value: LargestWithin's search
// meets many.
func ExtendedEnd(a, c int64, term int, r Rounding, exact bool, e Day, keyDays int64) (Day, bool) {
	if pastCalendar(a, c, term, exact, e, keyDays) {
		return 0, false
	}
	end, _, _, _, err := Extend(a, c, term, r, exact, e, keyDays)
	return end, err == nil
}

// ExtendUncapped is [Extend] for a key of any c of 1 … 10⁹, not only c at
// most 100·a: the end-limit reading holds the end to its limit instead of
// the key to 100·a. Under calendar months, more whole months than the
// calendar spans are errPastCalendar, which Extend could not add; anything
// else is Extend's answer (exact seat-days count in 64 bits).
func ExtendUncapped(a, c int64, term int, r Rounding, exact bool, e Day, keyDays int64) (newEnd Day, num, den, w int64, err error) {
	if !exact && pastCalendar(a, c, term, false, e, keyDays) {
		return 0, 0, 0, 0, errPastCalendar
	}
	return Extend(a, c, term, r, exact, e, keyDays)
}

// errPastCalendar is the error of an extension by more whole months than
// the calendar spans.
var errPastCalendar = fmt.Errorf("new end after %d-12-31: %w", MaxYear, ErrDateRange)

// pastCalendar reports whether the extension of a c-seat key on a seats
// ending e surely ends past MaxYear, before Extend counts it: under calendar
// months when its c·term ÷ a whole months pass the span of the calendar,
// under exact seat-days when its whole days c·T ÷ a alone pass MaxDay
// (rounding only adds). What it lets through, Extend decides exactly.
func pastCalendar(a, c int64, term int, exact bool, e Day, keyDays int64) bool {
	if exact {
		return c*keyDays/a > int64(MaxDay-e)
	}
	return c*int64(term)/a > maxMonths
}

// LargestWithin returns the largest key, in seats, of 0 … most whose
// extension ([ExtendedEnd]) ends on or before limit; 0 when not even one seat
// does. The end is monotone in the key's seats (a larger key never ends
// earlier), so a binary search finds it.
func LargestWithin(a int64, term int, r Rounding, exact bool, e Day, keyDays int64, limit Day, most int64) int64 {
	fits := func(c int64) bool {
		end, ok := ExtendedEnd(a, c, term, r, exact, e, keyDays)
		return ok && end <= limit
	}
	if most < 1 || !fits(1) {
		return 0
	}
	lo, hi := int64(1), most // fits(lo); the answer lies in lo … hi
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		if fits(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// FirstFit returns the first day after at on which a key of one seat and
// term months fits the end-limit reading: its extension of a active seats
// ending e ends on or before EndLimit(day, factor, term). It returns 0 when
// no day of the calendar does (the key's term or its end would pass
// MaxYear first). It scans the days from [fitScanStart].
func FirstFit(a int64, term, factor int, r Rounding, exact bool, e, at Day) Day {
	for d := fitScanStart(a, term, factor, r, exact, e, at); ; d++ {
		// The key's term from d passes MaxYear before d does: the loop ends.
		end, ok := oneSeatEnd(a, term, r, exact, e, d)
		if !ok {
			return 0
		}
		if end <= EndLimit(d, factor, term) {
			return d
		}
	}
}

// oneSeatEnd is the end a key of one seat and term months redeemed on d
// gives: the extension of a seats ending e by its term from d.
func oneSeatEnd(a int64, term int, r Rounding, exact bool, e, d Day) (Day, bool) {
	keyEnd, ok := d.AddTerm(term)
	if !ok {
		return 0, false
	}
	return ExtendedEnd(a, 1, term, r, exact, e, int64(keyEnd-d))
}

// fitScanStart is where [FirstFit] starts: the day after at, or five days
// before AddMonths(end, −factor·term) when that is later, end being a
// one-seat key's end on at. As days pass the limit moves later while the end
// stays (under exact seat-days it moves by at most three days with the
// key's T), so no day before it fits and the first that does is a few days
// on.
func fitScanStart(a int64, term, factor int, r Rounding, exact bool, e, at Day) Day {
	d := at + 1
	if end, ok := oneSeatEnd(a, term, r, exact, e, at); ok {
		if from, err := end.AddMonths(-factor * term); err == nil && from-5 > d {
			d = from - 5
		}
	}
	return d
}
