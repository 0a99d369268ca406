package ledgertest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// testBookImports: imports are records with no key; one equal to the head
// records nothing, one before the last record or under a done context is
// refused, and the identical retry of one whose commit was hidden records it
// once.
func testBookImports(t *testing.T, js [2]activation.Journal) {
	ctx := context.Background()
	j := js[0]
	b := book(j)
	s := subscription(firstTenant)
	require.NoError(t, b.Import(ctx, s, fixtureDay))
	require.NoError(t, b.Import(ctx, s, fixtureDay.AddDate(0, 0, 1)), "an import equal to the head")
	s.Seats = 120
	require.NoError(t, b.Import(ctx, s, fixtureDay.AddDate(0, 0, 2)))
	h := history(t, j, firstTenant)
	require.Equal(t, 2, len(h), "an import equal to the head recorded something")
	requireChain(t, h)
	for _, rec := range h {
		require.Equal(t, activation.Import, rec.Outcome.Op)
		require.True(t, rec.Fingerprint.IsZero())
	}
	got, ok, err := b.Subscription(ctx, firstTenant, product)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, s, got)
	require.Error(t, b.Import(ctx, subscription(firstTenant), fixtureDay), "an import before the last record")

	done, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, b.Import(done, subscription("tenant-second"), fixtureDay), context.Canceled)
	require.Empty(t, history(t, j, "tenant-second"), "an import under a done context recorded")

	fi := &FailingJournal{Inner: j, FailAfter: 1}
	s.Seats = 7
	require.ErrorIs(t, book(fi).Import(ctx, s, fixtureDay.AddDate(0, 0, 2)), ErrInjected)
	require.NoError(t, book(fi).Import(ctx, s, fixtureDay.AddDate(0, 0, 2)))
	h = history(t, j, firstTenant)
	require.Equal(t, 3, len(h), "the retried import was recorded twice or not at all")
	requireChain(t, h)
}

// testLedgerAndJournal: a store that is both has one set of spent keys: a
// key claimed through a Redeemer is spent for a Book and the other way
// round, and of the two racing for one key exactly one wins.
func testLedgerAndJournal(t *testing.T, js [2]activation.Journal) {
	l1, ok1 := js[0].(activation.Ledger)
	l2, ok2 := js[1].(activation.Ledger)
	if !ok1 || !ok2 {
		t.Skip("the store is not also a Ledger")
	}
	ctx := context.Background()
	importFixture(t, js[0], firstTenant)
	s := subscription(firstTenant)

	k1 := tok(key(t, "LJ", 1), 25)
	_, err := redeemer(l1).Redeem(ctx, s, k1, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	_, err = book(js[1]).Redeem(ctx, firstTenant, product, k1, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, "a key claimed through a Redeemer was redeemed through a Book")
	rec, ok, err := book(js[0]).Lookup(ctx, k1.Key)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, int64(0), rec.Seq, "a Ledger claim has Seq 0")

	k2 := tok(key(t, "LJ", 2), 25)
	_, err = book(js[0]).Redeem(ctx, firstTenant, product, k2, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	_, err = redeemer(l2).Redeem(ctx, s, k2, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, "a key redeemed through a Book was claimed through a Redeemer")

	k3 := tok(key(t, "LJ", 3), 25)
	res := race(func(i int) (activation.Outcome, error) {
		if i%2 == 0 {
			return redeemer(l1).Redeem(ctx, subscription(tenant(i)), k3, activation.AddSeats, fixtureDay)
		}
		return book(js[1]).Redeem(ctx, firstTenant, product, k3, activation.AddSeats, fixtureDay)
	})
	won := 0
	for i, x := range res {
		switch {
		case x.err == nil && !x.o.Replayed:
			won++
		case x.err == nil: // a Book racer replaying the Book winner
			require.Equal(t, 1, i%2, "a Redeemer replayed a Book's record")
		default:
			require.ErrorIs(t, x.err, activation.ErrAlreadyRedeemed, "racer %d", i)
		}
	}
	require.Equal(t, 1, won, "the key was applied %d times", won)

	h := history(t, js[0], firstTenant)
	requireChain(t, h)
	for _, rec := range h {
		require.NotEqual(t, k1.Key.Fingerprint(), rec.Fingerprint, "a Ledger claim appears in a history")
	}
}
