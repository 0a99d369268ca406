package activation

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// capKey returns a key of seats seats for the product of mkSub, distinct per n.
func capKey(n, seats int) token.Token {
	return token.Token{Key: token.MustParseKey(fmt.Sprintf("CAPKY-TESTS-00000-00000-%05d", n)), Product: "O365-E3", Seats: seats}
}

// TestCapReadings: "extend the end date by a maximum of three years" (R6).
// The default reads it per key (scenario 4: C ≤ 3 × A), so four 300-seat
// keys on 100 seats move an end of 2027-03-01 to 2039-03-01; the end-limit
// reading keeps the end within 36 months of the redemption day: the first
// such key is refused, with the largest still accepted.
func TestCapReadings(t *testing.T) {
	at := mkDate(2026, 12, 1)
	s := mkSub(100, mkDate(2027, 3, 1))
	p := PartnerCenter()
	require.Equal(t, proration.CapPerKey, p.CapRule, "the default reading")
	cur := s
	for i := range 4 {
		o, err := p.Apply(cur, capKey(i, 300), ExtendEnd, at)
		require.NoError(t, err, "key %d", i+1)
		cur = o.After
	}
	assert.Equal(t, mkDate(2039, 3, 1), cur.End, "per key: 4 × 36 months")

	p.CapRule = proration.CapEndLimit
	_, err := p.Apply(s, capKey(0, 300), ExtendEnd, at)
	require.ErrorIs(t, err, ErrExtensionCap)
	var ce *proration.CapError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 275, ce.MaxKeySeats, "2027-03-01 + 33 months = 2029-12-01, 36 months after the day")
	assert.Equal(t, mkDate(2029, 12, 1), ce.Limit)
	assert.EqualError(t, err, "activation: extend end date: proration: extension cap exceeded: a key of 300 seats on 100 active seats would end the term after "+
		"2029-12-01, 3 × 12 months after the redemption day 2026-12-01 (R6, end-limit reading); the largest key accepted is 275 seats")

	o, err := p.Apply(s, capKey(1, 275), ExtendEnd, at)
	require.NoError(t, err)
	assert.Equal(t, mkDate(2029, 12, 1), o.After.End)
	assert.Equal(t, RedemptionDay, o.Anchor, "the end-limit cap counts from the redemption day")
	assert.Equal(t, "Extend end date (R5): 275-seat key ÷ 100 active seats × 12 months = 33 months; 2027-03-01 + 33 months = new end date "+
		"2029-12-01 for 100 seats (R6, end-limit: the end date at most 3 × 12 months after the redemption day, on or before 2029-12-01; keys up to 275 seats accepted).",
		o.Explain())
	b, err := json.Marshal(o)
	require.NoError(t, err)
	var back Outcome
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, o.Explain(), back.Explain(), "the reading survives JSON")

	// The end is at the limit: no key fits; one seat does from 2026-12-05.
	_, err = p.Apply(o.After, capKey(2, 1), ExtendEnd, at)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 0, ce.MaxKeySeats)
	assert.Equal(t, mkDate(2026, 12, 5), ce.FitsFrom)
	assert.Contains(t, err.Error(), "no key fits: the end date is already at the limit; a key of one seat fits from 2026-12-05")
	_, err = p.Apply(o.After, capKey(2, 1), ExtendEnd, ce.FitsFrom)
	assert.NoError(t, err)

	// Add licenses is not an extension: no cap under either reading.
	_, err = p.Apply(o.After, capKey(3, 1000), AddSeats, at)
	assert.NoError(t, err)

	// A key with its own term: the limit is CapFactor × that term.
	k := capKey(4, 100)
	k.TermMonths = 1
	_, err = p.Apply(s, k, ExtendEnd, at)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, mkDate(2027, 3, 1), ce.Limit, "3 × 1 month after 2026-12-01")
	assert.Equal(t, 1, ce.MaxKeySeats, "one seat adds 0.31 days, rounded to none; two add one")
}

func TestCapRuleValidate(t *testing.T) {
	p := PartnerCenter()
	p.CapRule = proration.CapEndLimit + 1
	assert.EqualError(t, p.Validate(), "activation: invalid input: policy: CapRule CapRule(2)")
	p.CapRule = -1
	assert.ErrorIs(t, p.Validate(), ErrInvalid)
	_, err := p.Apply(mkSub(100, mkDate(2027, 3, 1)), capKey(0, 1), ExtendEnd, mkDate(2026, 12, 1))
	assert.ErrorIs(t, err, ErrInvalid)
}

