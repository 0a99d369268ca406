package ledgertest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

func testFailBefore(t *testing.T, inner activation.Ledger) {
	f := &FailingLedger{Inner: inner, FailBefore: 1}
	r := redeemer(f)
	ctx := context.Background()
	s, tk := subscription(firstTenant), tok(key(t, "FB", 1), 25)

	_, err := r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	require.NotErrorIs(t, err, activation.ErrAlreadyRedeemed)
	requireNotRecorded(t, inner, tk.Key)

	o, err := r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err, "retry after a failure before the commit")
	require.False(t, o.Replayed, "retry after a failure before the commit replayed")
	requireRecorded(t, inner, s, tk, activation.AddSeats, fixtureDay, o)
}

func testFailAfter(t *testing.T, inner activation.Ledger) {
	f := &FailingLedger{Inner: inner, FailAfter: 1}
	r := redeemer(f)
	ctx := context.Background()
	s, tk := subscription(firstTenant), tok(key(t, "FA", 1), 25)

	_, err := r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	want, err := activation.PartnerCenter().Apply(s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	requireRecorded(t, inner, s, tk, activation.AddSeats, fixtureDay, want)

	// The key is spent; retrying the identical request recovers the result.
	o, err := r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err, "retry after a failure after the commit")
	require.True(t, o.Replayed, "retry after a failure after the commit applied the key again")
	require.Equal(t, normal(want), normal(o))
	require.Equal(t, tk.Key, o.Token.Key)

	// Any other request finds the key spent.
	_, err = r.Redeem(ctx, subscription("tenant-second"), tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)
	requireRecorded(t, inner, s, tk, activation.AddSeats, fixtureDay, want)
}

// testFailUnderRace: tenants race for one key through a store that fails
// both before and after commits; each retries its identical request until
// the store answers. Exactly one tenant ends with the key.
func testFailUnderRace(t *testing.T, inner activation.Ledger) {
	f := &FailingLedger{Inner: inner, FailBefore: Racers / 2, FailAfter: Racers / 2}
	r := redeemer(f)
	tk := tok(key(t, "FR", 1), 25)
	tenant := func(i int) string { return fmt.Sprintf("tenant-%02d", i) }
	res := race(func(i int) (activation.Outcome, error) {
		for {
			o, err := r.Redeem(context.Background(), subscription(tenant(i)), tk, activation.AddSeats, fixtureDay)
			if !errors.Is(err, ErrInjected) {
				return o, err
			}
		}
	})
	winner := -1
	for i, x := range res {
		if x.err == nil {
			require.Equal(t, -1, winner, "tenants %d and %d both hold the key", winner, i)
			winner = i
			continue
		}
		require.ErrorIs(t, x.err, activation.ErrAlreadyRedeemed, "racer %d", i)
	}
	require.NotEqual(t, -1, winner, "the key was lost: no tenant holds it")
	requireRecorded(t, inner, subscription(tenant(winner)), tk, activation.AddSeats, fixtureDay, res[winner].o)
	before, after, _ := f.Remaining()
	require.Zero(t, before+after, "not every injected failure happened")
}

