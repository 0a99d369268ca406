package ledgertest

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

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
	ctx := context.Background()
	p.track(t, firstTenant)
	f, _, _ := p.through(faults{before: 1})
	s, tk := subscription(firstTenant), tok(key(t, "FB", 1), 25)
	_, err := f.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	require.NotErrorIs(t, err, activation.ErrAlreadyRedeemed)
	p.requireNotRecorded(t, tk.Key)

	o, err := f.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
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
	f, _, _ := p.through(faults{after: 1})
	s, tk := subscription(firstTenant), tok(key(t, "FA", 1), 25)
	_, err := f.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	want := apply(t, s, tk, activation.AddSeats)
	p.requireRecorded(t, s, tk, activation.AddSeats, fixtureDay, want)

	_, err = f.redeem(ctx, 0, s, tok(key(t, "FA", 2), 5), activation.AddSeats, fixtureDay)
	require.NoError(t, err, "another key")
	o, err := f.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err, "retry after a failure after the commit")
	require.True(t, o.Replayed, "retry after a failure after the commit applied the key again")
	require.Equal(t, normal(want), normal(o))
	require.Equal(t, tk.Key, o.Token.Key)

	_, err = f.redeem(ctx, 0, subscription("tenant-second"), tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, "another tenant")
	_, err = f.redeem(ctx, 0, s, tk, activation.ExtendEnd, fixtureDay)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, "another operation")
	p.requireRecorded(t, s, tk, activation.AddSeats, fixtureDay, want)
	p.requireRedemptions(t, firstTenant, 2)
}

// testCommitLate: the store returns an error and commits afterwards. Retried
// after the late commit landed, the identical request replays; retried
// before, exactly one of the two is recorded (a Book reads the head first,
// so it finds the late record and replays it; a Redeemer claims first and
// the late commit finds the key spent).
func testCommitLate(t *testing.T, p *path) {
	ctx := context.Background()
	p.track(t, firstTenant)
	s := subscription(firstTenant)

	f, flush, _ := p.through(faults{late: 1})
	tk := tok(key(t, "CL", 1), 25)
	_, err := f.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	require.NoError(t, flush())
	want := apply(t, s, tk, activation.AddSeats)
	p.requireRecorded(t, s, tk, activation.AddSeats, fixtureDay, want)
	o, err := f.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.True(t, o.Replayed, "the retry after a late commit applied the key again")
	require.Equal(t, normal(want), normal(o))

	// The late commit lands after the retry's own record: one record, the
	// retry's.
	f, flush, _ = p.through(faults{late: 1})
	tk = tok(key(t, "CL", 2), 25)
	_, err = f.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	p.requireNotRecorded(t, tk.Key)
	o, err = p.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.False(t, o.Replayed)
	require.NoError(t, flush(), "the late commit must not fail, only find its place or key taken")
	p.requireRecorded(t, s, tk, activation.AddSeats, fixtureDay, o)

	// The retry goes through the same store, which lands the late commit
	// right after the retry's first call.
	f, flush, _ = p.through(faults{late: 1})
	tk = tok(key(t, "CL", 3), 25)
	_, err = f.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	o, err = f.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err, "the identical retry after a late commit")
	require.Equal(t, p.book, o.Replayed, "a Book replays the late record, a Redeemer's claim comes first")
	require.NoError(t, flush())
	p.requireRecorded(t, s, tk, activation.AddSeats, fixtureDay, o)
	p.requireRedemptions(t, firstTenant, 3)
}

// testCommitLateSeenByOther: a late commit through the first handle is seen
// by a retry through the second, as after a process restart.
func testCommitLateSeenByOther(t *testing.T, p *path) {
	ctx := context.Background()
	p.track(t, firstTenant)
	s, tk := subscription(firstTenant), tok(key(t, "S3", 1), 25)
	f, flush, _ := p.through(faults{late: 1})
	_, err := f.redeem(ctx, 0, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	require.NoError(t, flush())
	o, err := p.redeem(ctx, 1, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.True(t, o.Replayed, "the retry through the other handle applied the key again")
	_, err = p.redeem(ctx, 1, subscription("tenant-second"), tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)
	p.requireRedemptions(t, firstTenant, 1)
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
