package activation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// batchToks returns tokens of keys n, n+1, … of seats each.
func batchToks(t testing.TB, seats int, ns ...int) []token.Token {
	ts := make([]token.Token, len(ns))
	for i, n := range ns {
		ts[i] = bkTok(t, n, seats)
	}
	return ts
}

// TestRedeemAll: a batch applies its keys in the order given, each on the
// state the one before left (R4, R10), as consecutive records with one
// request identity; the identical batch replays whole.
func TestRedeemAll(t *testing.T) {
	b, j := newBook()
	ctx := context.Background()
	require.NoError(t, b.Import(ctx, bkSub(100, bkDate(2027, 1, 1)), bkDate(2026, 10, 1)))
	ts := batchToks(t, 25, 1, 2, 3)
	at := bkDate(2026, 11, 1)
	out, err := b.RedeemAll(ctx, bkTenant, bkProduct, ts, activation.AddSeats, at)
	require.NoError(t, err)
	require.Len(t, out, 3)
	s := bkSub(100, bkDate(2027, 1, 1))
	for i, o := range out {
		want, err := b.Policy.Apply(s, ts[i], activation.AddSeats, at)
		require.NoError(t, err)
		require.Equal(t, want, o, "key %d", i+1)
		s = o.After
	}
	h, err := b.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	requireChain(t, h)
	require.Len(t, h, 4)
	for i, rec := range h[1:] {
		assert.Equal(t, ts[i].Key.Fingerprint(), rec.Fingerprint)
		assert.Equal(t, h[1].Request, rec.Request, "one request identity for the batch")
		assert.Equal(t, ts[i].Key.Last5(), rec.KeyTail)
	}

	again, err := b.RedeemAll(ctx, bkTenant, bkProduct, ts, activation.AddSeats, at)
	require.NoError(t, err, "the identical batch replays")
	for i := range again {
		require.True(t, again[i].Replayed)
		again[i].Replayed = false
		require.Equal(t, out[i], again[i])
	}
	require.Equal(t, 4, j.Len(), "a replay records nothing")

	// A new Book (no remembered head) replays too, after the head moved on.
	_, err = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 9, 5), activation.AddSeats, bkDate(2026, 11, 5))
	require.NoError(t, err)
	other := &activation.Book{Policy: b.Policy, Journal: j}
	again, err = other.RedeemAll(ctx, bkTenant, bkProduct, ts, activation.AddSeats, at)
	require.NoError(t, err)
	require.True(t, again[2].Replayed)
}

// TestRedeemAllAnswers pins the precedence (R2): a spent key answers before
// any refusal, naming the key; a refusal names the first key refused; and
// nothing is spent on either.
func TestRedeemAllAnswers(t *testing.T) {
	ctx := context.Background()
	at := bkDate(2026, 11, 1)
	setup := func(t *testing.T) (*activation.Book, *activation.MemoryJournal) {
		b, j := newBook()
		require.NoError(t, b.Import(ctx, bkSub(10, bkDate(2027, 1, 1)), bkDate(2026, 10, 1)))
		_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 5, 1), activation.AddSeats, at)
		require.NoError(t, err)
		return b, j
	}
	t.Run("a key spent alone", func(t *testing.T) {
		b, j := setup(t)
		_, err := b.RedeemAll(ctx, bkTenant, bkProduct, batchToks(t, 1, 1, 5, 2), activation.AddSeats, at)
		var be *activation.BatchError
		require.ErrorAs(t, err, &be)
		require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)
		assert.Equal(t, 1, be.Index)
		assert.Equal(t, bkKey(t, 5).String(), be.Key)
		requireNoKey(t, err.Error())
		require.Equal(t, 2, j.Len(), "nothing spent")
		_, err = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 1), activation.AddSeats, at)
		require.NoError(t, err, "key 1 was not spent")
	})
	t.Run("a spent key before a refusal", func(t *testing.T) {
		b, j := setup(t)
		// Key 1 would be refused (R6: 31 > 3 × 10), key 2 is spent: the spent key answers.
		ts := []token.Token{bkTok(t, 1, 31), bkTok(t, 5, 1)}
		_, err := b.RedeemAll(ctx, bkTenant, bkProduct, ts, activation.ExtendEnd, at)
		require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)
		require.Equal(t, 2, j.Len())
	})
	t.Run("the first refusal", func(t *testing.T) {
		b, j := setup(t)
		ts := []token.Token{bkTok(t, 1, 10), bkTok(t, 2, 61), bkTok(t, 3, 1000)}
		_, err := b.RedeemAll(ctx, bkTenant, bkProduct, ts, activation.ExtendEnd, at)
		var be *activation.BatchError
		require.ErrorAs(t, err, &be)
		require.ErrorIs(t, err, activation.ErrExtensionCap, "R6 on 20 seats after key 1")
		assert.Equal(t, 1, be.Index)
		assert.Contains(t, err.Error(), "key 2 ("+bkKey(t, 2).String()+")")
		requireNoKey(t, err.Error())
		require.Equal(t, 2, j.Len(), "nothing spent")
	})
	t.Run("another batch with a key of a batch", func(t *testing.T) {
		b, j := setup(t)
		_, err := b.RedeemAll(ctx, bkTenant, bkProduct, batchToks(t, 1, 1, 2), activation.AddSeats, at)
		require.NoError(t, err)
		_, err = b.RedeemAll(ctx, bkTenant, bkProduct, batchToks(t, 1, 3, 2), activation.AddSeats, at)
		require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)
		_, err = b.RedeemAll(ctx, bkTenant, bkProduct, batchToks(t, 1, 2, 1), activation.AddSeats, at)
		require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, "another order is another batch")
		_, err = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 1), activation.AddSeats, at)
		require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, "a key spent in a batch answers a single redemption")
		_, err = b.RedeemAll(ctx, bkTenant, bkProduct, batchToks(t, 1, 1), activation.AddSeats, at)
		require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, "a part of a batch is another batch")
		require.Equal(t, 4, j.Len())
	})
}