// TestCapEndLimitConvention: Apply checks the limit on the end the policy's
// convention gives (R5, R6): 1 seat with a 3-seat key, ending the day after
// the redemption day: 36 calendar months end past the limit, 3 × 365 exact
// seat-days end on it.
func TestCapEndLimitConvention(t *testing.T) {
	p := PartnerCenter()
	p.CapRule = proration.CapEndLimit
	s, at := mkSub(1, mkDate(2026, 12, 2)), mkDate(2026, 12, 1)
	_, err := p.Apply(s, capKey(0, 3), ExtendEnd, at)
	assert.ErrorIs(t, err, ErrExtensionCap, "calendar months: 2029-12-02, after 2029-12-01")
	p.Convention = proration.ExactSeatDays
	o, err := p.Apply(s, capKey(0, 3), ExtendEnd, at)
	require.NoError(t, err)
	assert.Equal(t, mkDate(2029, 12, 1), o.After.End)
	assert.Contains(t, o.Explain(), "keys up to 3 seats accepted", "Explain recomputes under the same convention")
	p.Convention = proration.CalendarMonths
	o, err = p.Apply(s, capKey(0, 2), ExtendEnd, at)
	require.NoError(t, err)
	assert.Contains(t, o.Explain(), "keys up to 2 seats accepted")
}

// TestCapEndLimitHugeKey: under the end-limit reading a key is not held to
// CapFactor × A, so its months c·term ÷ a can pass what the calendar holds.
// 119,304,648 seats of 36 months on one seat are 4,294,967,328 months: 2³²
// and 32 more, which a month count kept in 32 bits would take for 32 months
// (an end in 2029, within the limit). The end lies past 9999: the key is
// refused, under either convention, with the cap error that names the
// largest key accepted.
func TestCapEndLimitHugeKey(t *testing.T) {
	p := PartnerCenter()
	p.CapRule = proration.CapEndLimit
	s, at := mkSub(1, mkDate(2027, 3, 1)), mkDate(2026, 12, 1)
	k := capKey(0, 119_304_648)
	k.TermMonths = 36
	for _, conv := range []proration.Convention{proration.CalendarMonths, proration.ExactSeatDays} {
		p.Convention = conv
		o, err := p.Apply(s, k, ExtendEnd, at)
		require.ErrorIs(t, err, ErrExtensionCap, "%s: %v", conv, o.After.End)
		var ce *proration.CapError
		require.ErrorAs(t, err, &ce)
		assert.Positive(t, ce.MaxKeySeats, "%s", conv)
		_, err = proration.Extend(proration.ExtendInput{End: s.End, At: at, Seats: 1, KeySeats: k.Seats, TermMonths: 36,
			CapRule: proration.CapEndLimit, Convention: conv})
		require.ErrorIs(t, err, ErrExtensionCap, "proration.Extend, %s", conv)
	}
}

// TestExplainEndLimitBounds: Explain recomputes the largest key of an
// end-limit extension only from numbers Apply could have written; an Outcome
// read from elsewhere with a number just outside them gets the bracket
// without it, and no panic.
func TestExplainEndLimitBounds(t *testing.T) {
	p := PartnerCenter()
	p.CapRule = proration.CapEndLimit
	o, err := p.Apply(mkSub(100, mkDate(2027, 3, 1)), capKey(0, 25), ExtendEnd, mkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Contains(t, o.Explain(), "keys up to 275 seats accepted")
	for name, tc := range map[string]struct {
		set  func(o *Outcome)
		full bool // the largest key is shown
	}{
		"one seat":              {func(o *Outcome) { o.Before.Seats = 1 }, true},
		"most seats":            {func(o *Outcome) { o.Before.Seats = MaxSeats }, true},
		"no seats":              {func(o *Outcome) { o.Before.Seats = 0 }, false},
		"too many seats":        {func(o *Outcome) { o.Before.Seats = MaxSeats + 1 }, false},
		"term 1":                {func(o *Outcome) { o.TermMonths = 1 }, true},
		"term 36":               {func(o *Outcome) { o.TermMonths = 36 }, true},
		"term 0":                {func(o *Outcome) { o.TermMonths = 0 }, false},
		"term 37":               {func(o *Outcome) { o.TermMonths = 37 }, false},
		"factor 1":              {func(o *Outcome) { o.CapFactor = 1 }, true},
		"factor 100":            {func(o *Outcome) { o.CapFactor = 100 }, true},
		"factor 0":              {func(o *Outcome) { o.CapFactor = 0 }, false},
		"factor 101":            {func(o *Outcome) { o.CapFactor = 101 }, false},
		"term days 1,116":       {func(o *Outcome) { o.TermDays = 31 * 36 }, true},
		"term days 1,117":       {func(o *Outcome) { o.TermDays = 31*36 + 1 }, false},
		"term days -1":          {func(o *Outcome) { o.TermDays = -1 }, false},
		"rounding undefined":    {func(o *Outcome) { o.Rounding = proration.Up + 1 }, false},
		"no day":                {func(o *Outcome) { o.At = mkDate(10000, 1, 1) }, false},
		"no end":                {func(o *Outcome) { o.Before.End = mkDate(10000, 1, 1) }, false},
		"limit past 9999-12-31": {func(o *Outcome) { o.At = mkDate(9998, 1, 1); o.Before.End = mkDate(9998, 3, 1) }, false},
		"limit on 9999-12-31":   {func(o *Outcome) { o.At = mkDate(9996, 12, 31) }, true},
	} {
		c := o
		tc.set(&c)
		got := c.Explain()
		assert.Equal(t, tc.full, strings.Contains(got, "seats accepted)."), "%s: %s", name, got)
		assert.True(t, strings.HasSuffix(got, ")."), "%s: %s", name, got)
	}
}
