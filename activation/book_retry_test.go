package activation_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/ledgertest"
	"github.com/coterm/coterm/token"
)

// The retry logic of a Book and a Redeemer, tested through stores that fail
// on cue (ledgertest's FailingLedger and FailingJournal) or let another
// writer cut in, on a MemoryJournal: these test the library, not a store.

func TestRedeemerLookupFailsOnRefusedPath(t *testing.T) {
	testLookupFails(t, activation.NewMemoryLedger())
}

func TestBookLookupFailsOnRefusedPath(t *testing.T) {
	testBookLookupFails(t, activation.NewMemoryJournal(), nil)
}

func TestBookHeadFails(t *testing.T) {
	testBookHeadFails(t, activation.NewMemoryJournal(), nil)
}

func TestBookLostRaceRecomputes(t *testing.T) {
	j := activation.NewMemoryJournal()
	testBookLostRace(t, j, j)
}

// The fixture: the R5 scenario "100 active seats + a 25-seat key = +3 months".
const (
	product     = "O365-E3"
	firstTenant = "tenant-first-fabrikam"
)

var (
	fixtureEnd = time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC)
	fixtureDay = time.Date(2026, time.June, 15, 0, 0, 0, 0, time.UTC)
)

func subscription(tenant string) activation.Subscription {
	return activation.Subscription{Tenant: tenant, Product: product, Seats: 100, End: fixtureEnd}
}

// key returns the n-th test key of group g: distinct for distinct (g, n).
func key(t testing.TB, g string, n int) token.Key {
	t.Helper()
	k, err := token.ParseKey(fmt.Sprintf("RETRY-%-5.5s-%05d-TESTK-%05d", g+"XXXXX", n, n))
	require.NoError(t, err)
	return k
}

func tok(k token.Key, seats int) token.Token {
	return token.Token{Key: k, Product: product, Seats: seats, TermMonths: 12}
}

func redeemer(l activation.Ledger) *activation.Redeemer {
	return &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: l}
}

func book(j activation.Journal) *activation.Book {
	return &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
}

func importFixture(t *testing.T, j activation.Journal, tenant string) {
	t.Helper()
	require.NoError(t, book(j).Import(context.Background(), subscription(tenant), fixtureDay), "Import")
}

func history(t *testing.T, j activation.Journal, tenant string) []activation.Record {
	t.Helper()
	h, err := book(j).History(context.Background(), tenant, product)
	require.NoError(t, err, "History")
	return h
}

func requireNotSpent(t *testing.T, j activation.Journal, k token.Key) {
	t.Helper()
	_, ok, err := j.Lookup(context.Background(), k.Fingerprint())
	require.NoError(t, err)
	require.False(t, ok, "key %v spent", k)
}

func requireNotRecorded(t *testing.T, l activation.Ledger, k token.Key) {
	t.Helper()
	_, ok, err := l.Lookup(context.Background(), k.Fingerprint())
	require.NoError(t, err)
	require.False(t, ok, "key %v recorded, want not spent", k)
}

// normal returns o with Replayed and the key cleared and every time in UTC.
func normal(o activation.Outcome) activation.Outcome {
	o.Replayed = false
	o.Token.Key = token.Key{}
	o.At, o.Before.End, o.After.End = o.At.UTC(), o.Before.End.UTC(), o.After.End.UTC()
	return o
}

// testLookupFails: Apply refuses and the lookup that would tell a recorded
// key fails: the error is the store's, never the refusal.
func testLookupFails(t *testing.T, inner activation.Ledger) {
	ctx := context.Background()
	s, tk := subscription(firstTenant), tok(key(t, "LF", 1), 301) // over the R6 cap
	f := &ledgertest.FailingLedger{Inner: inner, FailLookup: 1}
	_, err := redeemer(f).Redeem(ctx, s, tk, activation.ExtendEnd, fixtureDay)
	require.ErrorIs(t, err, ledgertest.ErrInjected)
	require.NotErrorIs(t, err, activation.ErrExtensionCap, "a refusal although the lookup failed")
	requireNotRecorded(t, inner, tk.Key)
	_, _, lookups := f.Remaining()
	require.Zero(t, lookups, "the refused path did not look the key up")

	// A recorded key whose identical request is now refused (another
	// policy): the failed lookup is the answer, then the replay.
	ok := tok(key(t, "LF", 2), 25)
	first, err := redeemer(inner).Redeem(ctx, s, ok, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	strict := activation.PartnerCenter()
	strict.TermMonths = 0 // invalid: Apply refuses everything
	f2 := &ledgertest.FailingLedger{Inner: inner, FailLookup: 1}
	r := &activation.Redeemer{Policy: strict, Ledger: f2}
	_, err = r.Redeem(ctx, s, ok, activation.ExtendEnd, fixtureDay)
	require.ErrorIs(t, err, ledgertest.ErrInjected)
	require.NotErrorIs(t, err, activation.ErrInvalid)
	again, err := r.Redeem(ctx, s, ok, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	require.True(t, again.Replayed)
	require.Equal(t, normal(first), normal(again))
}

func testBookLookupFails(t *testing.T, j, _ activation.Journal) {
	importFixture(t, j, firstTenant)
	f := &ledgertest.FailingJournal{Inner: j, FailLookup: 1}
	b := book(f)
	tk := tok(key(t, "LF", 1), 301) // over the R6 cap for 100 seats
	_, err := b.Redeem(context.Background(), firstTenant, product, tk, activation.ExtendEnd, fixtureDay)
	require.ErrorIs(t, err, ledgertest.ErrInjected, "the answer depends on the failed lookup")
	require.NotErrorIs(t, err, activation.ErrExtensionCap, "a refusal although the lookup failed")
	requireNotSpent(t, j, tk.Key)

	// A recorded key that the policy now refuses: with the lookup failing
	// the answer is the store's error; once it works, a replay.
	ok := tok(key(t, "LF", 2), 25)
	first, err := b.Redeem(context.Background(), firstTenant, product, ok, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	_, err = b.Redeem(context.Background(), firstTenant, product, tok(key(t, "LF", 3), 100), activation.AddSeats, fixtureDay.AddDate(0, 0, 5))
	require.NoError(t, err)
	f2 := &ledgertest.FailingJournal{Inner: j, FailLookup: 1}
	_, err = book(f2).Redeem(context.Background(), firstTenant, product, ok, activation.ExtendEnd, fixtureDay)
	require.ErrorIs(t, err, ledgertest.ErrInjected, "day before the last record, lookup failed: the store's error")
	require.NotErrorIs(t, err, activation.ErrInvalid)
	again, err := book(f2).Redeem(context.Background(), firstTenant, product, ok, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	require.True(t, again.Replayed)
	require.Equal(t, normal(first), normal(again))
	require.Equal(t, 3, len(history(t, j, firstTenant)))
}

func testBookHeadFails(t *testing.T, j, _ activation.Journal) {
	importFixture(t, j, firstTenant)
	f := &ledgertest.FailingJournal{Inner: j, FailHead: 1}
	tk := tok(key(t, "HF", 1), 25)
	_, err := book(f).Redeem(context.Background(), firstTenant, product, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, ledgertest.ErrInjected)
	requireNotSpent(t, j, tk.Key)
	err = book(&ledgertest.FailingJournal{Inner: j, FailHead: 1}).Import(context.Background(), subscription("tenant-second"), fixtureDay)
	require.ErrorIs(t, err, ledgertest.ErrInjected)
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
