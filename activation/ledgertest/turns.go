package ledgertest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// turnCases are the cases of a store that is an [activation.TurnJournal].
var turnCases = map[string]func(*testing.T, [2]activation.TurnJournal){
	"TurnAppends":     testTurnAppends,
	"TurnNextRefuses": testTurnNextRefuses,
	"TurnsQueue":      testTurnsQueue,
}

// runTurns runs turnCases if the store is a TurnJournal (both handles).
func runTurns(t *testing.T, opened func(*testing.T) [2]activation.Journal) {
	t.Helper()
	runAs(t, turnCases, opened, "a TurnJournal")
}

// runAs runs cases if both handles of the store are a J, and skips them
// otherwise (what names J).
func runAs[J activation.Journal](t *testing.T, cases map[string]func(*testing.T, [2]J), opened func(*testing.T) [2]activation.Journal, what string) {
	t.Helper()
	run(t, cases, func(t *testing.T) [2]J {
		js := opened(t)
		first, ok1 := js[0].(J)
		second, ok2 := js[1].(J)
		if !ok1 || !ok2 {
			t.Skip("not " + what)
		}
		return [2]J{first, second}
	})
}

// appendNext returns a next function that appends rec at the place after
// the head it is given (Seq 1 on none), and counts its calls.
func appendNext(rec activation.Record, calls *atomic.Int64) func(activation.Record, bool) (activation.Record, error) {
	return func(head activation.Record, ok bool) (activation.Record, error) {
		calls.Add(1)
		rec.Seq = 1
		if ok {
			rec.Seq = head.Seq + 1
		}
		return rec, nil
	}
}

// AppendInTurn reads the head (none at first), appends what next returns at
// the place next chose, and answers a taken key as Append does.
func testTurnAppends(t *testing.T, js [2]activation.TurnJournal) {
	j := js[0]
	ctx := context.Background()
	var calls atomic.Int64
	imp := place(firstTenant, 1, token.Key{}, 100)
	stored, taken, err := j.AppendInTurn(ctx, firstTenant, product, func(head activation.Record, ok bool) (activation.Record, error) {
		require.False(t, ok, "a head on an empty journal")
		return imp, nil
	})
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)
	require.Equal(t, utc(imp), utc(stored))

	k := key(t, "TA", 1)
	r2 := place(firstTenant, 2, k, 125)
	stored, taken, err = j.AppendInTurn(ctx, firstTenant, product, func(head activation.Record, ok bool) (activation.Record, error) {
		calls.Add(1)
		require.True(t, ok)
		require.Equal(t, utc(imp), utc(head), "the head read in the turn")
		return r2, nil
	})
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)
	require.Equal(t, utc(r2), utc(stored))
	stored, taken, err = js[1].AppendInTurn(ctx, firstTenant, product, appendNext(place(firstTenant, 0, k, 150), &calls))
	require.NoError(t, err)
	require.Equal(t, activation.KeyTaken, taken, "the key is spent")
	require.Equal(t, utc(r2), utc(stored))
	head, _, err := j.Head(ctx, firstTenant, product)
	require.NoError(t, err)
	require.EqualValues(t, 2, head.Seq)
	require.EqualValues(t, 2, calls.Load())
}

// An error of next is returned as it is, and a record the store refuses
// (one that holds a key) is refused: nothing is stored either way.
func testTurnNextRefuses(t *testing.T, js [2]activation.TurnJournal) {
	j := js[0]
	ctx := context.Background()
	why := errors.New("refused by the caller")
	_, _, err := j.AppendInTurn(ctx, firstTenant, product, func(activation.Record, bool) (activation.Record, error) {
		return activation.Record{}, why
	})
	require.ErrorIs(t, err, why)
	bad := place(firstTenant, 1, key(t, "TN", 1), 100)
	bad.Outcome.Token.Key = key(t, "TN", 1)
	_, _, err = j.AppendInTurn(ctx, firstTenant, product, func(activation.Record, bool) (activation.Record, error) {
		return bad, nil
	})
	require.ErrorIs(t, err, activation.ErrInvalid)
	_, ok, err := j.Head(ctx, firstTenant, product)
	require.NoError(t, err)
	require.False(t, ok, "a refused turn stored a record")
}

// Concurrent turns on one subscription, through both handles, each
// appending after the head it read: every one stores, none finds its place
// taken, and the history is Seq 1 … n.
func testTurnsQueue(t *testing.T, js [2]activation.TurnJournal) {
	ctx := context.Background()
	const n = 16
	var calls atomic.Int64
	var wg sync.WaitGroup
	takens := make([]activation.Taken, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			rec := place(firstTenant, 0, key(t, "TQ", i), 100+i)
			_, takens[i], errs[i] = js[i%2].AppendInTurn(ctx, firstTenant, product, appendNext(rec, &calls))
		})
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i], "turn %d", i)
		require.Equal(t, activation.NothingTaken, takens[i], "turn %d lost a race in its turn", i)
	}
	h, err := js[0].History(ctx, firstTenant, product, 0, 2*n)
	require.NoError(t, err)
	require.Len(t, h, n)
	for i, rec := range h {
		require.EqualValues(t, i+1, rec.Seq)
	}
}
