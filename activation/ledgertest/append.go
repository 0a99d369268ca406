package ledgertest

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

func testJournalAppend(t *testing.T, j, _ activation.Journal) {
	ctx := context.Background()
	k1, k2 := key(t, "JA", 1), key(t, "JA", 2)
	_, ok, err := j.Head(ctx, firstTenant, product)
	require.NoError(t, err)
	require.False(t, ok, "Head of an empty journal")

	imp := place(firstTenant, 1, token.Key{}, 100)
	stored, taken, err := j.Append(ctx, imp)
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)
	require.Equal(t, utc(imp), utc(stored))

	r2 := place(firstTenant, 2, k1, 125)
	stored, taken, err = j.Append(ctx, r2)
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)
	require.Equal(t, utc(r2), utc(stored))

	// The place is taken (another key at Seq 2): the record there answers.
	stored, taken, err = j.Append(ctx, place(firstTenant, 2, k2, 130))
	require.NoError(t, err)
	require.Equal(t, activation.PlaceTaken, taken)
	require.Equal(t, utc(r2), utc(stored))

	// The key is taken (k1 at a free place): the record of the key answers.
	stored, taken, err = j.Append(ctx, place(firstTenant, 3, k1, 150))
	require.NoError(t, err)
	require.Equal(t, activation.KeyTaken, taken)
	require.Equal(t, utc(r2), utc(stored))

	// Both taken: the key wins.
	stored, taken, err = j.Append(ctx, place(firstTenant, 1, k1, 150))
	require.NoError(t, err)
	require.Equal(t, activation.KeyTaken, taken)
	require.Equal(t, utc(r2), utc(stored))

	// The same key in another subscription is still taken.
	_, taken, err = j.Append(ctx, place("tenant-other", 1, k1, 150))
	require.NoError(t, err)
	require.Equal(t, activation.KeyTaken, taken)
	_, ok, err = j.Head(ctx, "tenant-other", product)
	require.NoError(t, err)
	require.False(t, ok, "an Append that found the key taken stored a record")

	// Imports guard no key: two imports in two subscriptions.
	_, taken, err = j.Append(ctx, place("tenant-other", 1, token.Key{}, 7))
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)

	head, ok, err := j.Head(ctx, firstTenant, product)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, utc(r2), utc(head))
	got, ok, err := j.Lookup(ctx, k1.Fingerprint())
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, utc(r2), utc(got))
	_, ok, err = j.Lookup(ctx, k2.Fingerprint())
	require.NoError(t, err)
	require.False(t, ok, "the key of an Append that found its place taken is recorded")

	_, _, err = j.Append(ctx, place(firstTenant, 0, k2, 1))
	require.Error(t, err, "Append at Seq 0")
	withKey := place(firstTenant, 3, k2, 1)
	withKey.Outcome.Token.Key = k2
	_, _, err = j.Append(ctx, withKey)
	require.Error(t, err, "Append of a record that holds a product key")
	require.NotContains(t, err.Error(), k2.Reveal())
	_, ok, err = j.Lookup(ctx, k2.Fingerprint())
	require.NoError(t, err)
	require.False(t, ok, "Append at Seq 0 recorded the key")
}

// testJournalAppendGap: Append refuses a record that would leave a gap (Seq
// more than 1 and no record at Seq − 1) with an error wrapping
// activation.ErrGap, storing nothing: neither the place nor the key.
func testJournalAppendGap(t *testing.T, j, _ activation.Journal) {
	ctx := context.Background()
	k1, k2 := key(t, "JG", 1), key(t, "JG", 2)
	_, _, err := j.Append(ctx, place(firstTenant, 2, k1, 5))
	require.ErrorIs(t, err, activation.ErrGap, "Append at Seq 2 of an empty history")
	_, ok, err := j.Head(ctx, firstTenant, product)
	require.NoError(t, err)
	require.False(t, ok, "an Append refused for a gap stored its record")
	_, ok, err = j.Lookup(ctx, k1.Fingerprint())
	require.NoError(t, err)
	require.False(t, ok, "an Append refused for a gap recorded its key")

	_, taken, err := j.Append(ctx, place(firstTenant, 1, token.Key{}, 5))
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)
	_, _, err = j.Append(ctx, place(firstTenant, 3, k2, 6))
	require.ErrorIs(t, err, activation.ErrGap, "Append at Seq 3 after Seq 1")
	_, _, err = j.Append(ctx, place(firstTenant, 3, token.Key{}, 6))
	require.ErrorIs(t, err, activation.ErrGap, "an import at Seq 3 after Seq 1")
	require.Len(t, history(t, j, firstTenant), 1, "an Append refused for a gap stored its record")
	_, ok, err = j.Lookup(ctx, k2.Fingerprint())
	require.NoError(t, err)
	require.False(t, ok, "an Append refused for a gap recorded its key")
}

func testJournalDoneContext(t *testing.T, j, _ activation.Journal) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	k := key(t, "JD", 1)
	_, taken, err := j.Append(ctx, place(firstTenant, 1, k, 5))
	require.Error(t, err, "Append under a cancelled context")
	require.Equal(t, activation.NothingTaken, taken)
	_, ok, err := j.Lookup(context.Background(), k.Fingerprint())
	require.NoError(t, err)
	require.False(t, ok, "Append under a cancelled context recorded the key")
	_, ok, err = j.Head(context.Background(), firstTenant, product)
	require.NoError(t, err)
	require.False(t, ok, "Append under a cancelled context recorded the record")
}

func testJournalSecondHandle(t *testing.T, first, second activation.Journal) {
	ctx := context.Background()
	k := key(t, "SH", 1)
	rec := place(firstTenant, 1, k, 5)
	_, taken, err := first.Append(ctx, rec)
	require.NoError(t, err)
	require.Equal(t, activation.NothingTaken, taken)
	got, ok, err := second.Lookup(ctx, k.Fingerprint())
	require.NoError(t, err)
	require.True(t, ok, "the second handle does not see the first's record")
	require.Equal(t, utc(rec), utc(got))
	stored, taken, err := second.Append(ctx, place(firstTenant, 1, key(t, "SH", 2), 6))
	require.NoError(t, err)
	require.Equal(t, activation.PlaceTaken, taken)
	require.Equal(t, utc(rec), utc(stored))
}

// testJournalAppendKeepsNames: Append returns and stores a record as given
// when its Before names another tenant or product than its place (a store
// that shares the place's names with Before must not overwrite them).
func testJournalAppendKeepsNames(t *testing.T, j, _ activation.Journal) {
	ctx := context.Background()
	for i, before := range []activation.Subscription{
		{Tenant: "tenant-before", Product: product},
		{Tenant: firstTenant, Product: otherProduct},
		{},
	} {
		tenant := fmt.Sprintf("tenant-names-%d", i)
		rec := place(tenant, 1, key(t, "KN", i), 5)
		if before.Tenant == firstTenant {
			rec.Outcome.After.Tenant = firstTenant
			rec.Outcome.Token.Product = otherProduct
		}
		rec.Outcome.Before = before
		stored, taken, err := j.Append(ctx, rec)
		require.NoError(t, err)
		require.Equal(t, activation.NothingTaken, taken)
		require.Equal(t, utc(rec), utc(stored), "Append changed the record")
		head, ok, err := j.Head(ctx, rec.Outcome.After.Tenant, rec.Outcome.After.Product)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, utc(rec), utc(head), "the stored record differs")
	}
}
