package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/proration"
	"github.com/coterm/coterm/token"
)

// TestExtendKeyForNearYear9999: probing a key whose end would pass
// 9999-12-31 must not hide the real answer (found by review). A 10-seat key
// on 10 seats extends 12 months to exactly 9991-01-01; a 9-seat key falls
// short, so 10 is the minimum, within the cap of 30 (R5, R6).
func TestExtendKeyForNearYear9999(t *testing.T) {
	p := activation.PartnerCenter()
	s := sub(10, day(9990, 1, 1))
	at, target := day(9989, 6, 1), day(9991, 1, 1)
	ans, err := ExtendKeyFor(p, s, at, target)
	require.NoError(t, err)
	assert.Equal(t, 10, ans.Seats)
	assert.True(t, ans.Allowed)
	assert.Equal(t, target, ans.Outcome.After.End)
	o9, err := p.Apply(s, pool(9)[0], activation.ExtendEnd, at)
	require.NoError(t, err)
	assert.True(t, o9.After.End.Before(target), "one seat fewer falls short")
}

// TestExtendKeyForHeadroomPastRange: the cap's largest key would end after
// 9999-12-31; the question is still answered, and MaxEnd is zero (found by
// review).
func TestExtendKeyForHeadroomPastRange(t *testing.T) {
	p := activation.PartnerCenter()
	s := sub(10, day(9998, 1, 1))
	at := day(9997, 6, 1)
	ans, err := ExtendKeyFor(p, s, at, day(9998, 2, 1))
	require.NoError(t, err)
	assert.Equal(t, 1, ans.Seats)
	assert.True(t, ans.Allowed)
	assert.Equal(t, 30, ans.MaxKey)
	assert.True(t, ans.MaxEnd.IsZero())
	h, err := HeadroomAt(p, s, at)
	require.NoError(t, err)
	assert.True(t, h.MaxEnd.IsZero())
	assert.Equal(t, day(9998, 6, 1), h.AddLimit)
}

// TestInverseLimits: the edges users meet: a key of exactly the cap (3 × the
// active seats, +36 months, R6) is allowed and its Outcome given; a
// subscription one seat below the seat limit still has room for a key.
func TestInverseLimits(t *testing.T) {
	p, at := activation.PartnerCenter(), day(2026, 12, 1)
	s := sub(100, day(2027, 3, 1))
	ans, err := ExtendKeyFor(p, s, at, day(2030, 3, 1)) // +36 months: exactly 300 seats
	require.NoError(t, err)
	assert.Equal(t, 300, ans.Seats)
	assert.True(t, ans.Allowed, "C = 3A is allowed (R6)")
	assert.Equal(t, day(2030, 3, 1), ans.Outcome.After.End)

	_, err = AddKeyFor(p, sub(activation.MaxSeats-1, day(2027, 3, 1)), at, day(2027, 6, 1))
	assert.NotErrorIs(t, err, activation.ErrSeatLimit, "one seat of room is room")
	_, err = AddKeyFor(p, sub(activation.MaxSeats, day(2027, 3, 1)), at, day(2027, 6, 1))
	assert.ErrorIs(t, err, activation.ErrSeatLimit)
	assert.EqualError(t, err, "plan: seat limit exceeded: 1000000000 seats leave no room for a key")
}

// TestAddKeyForFallingEnd: with more than a term remaining, adding moves the
// end date earlier, the more seats the earlier (R4): the keys that still
// reach a target are 1 … Max, Max reaches it and Max + 1 falls short.
func TestAddKeyForFallingEnd(t *testing.T) {
	p, at := activation.PartnerCenter(), day(2026, 12, 1)
	s := sub(100, day(2028, 12, 1)) // two years left, a key's term is one
	target := day(2028, 6, 1)
	ans, err := AddKeyFor(p, s, at, target)
	require.NoError(t, err)
	require.True(t, ans.Reachable())
	assert.Equal(t, 1, ans.Min)
	require.Greater(t, ans.Max, 1)
	reach := func(seats int) bool {
		o, err := p.Apply(s, token.Token{Key: keyN(1), Product: product, Seats: seats}, activation.AddSeats, at)
		require.NoError(t, err)
		return !o.After.End.Before(target)
	}
	assert.True(t, reach(ans.Max), "Max reaches the target")
	assert.False(t, reach(ans.Max+1), "Max + 1 falls short")
}

