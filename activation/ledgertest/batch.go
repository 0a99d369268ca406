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

// batchCases are the cases of a [activation.BatchJournal]: [RunJournal]
// runs them on a store that is one and skips them otherwise.
var batchCases = map[string]func(*testing.T, [2]activation.Journal){
	"BatchAppend":              testBatchAppend,
	"BatchTwoSharingAKey":      testBatchSharedKey,
	"BatchRacesSingles":        testBatchRacesSingles,
	"BatchStoreFailsBefore":    testBatchFailBefore,
	"BatchStoreFailsAfter":     testBatchFailAfter,
	"ReplaceOnceUnderRace":     testReplaceRace,
	"ReplaceFailsAfterCommit":  testReplaceFailAfter,
	"ReplaceRefusedAfterLater": testReplaceAfterLater,
}

// AppendBatch implements [activation.BatchJournal] when Inner is one; a
// batch passes FailBefore and FailAfter as one Append does (CommitLate
// counts Appends only). Otherwise it is an error.
func (f *FailingJournal) AppendBatch(ctx context.Context, recs []activation.Record) (activation.Conflict, error) {
	bj, ok := f.Inner.(activation.BatchJournal)
	if !ok {
		return activation.Conflict{}, errors.New("ledgertest: FailingJournal: Inner is not a BatchJournal")
	}
	if f.take(&f.FailBefore) {
		return activation.Conflict{}, fmt.Errorf("ledgertest: append batch failed before commit: %w", injected(f.Err))
	}
	defer f.Flush()
	c, err := bj.AppendBatch(ctx, recs)
	if err == nil && f.take(&f.FailAfter) {
		return activation.Conflict{}, fmt.Errorf("ledgertest: append batch failed after commit: %w", injected(f.Err))
	}
	return c, err
}

// batchJournals returns js as BatchJournals, or skips the case.
func batchJournals(t *testing.T, js [2]activation.Journal) [2]activation.BatchJournal {
	t.Helper()
	var out [2]activation.BatchJournal
	for i, j := range js {
		bj, ok := j.(activation.BatchJournal)
		if !ok {
			t.Skip("the Journal is not a BatchJournal")
		}
		out[i] = bj
	}
	return out
}

func toks(t *testing.T, g string, seats int, ns ...int) []token.Token {
	ts := make([]token.Token, len(ns))
	for i, n := range ns {
		ts[i] = tok(key(t, g, n), seats)
	}
	return ts
}

// requireSpent requires that the keys of ts are spent, or none is.
func requireSpent(t *testing.T, j activation.Journal, spent bool, ts ...token.Token) {
	t.Helper()
	for _, tk := range ts {
		_, ok, err := j.Lookup(context.Background(), tk.Key.Fingerprint())
		require.NoError(t, err)
		require.Equal(t, spent, ok, "key %v spent", tk.Key)
	}
}

func testBatchAppend(t *testing.T, js [2]activation.Journal) {
	bj := batchJournals(t, js)[0]
	ctx := context.Background()
	k1, k2, k3 := key(t, "BA", 1), key(t, "BA", 2), key(t, "BA", 3)
	imp := place(firstTenant, 1, token.Key{}, 100)
	requireAppend(t, bj, imp, activation.NothingTaken, imp)
	r2 := place(firstTenant, 2, k1, 125)
	requireAppend(t, bj, r2, activation.NothingTaken, r2)

	c, err := bj.AppendBatch(ctx, []activation.Record{place(firstTenant, 3, k2, 1), place(firstTenant, 4, k1, 2)})
	require.NoError(t, err)
	require.Equal(t, activation.KeyTaken, c.Taken)
	require.Equal(t, 1, c.Index)
	require.Equal(t, utc(r2), utc(c.Stored))
	c, err = bj.AppendBatch(ctx, []activation.Record{place(firstTenant, 2, k2, 1), place(firstTenant, 3, k3, 2)})
	require.NoError(t, err)
	require.Equal(t, activation.PlaceTaken, c.Taken)
	require.Equal(t, 0, c.Index)
	require.Equal(t, utc(r2), utc(c.Stored))
	_, err = bj.AppendBatch(ctx, []activation.Record{place(firstTenant, 4, k2, 1)})
	require.ErrorIs(t, err, activation.ErrGap)
	_, err = bj.AppendBatch(ctx, []activation.Record{place(firstTenant, 3, k2, 1), place(firstTenant, 3, k3, 1)})
	require.Error(t, err, "two records at one place")
	_, err = bj.AppendBatch(ctx, nil)
	require.Error(t, err, "an empty batch")
	requireSpent(t, bj, false, tok(k2, 1), tok(k3, 1))

	b1, b2 := place(firstTenant, 3, k2, 1), place(firstTenant, 4, k3, 2)
	c, err = bj.AppendBatch(ctx, []activation.Record{b1, b2})
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, c.Taken)
	require.Equal(t, utcAll([]activation.Record{imp, r2, b1, b2}), utcAll(history(t, bj, firstTenant)))
}

