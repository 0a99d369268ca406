package ledgertest

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// failFirst redeems a fresh key of group g for the tracked fixture through
// stores that inject f, which must fail the first time, and returns that
// path, the request and the stores' flush.
func failFirst(t *testing.T, p *path, f faults, g string) (*path, activation.Subscription, token.Token, func() error) {
	t.Helper()
	q, flush, _ := p.through(f)
	s, tk := subscription(firstTenant), tok(key(t, g, 1), 25)
	_, err := q.redeem(context.Background(), 0, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	require.NotErrorIs(t, err, activation.ErrAlreadyRedeemed)
	return q, s, tk, flush
}

// apply is Apply's Outcome of the redemption a case makes on the fixture.
func apply(t *testing.T, s activation.Subscription, tk token.Token, op activation.Operation) activation.Outcome {
	t.Helper()
	o, err := activation.PartnerCenter().Apply(s, tk, op, fixtureDay)
	require.NoError(t, err)
	return o
}

// testFailBefore: a store that fails before its commit records nothing; the
// identical retry applies the key.
func testFailBefore(t *testing.T, p *path) {
	p.track(t, firstTenant)
	f, s, tk, _ := failFirst(t, p, faults{before: 1}, "FB")
	p.requireNotRecorded(t, tk.Key)
	o, err := f.redeem(context.Background(), 0, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err, "retry after a failure before the commit")
	require.False(t, o.Replayed, "retry after a failure before the commit replayed")
	p.requireRecorded(t, s, tk, activation.AddSeats, fixtureDay, o)
	p.requireRedemptions(t, firstTenant, 1)
}

// testFailAfter: a store that commits and then fails (a lost reply) spent
// the key; the identical retry replays the result, even after another key
// moved the subscription on, and any other request is ErrAlreadyRedeemed.
func testFailAfter(t *testing.T, p *path) {
	ctx := context.Background()
	p.track(t, firstTenant)
	f, s, tk, _ := failFirst(t, p, faults{after: 1}, "FA")
	_, err := f.redeem(ctx, 0, s, tok(key(t, "FA", 2), 5), activation.AddSeats, fixtureDay)
	require.NoError(t, err, "another key")
	requireReplays(t, p, f, 0, s, tk)
	_, err = f.redeem(ctx, 0, s, tk, activation.ExtendEnd, fixtureDay)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, "another operation")
	p.requireRedemptions(t, firstTenant, 2)
}

// requireReplays checks that the key of the request (s, tk), whose commit a
// failing store hid, is recorded with Apply's Outcome, that the identical
// request through handle i of q replays it, and that another tenant's finds
// the key spent.
func requireReplays(t *testing.T, p, q *path, i int, s activation.Subscription, tk token.Token) {
	t.Helper()
	want := apply(t, s, tk, activation.AddSeats)
	p.requireRecorded(t, s, tk, activation.AddSeats, fixtureDay, want)
	o, err := q.redeem(context.Background(), i, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err, "the identical retry after a hidden commit")
	require.True(t, o.Replayed, "the identical retry after a hidden commit applied the key again")
	require.Equal(t, normal(want), normal(o))
	require.Equal(t, tk.Key, o.Token.Key)
	_, err = q.redeem(context.Background(), i, subscription("tenant-second"), tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, "another tenant")
}

// testCommitLate: the store returns an error and commits afterwards. Retried
// after the late commit landed, through the last handle (on two, as after a
// process restart), the identical request replays and any other is
// ErrAlreadyRedeemed; retried before, exactly one of the two is recorded (a
// Book reads the head first, so it finds the late record and replays it; a
// Redeemer claims first and the late commit finds the key spent).
func testCommitLate(t *testing.T, p *path) {
	ctx := context.Background()
	p.track(t, firstTenant)
	_, s, tk, flush := failFirst(t, p, faults{late: 1}, "CL")
	require.NoError(t, flush())
	requireReplays(t, p, p, p.handles-1, s, tk)

	// The late commit lands after the retry's own record: one record, the
	// retry's.
	_, _, tk, flush = failFirst(t, p, faults{late: 1}, "CM")
	p.requireNotRecorded(t, tk.Key)
	o, err := p.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.False(t, o.Replayed)
	require.NoError(t, flush(), "the late commit must not fail, only find its place or key taken")
	p.requireRecorded(t, s, tk, activation.AddSeats, fixtureDay, o)

	// The retry goes through the same store, which lands the late commit
	// right after the retry's first call.
	f, _, tk, flush := failFirst(t, p, faults{late: 1}, "CN")
	o, err = f.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err, "the identical retry after a late commit")
	require.Equal(t, p.book, o.Replayed, "a Book replays the late record, a Redeemer's claim comes first")
	require.NoError(t, flush())
	p.requireRecorded(t, s, tk, activation.AddSeats, fixtureDay, o)
	p.requireRedemptions(t, firstTenant, 3)
}

// testFailUnderRace: racers retry their requests through stores that fail
// before and after commits and commit late, until the store answers. Each
// key is raced by two identical requests of one tenant and two of another:
// exactly one tenant ends with it, both its racers with its Outcome, the
// other's with ErrAlreadyRedeemed; every failure was injected.
func testFailUnderRace(t *testing.T, p *path) {
	const keys = Racers / 4
	a, b := firstTenant, "tenant-second"
	p.track(t, a, b)
	f, flush, left := p.through(faults{before: Racers / 4, after: Racers / 4, late: Racers / 4, head: 4})
	req := func(i int) (activation.Subscription, token.Token) {
		s := subscription(a)
		if i%4 >= 2 {
			s = subscription(b)
		}
		return s, tok(key(t, "FR", i/4), 1+i/4)
	}
	res := race(func(i int) (activation.Outcome, error) {
		s, tk := req(i)
		for {
			o, err := f.redeem(context.Background(), i, s, tk, activation.AddSeats, fixtureDay)
			if !errors.Is(err, ErrInjected) {
				return o, err
			}
		}
	})
	require.NoError(t, flush())
	for k := range keys {
		group := res[4*k : 4*k+4]
		won := -1
		for i, x := range group {
			switch {
			case x.err != nil:
				require.ErrorIs(t, x.err, activation.ErrAlreadyRedeemed, "racer %d", 4*k+i)
			case won == -1:
				won = i
			default:
				require.Equal(t, won/2, i/2, "key %d: both tenants hold it", k)
				require.Equal(t, normal(group[won].o), normal(x.o), "key %d: identical requests, other Outcomes", k)
			}
		}
		require.NotEqual(t, -1, won, "key %d was lost: no tenant holds it", k)
		require.NoError(t, group[won^1].err, "key %d: one of the winner's identical requests was refused", k)
		s, tk := req(4*k + won)
		p.requireRecorded(t, s, tk, activation.AddSeats, fixtureDay, group[won].o)
	}
	if p.book {
		ha, hb := history(t, p.journals[0], a), history(t, p.journals[0], b)
		requireChain(t, ha)
		requireChain(t, hb)
		require.Equal(t, 2+keys, len(ha)+len(hb), "not exactly one record per key")
	}
	require.Zero(t, left(), "not every injected failure happened")
}