func requireNoKey(t *testing.T, msg string) {
	t.Helper()
	require.NotContains(t, msg, "BOOKK-TESTS", "a key in clear")
	require.NotContains(t, msg, "BOOKKTESTS")
}

// TestRedeemAllBadInput: bad input is refused before anything, records
// nothing and names no key in clear.
func TestRedeemAllBadInput(t *testing.T) {
	ctx := context.Background()
	at := bkDate(2026, 11, 1)
	b, j := newBook()
	many := make([]token.Token, activation.MaxBatch+1)
	for i := range many {
		many[i] = bkTok(t, i+1, 1)
	}
	other := bkTok(t, 3, 1)
	other.Product = "Other"
	for name, ts := range map[string][]token.Token{
		"empty":        nil,
		"too many":     many,
		"a key twice":  batchToks(t, 1, 1, 2, 1),
		"zero key":     {bkTok(t, 1, 1), {Product: bkProduct, Seats: 1}},
		"key for name": {{Key: bkKey(t, 1), Product: bkKey(t, 2).Reveal(), Seats: 1}},
	} {
		_, err := b.RedeemAll(ctx, bkTenant, bkProduct, ts, activation.Activate, at)
		require.ErrorIs(t, err, activation.ErrInvalid, name)
		requireNoKey(t, err.Error())
	}
	_, err := b.RedeemAll(ctx, bkTenant, bkProduct, []token.Token{bkTok(t, 1, 1), other}, activation.Activate, at)
	require.ErrorIs(t, err, activation.ErrProductMismatch)
	require.Zero(t, j.Len())

	plain := &activation.Book{Policy: activation.PartnerCenter(), Journal: onlyJournal{j}}
	_, err = plain.RedeemAll(ctx, bkTenant, bkProduct, batchToks(t, 1, 1), activation.Activate, at)
	require.ErrorIs(t, err, activation.ErrInvalid)
	require.ErrorContains(t, err, "not a BatchJournal")
	require.Zero(t, j.Len())
}

// activatedBook returns a book where key 1 activated 10 seats on day at.
func activatedBook(t *testing.T, at time.Time) (*activation.Book, *activation.MemoryJournal) {
	t.Helper()
	b, j := newBook()
	_, err := b.Redeem(context.Background(), bkTenant, bkProduct, bkTok(t, 1, 10), activation.Activate, at)
	require.NoError(t, err)
	return b, j
}

// onlyJournal hides every method of a Journal but the Journal's.
type onlyJournal struct{ activation.Journal }

