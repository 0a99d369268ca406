package activation_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// Two Books on one Journal: each remembers the last head it saw, and the
// other moves the subscription on behind its back.
func twoBooks() (a, b *activation.Book) {
	j := activation.NewMemoryJournal()
	return &activation.Book{Policy: activation.PartnerCenter(), Journal: j},
		&activation.Book{Policy: activation.PartnerCenter(), Journal: j}
}

// A stale head is only a guess: the redemption lands after the head the
// other Book made, so no update is lost.
func TestBookStaleHeadChains(t *testing.T) {
	ctx := context.Background()
	a, b := twoBooks()
	require.NoError(t, a.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	o, err := a.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Equal(t, 125, o.Before.Seats, "computed on the other Book's head")
	require.Equal(t, 150, o.After.Seats)
	h, err := a.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	require.Len(t, h, 3)
	for i := 1; i < len(h); i++ {
		require.Equal(t, h[i-1].Outcome.After, h[i].Outcome.Before, "record %d", h[i].Seq)
	}
}

// A Book never refuses on a remembered head: a key the stale head would
// refuse (R6: more than 3 × 5 seats) is accepted on the real one (100 seats).
func TestBookNeverRefusesOnStaleHead(t *testing.T) {
	ctx := context.Background()
	a, b := twoBooks()
	require.NoError(t, a.Import(ctx, bkSub(5, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	require.NoError(t, b.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	o, err := a.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 300), activation.ExtendEnd, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Equal(t, 100, o.Before.Seats)
	require.Equal(t, bkDate(2030, 3, 1), o.After.End, "R5: 300 ÷ 100 × 12 months")
}

// A preview's Seq is checked against the Journal, not the remembered head.
func TestBookRedeemIfUnchangedIgnoresStaleHead(t *testing.T) {
	ctx := context.Background()
	a, b := twoBooks()
	require.NoError(t, a.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	require.NoError(t, b.Import(ctx, bkSub(120, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	p, err := a.Preview(ctx, bkTenant, bkProduct, bkTok(t, 1, 20), bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.EqualValues(t, 2, p.Seq)
	o, err := a.RedeemIfUnchanged(ctx, bkTenant, bkProduct, p.Seq, bkTok(t, 1, 20), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Equal(t, 140, o.After.Seats)
}
