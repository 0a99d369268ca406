package activation_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// replaceSetup: a book where key 1 (100 seats) activated contoso's
// subscription on 2027-01-31.
func replaceSetup(t *testing.T) (*activation.Book, *activation.MemoryJournal, activation.Outcome) {
	t.Helper()
	b, j := newBook()
	o, err := b.Redeem(context.Background(), bkTenant, bkProduct, bkTok(t, 1, 100), activation.Activate, bkDate(2027, 1, 31))
	require.NoError(t, err)
	return b, j, o
}

// TestReplace (R12): a replacement is a record after the activation's: its
// Before the head, its After what the replacement key would have made on
// the activation's day; the original stays, both keys are spent.
func TestReplace(t *testing.T) {
	ctx := context.Background()
	b, j, orig := replaceSetup(t)
	nt := bkTok(t, 2, 120)
	o, err := b.Replace(ctx, bkKey(t, 1), nt, bkDate(2027, 3, 2)) // day 30: in time
	require.NoError(t, err)
	want, err := b.Policy.Apply(orig.Before, nt, activation.Activate, bkDate(2027, 1, 31))
	require.NoError(t, err)
	assert.Equal(t, activation.Replace, o.Op)
	assert.Equal(t, orig.After, o.Before, "Before is the head")
	assert.Equal(t, want.After, o.After)
	assert.Equal(t, bkDate(2027, 3, 2), o.At)
	assert.Equal(t, nt.Key, o.Token.Key)
	assert.False(t, o.Replayed)

	h, err := b.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	require.Len(t, h, 2)
	requireChain(t, h)
	rec := h[1]
	assert.Equal(t, bkKey(t, 1).Fingerprint(), rec.Replaces)
	assert.Equal(t, bkKey(t, 1).Last5(), rec.ReplacesTail)
	assert.Equal(t, nt.Key.Fingerprint(), rec.Fingerprint)
	assert.Equal(t, "The key ending 00001 (record 1) is replaced by the key ending 00002, within its replacement window, once (R12). "+
		"Replacement (R12) on 2027-03-02: a key of 120 seats in place of the key redeemed before, applied as activate as that key was; "+
		"seats 100 → 120, end date 2028-01-31 → 2028-01-31.", rec.Explain())
	assert.Equal(t, h[0].Outcome.Explain(), h[0].Explain())
	for _, k := range []token.Key{bkKey(t, 1), nt.Key} {
		_, ok, err := b.Lookup(ctx, k)
		require.NoError(t, err)
		require.True(t, ok, "both keys are spent")
	}

	// The identical request replays; another use of the new key is spent.
	again, err := b.Replace(ctx, bkKey(t, 1), nt, bkDate(2027, 3, 2))
	require.NoError(t, err)
	require.True(t, again.Replayed)
	again.Replayed = false
	require.Equal(t, o, again)
	_, err = b.Redeem(ctx, bkTenant, bkProduct, nt, activation.AddSeats, bkDate(2027, 3, 3))
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)

	// Once: a second replacement is refused with the window's last day.
	_, err = b.Replace(ctx, bkKey(t, 1), bkTok(t, 3, 50), bkDate(2027, 3, 1))
	var re *activation.ReplacementError
	require.ErrorAs(t, err, &re)
	require.ErrorIs(t, err, activation.ErrNotAllowed)
	assert.Equal(t, bkDate(2027, 3, 2), re.Last)
	assert.Contains(t, err.Error(), "once")
	requireNoKey(t, err.Error())
	require.Equal(t, 2, j.Len(), "a refusal records nothing")
}