// testBatchSharedKey races two batches that share a key, spread over both
// handles: one batch wins whole, the other spends nothing.
func testBatchSharedKey(t *testing.T, js [2]activation.Journal) {
	batchJournals(t, js)
	ctx := context.Background()
	a, b := toks(t, "BS", 1, 1, 3, 2), toks(t, "BS", 1, 4, 3, 5)
	importFixture(t, js[0], "tenant-0")
	importFixture(t, js[0], "tenant-1")
	books := [2]*activation.Book{book(js[0]), book(js[1])}
	res := raceAll(func(i int) error {
		ts := a
		if i%2 == 1 {
			ts = b
		}
		_, err := books[i/2%2].RedeemAll(ctx, fmt.Sprint("tenant-", i%2), product, ts, activation.AddSeats, fixtureDay)
		return err
	})
	won := [2]bool{}
	for i, err := range res {
		if err == nil {
			won[i%2] = true
			continue
		}
		require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, "racer %d", i)
	}
	require.True(t, won[0] != won[1], "exactly one batch wins: %v", won)
	winner, loser := a, b
	if won[1] {
		winner, loser = b, a
	}
	requireSpent(t, js[0], true, winner...)
	requireSpent(t, js[1], false, loser[0], loser[2])
}

// testBatchRacesSingles races a batch against single redemptions of its
// middle key in other subscriptions: the key is spent once, and the batch
// whole or not at all.
func testBatchRacesSingles(t *testing.T, js [2]activation.Journal) {
	batchJournals(t, js)
	ctx := context.Background()
	ts := toks(t, "BR", 1, 1, 2, 3, 4, 5)
	importFixture(t, js[0], "tenant-batch")
	books := [2]*activation.Book{book(js[0]), book(js[1])}
	res := race(func(i int) (activation.Outcome, error) {
		bk := books[i%2]
		if i%8 == 0 {
			out, err := bk.RedeemAll(ctx, "tenant-batch", product, ts, activation.AddSeats, fixtureDay)
			if err != nil {
				return activation.Outcome{}, err
			}
			return out[2], nil
		}
		return bk.Redeem(ctx, fmt.Sprint("tenant-", i), product, ts[2], activation.Activate, fixtureDay)
	})
	applied := -1
	for i, x := range res {
		switch {
		case x.err != nil:
			require.ErrorIs(t, x.err, activation.ErrAlreadyRedeemed, "racer %d", i)
		case x.o.Replayed:
			require.Zero(t, i%8, "racer %d replayed, but only the identical batch does", i)
		default:
			require.Equal(t, -1, applied, "racers %d and %d both spent the key", applied, i)
			applied = i
		}
	}
	require.NotEqual(t, -1, applied, "nobody spent the key")
	requireSpent(t, js[0], applied%8 == 0, ts[0], ts[1], ts[3], ts[4])
}

// cutBatch redeems keys g 1 … 3 as one batch on an imported subscription
// through a FailingJournal over js[0] that fails once (before or after
// commit): the injected error, and the keys.
func cutBatch(t *testing.T, js [2]activation.Journal, g string, f *FailingJournal) []token.Token {
	t.Helper()
	batchJournals(t, js)
	f.Inner = js[0]
	ts := toks(t, g, 10, 1, 2, 3)
	importFixture(t, js[0], firstTenant)
	_, err := book(f).RedeemAll(context.Background(), firstTenant, product, ts, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	return ts
}

func testBatchFailBefore(t *testing.T, js [2]activation.Journal) {
	f := &FailingJournal{FailBefore: 1}
	ts := cutBatch(t, js, "BF", f)
	requireSpent(t, js[0], false, ts...)
	out, err := book(f).RedeemAll(context.Background(), firstTenant, product, ts, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.False(t, out[2].Replayed)
	require.Len(t, history(t, js[0], firstTenant), 4)
}

// testBatchFailAfter: a batch stored whose reply was lost converges on one
// copy: the identical retry replays it whole.
func testBatchFailAfter(t *testing.T, js [2]activation.Journal) {
	ts := cutBatch(t, js, "BC", &FailingJournal{FailAfter: 1})
	requireSpent(t, js[1], true, ts...)
	out, err := book(js[1]).RedeemAll(context.Background(), firstTenant, product, ts, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	for i := range out {
		require.True(t, out[i].Replayed, "key %d", i+1)
	}
	h := history(t, js[0], firstTenant)
	require.Len(t, h, 4)
	requireChain(t, h)
}