// TestRedeemAllRetriesAPlaceTaken: a batch computed on a head that moved
// recomputes on the new head (no lost update), and is stored whole.
func TestRedeemAllRetriesAPlaceTaken(t *testing.T) {
	ctx, at := context.Background(), bkDate(2026, 11, 1)
	b, j := activatedBook(t, at)
	other := &activation.Book{Policy: b.Policy, Journal: j}
	_, err := other.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 10), activation.AddSeats, at)
	require.NoError(t, err)
	out, err := b.RedeemAll(ctx, bkTenant, bkProduct, batchToks(t, 5, 3, 4), activation.AddSeats, at)
	require.NoError(t, err)
	require.Equal(t, 20, out[0].Before.Seats, "computed on the head another Book wrote")
	require.Equal(t, 30, out[1].After.Seats)
	h, err := b.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	requireChain(t, h)
	require.Len(t, h, 4)
}

// TestMemoryJournalAppendBatch pins the BatchJournal contract on the
// reference store: all or nothing, the first conflict, gaps, bad batches.
func TestMemoryJournalAppendBatch(t *testing.T) {
	ctx := context.Background()
	j, head, rec := afterHead(t)
	c, err := j.AppendBatch(ctx, []activation.Record{rec(2, 2), rec(3, 1), rec(4, 3)})
	require.NoError(t, err)
	require.Equal(t, activation.KeyTaken, c.Taken)
	require.Equal(t, 1, c.Index)
	require.Equal(t, head, c.Stored)
	c, err = j.AppendBatch(ctx, []activation.Record{rec(1, 2), rec(2, 3)})
	require.NoError(t, err)
	require.Equal(t, activation.Conflict{Taken: activation.PlaceTaken, Stored: head}, c)
	_, err = j.AppendBatch(ctx, []activation.Record{rec(3, 2)})
	require.ErrorIs(t, err, activation.ErrGap)
	for name, recs := range map[string][]activation.Record{
		"empty":           nil,
		"not consecutive": {rec(2, 2), rec(4, 3)},
		"a key twice":     {rec(2, 2), rec(3, 2)},
		"two places":      {rec(2, 2), func() activation.Record { r := rec(3, 3); r.Outcome.After.Tenant = "x"; return r }()},
		"seq 0":           {rec(0, 2)},
	} {
		_, err := j.AppendBatch(ctx, recs)
		require.ErrorIs(t, err, activation.ErrInvalid, name)
	}
	require.Equal(t, 1, j.Len(), "nothing stored")
	c, err = j.AppendBatch(ctx, []activation.Record{rec(2, 2), rec(3, 3)})
	require.NoError(t, err)
	require.Equal(t, activation.Conflict{}, c)
	require.Equal(t, 3, j.Len())
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = j.AppendBatch(cancelled, []activation.Record{rec(4, 4)})
	require.ErrorIs(t, err, context.Canceled)
	_, err = (*activation.MemoryJournal)(nil).AppendBatch(ctx, []activation.Record{rec(4, 4)})
	require.ErrorIs(t, err, activation.ErrInvalid)
	require.True(t, strings.Contains(activation.Record{}.Explain(), "no redemption"))
}

