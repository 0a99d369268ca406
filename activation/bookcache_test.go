package activation_test

import (
	"context"
	"fmt"
	"sync/atomic"
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

// A remembered head the Journal does not have (the Journal swapped, against
// the contract, for one that holds less): the Append finds a gap (ErrGap),
// and the Book computes again on the Journal's head instead of failing.
// The recomputation is counted in Retries.
func TestBookGapOnRememberedHeadRecomputes(t *testing.T) {
	ctx := context.Background()
	var retries atomic.Int64
	j1, j2 := activation.NewMemoryJournal(), activation.NewMemoryJournal()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j1, Retries: &retries}
	require.NoError(t, b.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	require.NoError(t, b.Import(ctx, bkSub(120, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	other := &activation.Book{Policy: activation.PartnerCenter(), Journal: j2}
	require.NoError(t, other.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))

	b.Journal = j2 // b remembers Seq 2; j2 has only Seq 1
	o, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Equal(t, 100, o.Before.Seats, "computed on the Journal's head")
	require.EqualValues(t, 1, retries.Load())
	h, err := b.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	require.Len(t, h, 2)
	requireChain(t, h)
}

// gapJournal refuses every Append with ErrGap, as a store whose head moved
// backwards would.
type gapJournal struct{ *activation.MemoryJournal }

func (g gapJournal) Append(context.Context, activation.Record) (activation.Record, activation.Taken, error) {
	return activation.Record{}, activation.NothingTaken, fmt.Errorf("test journal: %w", activation.ErrGap)
}

// On a head read from the Journal, ErrGap is the store's error: returned,
// not retried for ever.
func TestBookGapOnReadHeadIsTheStoresError(t *testing.T) {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: gapJournal{activation.NewMemoryJournal()}}
	_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.Activate, bkDate(2026, 12, 1))
	require.ErrorIs(t, err, activation.ErrGap)
	require.NotErrorIs(t, err, activation.ErrInvalid)
	err = b.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1))
	require.ErrorIs(t, err, activation.ErrGap)
}

// headCounter counts the Journal's Head calls.
type headCounter struct {
	*activation.MemoryJournal
	heads atomic.Int64
}

func (c *headCounter) Head(ctx context.Context, tenant, product string) (activation.Record, bool, error) {
	c.heads.Add(1)
	return c.MemoryJournal.Head(ctx, tenant, product)
}

// A Book remembers the head it read, not only the heads it appended: after a
// replay (which appends nothing) the next redemption costs no Head call.
func TestBookRemembersTheHeadItRead(t *testing.T) {
	ctx := context.Background()
	j := &headCounter{MemoryJournal: activation.NewMemoryJournal()}
	a := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	require.NoError(t, a.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	_, err := a.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)

	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	j.heads.Store(0)
	o, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.True(t, o.Replayed)
	require.EqualValues(t, 1, j.heads.Load())
	_, err = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.EqualValues(t, 1, j.heads.Load(), "the second redemption read the head again")
}

// Retries counts a stale remembered head whose place was taken: the
// redemption was computed twice.
func TestBookRetriesCountsStaleHeads(t *testing.T) {
	ctx := context.Background()
	a, b := twoBooks()
	var retries atomic.Int64
	a.Retries = &retries
	require.NoError(t, a.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	_, err = a.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.EqualValues(t, 1, retries.Load())
}
