package ledgertest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// OpenJournal opens a fresh, empty store for one case of [RunJournal] and
// returns two independent handles on it: what two processes sharing the
// store would each have (two connection pools on one database schema). A
// store kept in memory returns the same value twice. Each call must return
// a store no other call shares; clean it up with t.Cleanup.
type OpenJournal func(t *testing.T) (first, second activation.Journal)

// RunJournal runs the conformance suite against the Journals open returns.
// It checks the Journal directly and through [activation.Book] with
// [activation.PartnerCenter]:
//
//   - Append at a named place: stored, or which unique key was taken (the
//     key wins over the place) and the record that took it; Lookup, Head,
//     History in pages, Heads in a date range ordered by tenant and product;
//     records returned as given (times as the same instants), from the year 1
//     to 9999, MaxSeats, 256-byte and odd Unicode names;
//   - Append refuses a record that would leave a gap with an error wrapping
//     [activation.ErrGap], storing nothing;
//   - a done context records nothing;
//   - [Racers] goroutines redeeming distinct keys on one subscription (the
//     history stays a chain and the seats add up), as many identical
//     requests (one applies, the others replay), one key raced by as many
//     tenants (one wins): each through one handle, and spread over both;
//     and [Racers] goroutines sharing two Books, one per handle, whose
//     remembered heads go stale, with imports mixed in;
//   - a store that is also an [activation.Ledger] has one set of spent keys:
//     a key claimed through a Redeemer cannot be redeemed through a Book, and
//     the other way round (skipped for a store that is not a Ledger);
//   - store failures before and after the commit, a commit that happens after
//     the error was returned, under races: identical retries converge on
//     exactly one applied record; a failed lookup on the refused path returns
//     the store's error, not the refusal.
func RunJournal(t *testing.T, open OpenJournal) {
	t.Helper()
	cases := []struct {
		name string
		run  func(t *testing.T, open OpenJournal)
	}{
		{"AppendLookupHead", one(testJournalAppend)},
		{"AppendDoneContext", one(testJournalDoneContext)},
		{"AppendRefusesGap", one(testJournalAppendGap)},
		{"HistoryPages", one(testJournalHistoryPages)},
		{"Heads", one(testJournalHeads)},
		{"RoundTripExtremes", one(testJournalExtremes)},
		{"SecondHandleSees", one(testJournalSecondHandle)},
		{"BookRedeemReplayAfterMovedOn", one(testBookReplay)},
		{"BookImports", one(testBookImports)},
		{"BookCancelledRecordsNothing", one(testBookCancelled)},
		{"LostRaceRecomputes", one(testBookLostRace)},
		{"RaceDistinctKeysOneSubscription", oneAndTwo(testBookRaceDistinct)},
		{"RaceIdenticalRequests", oneAndTwo(testBookRaceIdentical)},
		{"RaceOneKeyManyTenants", oneAndTwo(testBookRaceOneKey)},
		{"RaceImportsAndRedemptions", oneAndTwo(testBookRaceImports)},
		{"RaceSharedBooks", one(testBookRaceSharedBooks)},
		{"LedgerAndJournalShareKeys", one(testLedgerAndJournal)},
		{"StoreFailsBeforeCommit", one(testBookFailBefore)},
		{"StoreFailsAfterCommit", one(testBookFailAfter)},
		{"StoreCommitsLate", one(testBookCommitLate)},
		{"StoreFailsUnderRace", oneAndTwo(testBookFailUnderRace)},
		{"LookupFailsOnRefusedPath", one(testBookLookupFails)},
		{"HeadFails", one(testBookHeadFails)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, open) })
	}
}

// opened runs a case on a fresh store.
func opened(t *testing.T, open OpenJournal) (first, second activation.Journal) {
	t.Helper()
	first, second = open(t)
	require.NotNil(t, first, "open returned a nil first handle")
	require.NotNil(t, second, "open returned a nil second handle")
	return first, second
}

