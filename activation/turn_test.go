package activation_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
)

// turnJournal is a MemoryJournal with turns: one mutex for every
// subscription, which is a valid (if coarse) turn. It counts the turns, and
// can answer a turn's head with another record (head) or let a plain
// Append take the place first (race).
type turnJournal struct {
	*activation.MemoryJournal
	mu    sync.Mutex
	turns atomic.Int64
	head  func(*activation.Record)
	race  func(ctx context.Context, j *activation.MemoryJournal)
	stale atomic.Bool // Head answers none once, as a read before a race would
}

func (j *turnJournal) Head(ctx context.Context, tenant, product string) (activation.Record, bool, error) {
	if j.stale.CompareAndSwap(true, false) {
		return activation.Record{}, false, nil
	}
	return j.MemoryJournal.Head(ctx, tenant, product)
}

func (j *turnJournal) AppendInTurn(ctx context.Context, tenant, product string, next func(activation.Record, bool) (activation.Record, error)) (activation.Record, activation.Taken, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.turns.Add(1)
	h, ok, err := j.MemoryJournal.Head(ctx, tenant, product)
	if err != nil {
		return activation.Record{}, activation.NothingTaken, err
	}
	if j.head != nil {
		j.head(&h)
	}
	rec, err := next(h, ok)
	if err != nil {
		return activation.Record{}, activation.NothingTaken, err
	}
	if race := j.race; race != nil {
		j.race = nil
		race(ctx, j.MemoryJournal)
	}
	return j.Append(ctx, rec)
}

func newTurnBook() (*activation.Book, *turnJournal) {
	j := &turnJournal{MemoryJournal: activation.NewMemoryJournal()}
	return &activation.Book{Policy: activation.PartnerCenter(), Journal: j, Retries: new(atomic.Int64)}, j
}

// loseOneRace makes b lose a race on the subscription: another Book
// appends after b remembered the head.
func loseOneRace(t *testing.T, b *activation.Book, j activation.Journal) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, b.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	other := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	_, err := other.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 90, 10), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
}

// Without contention a Book appends on the head it remembers: no turn.
// After a lost race it waits for its turn, and keeps doing so for the next
// redemptions there (not elsewhere); each one is computed on the head read
// in the turn, and the history stays a chain.
func TestBookTakesTurnsAfterALostRace(t *testing.T) {
	ctx := context.Background()
	b, j := newTurnBook()
	_, err := b.Redeem(ctx, "fabrikam", bkProduct, bkTok(t, 1, 25), activation.Activate, bkDate(2026, 12, 1))
	require.NoError(t, err)
	_, err = b.Redeem(ctx, "fabrikam", bkProduct, bkTok(t, 2, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Zero(t, j.turns.Load(), "no contention, no turn")

	loseOneRace(t, b, j)
	o, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 3, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Equal(t, 110, o.Before.Seats)
	require.EqualValues(t, 1, b.Retries.Load())
	require.EqualValues(t, 1, j.turns.Load(), "the retry took a turn")
	o, err = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 4, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Equal(t, 135, o.Before.Seats)
	require.EqualValues(t, 2, j.turns.Load(), "the next redemption went straight to a turn")
	require.EqualValues(t, 1, b.Retries.Load())
	_, err = b.Redeem(ctx, "fabrikam", bkProduct, bkTok(t, 5, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.EqualValues(t, 2, j.turns.Load(), "another subscription does not take turns")
	h, err := b.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	require.Len(t, h, 4)
	requireChain(t, h)
}

// In a turn a request is decided on the head read there: a refusal records
// nothing, a spent key answers as one (replay or ErrAlreadyRedeemed), a
// preview's Seq that moved is ErrChanged.
func TestBookTurnAnswers(t *testing.T) {
	ctx := context.Background()
	b, j := newTurnBook()
	loseOneRace(t, b, j)
	o, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	replay, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.True(t, replay.Replayed)
	replay.Replayed = false
	require.Equal(t, o, replay)
	_, err = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 12, 2))
	require.ErrorIs(t, err, activation.ErrAlreadyRedeemed)
	_, err = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 25), activation.AddSeats, bkDate(2026, 11, 1))
	require.ErrorIs(t, err, activation.ErrInvalid, "a day before the head")
	_, err = b.RedeemIfUnchanged(ctx, bkTenant, bkProduct, 2, bkTok(t, 2, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.ErrorIs(t, err, activation.ErrChanged)
	_, ok, err := j.Lookup(ctx, bkKey(t, 2).Fingerprint())
	require.NoError(t, err)
	require.False(t, ok, "a refusal in a turn spent the key")
	require.EqualValues(t, 5, j.turns.Load())
}

// A plain Append that takes the place while a turn computes costs the turn
// a retry, not an answer; a turn whose head is not the subscription's is
// a broken store.
func TestBookTurnRacedAndBroken(t *testing.T) {
	ctx := context.Background()
	b, j := newTurnBook()
	loseOneRace(t, b, j)
	j.race = func(ctx context.Context, m *activation.MemoryJournal) {
		other := &activation.Book{Policy: activation.PartnerCenter(), Journal: m}
		_, err := other.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 91, 5), activation.AddSeats, bkDate(2026, 12, 1))
		require.NoError(t, err)
	}
	o, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Equal(t, 115, o.Before.Seats)
	require.EqualValues(t, 2, b.Retries.Load())

	for name, mod := range map[string]func(*activation.Record){
		"Seq 0":           func(r *activation.Record) { r.Seq = 0 },
		"another tenant":  func(r *activation.Record) { r.Outcome.After.Tenant = "other" },
		"another product": func(r *activation.Record) { r.Outcome.After.Product = "other" },
	} {
		j.head = mod
		_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 2, 25), activation.AddSeats, bkDate(2026, 12, 1))
		require.ErrorIs(t, err, activation.ErrBrokenStore, name)
	}
	// A head of another kind is no subscription to redeem on.
	j.head = func(r *activation.Record) { r.Kind = activation.ChangeRecord }
	_, err = b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 3, 25), activation.AddSeats, bkDate(2026, 12, 1))
	require.ErrorIs(t, err, activation.ErrInvalid)
}

