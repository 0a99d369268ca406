package activation_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// lostJournals returns a Book that remembers Seq 3 of the subscription on a
// Journal that holds only Seq 1 (the store lost two acknowledged records, as
// an asynchronous failover can), and that Journal.
func lostJournals(t *testing.T) (*activation.Book, *activation.MemoryJournal) {
	t.Helper()
	ctx := context.Background()
	j1, j2 := activation.NewMemoryJournal(), activation.NewMemoryJournal()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j1, Retries: new(atomic.Int64)}
	require.NoError(t, b.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 10), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	_, err = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 10), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	other := &activation.Book{Policy: activation.PartnerCenter(), Journal: j2}
	require.NoError(t, other.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	b.Journal = j2
	return b, j2
}

// A Book that finds a gap under a head it remembered reports the broken
// store (ErrBrokenStore, with the Journal's ErrGap) and writes nothing on
// that subscription, by Redeem or Import, until Forget; it never gives the
// lost Seqs to other records on its own.
func TestBookRefusesAfterLostRecords(t *testing.T) {
	ctx := context.Background()
	b, j := lostJournals(t)
	_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 3, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.ErrorIs(t, err, activation.ErrBrokenStore)
	require.ErrorIs(t, err, activation.ErrGap)
	require.NotContains(t, err.Error(), bkTok(t, 3, 25).Key.Reveal())
	require.Zero(t, b.Retries.Load(), "a lost head is not a race to retry")

	// The Book now reads the head (Seq 1) but still refuses to write there.
	_, err = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 4, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.ErrorIs(t, err, activation.ErrBrokenStore)
	_, err = b.RedeemIfUnchanged(ctx, bkTenant, bkProduct, 1, bkTok(t, 4, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.ErrorIs(t, err, activation.ErrBrokenStore)
	require.ErrorIs(t, b.Import(ctx, bkSub(300, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)), activation.ErrBrokenStore)
	h, err := j.History(ctx, bkTenant, bkProduct, 0, 10)
	require.NoError(t, err)
	require.Len(t, h, 1, "nothing written after the loss")

	// Other subscriptions are not affected.
	_, err = b.Redeem(ctx, "fabrikam", bkProduct, bkTok(t, 5, 25), activation.Activate, bkDate(2026, 12, 1))
	require.NoError(t, err)

	b.Forget(bkTenant, bkProduct)
	o, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 4, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Equal(t, 100, o.Before.Seats, "after Forget, computed on the Journal's head")
	h, err = b.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	require.Len(t, h, 2)
	requireChain(t, h)
}

// A new Book remembers no head: it is not protected and writes on what the
// Journal holds (the documented limit; Missing is the operator's tool).
func TestNewBookWritesAfterLostRecords(t *testing.T) {
	ctx := context.Background()
	_, j := lostJournals(t)
	fresh := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	o, err := fresh.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 3, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Equal(t, 100, o.Before.Seats)
}

// Forget on a nil Book, or on a subscription it never saw, does nothing.
func TestForgetUnknown(t *testing.T) {
	var nilBook *activation.Book
	require.NotPanics(t, func() { nilBook.Forget(bkTenant, bkProduct) })
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	b.Forget(bkTenant, bkProduct)
	_, err := b.Redeem(context.Background(), bkTenant, bkProduct, bkTok(t, 1, 25), activation.Activate, bkDate(2026, 12, 1))
	require.NoError(t, err)
}

// RedeemAll and Replace hold to the same rule: a batch that finds a gap
// under a remembered head stops the subscription, and neither writes on it
// until Forget.
func TestBatchAndReplaceRefuseAfterLostRecords(t *testing.T) {
	ctx := context.Background()
	b, j := lostJournals(t)
	_, err := b.RedeemAll(ctx, bkTenant, bkProduct, []token.Token{bkTok(t, 3, 25), bkTok(t, 4, 25)}, activation.AddSeats, bkDate(2026, 12, 1))
	require.ErrorIs(t, err, activation.ErrBrokenStore)
	require.ErrorIs(t, err, activation.ErrGap)
	require.Zero(t, b.Retries.Load(), "a lost head is not a race to retry")
	_, err = b.RedeemAll(ctx, bkTenant, bkProduct, []token.Token{bkTok(t, 3, 25)}, activation.AddSeats, bkDate(2026, 12, 1))
	require.ErrorIs(t, err, activation.ErrBrokenStore)
	h, err := j.History(ctx, bkTenant, bkProduct, 0, 10)
	require.NoError(t, err)
	require.Len(t, h, 1, "nothing written after the loss")

	b.Forget(bkTenant, bkProduct)
	_, err = b.RedeemAll(ctx, bkTenant, bkProduct, []token.Token{bkTok(t, 3, 25)}, activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
}

// Replace refuses on a subscription a Book stopped after lost records,
// though the replaced key's record is the Journal's head and in its window.
func TestReplaceRefusesAfterLostRecords(t *testing.T) {
	ctx := context.Background()
	j1, j2 := activation.NewMemoryJournal(), activation.NewMemoryJournal()
	first := bkTok(t, 1, 10)
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j1}
	other := &activation.Book{Policy: activation.PartnerCenter(), Journal: j2}
	for _, bk := range []*activation.Book{b, other} {
		_, err := bk.Redeem(ctx, bkTenant, bkProduct, first, activation.Activate, bkDate(2026, 12, 1))
		require.NoError(t, err)
	}
	_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 10), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	b.Journal = j2 // Seq 2 is lost
	_, err = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 3, 10), activation.AddSeats, bkDate(2026, 12, 2))
	require.ErrorIs(t, err, activation.ErrBrokenStore)

	_, err = b.Replace(ctx, first.Key, bkTok(t, 4, 10), bkDate(2026, 12, 3))
	require.ErrorIs(t, err, activation.ErrBrokenStore)
	require.Equal(t, 1, j2.Len(), "nothing written after the loss")
	b.Forget(bkTenant, bkProduct)
	_, err = b.Replace(ctx, first.Key, bkTok(t, 4, 10), bkDate(2026, 12, 3))
	require.NoError(t, err)
}