// one runs a case on a fresh store with its two handles.
func one(run func(t *testing.T, first, second activation.Journal)) func(t *testing.T, open OpenJournal) {
	return func(t *testing.T, open OpenJournal) {
		first, second := opened(t, open)
		run(t, first, second)
	}
}

// oneAndTwo runs a case on a fresh store through its first handle only, and
// on another fresh store with its Books spread over both handles.
func oneAndTwo(run func(t *testing.T, handles []activation.Journal)) func(t *testing.T, open OpenJournal) {
	return func(t *testing.T, open OpenJournal) {
		t.Run("one handle", func(t *testing.T) {
			first, _ := opened(t, open)
			run(t, []activation.Journal{first})
		})
		t.Run("two handles", func(t *testing.T) {
			first, second := opened(t, open)
			run(t, []activation.Journal{first, second})
		})
	}
}

// recordedAt is the clock of the suite's Books.
var recordedAt = time.Date(2026, time.June, 15, 9, 30, 0, 123, time.UTC)

// largeDays is a day count past 32 bits, as a variable: a constant would not
// compile where int has 32 bits (there it is 0).
var largeDays int64 = 1 << 40

func book(j activation.Journal) *activation.Book {
	return &activation.Book{Policy: activation.PartnerCenter(), Journal: j, Clock: func() time.Time { return recordedAt }}
}

// utc returns rec with every time as the same instant in UTC.
func utc(rec activation.Record) activation.Record {
	rec.RecordedAt = rec.RecordedAt.UTC()
	o := &rec.Outcome
	o.At, o.Before.End, o.After.End = o.At.UTC(), o.Before.End.UTC(), o.After.End.UTC()
	return rec
}

func utcAll(recs []activation.Record) []activation.Record {
	out := make([]activation.Record, len(recs))
	for i, r := range recs {
		out[i] = utc(r)
	}
	return out
}

// place returns a record for (tenant, product) at seq with key k (the zero
// Key: an import), seats after.
func place(tenant string, seq int64, k token.Key, seats int) activation.Record {
	rec := activation.Record{
		Seq: seq, Policy: "partner-center", RecordedAt: recordedAt,
		Outcome: activation.Outcome{
			Op: activation.Import, Applied: activation.Import, At: fixtureDay,
			Before: activation.Subscription{Tenant: tenant, Product: product},
			After:  activation.Subscription{Tenant: tenant, Product: product, Seats: seats, End: fixtureEnd},
		},
	}
	if !k.IsZero() {
		rec.Fingerprint, rec.KeyTail = k.Fingerprint(), k.Last5()
		rec.Request[0] = byte(seats)
		rec.Outcome.Op, rec.Outcome.Applied = activation.AddSeats, activation.AddSeats
		rec.Outcome.Token = token.Token{Product: product, Seats: seats}
	}
	return rec
}

func history(t *testing.T, j activation.Journal, tenant string) []activation.Record {
	t.Helper()
	h, err := book(j).History(context.Background(), tenant, product)
	require.NoError(t, err, "History")
	return h
}

// requireChain checks that h is a chain: Seq 1, 2, …, each Before the
// previous After, the first Before none.
func requireChain(t *testing.T, h []activation.Record) {
	t.Helper()
	for i, rec := range h {
		require.Equal(t, int64(i+1), rec.Seq, "record %d has Seq %d", i+1, rec.Seq)
		if i == 0 {
			require.True(t, rec.Outcome.Before.IsNone(), "the first record's Before is not none")
			continue
		}
		require.Equal(t, h[i-1].Outcome.After, rec.Outcome.Before, "record %d's Before is not record %d's After: an update was lost", i+1, i)
	}
}

func importFixture(t *testing.T, j activation.Journal, tenant string) {
	t.Helper()
	require.NoError(t, book(j).Import(context.Background(), subscription(tenant), fixtureDay), "Import")
}

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