// TestRedeemAllMessages: bad input and a bad batch say which key or record,
// counting from 1; a batch dated before the head is refused.
func TestRedeemAllMessages(t *testing.T) {
	ctx, at := context.Background(), bkDate(2026, 11, 1)
	b, j := activatedBook(t, at)
	_, err := b.RedeemAll(ctx, bkTenant, bkProduct, batchToks(t, 1, 2, 3, 2), activation.AddSeats, at)
	require.ErrorContains(t, err, "key 3 ("+bkKey(t, 2).String()+") is key 1 again")
	_, err = b.RedeemAll(ctx, bkTenant, bkProduct, []token.Token{bkTok(t, 2, 1), {Product: bkProduct, Seats: 1}}, activation.AddSeats, at)
	require.ErrorContains(t, err, "key 2 is the zero key")
	_, err = b.RedeemAll(ctx, bkTenant, bkProduct, batchToks(t, 1, 2), activation.AddSeats, bkDate(2026, 10, 31))
	require.ErrorIs(t, err, activation.ErrInvalid, "a day before the head's")
	require.Equal(t, 1, j.Len())

	head, _, err := j.Head(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	rec := func(seq int64, n int) activation.Record {
		r := head
		r.Seq, r.Fingerprint = seq, bkKey(t, n).Fingerprint()
		return r
	}
	other := rec(3, 3)
	other.Outcome.After.Tenant = "x"
	change := changeRec(bkTenant, bkProduct, "batch", 3, "seat-count")
	keyed, noted, changed := rec(3, 3), rec(3, 3), rec(3, 3)
	keyed.Outcome.Token.Key = bkKey(t, 3)
	noted.Note, changed.Change = "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY", "seat-count"
	badPolicy := func(r activation.Record) activation.Record {
		r.Policy = "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY" // key-shaped: no name may be
		return r
	}
	// Record 1 is checked whole, and so are record 2's names, key, note
	// and change where they are not record 1's.
	for _, c := range []struct {
		want string
		recs []activation.Record
	}{
		{"record 2 is of another subscription than record 1", []activation.Record{rec(2, 2), other}},
		{"record 2 has Seq 4, want 3", []activation.Record{rec(2, 2), rec(4, 3)}},
		{"records 1 and 2 have one key fingerprint", []activation.Record{rec(2, 2), rec(3, 2)}},
		{"record 2 is of another kind than record 1", []activation.Record{rec(2, 2), change}},
		{"policy could be read as a product key", []activation.Record{badPolicy(rec(2, 2)), badPolicy(rec(3, 3))}},
		{"policy could be read as a product key", []activation.Record{rec(2, 2), badPolicy(rec(3, 3))}},
		{"the record holds a product key", []activation.Record{rec(2, 2), keyed}},
		{"kind: 0 is not defined", []activation.Record{rec(2, 2), noted}},
		{"kind: 0 is not defined", []activation.Record{rec(2, 2), changed}},
	} {
		_, err := j.AppendBatch(ctx, c.recs)
		require.ErrorContains(t, err, c.want)
		require.ErrorIs(t, err, activation.ErrInvalid)
	}
	require.Equal(t, 1, j.Len(), "nothing stored")
}

// TestMemoryJournalReplacementClaim: a second record replacing one key is
// refused in one batch, and in another subscription finds the claim taken
// with the replacement that holds it.
func TestMemoryJournalReplacementClaim(t *testing.T) {
	ctx, at := context.Background(), bkDate(2026, 11, 1)
	b, j := activatedBook(t, at)
	_, err := b.Redeem(ctx, "other", bkProduct, bkTok(t, 5, 10), activation.Activate, at)
	require.NoError(t, err)
	o, err := b.Replace(ctx, bkKey(t, 1), bkTok(t, 2, 12), at)
	require.NoError(t, err)
	h, err := b.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	head, _, err := j.Head(ctx, "other", bkProduct)
	require.NoError(t, err)
	again := head
	again.Seq, again.Fingerprint, again.Replaces = 2, bkKey(t, 3).Fingerprint(), bkKey(t, 1).Fingerprint()
	c, err := j.AppendBatch(ctx, []activation.Record{again})
	require.NoError(t, err)
	require.Equal(t, activation.ReplacedTaken, c.Taken)
	require.Equal(t, h[1], recordUTCTest(c.Stored))
	require.Equal(t, o.After, c.Stored.Outcome.After)
	twice := again
	twice.Seq, twice.Fingerprint = 3, bkKey(t, 4).Fingerprint()
	again.Replaces = bkKey(t, 5).Fingerprint()
	twice.Replaces = again.Replaces
	_, err = j.AppendBatch(ctx, []activation.Record{again, twice})
	require.ErrorIs(t, err, activation.ErrInvalid, "one key replaced twice in a batch")
}

// recordUTCTest returns r with its times in UTC, as History gives them.
func recordUTCTest(r activation.Record) activation.Record {
	r.RecordedAt = r.RecordedAt.UTC()
	o := &r.Outcome
	o.At, o.Before.End, o.After.End = o.At.UTC(), o.Before.End.UTC(), o.After.End.UTC()
	return r
}

// A subscription that a batch starts is listed by the paged reads, as one a
// single redemption starts is: the memory store's ordered index holds it.
func TestRedeemAllStartsAListedSubscription(t *testing.T) {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	_, err := b.RedeemAll(ctx, "zeta", bkProduct, batchToks(t, 5, 1), activation.Activate, bkDate(2026, 12, 1))
	require.NoError(t, err)
	_, err = b.RedeemAll(ctx, "alpha", bkProduct, batchToks(t, 5, 3), activation.Activate, bkDate(2026, 12, 1))
	require.NoError(t, err)
	var names []string
	for s, err := range b.SubscriptionsSeq(ctx) {
		require.NoError(t, err)
		names = append(names, s.Tenant)
	}
	assert.Equal(t, []string{"alpha", "zeta"}, names)
}
