package ledgertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// The cases of a Journal's own calls: Append and its answers, the reads,
// what a done context and a second handle see.

func testJournalAppend(t *testing.T, js [2]activation.Journal) {
	j := js[0]
	ctx := context.Background()
	k1, k2 := key(t, "JA", 1), key(t, "JA", 2)
	_, ok, err := j.Head(ctx, firstTenant, product)
	require.NoError(t, err)
	require.False(t, ok, "Head of an empty journal")

	imp := place(firstTenant, 1, token.Key{}, 100)
	requireAppend(t, j, imp, activation.NothingTaken, imp)
	r2 := place(firstTenant, 2, k1, 125)
	requireAppend(t, j, r2, activation.NothingTaken, r2)
	// The place is taken (another key at Seq 2): the record there answers.
	requireAppend(t, j, place(firstTenant, 2, k2, 130), activation.PlaceTaken, r2)
	// The key is taken (k1 at a free place): the record of the key answers.
	requireAppend(t, j, place(firstTenant, 3, k1, 150), activation.KeyTaken, r2)
	// Both taken: the key wins.
	requireAppend(t, j, place(firstTenant, 1, k1, 150), activation.KeyTaken, r2)
	// The same key in another subscription is still taken.
	requireAppend(t, j, place("tenant-other", 1, k1, 150), activation.KeyTaken, r2)
	_, ok, err = j.Head(ctx, "tenant-other", product)
	require.NoError(t, err)
	require.False(t, ok, "an Append that found the key taken stored a record")

	// Imports guard no key: two imports in two subscriptions.
	other := place("tenant-other", 1, token.Key{}, 7)
	requireAppend(t, j, other, activation.NothingTaken, other)

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

// requireAppend appends rec to j and requires that taken was taken and
// want is the record that answers.
func requireAppend(t *testing.T, j activation.Journal, rec activation.Record, taken activation.Taken, want activation.Record) {
	t.Helper()
	stored, got, err := j.Append(context.Background(), rec)
	require.NoError(t, err, "Append")
	require.Equal(t, taken, got, "what Append found taken")
	require.Equal(t, utc(want), utc(stored), "the record Append answered with")
}

// testJournalAppendGap: Append refuses a record that would leave a gap (Seq
// more than 1 and no record at Seq − 1) with an error wrapping
// activation.ErrGap, storing nothing: neither the place nor the key.
func testJournalAppendGap(t *testing.T, js [2]activation.Journal) {
	j := js[0]
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

	first := place(firstTenant, 1, token.Key{}, 5)
	requireAppend(t, j, first, activation.NothingTaken, first)
	_, _, err = j.Append(ctx, place(firstTenant, 3, k2, 6))
	require.ErrorIs(t, err, activation.ErrGap, "Append at Seq 3 after Seq 1")
	_, _, err = j.Append(ctx, place(firstTenant, 3, token.Key{}, 6))
	require.ErrorIs(t, err, activation.ErrGap, "an import at Seq 3 after Seq 1")
	require.Len(t, history(t, j, firstTenant), 1, "an Append refused for a gap stored its record")
	_, ok, err = j.Lookup(ctx, k2.Fingerprint())
	require.NoError(t, err)
	require.False(t, ok, "an Append refused for a gap recorded its key")
}

func testJournalDoneContext(t *testing.T, js [2]activation.Journal) {
	j := js[0]
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

func testJournalSecondHandle(t *testing.T, js [2]activation.Journal) {
	first, second := js[0], js[1]
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

func testJournalHistoryPages(t *testing.T, js [2]activation.Journal) {
	j := js[0]
	ctx := context.Background()
	var want []activation.Record
	for i := 1; i <= 7; i++ {
		rec := place(firstTenant, int64(i), key(t, "HP", i), i)
		requireAppend(t, j, rec, activation.NothingTaken, rec)
		want = append(want, rec)
	}
	for _, c := range []struct {
		after int64
		limit int
	}{{0, 100}, {0, 3}, {3, 3}, {6, 3}, {7, 3}, {2, 1}, {100, 5}} {
		got, err := j.History(ctx, firstTenant, product, c.after, c.limit)
		require.NoError(t, err)
		lo := min(int(c.after), len(want))
		hi := min(lo+c.limit, len(want))
		require.Equal(t, utcAll(want[lo:hi]), utcAll(got), "History after %d, limit %d", c.after, c.limit)
	}
	got, err := j.History(ctx, "tenant-none", product, 0, 10)
	require.NoError(t, err)
	require.Empty(t, got)
	// The book pages through the whole history.
	require.Equal(t, utcAll(want), history(t, j, firstTenant))
}

func testJournalHeads(t *testing.T, js [2]activation.Journal) {
	j := js[0]
	ctx := context.Background()
	mk := func(tenant, prod string, seq int64, end time.Time) activation.Record {
		r := place(tenant, seq, token.Key{}, int(seq))
		r.Outcome.After.Product, r.Outcome.Before.Product = prod, prod
		r.Outcome.After.End = end
		return r
	}
	recs := []activation.Record{
		mk("b", "p", 1, date(2026, 3, 1)),
		mk("b", "p", 2, date(2026, 5, 1)), // the head of (b, p)
		mk("a", "q", 1, date(2026, 4, 30)),
		mk("a", "p", 1, date(2026, 4, 1)),
		mk("B", "p", 1, date(2026, 4, 15)), // byte order: "B" < "a" < "b"
		mk("c", "p", 1, time.Time{}),       // no term
	}
	for _, r := range recs {
		requireAppend(t, j, r, activation.NothingTaken, r)
	}
	names := func(from, to time.Time) []string {
		heads, err := j.Heads(ctx, from, to)
		require.NoError(t, err)
		var out []string
		for _, h := range heads {
			out = append(out, fmt.Sprintf("%s/%s/%d", h.Outcome.After.Tenant, h.Outcome.After.Product, h.Seq))
		}
		return out
	}
	assert.Equal(t, []string{"B/p/1", "a/p/1", "a/q/1"}, names(date(2026, 4, 1), date(2026, 5, 1)), "[from, to)")
	assert.Equal(t, []string{"B/p/1", "a/p/1", "a/q/1", "b/p/2"}, names(date(2026, 3, 1), date(2026, 5, 2)), "only heads count")
	assert.Equal(t, []string{"B/p/1", "a/p/1", "a/q/1", "b/p/2", "c/p/1"}, names(time.Time{}, time.Time{}), "no bounds: every head")
	assert.Equal(t, []string{"b/p/2"}, names(date(2026, 5, 1), time.Time{}), "no upper bound")
	assert.Equal(t, []string{"a/p/1", "c/p/1"}, names(time.Time{}, date(2026, 4, 15)), "no lower bound: with the subscriptions without a term")
	assert.Empty(t, names(date(2026, 6, 1), date(2026, 7, 1)))
}

func testJournalExtremes(t *testing.T, js [2]activation.Journal) {
	j := js[0]
	ctx := context.Background()
	zone := time.FixedZone("UTC-11", -11*3600)
	long := strings.Repeat("ü", activation.MaxNameLen/2)
	for i, c := range []struct {
		tenant, product string
		seats           int
		at, end, rec    time.Time
	}{
		{"year-1", product, 1, date(1, 1, 2), date(1, 1, 3), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"year-9999", product, activation.MaxSeats, date(9999, 12, 30), date(9999, 12, 31), time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC)},
		{long, strings.Repeat("p", activation.MaxNameLen), activation.MaxSeats, date(2026, 1, 1), date(2027, 1, 1), time.Date(2026, 3, 29, 23, 30, 0, 1, zone)},
		{"Ünïcödé 租户 🙂 \u202e", "产品 e\u0301", 7, date(2026, 1, 1), date(2027, 1, 1), time.Date(2026, 10, 25, 2, 30, 0, 0, zone)},
		{"quote ' \" \\ % _ tenant", "x", 2, date(2026, 1, 1), date(2027, 1, 1), recordedAt},
	} {
		k := key(t, "EX", i)
		rec := activation.Record{
			Fingerprint: k.Fingerprint(), Seq: 1, KeyTail: k.Last5(), Policy: "partner-center", RecordedAt: c.rec,
			Outcome: activation.Outcome{
				Op: activation.Activate, Applied: activation.Activate, At: c.at,
				Token:       token.Token{Product: c.product, Seats: c.seats, TermMonths: 36},
				Before:      activation.Subscription{Tenant: c.tenant, Product: c.product},
				After:       activation.Subscription{Tenant: c.tenant, Product: c.product, Seats: c.seats, End: c.end},
				StateBefore: activation.None, TermDays: 1, NewRemaining: 1, TermMonths: 36,
				SeatDaysBefore: int64(c.seats), SeatDaysAfter: int64(c.seats), Residue: -1 << 62,
				MonthsNum: 1<<63 - 1, MonthsDen: 3, DaysAdded: -5, DaysLost: int(largeDays), CapFactor: 100,
			},
		}
		rec.Request[31] = 0xff
		requireAppend(t, j, rec, activation.NothingTaken, rec)
		got, ok, err := j.Lookup(ctx, k.Fingerprint())
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, utc(rec), utc(got), "case %d: Lookup", i)
		require.True(t, got.RecordedAt.Equal(c.rec), "case %d: RecordedAt %v came back as %v", i, c.rec, got.RecordedAt)
		head, ok, err := j.Head(ctx, c.tenant, c.product)
		require.NoError(t, err)
		require.True(t, ok, "case %d: Head", i)
		require.Equal(t, utc(rec), utc(head), "case %d: Head", i)
		h, err := j.History(ctx, c.tenant, c.product, 0, 10)
		require.NoError(t, err)
		require.Equal(t, []activation.Record{utc(rec)}, utcAll(h), "case %d: History", i)
	}
	// Byte for byte: a name and its other normalisation are two subscriptions.
	_, ok, err := j.Head(ctx, "Ünïcödé 租户 🙂 \u202e", "产品 \u00e9")
	require.NoError(t, err)
	require.False(t, ok, "names compared after normalisation")
	_, ok, err = j.Head(ctx, "YEAR-1", product)
	require.NoError(t, err)
	require.False(t, ok, "names compared without case")
}

// testJournalAppendKeepsNames: Append returns and stores a record as given
// when its Before names another tenant or product than its place (a store
// that shares the place's names with Before must not overwrite them).
func testJournalAppendKeepsNames(t *testing.T, js [2]activation.Journal) {
	j := js[0]
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