func testJournalHistoryPages(t *testing.T, j, _ activation.Journal) {
	ctx := context.Background()
	var want []activation.Record
	for i := 1; i <= 7; i++ {
		rec := place(firstTenant, int64(i), key(t, "HP", i), i)
		_, taken, err := j.Append(ctx, rec)
		require.NoError(t, err)
		require.Equal(t, activation.NothingTaken, taken)
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

func testJournalHeads(t *testing.T, j, _ activation.Journal) {
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
		_, taken, err := j.Append(ctx, r)
		require.NoError(t, err)
		require.Equal(t, activation.NothingTaken, taken)
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

func testJournalExtremes(t *testing.T, j, _ activation.Journal) {
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
		stored, taken, err := j.Append(ctx, rec)
		require.NoError(t, err, "case %d", i)
		require.Equal(t, activation.NothingTaken, taken, "case %d", i)
		require.Equal(t, utc(rec), utc(stored), "case %d: Append", i)
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

func testBookReplay(t *testing.T, j, _ activation.Journal) {
	ctx := context.Background()
	b := book(j)
	importFixture(t, j, firstTenant)
	tk := tok(key(t, "BR", 1), 25)
	first, err := b.Redeem(ctx, firstTenant, product, tk, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	require.False(t, first.Replayed)
	require.Equal(t, date(2027, time.April, 1), first.After.End, "R5: 100 + 25 = +3 months")
	_, err = b.Redeem(ctx, firstTenant, product, tok(key(t, "BR", 2), 10), activation.AddSeats, fixtureDay.AddDate(0, 0, 1))
	require.NoError(t, err)

	again, err := b.Redeem(ctx, firstTenant, product, tk, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err, "the identical request after another key moved the subscription on")
	require.True(t, again.Replayed)
	require.Equal(t, tk.Key, again.Token.Key)
	require.Equal(t, normal(first), normal(again))

	_, err = b.Redeem(ctx, firstTenant, product, tk, activation.AddSeats, fixtureDay.AddDate(0, 0, 2))
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)
	for _, secret := range []string{firstTenant, fixtureDay.Format(time.DateOnly), tk.Key.Reveal()} {
		require.NotContains(t, err.Error(), secret)
	}
	h := history(t, j, firstTenant)
	require.Equal(t, 3, len(h))
	requireChain(t, h)
	require.Equal(t, tk.Key.Last5(), h[1].KeyTail)
	require.Equal(t, normal(first), normal(h[1].Outcome))
}

func testBookImports(t *testing.T, j, _ activation.Journal) {
	ctx := context.Background()
	b := book(j)
	s := subscription(firstTenant)
	require.NoError(t, b.Import(ctx, s, fixtureDay))
	require.NoError(t, b.Import(ctx, s, fixtureDay.AddDate(0, 0, 1)), "an import equal to the head")
	s.Seats = 120
	require.NoError(t, b.Import(ctx, s, fixtureDay.AddDate(0, 0, 2)))
	h := history(t, j, firstTenant)
	require.Equal(t, 2, len(h), "an import equal to the head recorded something")
	requireChain(t, h)
	for _, rec := range h {
		require.Equal(t, activation.Import, rec.Outcome.Op)
		require.True(t, rec.Fingerprint.IsZero())
	}
	got, ok, err := b.Subscription(ctx, firstTenant, product)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, s, got)
	require.Error(t, b.Import(ctx, subscription(firstTenant), fixtureDay), "an import before the last record")
	require.Equal(t, 2, len(history(t, j, firstTenant)))
}

func testBookCancelled(t *testing.T, j, _ activation.Journal) {
	b := book(j)
	importFixture(t, j, firstTenant)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tk := tok(key(t, "BC", 1), 25)
	_, err := b.Redeem(ctx, firstTenant, product, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, context.Canceled)
	err = b.Import(ctx, subscription("tenant-second"), fixtureDay)
	require.ErrorIs(t, err, context.Canceled)
	requireNotSpent(t, j, tk.Key)
	require.Equal(t, 1, len(history(t, j, firstTenant)))
	require.Empty(t, history(t, j, "tenant-second"))
}

func requireNotSpent(t *testing.T, j activation.Journal, k token.Key) {
	t.Helper()
	_, ok, err := j.Lookup(context.Background(), k.Fingerprint())
	require.NoError(t, err)
	require.False(t, ok, "key %v spent", k)
}

// handle returns the journal racer i uses: the handles in turn.
func handle(handles []activation.Journal, i int) activation.Journal { return handles[i%len(handles)] }

func testBookRaceDistinct(t *testing.T, handles []activation.Journal) {
	importFixture(t, handles[0], firstTenant)
	keys := make([]token.Key, Racers)
	for i := range keys {
		keys[i] = key(t, "RD", i)
	}
	res := race(func(i int) (activation.Outcome, error) {
		return book(handle(handles, i)).Redeem(context.Background(), firstTenant, product, tok(keys[i], 1+i), activation.AddSeats, fixtureDay)
	})
	seats := 100
	for i, x := range res {
		require.NoError(t, x.err, "racer %d", i)
		require.False(t, x.o.Replayed, "racer %d", i)
		seats += 1 + i
	}
	h := history(t, handles[len(handles)-1], firstTenant)
	require.Equal(t, 1+Racers, len(h), "records lost or doubled")
	requireChain(t, h)
	require.Equal(t, seats, h[len(h)-1].Outcome.After.Seats, "seats do not add up: an update was lost")
	for i, x := range res {
		rec, ok, err := handles[0].Lookup(context.Background(), keys[i].Fingerprint())
		require.NoError(t, err)
		require.True(t, ok, "racer %d's key not recorded", i)
		require.Equal(t, normal(x.o), normal(rec.Outcome), "racer %d got another Outcome than its record", i)
	}
}

func testBookRaceIdentical(t *testing.T, handles []activation.Journal) {
	importFixture(t, handles[0], firstTenant)
	tk := tok(key(t, "RI", 1), 25)
	res := race(func(i int) (activation.Outcome, error) {
		return book(handle(handles, i)).Redeem(context.Background(), firstTenant, product, tk, activation.ExtendEnd, fixtureDay)
	})
	requireOneApplied(t, res)
	h := history(t, handles[0], firstTenant)
	require.Equal(t, 2, len(h))
	requireChain(t, h)
}

func testBookRaceOneKey(t *testing.T, handles []activation.Journal) {
	tenant := func(i int) string { return fmt.Sprintf("tenant-%02d", i) }
	for i := range Racers {
		importFixture(t, handles[0], tenant(i))
	}
	tk := tok(key(t, "R1", 1), 25)
	res := race(func(i int) (activation.Outcome, error) {
		return book(handle(handles, i)).Redeem(context.Background(), tenant(i), product, tk, activation.AddSeats, fixtureDay)
	})
	winner := requireOneWinner(t, res, true)
	for i := range Racers {
		h := history(t, handles[0], tenant(i))
		if i == winner {
			require.Equal(t, 2, len(h))
			requireChain(t, h)
		} else {
			require.Equal(t, 1, len(h), "tenant %d's history changed", i)
		}
	}
}

// testBookRaceImports: corrections race with redemptions on one
// subscription; the history stays a chain.
func testBookRaceImports(t *testing.T, handles []activation.Journal) {
	importFixture(t, handles[0], firstTenant)
	res := race(func(i int) (activation.Outcome, error) {
		b := book(handle(handles, i))
		if i%4 == 0 {
			s := subscription(firstTenant)
			s.Seats = 1_000_000 + 1000*i // never equal to the head: redemptions add fewer seats
			return activation.Outcome{}, b.Import(context.Background(), s, fixtureDay)
		}
		return b.Redeem(context.Background(), firstTenant, product, tok(key(t, "RM", i), 1), activation.AddSeats, fixtureDay)
	})
	for i, x := range res {
		require.NoError(t, x.err, "racer %d", i)
	}
	h := history(t, handles[0], firstTenant)
	require.Equal(t, 1+Racers, len(h))
	requireChain(t, h)
}

// testBookRaceSharedBooks: [Racers] goroutines share two Books, one on each
// handle, so that each Book's remembered heads are raced and go stale (the
// other Book moved the subscription on); imports are mixed in. Every call
// succeeds, the history is a chain with one record per call, each key is
// recorded once with the Outcome its racer got, and every redemption added
// exactly its seats to the head it was appended after.
func testBookRaceSharedBooks(t *testing.T, first, second activation.Journal) {
	ctx := context.Background()
	books := [2]*activation.Book{book(first), book(second)}
	var retries [2]atomic.Int64
	for i := range books {
		books[i].Retries = &retries[i]
	}
	// Warm both Books' heads, then let the second move on: the first's is
	// stale before the race starts.
	require.NoError(t, books[0].Import(ctx, subscription(firstTenant), fixtureDay))
	_, err := books[1].Redeem(ctx, firstTenant, product, tok(key(t, "SB", 999), 1), activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	keys := make([]token.Key, Racers)
	for i := range keys {
		keys[i] = key(t, "SB", i)
	}
	isImport := func(i int) bool { return i%8 == 3 }
	res := race(func(i int) (activation.Outcome, error) {
		b := books[i%2]
		if isImport(i) {
			s := subscription(firstTenant)
			s.Seats = 1_000_000 + 1000*i // never equal to the head: redemptions add fewer seats
			return activation.Outcome{}, b.Import(ctx, s, fixtureDay)
		}
		return b.Redeem(ctx, firstTenant, product, tok(keys[i], 1+i%5), activation.AddSeats, fixtureDay)
	})
	imports := 0
	for i, x := range res {
		require.NoError(t, x.err, "racer %d", i)
		if isImport(i) {
			imports++
			continue
		}
		require.False(t, x.o.Replayed, "racer %d", i)
		rec, ok, err := first.Lookup(ctx, keys[i].Fingerprint())
		require.NoError(t, err)
		require.True(t, ok, "racer %d's key not recorded", i)
		require.Equal(t, normal(x.o), normal(rec.Outcome), "racer %d got another Outcome than its record", i)
	}
	h := history(t, second, firstTenant)
	require.Equal(t, 2+Racers, len(h), "records lost or doubled")
	requireChain(t, h)
	gotImports := 0
	for _, rec := range h[2:] {
		o := rec.Outcome
		if o.Op == activation.Import {
			gotImports++
			continue
		}
		require.Equal(t, o.Before.Seats+o.Token.Seats, o.After.Seats, "record %d: seats do not add up", rec.Seq)
	}
	require.Equal(t, imports, gotImports, "imports lost or doubled")
	for i := range books {
		s, ok, err := books[i].Subscription(ctx, firstTenant, product)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, h[len(h)-1].Outcome.After, s, "book %d reports another head than the Journal's", i)
	}
	t.Logf("retries: %d and %d", retries[0].Load(), retries[1].Load())
}

func testLedgerAndJournal(t *testing.T, first, second activation.Journal) {
	l1, ok1 := first.(activation.Ledger)
	l2, ok2 := second.(activation.Ledger)
	if !ok1 || !ok2 {
		t.Skip("the store is not also a Ledger")
	}
	ctx := context.Background()
	importFixture(t, first, firstTenant)
	s := subscription(firstTenant)

	// Spent through a Redeemer: not redeemable through a Book.
	k1 := tok(key(t, "LJ", 1), 25)
	_, err := redeemer(l1).Redeem(ctx, s, k1, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	_, err = book(second).Redeem(ctx, firstTenant, product, k1, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, "a key claimed through a Redeemer was redeemed through a Book")
	rec, ok, err := book(first).Lookup(ctx, k1.Key)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, int64(0), rec.Seq, "a Ledger claim has Seq 0")

	// Spent through a Book: not redeemable through a Redeemer.
	k2 := tok(key(t, "LJ", 2), 25)
	_, err = book(first).Redeem(ctx, firstTenant, product, k2, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	_, err = redeemer(l2).Redeem(ctx, s, k2, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, "a key redeemed through a Book was claimed through a Redeemer")

	// Racing both ways for one key: exactly one wins.
	k3 := tok(key(t, "LJ", 3), 25)
	res := race(func(i int) (activation.Outcome, error) {
		if i%2 == 0 {
			return redeemer(l1).Redeem(ctx, subscription(fmt.Sprintf("tenant-%02d", i)), k3, activation.AddSeats, fixtureDay)
		}
		return book(second).Redeem(ctx, firstTenant, product, k3, activation.AddSeats, fixtureDay)
	})
	won := 0
	for i, x := range res {
		switch {
		case x.err == nil && !x.o.Replayed:
			won++
		case x.err == nil: // a Book racer replaying the Book winner
			require.Equal(t, 1, i%2, "a Redeemer replayed a Book's record")
		default:
			require.ErrorIs(t, x.err, activation.ErrAlreadyRedeemed, "racer %d", i)
		}
	}
	require.Equal(t, 1, won, "the key was applied %d times", won)

	h := history(t, first, firstTenant)
	requireChain(t, h)
	for _, rec := range h {
		require.NotEqual(t, k1.Key.Fingerprint(), rec.Fingerprint, "a Ledger claim appears in a history")
	}
}

func testBookFailBefore(t *testing.T, j, _ activation.Journal) {
	importFixture(t, j, firstTenant)
	f := &FailingJournal{Inner: j, FailBefore: 1}
	b := book(f)
	tk := tok(key(t, "FB", 1), 25)
	_, err := b.Redeem(context.Background(), firstTenant, product, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	require.NotErrorIs(t, err, activation.ErrAlreadyRedeemed)
	requireNotSpent(t, j, tk.Key)
	o, err := b.Redeem(context.Background(), firstTenant, product, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.False(t, o.Replayed, "the retry after a failure before the commit replayed")
	h := history(t, j, firstTenant)
	require.Equal(t, 2, len(h))
	requireChain(t, h)
}

func testBookFailAfter(t *testing.T, j, _ activation.Journal) {
	importFixture(t, j, firstTenant)
	f := &FailingJournal{Inner: j, FailAfter: 1}
	b := book(f)
	tk := tok(key(t, "FA", 1), 25)
	_, err := b.Redeem(context.Background(), firstTenant, product, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	rec, ok, err := j.Lookup(context.Background(), tk.Key.Fingerprint())
	require.NoError(t, err)
	require.True(t, ok, "the commit before the failure is not there")

	// Another key moves the subscription on; the identical retry still
	// replays, and any other request is ErrAlreadyRedeemed.
	_, err = b.Redeem(context.Background(), firstTenant, product, tok(key(t, "FA", 2), 5), activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	o, err := b.Redeem(context.Background(), firstTenant, product, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err, "the identical retry after a failure after the commit")
	require.True(t, o.Replayed, "the identical retry applied the key again")
	require.Equal(t, normal(rec.Outcome), normal(o))
	_, err = b.Redeem(context.Background(), firstTenant, product, tk, activation.ExtendEnd, fixtureDay)
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)
	h := history(t, j, firstTenant)
	require.Equal(t, 3, len(h))
	requireChain(t, h)

	// An import whose commit was hidden: the identical retry finds it at the
	// head and records nothing more.
	fi := &FailingJournal{Inner: j, FailAfter: 1}
	corrected := subscription(firstTenant)
	corrected.Seats = 7
	require.ErrorIs(t, book(fi).Import(context.Background(), corrected, fixtureDay), ErrInjected)
	require.NoError(t, book(fi).Import(context.Background(), corrected, fixtureDay))
	h = history(t, j, firstTenant)
	require.Equal(t, 4, len(h), "the retried import was recorded twice or not at all")
	requireChain(t, h)
}

func testBookCommitLate(t *testing.T, j, _ activation.Journal) {
	importFixture(t, j, firstTenant)
	f := &FailingJournal{Inner: j, CommitLate: 1}
	b := book(f)
	tk := tok(key(t, "CL", 1), 25)
	_, err := b.Redeem(context.Background(), firstTenant, product, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	// The retry reads the head before the late commit lands, computes on it,
	// and finds its own record at the place or under the key.
	o, err := b.Redeem(context.Background(), firstTenant, product, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err, "the identical retry after a late commit")
	require.True(t, o.Replayed, "the key was applied by the late commit and again by the retry")
	h := history(t, j, firstTenant)
	require.Equal(t, 2, len(h), "not exactly one applied record")
	requireChain(t, h)

	// A late commit that lands after the retry's own append: the retry
	// applied it, the late one finds the key taken.
	f2 := &FailingJournal{Inner: j, CommitLate: 1}
	b2 := book(f2)
	tk2 := tok(key(t, "CL", 2), 25)
	_, err = b2.Redeem(context.Background(), firstTenant, product, tk2, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	o, err = book(j).Redeem(context.Background(), firstTenant, product, tk2, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.False(t, o.Replayed)
	require.NoError(t, f2.Flush(), "the late commit must not fail, only find its place or key taken")
	h = history(t, j, firstTenant)
	require.Equal(t, 3, len(h), "not exactly one applied record")
	requireChain(t, h)
}

func testBookFailUnderRace(t *testing.T, handles []activation.Journal) {
	importFixture(t, handles[0], firstTenant)
	fs := make([]*FailingJournal, len(handles))
	for i, h := range handles {
		fs[i] = &FailingJournal{Inner: h, FailBefore: Racers / 4, FailAfter: Racers / 4, CommitLate: Racers / 4, FailHead: 4}
	}
	keys := make([]token.Key, Racers)
	for i := range keys {
		keys[i] = key(t, "FR", i%(Racers/2)) // two racers per key, from two tenants' requests
	}
	res := race(func(i int) (activation.Outcome, error) {
		b := book(fs[i%len(fs)])
		for {
			o, err := b.Redeem(context.Background(), firstTenant, product, tok(keys[i], 1+i%(Racers/2)), activation.AddSeats, fixtureDay)
			if !errors.Is(err, ErrInjected) {
				return o, err
			}
		}
	})
	for _, f := range fs {
		require.NoError(t, f.Flush())
	}
	applied := map[token.Key]int{}
	for i, x := range res {
		require.NoError(t, x.err, "racer %d", i)
		if !x.o.Replayed {
			applied[keys[i]]++
		}
	}
	h := history(t, handles[0], firstTenant)
	requireChain(t, h)
	require.Equal(t, 1+Racers/2, len(h), "not exactly one record per key")
	for k, n := range applied {
		require.LessOrEqual(t, n, 1, "key %v applied %d times", k, n)
	}
}

func testBookLookupFails(t *testing.T, j, _ activation.Journal) {
	importFixture(t, j, firstTenant)
	f := &FailingJournal{Inner: j, FailLookup: 1}
	b := book(f)
	tk := tok(key(t, "LF", 1), 301) // over the R6 cap for 100 seats
	_, err := b.Redeem(context.Background(), firstTenant, product, tk, activation.ExtendEnd, fixtureDay)
	require.ErrorIs(t, err, ErrInjected, "the answer depends on the failed lookup")
	require.NotErrorIs(t, err, activation.ErrExtensionCap, "a refusal although the lookup failed")
	requireNotSpent(t, j, tk.Key)

	// A recorded key that the policy now refuses: with the lookup failing
	// the answer is the store's error; once it works, a replay.
	ok := tok(key(t, "LF", 2), 25)
	first, err := b.Redeem(context.Background(), firstTenant, product, ok, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	_, err = b.Redeem(context.Background(), firstTenant, product, tok(key(t, "LF", 3), 100), activation.AddSeats, fixtureDay.AddDate(0, 0, 5))
	require.NoError(t, err)
	f2 := &FailingJournal{Inner: j, FailLookup: 1}
	_, err = book(f2).Redeem(context.Background(), firstTenant, product, ok, activation.ExtendEnd, fixtureDay)
	require.ErrorIs(t, err, ErrInjected, "day before the last record, lookup failed: the store's error")
	require.NotErrorIs(t, err, activation.ErrInvalid)
	again, err := book(f2).Redeem(context.Background(), firstTenant, product, ok, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	require.True(t, again.Replayed)
	require.Equal(t, normal(first), normal(again))
	require.Equal(t, 3, len(history(t, j, firstTenant)))
}

func testBookHeadFails(t *testing.T, j, _ activation.Journal) {
	importFixture(t, j, firstTenant)
	f := &FailingJournal{Inner: j, FailHead: 1}
	tk := tok(key(t, "HF", 1), 25)
	_, err := book(f).Redeem(context.Background(), firstTenant, product, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	requireNotSpent(t, j, tk.Key)
	err = book(&FailingJournal{Inner: j, FailHead: 1}).Import(context.Background(), subscription("tenant-second"), fixtureDay)
	require.ErrorIs(t, err, ErrInjected)
	require.Empty(t, history(t, j, "tenant-second"))
}

// cutIn is a Journal through which another writer cuts in: before the
// first Append, it runs before (once), as if another process appended
// between this caller's Head and its Append.
type cutIn struct {
	activation.Journal
	once   sync.Once
	before func()
}

func (c *cutIn) Append(ctx context.Context, rec activation.Record) (activation.Record, activation.Taken, error) {
	c.once.Do(c.before)
	return c.Journal.Append(ctx, rec)
}

// testBookLostRace: another redemption lands between a Redeem's Head and
// its Append, deterministically. The Redeem must find its place taken,
// re-read the head and recompute on it: both keys count, the chain holds.
func testBookLostRace(t *testing.T, first, second activation.Journal) {
	ctx := context.Background()
	importFixture(t, first, firstTenant)
	other := tok(key(t, "LR", 2), 10)
	var otherErr error
	j := &cutIn{Journal: first, before: func() {
		_, otherErr = book(second).Redeem(ctx, firstTenant, product, other, activation.AddSeats, fixtureDay)
	}}
	b := book(j)
	b.Retries = new(atomic.Int64)
	tk := tok(key(t, "LR", 1), 25)
	o, err := b.Redeem(ctx, firstTenant, product, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, otherErr, "the redemption that cut in")
	require.NoError(t, err, "the redemption that lost the race")
	require.False(t, o.Replayed)
	require.Equal(t, int64(1), b.Retries.Load(), "the loser did not recompute exactly once")
	require.Equal(t, 135, o.After.Seats, "the loser's Outcome was not computed on the winner's state: seats lost")
	h := history(t, first, firstTenant)
	require.Equal(t, 3, len(h))
	requireChain(t, h)
	require.Equal(t, normal(o), normal(h[2].Outcome))

	// The same with RedeemIfUnchanged: the loser fails with ErrChanged and
	// spends nothing.
	other2 := tok(key(t, "LR", 4), 10)
	j2 := &cutIn{Journal: first, before: func() {
		_, otherErr = book(second).Redeem(ctx, firstTenant, product, other2, activation.AddSeats, fixtureDay)
	}}
	tk2 := tok(key(t, "LR", 3), 25)
	_, err = book(j2).RedeemIfUnchanged(ctx, firstTenant, product, 3, tk2, activation.AddSeats, fixtureDay)
	require.NoError(t, otherErr)
	require.ErrorIs(t, err, activation.ErrChanged)
	requireNotSpent(t, first, tk2.Key)
	require.Equal(t, 4, len(history(t, first, firstTenant)))

	// An import that loses the race is made on the new head, not dropped.
	other3 := tok(key(t, "LR", 5), 10)
	j3 := &cutIn{Journal: first, before: func() {
		_, otherErr = book(second).Redeem(ctx, firstTenant, product, other3, activation.AddSeats, fixtureDay)
	}}
	corrected := subscription(firstTenant)
	corrected.Seats = 500
	require.NoError(t, book(j3).Import(ctx, corrected, fixtureDay))
	require.NoError(t, otherErr)
	h = history(t, first, firstTenant)
	require.Equal(t, 6, len(h), "the import that lost the race was dropped")
	requireChain(t, h)
	require.Equal(t, corrected, h[5].Outcome.After)
}
