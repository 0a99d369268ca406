package ledgertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

func testRedeem(t *testing.T, p *path) {
	p.track(t, firstTenant)
	s, tk := subscription(firstTenant), tok(key(t, "RD", 1), 25)
	o, err := p.redeem(context.Background(), 0, s, tk, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	require.False(t, o.Replayed, "first redemption replayed")
	require.Equal(t, tk.Key, o.Token.Key, "Outcome.Token.Key is not the redeemed key")
	want, err := activation.PartnerCenter().Apply(s, tk, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	require.Equal(t, want, o, "Redeem's Outcome differs from Apply's")
	require.Equal(t, date(2027, time.April, 1), o.After.End, "R5: 100 + 25 = +3 months")
	p.requireRecorded(t, s, tk, activation.ExtendEnd, fixtureDay, o)
	p.requireRedemptions(t, firstTenant, 1)
}

// testIdenticalReplays: the identical request replays the recorded Outcome,
// at any time of its day and in any zone, even after another key moved the
// subscription on.
func testIdenticalReplays(t *testing.T, p *path) {
	ctx := context.Background()
	p.track(t, firstTenant)
	s, tk := subscription(firstTenant), tok(key(t, "IR", 1), 25)
	first, err := p.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.False(t, first.Replayed)
	_, err = p.redeem(ctx, 0, s, tok(key(t, "IR", 2), 10), activation.AddSeats, fixtureDay.AddDate(0, 0, 1))
	require.NoError(t, err, "another key")

	later := fixtureDay.Add(17*time.Hour + 30*time.Minute)
	elsewhere := time.Date(2026, time.June, 15, 23, 0, 0, 0, time.FixedZone("UTC+5", 5*3600))
	for _, at := range []time.Time{fixtureDay, fixtureDay, later, elsewhere} {
		again, err := p.redeem(ctx, 0, s, tk, activation.AddSeats, at)
		require.NoError(t, err, "identical request at %v", at)
		require.True(t, again.Replayed, "identical request at %v not replayed", at)
		require.Equal(t, tk.Key, again.Token.Key, "replayed Outcome.Token.Key is not the redeemed key")
		require.Equal(t, normal(first), normal(again), "replay at %v differs from the first Outcome", at)
	}
	p.requireRecorded(t, s, tk, activation.AddSeats, fixtureDay, first)
	p.requireRedemptions(t, firstTenant, 2)
}

// request is a redemption request a case changes.
type request struct {
	s  activation.Subscription
	tk token.Token
	op activation.Operation
	at time.Time
}

// testOtherRequest: any request for a spent key but the identical one is
// ErrAlreadyRedeemed, whose message reveals nothing of the first redemption,
// and changes nothing.
func testOtherRequest(t *testing.T, p *path) {
	ctx := context.Background()
	p.track(t, firstTenant)
	s, k := subscription(firstTenant), key(t, "OR", 1)
	tk := tok(k, 25)
	first, err := p.redeem(ctx, 0, s, tk, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)

	secret := []string{firstTenant, fixtureDay.Format(time.DateOnly), first.After.End.Format(time.DateOnly),
		k.Reveal(), strings.ReplaceAll(k.Reveal(), "-", "")}
	cases := []struct {
		name  string
		state bool // another state before: a Redeemer's caller's; a Book has its own
		mod   func(*request)
	}{
		{"another tenant, same state, op and day", false, func(q *request) { q.s.Tenant = "tenant-second-contoso" }},
		{"same tenant, another day", false, func(q *request) { q.at = fixtureDay.AddDate(0, 0, 3) }},
		{"same tenant and day, another operation", false, func(q *request) { q.op = activation.AddSeats }},
		{"same tenant and day, the key claiming other seats", false, func(q *request) { q.tk.Seats = 50 }},
		{"a request Apply would refuse (product mismatch)", false, func(q *request) { q.tk.Product = otherProduct }},
		{"a request Apply would refuse (extension cap)", false, func(q *request) { q.tk.Seats = 301 }},
		{"same tenant and day, another subscription state", true, func(q *request) { q.s.Seats = 101 }},
		{"same tenant and day, the state after the first redemption", true, func(q *request) { q.s = first.After }},
	}
	for _, c := range cases {
		if c.state && p.book {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			q := request{s, tk, activation.ExtendEnd, fixtureDay}
			c.mod(&q)
			o, err := p.redeem(ctx, 0, q.s, q.tk, q.op, q.at)
			require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, "Outcome %+v", o)
			require.Equal(t, activation.Outcome{}, o, "a failed Redeem returned an Outcome")
			for _, sec := range secret {
				require.NotContains(t, err.Error(), sec, "ErrAlreadyRedeemed message reveals the first redemption or the key")
			}
			p.requireRecorded(t, s, tk, activation.ExtendEnd, fixtureDay, first)
		})
	}
	again, err := p.redeem(ctx, 0, s, tk, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err, "the first request no longer replays")
	require.True(t, again.Replayed)
	require.Equal(t, normal(first), normal(again))
	p.requireRedemptions(t, firstTenant, 1)
}

