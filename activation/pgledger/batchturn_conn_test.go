package pgledger_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// TestBatchTurnLeavesItsConnectionUsable: on a pool of one connection,
// batches in turns that store nothing — a key taken (the insert fails in
// the pipeline before its COMMIT), a gap (the insert stores no row and
// COMMIT ends the transaction), next refused — each answer as they should,
// and the connection serves the next turn, which stores.
func TestBatchTurnLeavesItsConnectionUsable(t *testing.T) {
	needDB(t)
	ctx := context.Background()
	s := openStore(t, freshSchema(t), map[string]string{"pool_max_conns": "1"})
	require.NoError(t, (&activation.Book{Policy: activation.PartnerCenter(), Journal: s}).Import(ctx, testSubscription("contoso"), testDay))
	spent := testKey(t, "CONN", 0)
	turn := func(build func(h activation.Record) ([]activation.Record, error)) (activation.Conflict, error) {
		return s.AppendBatchInTurn(ctx, "contoso", "M365-E3", func(h activation.Record, _ bool) ([]activation.Record, error) {
			return build(h)
		})
	}
	c, err := turn(func(h activation.Record) ([]activation.Record, error) {
		return []activation.Record{redemptionAfter(t, h, spent)}, nil
	})
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, c.Taken)
	for i := range 3 {
		c, err = turn(func(h activation.Record) ([]activation.Record, error) {
			first := redemptionAfter(t, h, testKey(t, "CONN", 10+i))
			second := redemptionAfter(t, first, spent)
			return []activation.Record{first, second}, nil
		})
		require.NoError(t, err)
		require.Equal(t, activation.KeyTaken, c.Taken)
		require.Equal(t, 1, c.Index)

		_, err = turn(func(h activation.Record) ([]activation.Record, error) {
			gap := h
			gap.Seq++ // the batch starts one place too far
			return []activation.Record{redemptionAfter(t, gap, testKey(t, "CONN", 20+i))}, nil
		})
		require.ErrorIs(t, err, activation.ErrGap)

		why := errors.New("refused")
		_, err = turn(func(activation.Record) ([]activation.Record, error) { return nil, why })
		require.ErrorIs(t, err, why)
	}
	c, err = turn(func(h activation.Record) ([]activation.Record, error) {
		return []activation.Record{redemptionAfter(t, h, testKey(t, "CONN", 1))}, nil
	})
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, c.Taken)
	h, err := s.History(ctx, "contoso", "M365-E3", 0, 10)
	require.NoError(t, err)
	require.Len(t, h, 3)
	for i, rec := range h {
		require.EqualValues(t, i+1, rec.Seq)
	}
	require.Equal(t, 0, rowsOf(t, s, testKey(t, "CONN", 10).Fingerprint()))
}
