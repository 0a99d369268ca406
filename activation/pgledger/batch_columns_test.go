package pgledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func batchKey(t *testing.T, s string) token.Key {
	k, err := token.ParseKey(s)
	require.NoError(t, err)
	return k
}

// A batch and a replacement fill the columns people read in psql (the
// key's seats, the explanation) as a single redemption does, Verify finds
// nothing wrong, and their records exported and loaded into another store
// keep the replacement's once-claim there.
func TestBatchAndReplacementColumns(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC) }
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: s}
	k1, k2, k3, k4 := batchKey(t, "BATC1-AAAAA-AAAAA-AAAAA-AAAA1"), batchKey(t, "BATC2-AAAAA-AAAAA-AAAAA-AAAA2"),
		batchKey(t, "BATC3-AAAAA-AAAAA-AAAAA-AAAA3"), batchKey(t, "BATC4-AAAAA-AAAAA-AAAAA-AAAA4")
	_, err := b.RedeemAll(ctx, "contoso", "M365-E3", []token.Token{{Key: k1, Product: "M365-E3", Seats: 10}}, activation.Activate, day(1))
	require.NoError(t, err)
	_, err = b.Replace(ctx, k1, token.Token{Key: k2, Product: "M365-E3", Seats: 12}, day(5))
	require.NoError(t, err)
	_, err = b.RedeemAll(ctx, "contoso", "M365-E3", []token.Token{{Key: k3, Product: "M365-E3", Seats: 4}, {Key: k4, Product: "M365-E3", Seats: 6}},
		activation.AddSeats, day(6))
	require.NoError(t, err)

	rows, err := s.Pool().Query(ctx, `SELECT seq, key_seats, explanation, replaces_tail FROM coterm_records ORDER BY seq`)
	require.NoError(t, err)
	var seats []int64
	for rows.Next() {
		var seq, ks int64
		var expl string
		var rep *string
		require.NoError(t, rows.Scan(&seq, &ks, &expl, &rep))
		seats = append(seats, ks)
		assert.NotEmpty(t, expl, "record %d", seq)
		assert.NotContains(t, expl, "BATC", "record %d: no key in the explanation", seq)
		assert.Equal(t, seq == 2, rep != nil, "record %d: only the replacement names a replaced key", seq)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []int64{10, 12, 4, 6}, seats)
	found, _ := storeVerify(t, s)
	assert.Empty(t, found)

	var recs []activation.Record
	_, err = s.Export(ctx, func(r activation.Record) error { recs = append(recs, r); return nil })
	require.NoError(t, err)
	other := newStore(t)
	_, err = other.LoadRecords(ctx, func(yield func(activation.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	})
	require.NoError(t, err)
	assert.Equal(t, tableBytes(t, s), tableBytes(t, other), "the same rows, replacement columns included")
	found, _ = storeVerify(t, other)
	assert.Empty(t, found)
}