// testRefused: a redemption refused for any reason records nothing; the key
// is not spent and redeems afterwards.
func testRefused(t *testing.T, p *path) {
	ctx := context.Background()
	cases := []struct {
		name  string
		state bool // refused for the caller's state, which only a Redeemer takes
		mod   func(*request)
		want  error // nil: any error but ErrAlreadyRedeemed
	}{
		{"extension cap (R6): 301 seats on 100", false, func(q *request) { q.tk.Seats, q.op = 301, activation.ExtendEnd }, activation.ErrExtensionCap},
		{"product mismatch", false, func(q *request) { q.tk.Product = otherProduct }, activation.ErrProductMismatch},
		{"not allowed (R7): extend an expired subscription", false, func(q *request) {
			q.op, q.at = activation.ExtendEnd, fixtureEnd.AddDate(0, 0, 10)
		}, activation.ErrNotAllowed},
		{"invalid: key of 0 seats", false, func(q *request) { q.tk.Seats = 0 }, nil},
		{"invalid: unknown operation", false, func(q *request) { q.op = 0 }, activation.ErrInvalid},
		{"invalid: negative seats", true, func(q *request) { q.s.Seats = -5 }, activation.ErrInvalid},
	}
	for i, c := range cases {
		if c.state && p.book {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			tenant := fmt.Sprintf("tenant-refused-%d", i)
			p.track(t, tenant)
			k := key(t, "RF", i)
			q := request{subscription(tenant), tok(k, 25), activation.AddSeats, fixtureDay}
			c.mod(&q)
			o, err := p.redeem(ctx, 0, q.s, q.tk, q.op, q.at)
			require.Error(t, err, "Outcome %+v", o)
			require.NotErrorIs(t, err, activation.ErrAlreadyRedeemed)
			if c.want != nil {
				require.ErrorIs(t, err, c.want)
			}
			p.requireNotRecorded(t, k)
			s, tk := subscription(tenant), tok(k, 25)
			o, err = p.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
			require.NoError(t, err, "the key of a refused redemption does not redeem")
			require.False(t, o.Replayed)
			p.requireRecorded(t, s, tk, activation.AddSeats, fixtureDay, o)
			p.requireRedemptions(t, tenant, 1)
		})
	}
}

// testCancelled: under a done context nothing is recorded.
func testCancelled(t *testing.T, p *path) {
	p.track(t, firstTenant)
	s, tk := subscription(firstTenant), tok(key(t, "CC", 1), 25)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := p.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, context.Canceled)
	p.requireNotRecorded(t, tk.Key)

	ctx, cancel = context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	_, err = p.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	p.requireNotRecorded(t, tk.Key)
	p.requireRedemptions(t, firstTenant, 0)

	o, err := p.redeem(context.Background(), 0, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.False(t, o.Replayed)
	p.requireRecorded(t, s, tk, activation.AddSeats, fixtureDay, o)
}