// TestReplaceRefusals: day 31 is late, a record after the activation's
// blocks it, and only a redemption of this book is replaced.
func TestReplaceRefusals(t *testing.T) {
	ctx := context.Background()
	var re *activation.ReplacementError
	t.Run("day 31", func(t *testing.T) {
		b, j, _ := replaceSetup(t)
		_, err := b.Replace(ctx, bkKey(t, 1), bkTok(t, 2, 120), bkDate(2027, 3, 3))
		require.ErrorAs(t, err, &re)
		assert.Equal(t, bkDate(2027, 3, 2), re.Last)
		assert.Contains(t, err.Error(), "replacement window until 2027-03-02")
		require.Equal(t, 1, j.Len())
	})
	t.Run("a later record", func(t *testing.T) {
		b, j, _ := replaceSetup(t)
		_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 3, 10), activation.AddSeats, bkDate(2027, 2, 1))
		require.NoError(t, err)
		_, err = b.Replace(ctx, bkKey(t, 1), bkTok(t, 2, 120), bkDate(2027, 2, 2))
		require.ErrorAs(t, err, &re)
		assert.Contains(t, re.Reason, "would be lost")
		require.Equal(t, 2, j.Len())
	})
	t.Run("not redeemed, a claim", func(t *testing.T) {
		b, j, _ := replaceSetup(t)
		_, err := b.Replace(ctx, bkKey(t, 7), bkTok(t, 2, 120), bkDate(2027, 2, 2))
		require.ErrorAs(t, err, &re)
		r := activation.Redeemer{Policy: b.Policy, Ledger: j}
		_, err = r.Redeem(ctx, activation.Subscription{Tenant: bkTenant, Product: bkProduct}, bkTok(t, 8, 1), activation.Activate, bkDate(2027, 1, 31))
		require.NoError(t, err)
		_, err = b.Replace(ctx, bkKey(t, 8), bkTok(t, 2, 120), bkDate(2027, 2, 2))
		require.ErrorAs(t, err, &re, "a key claimed outside the book")
	})
	t.Run("a spent key answers first", func(t *testing.T) {
		b, j, _ := replaceSetup(t)
		_, err := b.Redeem(ctx, "other", bkProduct, bkTok(t, 2, 5), activation.Activate, bkDate(2027, 1, 31))
		require.NoError(t, err)
		_, err = b.Replace(ctx, bkKey(t, 1), bkTok(t, 2, 120), bkDate(2027, 3, 3)) // late, and the key is spent
		require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)
		require.Equal(t, 2, j.Len())
	})
	t.Run("a replacement is not replaced", func(t *testing.T) {
		b, _, _ := replaceSetup(t)
		_, err := b.Replace(ctx, bkKey(t, 1), bkTok(t, 2, 120), bkDate(2027, 2, 1))
		require.NoError(t, err)
		_, err = b.Replace(ctx, bkKey(t, 2), bkTok(t, 3, 120), bkDate(2027, 2, 1))
		require.ErrorAs(t, err, &re)
		assert.Contains(t, re.Reason, "replace")
	})
	t.Run("bad input", func(t *testing.T) {
		b, j, _ := replaceSetup(t)
		for name, tk := range map[string]token.Token{
			"zero key":      {Product: bkProduct, Seats: 1},
			"itself":        bkTok(t, 1, 100),
			"other product": {Key: bkKey(t, 2), Product: "Other", Seats: 1},
		} {
			_, err := b.Replace(ctx, bkKey(t, 1), tk, bkDate(2027, 2, 1))
			require.Error(t, err, name)
			requireNoKey(t, err.Error())
		}
		_, err := b.Replace(ctx, token.Key{}, bkTok(t, 2, 1), bkDate(2027, 2, 1))
		require.ErrorIs(t, err, activation.ErrInvalid)
		plain := &activation.Book{Policy: b.Policy, Journal: onlyJournal{j}}
		_, err = plain.Replace(ctx, bkKey(t, 1), bkTok(t, 2, 1), bkDate(2027, 2, 1))
		require.ErrorContains(t, err, "not a BatchJournal")
		require.Equal(t, 1, j.Len())
	})
}

// TestReplaceRecordEncoding: a replacement encodes as version 2 and comes
// back; version 1 records stay version 1; a plain Append refuses one.
func TestReplaceRecordEncoding(t *testing.T) {
	ctx := context.Background()
	b, j, _ := replaceSetup(t)
	_, err := b.Replace(ctx, bkKey(t, 1), bkTok(t, 2, 120), bkDate(2027, 2, 1))
	require.NoError(t, err)
	h, err := b.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	for i, want := range []byte{1, 2} {
		enc, err := h[i].MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, want, enc[0], "record %d's version", i+1)
		var back activation.Record
		require.NoError(t, back.UnmarshalBinary(enc))
		require.Equal(t, h[i], back)
		js, err := json.Marshal(h[i])
		require.NoError(t, err)
		var fromJSON activation.Record
		require.NoError(t, fromJSON.UnmarshalJSON(js))
		assert.Equal(t, h[i].Replaces, fromJSON.Replaces)
		assert.Equal(t, h[i].ReplacesTail, fromJSON.ReplacesTail)
	}
	enc, err := h[1].MarshalBinary()
	require.NoError(t, err)
	var back activation.Record
	require.ErrorIs(t, back.UnmarshalBinary(append([]byte{1}, enc[1:]...)), activation.ErrRecordEncoding)
	enc, err = h[0].MarshalBinary()
	require.NoError(t, err)
	require.ErrorIs(t, back.UnmarshalBinary(append([]byte{2}, enc[1:]...)), activation.ErrRecordEncoding)
	bad := h[1]
	bad.ReplacesTail = "abc"
	_, err = bad.MarshalBinary()
	require.ErrorIs(t, err, activation.ErrInvalid)

	next := h[1]
	next.Seq, next.Fingerprint = 3, bkKey(t, 9).Fingerprint()
	_, _, err = j.Append(ctx, next)
	require.ErrorIs(t, err, activation.ErrInvalid, "a replacement goes through AppendBatch")
	require.NotEqual(t, h[1].ReplacementClaim(), h[1].Replaces)
	require.True(t, h[0].ReplacementClaim().IsZero())
	require.Equal(t, "replace", activation.Replace.String())
}

// TestVerifyAcceptsBatchesAndReplacements: the Verifier finds nothing wrong
// in a journal holding a batch and a replacement.
func TestVerifyAcceptsBatchesAndReplacements(t *testing.T) {
	ctx := context.Background()
	b, j, _ := replaceSetup(t)
	_, err := b.Replace(ctx, bkKey(t, 1), bkTok(t, 2, 120), bkDate(2027, 2, 1))
	require.NoError(t, err)
	_, err = b.RedeemAll(ctx, bkTenant, bkProduct, batchToks(t, 5, 3, 4), activation.AddSeats, bkDate(2027, 2, 2))
	require.NoError(t, err)
	var found []activation.Finding
	sum, err := activation.Verifier{Policies: map[string]activation.Policy{b.Policy.Name: b.Policy}}.Verify(ctx, j, func(f activation.Finding) error {
		found = append(found, f)
		return nil
	})
	require.NoError(t, err)
	require.Empty(t, found)
	require.Equal(t, int64(4), sum.Records)
}