// TestRenewalVolumeLicensing is R22: under volume licensing a subscription
// ending 2027-03-01 has no service from its end date, so no day of its
// 90-day grace renews without a lapse of full service; under Partner Center
// the days of its fully served 30-day grace are loss-free.
func TestRenewalVolumeLicensing(t *testing.T) {
	s := sub(100, day(2027, 3, 1))
	r, err := Renewal(activation.VolumeLicensing(), s, day(2027, 1, 1))
	require.NoError(t, err)
	assert.Equal(t, day(2027, 3, 1), r.Opens, "Renew opens on the end date")
	assert.False(t, r.OK, "2027-03-01 … 2027-05-29 lose service: none is loss-free")
	assert.True(t, r.First.IsZero())
	assert.True(t, r.Last.IsZero())

	r, err = Renewal(activation.PartnerCenter(), s, day(2027, 1, 1))
	require.NoError(t, err)
	assert.True(t, r.OK)
	assert.Equal(t, day(2027, 3, 1), r.First)
	assert.Equal(t, day(2027, 3, 30), r.Last, "the day before full service ends (2027-03-31)")

	// A grace read-only under a custom policy: also no loss-free day.
	p := activation.Open2014()
	p.ExpiredService = activation.ReadOnlyService
	r, err = Renewal(p, s, day(2027, 1, 1))
	require.NoError(t, err)
	assert.False(t, r.OK)
	assert.Equal(t, day(2027, 1, 30), r.Opens)
}

// TestInverseEndLimit: the inverse questions respect the end-limit reading of
// the cap (R6): 100 seats ending 2027-03-01, on 2026-12-01 the end may reach
// 2029-12-01, 36 months after the day: 275 seats at most, where the per-key
// reading accepts 300 (2030-03-01).
func TestInverseEndLimit(t *testing.T) {
	p := activation.PartnerCenter()
	p.CapRule = proration.CapEndLimit
	s, at := sub(100, day(2027, 3, 1)), day(2026, 12, 1)
	h, err := HeadroomAt(p, s, at)
	require.NoError(t, err)
	assert.Equal(t, 275, h.MaxKey)
	assert.Equal(t, day(2029, 12, 1), h.MaxEnd)
	assert.True(t, h.FitsFrom.IsZero())
	assert.Equal(t, day(2027, 12, 1), h.AddLimit)

	ans, err := ExtendKeyFor(p, s, at, day(2030, 3, 1))
	require.NoError(t, err)
	assert.Equal(t, 300, ans.Seats, "the smallest key that reaches it")
	assert.False(t, ans.Allowed, "past the limit")
	assert.Equal(t, 275, ans.MaxKey)
	ans, err = ExtendKeyFor(p, s, at, day(2029, 12, 1))
	require.NoError(t, err)
	assert.Equal(t, 275, ans.Seats)
	assert.True(t, ans.Allowed)
	assert.Equal(t, day(2029, 12, 1), ans.Outcome.After.End)

	// At the limit no key fits; one seat does from 2026-12-05.
	h, err = HeadroomAt(p, sub(100, day(2029, 12, 1)), at)
	require.NoError(t, err)
	assert.Equal(t, 0, h.MaxKey)
	assert.True(t, h.MaxEnd.IsZero())
	assert.Equal(t, day(2026, 12, 5), h.FitsFrom)
	ans, err = ExtendKeyFor(p, sub(100, day(2029, 12, 1)), at, day(2030, 1, 1))
	require.NoError(t, err)
	assert.False(t, ans.Allowed)
	assert.Equal(t, 0, ans.MaxKey)

	// A limit past the calendar: every key the calendar holds.
	h, err = HeadroomAt(p, sub(10, day(9998, 1, 1)), day(9997, 6, 1))
	require.NoError(t, err)
	assert.Equal(t, activation.MaxSeats, h.MaxKey)
	assert.True(t, h.MaxEnd.IsZero())

	// Not active: extend is not offered (R7).
	_, err = HeadroomAt(p, sub(100, day(2026, 11, 1)), at)
	assert.ErrorIs(t, err, activation.ErrNotAllowed)
}

// TestPlanEndLimit: four 300-seat keys on 100 seats. Per key (the default)
// every key extends 36 months, to 2039-03-01; under the end-limit reading no
// plan ends after 2029-12-01, 36 months after the day.
func TestPlanEndLimit(t *testing.T) {
	p := activation.PartnerCenter()
	p.CapRule = proration.CapEndLimit
	s, at := sub(100, day(2027, 3, 1)), day(2026, 12, 1)
	r, err := Plan(p, s, pool(300, 300, 300, 300), at, AllTradeOffs())
	require.NoError(t, err)
	limit := day(2029, 12, 1)
	for _, f := range r.Front {
		assert.False(t, f.Final.End.After(limit), "%d seats until %s", f.Final.Seats, f.Final.End)
	}
	per := activation.PartnerCenter()
	r, err = Plan(per, s, pool(300, 300, 300, 300), at, AllTradeOffs())
	require.NoError(t, err)
	last := r.Front[len(r.Front)-1].Final
	assert.Equal(t, day(2039, 3, 1), last.End, "per key: every key extends 36 months")
	assert.Equal(t, 100, last.Seats)
}
