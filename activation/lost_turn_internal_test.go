package activation

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/token"
)

// lostBook returns a contended Book that remembers Seq 3 of contoso's
// subscription, on a Journal (wrap of a MemoryJournal) that holds only
// Seq 1: the store lost two acknowledged records.
func lostBook(t *testing.T, wrap func(*MemoryJournal) Journal) (*Book, *MemoryJournal) {
	t.Helper()
	ctx := context.Background()
	b := contendedBook(t, NewMemoryJournal())
	for i := range 2 {
		_, err := b.Redeem(ctx, "contoso", combineProduct, token.Token{Key: combineKey(t, 1200+i), Product: combineProduct, Seats: 1}, AddSeats, combineDay)
		require.NoError(t, err)
	}
	head, _, ok := b.cache.get("contoso", combineProduct)
	require.True(t, ok)
	require.EqualValues(t, 3, head.seq)
	lost := NewMemoryJournal()
	require.NoError(t, (&Book{Journal: lost, Policy: PartnerCenter()}).Import(ctx, Subscription{Tenant: "contoso", Product: combineProduct, Seats: 10, End: combineDay.AddDate(1, 0, 0)}, combineDay))
	b.Journal = wrap(lost)
	return b, lost
}

func requireNothingAfterLoss(t *testing.T, lost *MemoryJournal) {
	t.Helper()
	h, err := lost.History(context.Background(), "contoso", combineProduct, 0, 10)
	require.NoError(t, err)
	require.Len(t, h, 1, "written at a lost place")
}

func withTurns(m *MemoryJournal) Journal {
	return &slowTurns{slowBatches: &slowBatches{MemoryJournal: m}}
}

// A combined batch in a turn whose head is below the one the Book
// remembers (the store lost acknowledged records) must stop the
// subscription, as the batch raced for does (ErrGap under the remembered
// head), and not write at the lost places.
func TestCombinedTurnAfterLostRecords(t *testing.T) {
	b, lost := lostBook(t, withTurns)
	js := queuedJobs(t, 1300, 2)
	requireAnsweredOnce(t, b, b.Journal.(BatchJournal), js)
	for _, jb := range js {
		require.ErrorIs(t, jb.err, ErrBrokenStore)
	}
	requireNothingAfterLoss(t, lost)
	require.True(t, b.marks.isLost("contoso", combineProduct))

	b.Forget("contoso", combineProduct) // then it writes on what the Journal holds
	js = queuedJobs(t, 1350, 2)
	requireAnsweredOnce(t, b, b.Journal.(BatchJournal), js)
	for _, jb := range js {
		require.NoError(t, jb.err)
	}
	require.Equal(t, 10, js[0].out.Before.Seats)
}

// The same for one redemption in the subscription's turn (AppendInTurn).
func TestTurnAfterLostRecords(t *testing.T) {
	b, lost := lostBook(t, withTurns)
	_, err := b.Redeem(context.Background(), "contoso", combineProduct, token.Token{Key: combineKey(t, 1400), Product: combineProduct, Seats: 1}, AddSeats, combineDay)
	require.ErrorIs(t, err, ErrBrokenStore)
	requireNothingAfterLoss(t, lost)
	require.True(t, b.marks.isLost("contoso", combineProduct))
}

// Redemptions that queued before the Book found the loss (their batch
// comes after the one that found it) must not be written either.
func TestQueuedAfterLostRecords(t *testing.T) {
	for name, wrap := range map[string]func(*MemoryJournal) Journal{
		"race":  func(m *MemoryJournal) Journal { return &slowBatches{MemoryJournal: m} },
		"turns": withTurns,
	} {
		t.Run(name, func(t *testing.T) {
			b, lost := lostBook(t, wrap)
			first := queuedJobs(t, 1500, 2)
			requireAnsweredOnce(t, b, b.Journal.(BatchJournal), first)
			for _, jb := range first {
				require.ErrorIs(t, jb.err, ErrBrokenStore)
			}
			require.True(t, b.marks.isLost("contoso", combineProduct))
			queued := queuedJobs(t, 1600, 2)
			requireAnsweredOnce(t, b, b.Journal.(BatchJournal), queued)
			for _, jb := range queued {
				require.ErrorIs(t, jb.err, ErrBrokenStore)
			}
			requireNothingAfterLoss(t, lost)
		})
	}
}
