package ledgertest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

func testClaimLookup(t *testing.T, l activation.Ledger) {
	ctx := context.Background()
	k1, k2 := key(t, "CL", 1), key(t, "CL", 2)
	requireNotClaimed(t, l, k1)

	r1 := syntheticRecord(k1, firstTenant, 25)
	stored, inserted, err := l.Claim(ctx, r1)
	require.NoError(t, err)
	require.True(t, inserted, "first Claim of a fingerprint did not insert")
	require.Equal(t, normalRecord(r1), normalRecord(stored))

	got, ok := lookup(t, l, k1)
	require.True(t, ok)
	require.Equal(t, normalRecord(r1), normalRecord(got))

	// Another record for the same fingerprint: not inserted, the first stays.
	other := syntheticRecord(k1, "tenant-second", 30)
	stored, inserted, err = l.Claim(ctx, other)
	require.NoError(t, err)
	require.False(t, inserted, "second Claim of a fingerprint inserted")
	require.Equal(t, normalRecord(r1), normalRecord(stored), "second Claim returned another record than the stored one")

	// The same record again: not inserted either, same answer.
	stored, inserted, err = l.Claim(ctx, r1)
	require.NoError(t, err)
	require.False(t, inserted, "repeated Claim inserted")
	require.Equal(t, normalRecord(r1), normalRecord(stored))

	// Another fingerprint is independent.
	requireNotClaimed(t, l, k2)
	r2 := syntheticRecord(k2, firstTenant, 25)
	stored, inserted, err = l.Claim(ctx, r2)
	require.NoError(t, err)
	require.True(t, inserted)
	require.Equal(t, normalRecord(r2), normalRecord(stored))
	got, ok = lookup(t, l, k1)
	require.True(t, ok)
	require.Equal(t, normalRecord(r1), normalRecord(got), "claiming another fingerprint changed the first record")
}

func testClaimDoneContext(t *testing.T, l activation.Ledger) {
	k := key(t, "CD", 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, inserted, err := l.Claim(ctx, syntheticRecord(k, firstTenant, 25))
	require.Error(t, err, "Claim under a cancelled context")
	require.False(t, inserted)
	requireNotClaimed(t, l, k)
}

func testClaimRace(t *testing.T, l activation.Ledger) {
	k := key(t, "CR", 1)
	type claim struct {
		rec, stored activation.Record
		inserted    bool
		err         error
	}
	res := raceAll(func(i int) (c claim) {
		c.rec = syntheticRecord(k, tenant(i), 1+i)
		c.stored, c.inserted, c.err = l.Claim(context.Background(), c.rec)
		return c
	})
	winner := -1
	for i, c := range res {
		require.NoError(t, c.err, "racer %d", i)
		if c.inserted {
			require.Equal(t, -1, winner, "racers %d and %d both inserted", winner, i)
			winner = i
		}
	}
	require.NotEqual(t, -1, winner, "no racer inserted")
	for i, c := range res {
		require.Equal(t, normalRecord(res[winner].rec), normalRecord(c.stored), "racer %d got another record than the winner's", i)
	}
	got, ok := lookup(t, l, k)
	require.True(t, ok)
	require.Equal(t, normalRecord(res[winner].rec), normalRecord(got))
}
