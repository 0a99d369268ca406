package activation_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// Two Books on one Journal: each remembers the last head it saw, and the
// other moves the subscription on behind its back.
func twoBooks() (a, b *activation.Book) {
	j := activation.NewMemoryJournal()
	return &activation.Book{Policy: activation.PartnerCenter(), Journal: j},
		&activation.Book{Policy: activation.PartnerCenter(), Journal: j}
}

// A stale head is only a guess: the redemption lands after the head the
// other Book made, so no update is lost.
func TestBookStaleHeadChains(t *testing.T) {
	ctx := context.Background()
	a, b := twoBooks()
	require.NoError(t, a.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	o, err := a.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Equal(t, 125, o.Before.Seats, "computed on the other Book's head")
	require.Equal(t, 150, o.After.Seats)
	h, err := a.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	require.Len(t, h, 3)
	for i := 1; i < len(h); i++ {
		require.Equal(t, h[i-1].Outcome.After, h[i].Outcome.Before, "record %d", h[i].Seq)
	}
}

// A Book never refuses on a remembered head: a key the stale head would
// refuse (R6: more than 3 × 5 seats) is accepted on the real one (100 seats).
func TestBookNeverRefusesOnStaleHead(t *testing.T) {
	ctx := context.Background()
	a, b := twoBooks()
	require.NoError(t, a.Import(ctx, bkSub(5, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	require.NoError(t, b.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	o, err := a.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 300), activation.ExtendEnd, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Equal(t, 100, o.Before.Seats)
	require.Equal(t, bkDate(2030, 3, 1), o.After.End, "R5: 300 ÷ 100 × 12 months")
}

// A preview's Seq is checked against the Journal, not the remembered head.
func TestBookRedeemIfUnchangedIgnoresStaleHead(t *testing.T) {
	ctx := context.Background()
	a, b := twoBooks()
	require.NoError(t, a.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	require.NoError(t, b.Import(ctx, bkSub(120, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	p, err := a.Preview(ctx, bkTenant, bkProduct, bkTok(t, 1, 20), bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.EqualValues(t, 2, p.Seq)
	o, err := a.RedeemIfUnchanged(ctx, bkTenant, bkProduct, p.Seq, bkTok(t, 1, 20), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Equal(t, 140, o.After.Seats)
}

// gapJournal refuses every Append with ErrGap, as a store whose head moved
// backwards would.
type gapJournal struct{ *activation.MemoryJournal }

func (g gapJournal) Append(context.Context, activation.Record) (activation.Record, activation.Taken, error) {
	return activation.Record{}, activation.NothingTaken, fmt.Errorf("test journal: %w", activation.ErrGap)
}

// On a head read from the Journal, ErrGap is the store's error: returned,
// not retried for ever.
func TestBookGapOnReadHeadIsTheStoresError(t *testing.T) {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: gapJournal{activation.NewMemoryJournal()}}
	_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.Activate, bkDate(2026, 12, 1))
	require.ErrorIs(t, err, activation.ErrGap)
	require.NotErrorIs(t, err, activation.ErrInvalid)
	err = b.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1))
	require.ErrorIs(t, err, activation.ErrGap)
}

// headCounter counts the Journal's Head calls.
type headCounter struct {
	*activation.MemoryJournal
	heads atomic.Int64
}

func (c *headCounter) Head(ctx context.Context, tenant, product string) (activation.Record, bool, error) {
	c.heads.Add(1)
	return c.MemoryJournal.Head(ctx, tenant, product)
}

// A Book remembers the head it read, not only the heads it appended: after a
// replay (which appends nothing) the next redemption costs no Head call.
func TestBookRemembersTheHeadItRead(t *testing.T) {
	ctx := context.Background()
	j := &headCounter{MemoryJournal: activation.NewMemoryJournal()}
	a := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	require.NoError(t, a.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	_, err := a.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)

	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	j.heads.Store(0)
	o, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.True(t, o.Replayed)
	require.EqualValues(t, 1, j.heads.Load())
	_, err = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.EqualValues(t, 1, j.heads.Load(), "the second redemption read the head again")
}

// Retries counts a stale remembered head whose place was taken: the
// redemption was computed twice.
func TestBookRetriesCountsStaleHeads(t *testing.T) {
	ctx := context.Background()
	a, b := twoBooks()
	var retries atomic.Int64
	a.Retries = &retries
	require.NoError(t, a.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	_, err = a.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.EqualValues(t, 1, retries.Load())
}

// TestRedeemIfUnchangedRefusesNegativeSeq: a preview's Seq is 0 or more; -1
// (which a Book uses inside for "any head") is bad input, not Redeem.
func TestRedeemIfUnchangedRefusesNegativeSeq(t *testing.T) {
	ctx := context.Background()
	b, j := newBook()
	require.NoError(t, b.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	for _, seq := range []int64{-1, -2} {
		_, err := b.RedeemIfUnchanged(ctx, bkTenant, bkProduct, seq, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 12, 1))
		require.ErrorIs(t, err, activation.ErrInvalid, "seq %d", seq)
	}
	_, ok, err := j.Lookup(ctx, bkKey(t, 1).Fingerprint())
	require.NoError(t, err)
	require.False(t, ok, "a refused Seq spent the key")
}

// A PlaceTaken answer must hold a record at the place asked for; any other
// is a broken store (ErrBrokenStore), not a lost race to retry for ever.
func TestBookPlaceTakenElsewhereIsBrokenStore(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for name, mod := range map[string]func(*activation.Record){
		"another Seq":     func(r *activation.Record) {},
		"another tenant":  func(r *activation.Record) { r.Seq -= 5; r.Outcome.After.Tenant = "other" },
		"another product": func(r *activation.Record) { r.Seq -= 5; r.Outcome.After.Product = "other" },
	} {
		j := placeJournal{MemoryJournal: activation.NewMemoryJournal(), mod: mod}
		b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
		_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.Activate, bkDate(2026, 12, 1))
		require.ErrorIs(t, err, activation.ErrBrokenStore, name)
		err = b.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1))
		require.ErrorIs(t, err, activation.ErrBrokenStore, name)
	}
}

// placeJournal answers every Append with PlaceTaken and rec changed by mod.
type placeJournal struct {
	*activation.MemoryJournal
	mod func(*activation.Record)
}

func (p placeJournal) Append(_ context.Context, rec activation.Record) (activation.Record, activation.Taken, error) {
	rec.Seq += 5
	p.mod(&rec)
	return rec, activation.PlaceTaken, nil
}

// historyJournal returns a history whose Seq is not 1, 2, 3, ….
type historyJournal struct {
	*activation.MemoryJournal
	mod func([]activation.Record)
}

func (h historyJournal) History(ctx context.Context, tenant, product string, after int64, limit int) ([]activation.Record, error) {
	recs, err := h.MemoryJournal.History(ctx, tenant, product, after, limit)
	if err == nil {
		h.mod(recs)
	}
	return recs, err
}

// Book.History checks that the Journal's pages continue the chain: a
// history whose Seq skips, repeats or starts late is ErrBrokenStore.
func TestBookHistoryChecksSeq(t *testing.T) {
	ctx := context.Background()
	for name, mod := range map[string]func([]activation.Record){
		"skips":       func(r []activation.Record) { r[1].Seq = 3 },
		"repeats":     func(r []activation.Record) { r[1].Seq = 1 },
		"starts at 2": func(r []activation.Record) { r[0].Seq, r[1].Seq = 2, 3 },
	} {
		j := historyJournal{MemoryJournal: activation.NewMemoryJournal(), mod: mod}
		b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
		require.NoError(t, b.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
		require.NoError(t, b.Import(ctx, bkSub(120, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
		_, err := b.History(ctx, bkTenant, bkProduct)
		require.ErrorIs(t, err, activation.ErrBrokenStore, name)
	}
}

// A tenant or product that is a product key is refused in every spelling
// token.ParseKey accepts, so that no key is ever stored in clear: hyphens
// (29 characters), spaces, no separators, lower case, surrounding spaces.
func TestBookRefusesEveryKeySpellingAsAName(t *testing.T) {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	for _, name := range []string{
		"Q7RZK-M4XPA-2B9CD-7FGHJ-3KLMN",
		"Q7RZK M4XPA 2B9CD 7FGHJ 3KLMN",
		"Q7RZKM4XPA2B9CD7FGHJ3KLMN",
		"q7rzk-m4xpa-2b9cd-7fghj-3klmn",
		"  Q7RZK-M4XPA-2B9CD-7FGHJ-3KLMN ",
	} {
		err := b.Import(ctx, activation.Subscription{Tenant: name, Product: bkProduct, Seats: 5, End: bkDate(2027, 3, 1)}, bkDate(2026, 12, 1))
		require.ErrorIs(t, err, activation.ErrInvalid, "tenant %q", name)
		require.NotContains(t, strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(err.Error())), "Q7RZKM4XPA2B9CD7FGHJ3KLMN")
		err = b.Import(ctx, activation.Subscription{Tenant: bkTenant, Product: name, Seats: 5, End: bkDate(2027, 3, 1)}, bkDate(2026, 12, 1))
		require.ErrorIs(t, err, activation.ErrInvalid, "product %q", name)
	}
	subs, err := b.Subscriptions(ctx)
	require.NoError(t, err)
	require.Empty(t, subs, "nothing recorded")
}

// Seq 0 is the preview of a subscription the book does not track yet: a
// redemption "if unchanged" from there activates it (R7).
func TestBookRedeemIfUnchangedFromNone(t *testing.T) {
	ctx := context.Background()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	p, err := b.Preview(ctx, bkTenant, bkProduct, bkTok(t, 1, 10), bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Zero(t, p.Seq)
	o, err := b.RedeemIfUnchanged(ctx, bkTenant, bkProduct, p.Seq, bkTok(t, 1, 10), activation.Activate, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Equal(t, 10, o.After.Seats)
	require.Equal(t, bkDate(2027, 12, 1), o.After.End, "R3: 12 months from the redemption day")
}
