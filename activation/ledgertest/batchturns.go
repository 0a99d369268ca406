package ledgertest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// batchTurnCases are the cases of a store that is an
// [activation.BatchTurnJournal].
var batchTurnCases = map[string]func(*testing.T, [2]activation.BatchTurnJournal){
	"BatchTurnAppends":     testBatchTurnAppends,
	"BatchTurnNextRefuses": testBatchTurnNextRefuses,
	"BatchTurnsQueue":      testBatchTurnsQueue,
}

// runBatchTurns runs batchTurnCases if the store is a BatchTurnJournal
// (both handles).
func runBatchTurns(t *testing.T, opened func(*testing.T) [2]activation.Journal) {
	t.Helper()
	runAs(t, batchTurnCases, opened, "a BatchTurnJournal")
}

// otherTurnTenant is a tenant whose turn no case takes.
const otherTurnTenant = "tenant-other-turn"

// batchAfter returns the records of keys at the places after head (Seq 1
// on none), one seat more each.
func batchAfter(head activation.Record, ok bool, keys []token.Key) []activation.Record {
	seq := int64(1)
	if ok {
		seq = head.Seq + 1
	}
	recs := make([]activation.Record, len(keys))
	for i, k := range keys {
		recs[i] = place(firstTenant, seq+int64(i), k, 100+int(seq)+i)
	}
	return recs
}

// AppendBatchInTurn reads the head (none at first), appends the batch next
// returns, and reports a taken key as AppendBatch does, storing nothing.
func testBatchTurnAppends(t *testing.T, js [2]activation.BatchTurnJournal) {
	ctx := context.Background()
	k1, k2, k3 := key(t, "BT", 1), key(t, "BT", 2), key(t, "BT", 3)
	var first []activation.Record
	c, err := js[0].AppendBatchInTurn(ctx, firstTenant, product, func(head activation.Record, ok bool) ([]activation.Record, error) {
		require.False(t, ok, "a head on an empty journal")
		first = append([]activation.Record{place(firstTenant, 1, token.Key{}, 100)}, batchAfter(place(firstTenant, 1, token.Key{}, 100), true, []token.Key{k1})...)
		return first, nil
	})
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, c.Taken)
	var read activation.Record
	c, err = js[1].AppendBatchInTurn(ctx, firstTenant, product, func(head activation.Record, ok bool) ([]activation.Record, error) {
		require.True(t, ok)
		read = head
		return batchAfter(head, ok, []token.Key{k2, k1, k3}), nil
	})
	require.NoError(t, err)
	require.Equal(t, utc(first[1]), utc(read), "the head read in the turn")
	require.Equal(t, activation.KeyTaken, c.Taken, "k1 is spent")
	require.Equal(t, 1, c.Index)
	require.Equal(t, utc(first[1]), utc(c.Stored))
	requireSpent(t, js[0], false, tok(k2, 1), tok(k3, 1))
	require.Equal(t, utcAll(first), utcAll(history(t, js[0], firstTenant)))
}

// An error of next is returned as it is, and a batch the store refuses (an
// empty one, one of another subscription) is refused: nothing is stored.
func testBatchTurnNextRefuses(t *testing.T, js [2]activation.BatchTurnJournal) {
	ctx := context.Background()
	why := errors.New("refused by the caller")
	_, err := js[0].AppendBatchInTurn(ctx, firstTenant, product, func(activation.Record, bool) ([]activation.Record, error) {
		return nil, why
	})
	require.ErrorIs(t, err, why)
	_, err = js[0].AppendBatchInTurn(ctx, firstTenant, product, func(activation.Record, bool) ([]activation.Record, error) {
		return nil, nil
	})
	require.Error(t, err, "an empty batch")
	other := place(otherTurnTenant, 1, token.Key{}, 100)
	_, err = js[0].AppendBatchInTurn(ctx, firstTenant, product, func(activation.Record, bool) ([]activation.Record, error) {
		return []activation.Record{other}, nil
	})
	require.Error(t, err, "a batch of another subscription than its turn")
	for _, tenant := range []string{firstTenant, otherTurnTenant} {
		_, ok, err := js[0].Head(ctx, tenant, product)
		require.NoError(t, err)
		require.False(t, ok, "a refused turn stored a record")
	}
}

// Concurrent batches in turns on one subscription, through both handles,
// each appended after the head it read: every one stores, none finds its
// place taken, and the history is Seq 1 … n without a gap.
func testBatchTurnsQueue(t *testing.T, js [2]activation.BatchTurnJournal) {
	ctx := context.Background()
	const n, size = 12, 3
	var wg sync.WaitGroup
	cs := make([]activation.Conflict, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			keys := make([]token.Key, size)
			for k := range keys {
				keys[k] = key(t, "BQ", i*size+k)
			}
			cs[i], errs[i] = js[i%2].AppendBatchInTurn(ctx, firstTenant, product, func(head activation.Record, ok bool) ([]activation.Record, error) {
				return batchAfter(head, ok, keys), nil
			})
		})
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i], "batch %d", i)
		require.Equal(t, activation.NothingTaken, cs[i].Taken, "batch %d lost a race in its turn", i)
	}
	h := history(t, js[0], firstTenant)
	require.Len(t, h, n*size)
	for i, rec := range h {
		require.EqualValues(t, i+1, rec.Seq)
	}
}
