package activation_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// copyJournal appends to a new MemoryJournal every record of j's histories
// for which keep is true, in Seq order.
func copyJournal(t *testing.T, j activation.Journal, keep func(activation.Record) bool) *activation.MemoryJournal {
	t.Helper()
	ctx := context.Background()
	out := activation.NewMemoryJournal()
	heads, err := j.Heads(ctx, time.Time{}, time.Time{})
	require.NoError(t, err)
	for _, h := range heads {
		recs, err := j.History(ctx, h.Outcome.After.Tenant, h.Outcome.After.Product, 0, 1<<20)
		require.NoError(t, err)
		for _, rec := range recs {
			if keep(rec) {
				_, taken, err := out.Append(ctx, rec)
				require.NoError(t, err)
				require.Equal(t, activation.NothingTaken, taken)
			}
		}
	}
	return out
}

func missing(t *testing.T, old, current activation.Journal) ([]activation.MissingRecord, activation.MissingSummary) {
	t.Helper()
	var got []activation.MissingRecord
	sum, err := activation.Missing(context.Background(), old, current, func(m activation.MissingRecord) error {
		got = append(got, m)
		return nil
	})
	require.NoError(t, err)
	return got, sum
}

// TestMissingAfterFailover: the old primary acknowledged records that an
// asynchronous standby never received. After the failover, the new
// primary's Books wrote at the lost places, a client's identical retry
// wrote one lost record again, and a lost key was redeemed elsewhere.
// Missing lists exactly the old records the new primary lacks, with what it
// holds at their place and for their key.
func TestMissingAfterFailover(t *testing.T) {
	ctx := context.Background()
	old := auditScenario(t)
	isLost := func(r activation.Record) bool {
		p := [2]string{r.Outcome.After.Tenant, r.Outcome.After.Product}
		return p == [2]string{ct, cp} && r.Seq == 4 || p == [2]string{ft, fp} && r.Seq >= 2
	}
	cur := copyJournal(t, old, func(r activation.Record) bool { return !isLost(r) })

	pc := &activation.Book{Policy: activation.PartnerCenter(), Journal: cur}
	open := &activation.Book{Policy: activation.Open2014(), Journal: cur}
	_, err := pc.Redeem(ctx, ct, cp, token.Token{Key: auditKey(t, 50), Product: cp, Seats: 1}, activation.AddSeats, auditDay(2026, 7, 1))
	require.NoError(t, err) // takes contoso #4
	_, err = open.Redeem(ctx, ft, fp, token.Token{Key: auditKey(t, 5), Product: fp, Seats: 10}, activation.Renew, auditDay(2027, 1, 1))
	require.NoError(t, err) // the identical retry: fabrikam #2 again, same key
	_, err = pc.Redeem(ctx, nt, "Visio", token.Token{Key: auditKey(t, 6), Product: "Visio", Seats: 3}, activation.Activate, auditDay(2028, 2, 1))
	require.NoError(t, err) // fabrikam #3's key, spent elsewhere

	got, sum := missing(t, old, cur)
	require.Equal(t, activation.MissingSummary{Chains: 3, Records: 9, Missing: 2}, sum)
	require.Len(t, got, 2)

	require.Equal(t, activation.Place{Tenant: ct, Product: cp, Seq: 4}, placeOf(got[0].Record))
	require.True(t, got[0].PlaceTaken)
	require.Equal(t, auditKey(t, 50).Fingerprint(), got[0].AtPlace.Fingerprint)
	require.False(t, got[0].KeySpent, "key 3 is not spent on the new primary: it could be redeemed again")

	require.Equal(t, activation.Place{Tenant: ft, Product: fp, Seq: 3}, placeOf(got[1].Record))
	require.False(t, got[1].PlaceTaken)
	require.True(t, got[1].KeySpent)
	require.Equal(t, activation.Place{Tenant: nt, Product: "Visio", Seq: 1}, placeOf(got[1].ForKey))

	// Nothing is missing from a journal compared with itself or a copy.
	got, sum = missing(t, old, copyJournal(t, old, func(activation.Record) bool { return true }))
	require.Empty(t, got)
	require.EqualValues(t, 9, sum.Records)
}

func placeOf(r activation.Record) activation.Place {
	return activation.Place{Tenant: r.Outcome.After.Tenant, Product: r.Outcome.After.Product, Seq: r.Seq}
}

// TestMissingImports: an import has no key, so it is held only by an import
// with the same Outcome at its place.
func TestMissingImports(t *testing.T) {
	ctx := context.Background()
	s := activation.Subscription{Tenant: ct, Product: cp, Seats: 100, End: auditDay(2027, 1, 15)}
	old, cur := activation.NewMemoryJournal(), activation.NewMemoryJournal()
	require.NoError(t, (&activation.Book{Policy: activation.PartnerCenter(), Journal: old}).Import(ctx, s, auditDay(2026, 1, 15)))
	s.Seats = 90
	require.NoError(t, (&activation.Book{Policy: activation.PartnerCenter(), Journal: cur}).Import(ctx, s, auditDay(2026, 1, 15)))
	got, sum := missing(t, old, cur)
	require.Equal(t, activation.MissingSummary{Chains: 1, Records: 1, Missing: 1}, sum)
	require.True(t, got[0].PlaceTaken)
	require.False(t, got[0].KeySpent)
	require.Equal(t, 90, got[0].AtPlace.Outcome.After.Seats)
}

// TestMissingStops: an error of either Journal or of found stops the walk
// and is returned.
func TestMissingStops(t *testing.T) {
	ctx := context.Background()
	old := auditScenario(t)
	broken := rawCopy(t, old)
	broken.err = errors.New("connection reset")
	_, err := activation.Missing(ctx, old, broken, func(activation.MissingRecord) error { return nil })
	require.ErrorContains(t, err, "current journal")
	require.ErrorContains(t, err, "connection reset")
	_, err = activation.Missing(ctx, broken, old, func(activation.MissingRecord) error { return nil })
	require.ErrorContains(t, err, "connection reset")

	stop := errors.New("stop")
	n := 0
	_, err = activation.Missing(ctx, old, activation.NewMemoryJournal(), func(activation.MissingRecord) error { n++; return stop })
	require.ErrorIs(t, err, stop)
	require.Equal(t, 1, n)

	_, err = activation.Missing(ctx, old, nil, func(activation.MissingRecord) error { return nil })
	require.ErrorIs(t, err, activation.ErrInvalid)
}
