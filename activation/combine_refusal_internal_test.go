package activation

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/token"
)

// TestCombinedRefusesOnlyOnAStoredState: a queued redemption that compute
// refuses on the state an earlier one of its batch would leave is not
// answered with that refusal when the batch stores nothing (the earlier
// key was spent): it is computed again on what the Journal holds, where it
// succeeds.
func TestCombinedRefusesOnlyOnAStoredState(t *testing.T) {
	combineJournals(t, func(t *testing.T, jr Journal, _ *slowBatches) {
		ctx := context.Background()
		b := &Book{Journal: jr, Policy: PartnerCenter()}
		end := combineDay.AddDate(1, 0, 0)
		require.NoError(t, b.Import(ctx, Subscription{Tenant: "contoso", Product: combineProduct, Seats: MaxSeats - 5, End: end}, combineDay))
		require.NoError(t, b.Import(ctx, Subscription{Tenant: "fabrikam", Product: combineProduct, Seats: 10, End: end}, combineDay))
		spent := token.Token{Key: combineKey(t, 1700), Product: combineProduct, Seats: 5}
		_, err := b.Redeem(ctx, "fabrikam", combineProduct, spent, AddSeats, combineDay)
		require.NoError(t, err)
		b.marks.contend("contoso", combineProduct)

		js := queuedJobs(t, 1701, 2)
		*js[0].t, js[0].fp = spent, spent.Key.Fingerprint() // would reach MaxSeats
		requireAnsweredOnce(t, b, jr.(BatchJournal), js)
		require.ErrorIs(t, js[0].err, ErrAlreadyRedeemed)
		require.NoError(t, js[1].err, "refused on a state that was never stored")
		require.Equal(t, MaxSeats-4, js[1].out.After.Seats)
	})
}

// TestCombinedNeverRefusesOnAGuess: a batch every redemption of which
// compute refuses on the head the Book remembers, which another Book has
// moved since, is computed again on the head read, where it succeeds.
func TestCombinedNeverRefusesOnAGuess(t *testing.T) {
	ctx := context.Background()
	j := &slowBatches{MemoryJournal: NewMemoryJournal()}
	b := contendedBook(t, j) // remembers 10 seats
	other := &Book{Journal: j, Policy: PartnerCenter()}
	_, err := other.Redeem(ctx, "contoso", combineProduct, token.Token{Key: combineKey(t, 1800), Product: combineProduct, Seats: 1000}, AddSeats, combineDay)
	require.NoError(t, err)
	js := queuedJobs(t, 1801, 2)
	for _, jb := range js {
		jb.t.Seats, jb.op = 500, ExtendEnd // over the cap on 10 seats, not on 1,010
	}
	requireAnsweredOnce(t, b, j, js)
	for _, jb := range js {
		require.NoError(t, jb.err, "refused on the remembered head")
	}
}