// Many Books on one subscription of a TurnJournal, some in turns and some
// not: every key once, one chain.
func TestBooksTakingTurnsKeepTheChain(t *testing.T) {
	ctx := context.Background()
	_, j := newTurnBook()
	first := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	require.NoError(t, first.Import(ctx, bkSub(100, bkDate(2027, 3, 1)), bkDate(2026, 12, 1)))
	const books, keys = 8, 20
	var retries atomic.Int64
	var wg sync.WaitGroup
	for w := range books {
		b := &activation.Book{Policy: activation.PartnerCenter(), Journal: j, Retries: &retries}
		wg.Go(func() {
			for n := range keys {
				_, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1000*w+n, 1), activation.AddSeats, bkDate(2026, 12, 1))
				if err != nil {
					panic(fmt.Sprint(err))
				}
			}
		})
	}
	wg.Wait()
	h, err := first.History(ctx, bkTenant, bkProduct)
	require.NoError(t, err)
	require.Len(t, h, 1+books*keys)
	requireChain(t, h)
	require.Equal(t, 100+books*keys, h[len(h)-1].Outcome.After.Seats)
	t.Logf("%d retries for %d redemptions, %d turns", retries.Load(), books*keys, j.turns.Load())
}

// A Book that loses the race for a subscription's first place computes, in
// its turn, on the record at Seq 1.
func TestBookTurnOnTheFirstRecord(t *testing.T) {
	ctx := context.Background()
	b, j := newTurnBook()
	other := &activation.Book{Policy: activation.PartnerCenter(), Journal: j.MemoryJournal}
	require.NoError(t, other.Import(ctx, bkSub(100, bkDate(2026, 11, 1)), bkDate(2026, 11, 1))) // expired: Activate applies
	j.stale.Store(true)
	o, err := b.Redeem(ctx, bkTenant, bkProduct, bkTok(t, 1, 25), activation.Activate, bkDate(2026, 12, 1))
	require.NoError(t, err)
	require.Equal(t, 100, o.Before.Seats, "computed in the turn on the import")
	require.EqualValues(t, 1, j.turns.Load())
	require.EqualValues(t, 1, b.Retries.Load())
}
