package proration

import "github.com/coterm/coterm/internal/daymath"

// CapRule says how the extension cap (R6) reads "extend the end date by a
// maximum of three years" (Cloud services). The zero value, CapPerKey, is
// the default.
type CapRule int

// The readings of the cap.
const (
	// CapPerKey (the default): the cap bounds each key. A key of at most
	// CapFactor × the active seats is accepted, so one key moves the end date
	// by at most CapFactor terms (three years); scenario 4 refuses 301 seats
	// on 100. Keys redeemed one after another each have their own cap: four
	// 300-seat keys on 100 seats move an end of 2027-03-01 to 2039-03-01.
	CapPerKey CapRule = iota
	// CapEndLimit: the cap bounds the end date. After an extension the end
	// date lies at most CapFactor × the key's term months after the
	// redemption day, AddMonths(at, CapFactor × term): 36 months for a
	// 12-month key under the default factor. The factor scales with the
	// key's term as it does under CapPerKey. However many keys are redeemed,
	// the end never passes three years from the day; a key that would pass it
	// is refused with the largest key still accepted, or, when none fits,
	// the first day a key of one seat would.
	CapEndLimit
)

// String returns "per-key" or "end-limit", or "CapRule(N)".
func (c CapRule) String() string { return capRuleText.String(c) }

// Valid reports whether c is one of the defined readings.
func (c CapRule) Valid() bool { return capRuleText.Valid(c) }

// ParseCapRule parses the names [CapRule.String] returns: "per-key" or
// "end-limit", in any ASCII case, nothing trimmed. Any other text is an error
// wrapping [ErrInput] that lists the names and does not repeat the text.
func ParseCapRule(s string) (CapRule, error) { return capRuleText.Parse(s) }

// MarshalText implements [encoding.TextMarshaler]. It returns an error
// wrapping [ErrInput] for an invalid c.
func (c CapRule) MarshalText() ([]byte, error) { return capRuleText.MarshalText(c) }

// UnmarshalText implements [encoding.TextUnmarshaler] by [ParseCapRule].
func (c *CapRule) UnmarshalText(b []byte) error { return capRuleText.UnmarshalText(c, b) }

// endCap is one extension under the end-limit reading ([CapEndLimit]): a
// active seats ending e, a key of term months redeemed on at, whose term is
// keyDays days, under factor, rounding r and the convention (exact: exact
// seat-days). The inputs are checked (seats 1 … MaxSeats, term 1 … 36,
// factor 1 … 100, valid dates).
type endCap struct {
	a       int64
	term    int
	factor  int
	r       daymath.Rounding
	exact   bool
	e, at   daymath.Day
	keyDays int64
}

// limit is the latest end date accepted: AddMonths(at, factor × term), or
// an invalid Day after MaxDay when that lies past the calendar.
func (q *endCap) limit() daymath.Day { return daymath.EndLimit(q.at, q.factor, q.term) }

// refusal returns the *CapError of a c-seat key whose extension ends past
// the limit, which lies in the calendar, with the largest key still accepted
// and, when none is, the first day a key of one seat fits.
func (q *endCap) refusal(c int) *CapError {
	l := q.limit()
	e := &CapError{Seats: int(q.a), KeySeats: c, Factor: q.factor, Rule: CapEndLimit, Term: q.term, At: q.at.Time(), Limit: l.Time()}
	e.MaxKeySeats = int(daymath.LargestWithin(q.a, q.term, q.r, q.exact, q.e, q.keyDays, l, MaxSeats))
	if e.MaxKeySeats == 0 {
		if d := daymath.FirstFit(q.a, q.term, q.factor, q.r, q.exact, q.e, q.at); d != 0 {
			e.FitsFrom = d.Time()
		}
	}
	return e
}
