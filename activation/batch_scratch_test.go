package activation_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// keepingJournal is a BatchJournal that keeps the very slices of records
// it is given, as a store may: a Book must not write to them afterwards.
type keepingJournal struct {
	*activation.MemoryJournal
	mu   sync.Mutex
	kept [][]activation.Record
	seen [][]activation.Record // a copy of each, as given
}

func (k *keepingJournal) AppendBatch(ctx context.Context, recs []activation.Record) (activation.Conflict, error) {
	k.mu.Lock()
	k.kept, k.seen = append(k.kept, recs), append(k.seen, append([]activation.Record(nil), recs...))
	k.mu.Unlock()
	return k.MemoryJournal.AppendBatch(ctx, recs)
}

// TestRedeemAllLeavesGivenRecords: a batch's records handed to a
// BatchJournal that keeps them stay as they were given while other batches
// are redeemed, and a MemoryJournal holds every batch as it was made,
// though a Book computes its batches in memory it uses again.
func TestRedeemAllLeavesGivenRecords(t *testing.T) {
	ctx, at := context.Background(), bkDate(2026, 11, 1)
	for _, keeps := range []bool{true, false} {
		mem := activation.NewMemoryJournal()
		var j activation.Journal = mem
		kj := &keepingJournal{MemoryJournal: mem}
		if keeps {
			j = kj
		}
		b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
		_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 100, 10), activation.Activate, at)
		require.NoError(t, err)
		var outs [][]activation.Outcome
		for n := 1; n <= 40; n += 4 {
			out, err := b.RedeemAll(ctx, bkTenant, bkProduct, batchToks(t, n, n, n+1, n+2, n+3), activation.AddSeats, at)
			require.NoError(t, err)
			outs = append(outs, out)
		}
		h, err := b.History(ctx, bkTenant, bkProduct)
		require.NoError(t, err)
		require.Len(t, h, 41)
		requireChain(t, h)
		for i, rec := range h[1:] {
			want := outs[i/4][i%4]
			want.Token.Key = token.Key{}
			require.Equal(t, want, rec.Outcome, "record %d", i+1)
			require.Equal(t, bkKey(t, i+1).Last5(), rec.KeyTail)
			require.Equal(t, bkKey(t, i+1).Fingerprint(), rec.Fingerprint)
		}
		if keeps {
			require.Len(t, kj.kept, 10)
			require.Equal(t, kj.seen, kj.kept, "a Book wrote to records a journal kept")
		}
	}
}

// TestAppendBatchChecksEveryRecordsText: a batch's names are checked once
// when its records share them, but a record whose names, key tail or
// replaced key's tail differ from the first's is checked on its own: text
// that could show a key is refused wherever it stands in the batch.
func TestAppendBatchChecksEveryRecordsText(t *testing.T) {
	ctx := context.Background()
	j, _, rec := afterHead(t)
	key := bkKey(t, 9).Reveal()
	for name, change := range map[string]func(r *activation.Record){
		"a policy name that is a key":   func(r *activation.Record) { r.Policy = key },
		"a token product that is a key": func(r *activation.Record) { r.Outcome.Token.Product = key },
		"a before tenant that is a key": func(r *activation.Record) { r.Outcome.Before.Tenant = key },
		"a key tail of six characters":  func(r *activation.Record) { r.KeyTail = "ABCDE1" },
		"a key tail in lower case":      func(r *activation.Record) { r.KeyTail = "abcde" },
		"a replaced key's tail":         func(r *activation.Record) { r.ReplacesTail = "AB-DE" },
		"a key in the record":           func(r *activation.Record) { r.Outcome.Token.Key = bkKey(t, 9) },
	} {
		third := rec(4, 4)
		change(&third)
		_, err := j.AppendBatch(ctx, []activation.Record{rec(2, 2), rec(3, 3), third})
		require.ErrorIs(t, err, activation.ErrInvalid, name)
		require.NotContains(t, err.Error(), key, name)
	}
	require.Equal(t, 1, j.Len(), "nothing stored")
	last := rec(4, 4)
	last.KeyTail = "Z9"
	_, err := j.AppendBatch(ctx, []activation.Record{rec(2, 2), rec(3, 3), last})
	require.NoError(t, err, "a tail of at most five characters A–Z, 0–9")
	require.Equal(t, 4, j.Len())
}

// afterHead returns a journal where a Book activated contoso's
// subscription on 2026-11-01, its head, and rec, which makes the record of
// key n at seq after the head: the head's, with key n's fingerprint, a
// request of its own and the head's After as its Before.
func afterHead(t *testing.T) (*activation.MemoryJournal, activation.Record, func(seq int64, n int) activation.Record) {
	t.Helper()
	_, j := activatedBook(t, bkDate(2026, 11, 1))
	head, _, err := j.Head(context.Background(), bkTenant, bkProduct)
	require.NoError(t, err)
	return j, head, func(seq int64, n int) activation.Record {
		r := head
		r.Seq, r.Fingerprint, r.Request = seq, bkKey(t, n).Fingerprint(), activation.RequestID{byte(n)}
		r.Outcome.Before = r.Outcome.After
		return r
	}
}