// testCommitLate: the store returns an error and commits afterwards; the
// identical retry replays, exactly one record.
func testCommitLate(t *testing.T, inner activation.Ledger) {
	f := &FailingLedger{Inner: inner, CommitLate: 1}
	r := redeemer(f)
	ctx := context.Background()
	s, tk := subscription(firstTenant), tok(key(t, "LC", 1), 25)
	_, err := r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	require.NoError(t, f.Flush())
	want, err := activation.PartnerCenter().Apply(s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	requireRecorded(t, inner, s, tk, activation.AddSeats, fixtureDay, want)
	o, err := r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.True(t, o.Replayed, "the retry after a late commit applied the key again")
	require.Equal(t, normal(want), normal(o))

	// The late commit lands after the retry's own claim: one record, the
	// retry's.
	f2 := &FailingLedger{Inner: inner, CommitLate: 1}
	tk2 := tok(key(t, "LC", 2), 25)
	_, err = redeemer(f2).Redeem(ctx, s, tk2, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	requireNotRecorded(t, inner, tk2.Key)
	o, err = redeemer(inner).Redeem(ctx, s, tk2, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.False(t, o.Replayed)
	require.NoError(t, f2.Flush())
	requireRecorded(t, inner, s, tk2, activation.AddSeats, fixtureDay, o)
}

func testSharedCommitLate(t *testing.T, ls [2]activation.Ledger) {
	first, second := ls[0], ls[1]
	ctx := context.Background()
	s, tk := subscription(firstTenant), tok(key(t, "S3", 1), 25)
	f := &FailingLedger{Inner: first, CommitLate: 1}
	_, err := redeemer(f).Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	require.NoError(t, f.Flush())
	// The retry goes through the other handle, as after a process restart.
	o, err := redeemer(second).Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.True(t, o.Replayed, "the retry through the other handle applied the key again")
	_, err = redeemer(second).Redeem(ctx, subscription("tenant-second"), tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)
}

func testBookFailBefore(t *testing.T, j, _ activation.Journal) {
	importFixture(t, j, firstTenant)
	f := &FailingJournal{Inner: j, FailBefore: 1}
	b := book(f)
	tk := tok(key(t, "FB", 1), 25)
	_, err := b.Redeem(context.Background(), firstTenant, product, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	require.NotErrorIs(t, err, activation.ErrAlreadyRedeemed)
	requireNotSpent(t, j, tk.Key)
	o, err := b.Redeem(context.Background(), firstTenant, product, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.False(t, o.Replayed, "the retry after a failure before the commit replayed")
	h := history(t, j, firstTenant)
	require.Equal(t, 2, len(h))
	requireChain(t, h)
}

func testBookFailAfter(t *testing.T, j, _ activation.Journal) {
	importFixture(t, j, firstTenant)
	f := &FailingJournal{Inner: j, FailAfter: 1}
	b := book(f)
	tk := tok(key(t, "FA", 1), 25)
	_, err := b.Redeem(context.Background(), firstTenant, product, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	rec, ok, err := j.Lookup(context.Background(), tk.Key.Fingerprint())
	require.NoError(t, err)
	require.True(t, ok, "the commit before the failure is not there")

	// Another key moves the subscription on; the identical retry still
	// replays, and any other request is ErrAlreadyRedeemed.
	_, err = b.Redeem(context.Background(), firstTenant, product, tok(key(t, "FA", 2), 5), activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	o, err := b.Redeem(context.Background(), firstTenant, product, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err, "the identical retry after a failure after the commit")
	require.True(t, o.Replayed, "the identical retry applied the key again")
	require.Equal(t, normal(rec.Outcome), normal(o))
	_, err = b.Redeem(context.Background(), firstTenant, product, tk, activation.ExtendEnd, fixtureDay)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)
	h := history(t, j, firstTenant)
	require.Equal(t, 3, len(h))
	requireChain(t, h)

	// An import whose commit was hidden: the identical retry finds it at the
	// head and records nothing more.
	fi := &FailingJournal{Inner: j, FailAfter: 1}
	corrected := subscription(firstTenant)
	corrected.Seats = 7
	require.ErrorIs(t, book(fi).Import(context.Background(), corrected, fixtureDay), ErrInjected)
	require.NoError(t, book(fi).Import(context.Background(), corrected, fixtureDay))
	h = history(t, j, firstTenant)
	require.Equal(t, 4, len(h), "the retried import was recorded twice or not at all")
	requireChain(t, h)
}

func testBookCommitLate(t *testing.T, j, _ activation.Journal) {
	importFixture(t, j, firstTenant)
	f := &FailingJournal{Inner: j, CommitLate: 1}
	b := book(f)
	tk := tok(key(t, "CL", 1), 25)
	_, err := b.Redeem(context.Background(), firstTenant, product, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	// The retry reads the head before the late commit lands, computes on it,
	// and finds its own record at the place or under the key.
	o, err := b.Redeem(context.Background(), firstTenant, product, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err, "the identical retry after a late commit")
	require.True(t, o.Replayed, "the key was applied by the late commit and again by the retry")
	h := history(t, j, firstTenant)
	require.Equal(t, 2, len(h), "not exactly one applied record")
	requireChain(t, h)

	// A late commit that lands after the retry's own append: the retry
	// applied it, the late one finds the key taken.
	f2 := &FailingJournal{Inner: j, CommitLate: 1}
	b2 := book(f2)
	tk2 := tok(key(t, "CL", 2), 25)
	_, err = b2.Redeem(context.Background(), firstTenant, product, tk2, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	o, err = book(j).Redeem(context.Background(), firstTenant, product, tk2, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.False(t, o.Replayed)
	require.NoError(t, f2.Flush(), "the late commit must not fail, only find its place or key taken")
	h = history(t, j, firstTenant)
	require.Equal(t, 3, len(h), "not exactly one applied record")
	requireChain(t, h)
}

func testBookFailUnderRace(t *testing.T, handles []activation.Journal) {
	importFixture(t, handles[0], firstTenant)
	fs := make([]*FailingJournal, len(handles))
	for i, h := range handles {
		fs[i] = &FailingJournal{Inner: h, FailBefore: Racers / 4, FailAfter: Racers / 4, CommitLate: Racers / 4, FailHead: 4}
	}
	keys := make([]token.Key, Racers)
	for i := range keys {
		keys[i] = key(t, "FR", i%(Racers/2)) // two racers per key, from two tenants' requests
	}
	res := race(func(i int) (activation.Outcome, error) {
		b := book(fs[i%len(fs)])
		for {
			o, err := b.Redeem(context.Background(), firstTenant, product, tok(keys[i], 1+i%(Racers/2)), activation.AddSeats, fixtureDay)
			if !errors.Is(err, ErrInjected) {
				return o, err
			}
		}
	})
	for _, f := range fs {
		require.NoError(t, f.Flush())
	}
	applied := map[token.Key]int{}
	for i, x := range res {
		require.NoError(t, x.err, "racer %d", i)
		if !x.o.Replayed {
			applied[keys[i]]++
		}
	}
	h := history(t, handles[0], firstTenant)
	requireChain(t, h)
	require.Equal(t, 1+Racers/2, len(h), "not exactly one record per key")
	for k, n := range applied {
		require.LessOrEqual(t, n, 1, "key %v applied %d times", k, n)
	}
}
