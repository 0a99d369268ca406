package ledgertest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// The replacement cases (R12): a replacement is a record and a claim on the
// replaced key, stored at once.

// activated redeems the key RP-1 on firstTenant and returns its token.
func activated(t *testing.T, j activation.Journal, g string) activation.Outcome {
	t.Helper()
	o, err := book(j).Redeem(context.Background(), firstTenant, product, tok(key(t, g, 0), 10), activation.Activate, fixtureDay)
	require.NoError(t, err)
	return o
}

// testReplaceRace races replacements of one key by distinct keys over both
// handles: exactly one wins, and only its key is spent.
func testReplaceRace(t *testing.T, js [2]activation.Journal) {
	batchJournals(t, js)
	ctx := context.Background()
	old := activated(t, js[0], "RR").Token.Key
	books := [2]*activation.Book{book(js[0]), book(js[1])}
	res := race(func(i int) (activation.Outcome, error) {
		return books[i%2].Replace(ctx, old, tok(key(t, "RR", i+1), 12), fixtureDay.AddDate(0, 0, 5))
	})
	winner := -1
	for i, x := range res {
		if x.err != nil {
			require.ErrorIs(t, x.err, activation.ErrNotAllowed, "racer %d", i)
			requireSpent(t, js[0], false, tok(key(t, "RR", i+1), 12))
			continue
		}
		require.Equal(t, -1, winner, "racers %d and %d both replaced the key", winner, i)
		winner = i
	}
	require.NotEqual(t, -1, winner, "no replacement won")
	h := history(t, js[1], firstTenant)
	require.Len(t, h, 2)
	requireChain(t, h)
	require.Equal(t, 12, h[1].Outcome.After.Seats)
	require.Equal(t, old.Fingerprint(), h[1].Replaces)
}

// testReplaceFailAfter: a replacement stored whose reply was lost replays
// on the identical retry.
func testReplaceFailAfter(t *testing.T, js [2]activation.Journal) {
	batchJournals(t, js)
	ctx := context.Background()
	old := activated(t, js[0], "RF").Token.Key
	f := &FailingJournal{Inner: js[0], FailAfter: 1}
	nt := tok(key(t, "RF", 1), 20)
	_, err := book(f).Replace(ctx, old, nt, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	o, err := book(js[1]).Replace(ctx, old, nt, fixtureDay)
	require.NoError(t, err)
	require.True(t, o.Replayed)
	require.Len(t, history(t, js[0], firstTenant), 2)
}

// testReplaceAfterLater: a key whose record is no longer the head is not
// replaced (later records would be lost), and nothing is spent.
func testReplaceAfterLater(t *testing.T, js [2]activation.Journal) {
	batchJournals(t, js)
	ctx := context.Background()
	old := activated(t, js[0], "RL").Token.Key
	_, err := book(js[0]).Redeem(ctx, firstTenant, product, tok(key(t, "RL", 1), 5), activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	nt := tok(key(t, "RL", 2), 20)
	_, err = book(js[1]).Replace(ctx, old, nt, fixtureDay)
	var re *activation.ReplacementError
	require.ErrorAs(t, err, &re)
	require.Equal(t, fixtureDay.AddDate(0, 0, 30), re.Last)
	requireSpent(t, js[0], false, nt)
}
