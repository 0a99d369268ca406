package ledgertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

func testRedeem(t *testing.T, l activation.Ledger) {
	r := redeemer(l)
	s, tk := subscription(firstTenant), tok(key(t, "RD", 1), 25)
	o, err := r.Redeem(context.Background(), s, tk, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	require.False(t, o.Replayed, "first redemption replayed")
	require.Equal(t, tk.Key, o.Token.Key, "Outcome.Token.Key is not the redeemed key")
	want, err := activation.PartnerCenter().Apply(s, tk, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	require.Equal(t, want, o, "Redeem's Outcome differs from Apply's")
	requireRecorded(t, l, s, tk, activation.ExtendEnd, fixtureDay, o)
}

func testIdenticalReplays(t *testing.T, l activation.Ledger) {
	r := redeemer(l)
	ctx := context.Background()
	s, tk := subscription(firstTenant), tok(key(t, "IR", 1), 25)
	first, err := r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.False(t, first.Replayed)

	// The same day at another time, and the same date in another zone, are
	// the same request: only the calendar date counts.
	later := fixtureDay.Add(17*time.Hour + 30*time.Minute)
	elsewhere := time.Date(2026, time.June, 15, 23, 0, 0, 0, time.FixedZone("UTC+5", 5*3600))
	for _, at := range []time.Time{fixtureDay, fixtureDay, later, elsewhere} {
		again, err := r.Redeem(ctx, s, tk, activation.AddSeats, at)
		require.NoError(t, err, "identical request at %v", at)
		require.True(t, again.Replayed, "identical request at %v not replayed", at)
		require.Equal(t, tk.Key, again.Token.Key, "replayed Outcome.Token.Key is not the redeemed key")
		require.Equal(t, normal(first), normal(again), "replay at %v differs from the first Outcome", at)
	}
	requireRecorded(t, l, s, tk, activation.AddSeats, fixtureDay, first)
}

func testOtherRequest(t *testing.T, l activation.Ledger) {
	r := redeemer(l)
	ctx := context.Background()
	s, k := subscription(firstTenant), key(t, "OR", 1)
	tk := tok(k, 25)
	first, err := r.Redeem(ctx, s, tk, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)

	secret := []string{
		firstTenant,
		fixtureDay.Format(time.DateOnly),
		first.After.End.Format(time.DateOnly),
		k.Reveal(),
		strings.ReplaceAll(k.Reveal(), "-", ""),
	}
	other := func(mod func(*activation.Subscription, *token.Token, *activation.Operation, *time.Time)) (activation.Subscription, token.Token, activation.Operation, time.Time) {
		s2, tk2, op2, at2 := subscription("tenant-second-contoso"), tk, activation.ExtendEnd, fixtureDay.AddDate(0, 0, 3)
		mod(&s2, &tk2, &op2, &at2)
		return s2, tk2, op2, at2
	}
	cases := map[string]func(*activation.Subscription, *token.Token, *activation.Operation, *time.Time){
		"another tenant, same state, op and day": func(s *activation.Subscription, _ *token.Token, _ *activation.Operation, at *time.Time) {
			*at = fixtureDay
		},
		"same tenant, another day": func(s *activation.Subscription, _ *token.Token, _ *activation.Operation, _ *time.Time) {
			s.Tenant = firstTenant
		},
		"same tenant and day, another operation": func(s *activation.Subscription, _ *token.Token, op *activation.Operation, at *time.Time) {
			s.Tenant, *op, *at = firstTenant, activation.AddSeats, fixtureDay
		},
		"same tenant and day, another subscription state": func(s *activation.Subscription, _ *token.Token, _ *activation.Operation, at *time.Time) {
			s.Tenant, s.Seats, *at = firstTenant, 101, fixtureDay
		},
		"same tenant and day, the state after the first redemption": func(s *activation.Subscription, _ *token.Token, _ *activation.Operation, at *time.Time) {
			*s, *at = first.After, fixtureDay
		},
		"same tenant and day, the key claiming other seats": func(s *activation.Subscription, tk *token.Token, _ *activation.Operation, at *time.Time) {
			s.Tenant, tk.Seats, *at = firstTenant, 50, fixtureDay
		},
		"a request Apply would refuse (product mismatch)": func(_ *activation.Subscription, tk *token.Token, _ *activation.Operation, _ *time.Time) {
			tk.Product = otherProduct
		},
		"a request Apply would refuse (extension cap)": func(_ *activation.Subscription, tk *token.Token, _ *activation.Operation, _ *time.Time) {
			tk.Seats = 301
		},
	}
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			s2, tk2, op2, at2 := other(mod)
			o, err := r.Redeem(ctx, s2, tk2, op2, at2)
			require.ErrorIs(t, err, activation.ErrAlreadyRedeemed, "Outcome %+v", o)
			require.Equal(t, activation.Outcome{}, o, "a failed Redeem returned an Outcome")
			msg := err.Error()
			for _, sec := range secret {
				require.NotContains(t, msg, sec, "ErrAlreadyRedeemed message reveals the first redemption or the key")
			}
			requireRecorded(t, l, s, tk, activation.ExtendEnd, fixtureDay, first)
		})
	}
	// The first request still replays.
	again, err := r.Redeem(ctx, s, tk, activation.ExtendEnd, fixtureDay)
	require.NoError(t, err)
	require.True(t, again.Replayed)
	require.Equal(t, normal(first), normal(again))
}

func testRefused(t *testing.T, l activation.Ledger) {
	r := redeemer(l)
	ctx := context.Background()
	type request struct {
		s  activation.Subscription
		tk token.Token
		op activation.Operation
		at time.Time
	}
	cases := []struct {
		name string
		bad  func(k token.Key) request
		want error // nil: any error but ErrAlreadyRedeemed
	}{
		{"extension cap (R6): 301 seats on 100", func(k token.Key) request {
			return request{subscription(firstTenant), tok(k, 301), activation.ExtendEnd, fixtureDay}
		}, activation.ErrExtensionCap},
		{"product mismatch", func(k token.Key) request {
			tk := tok(k, 25)
			tk.Product = otherProduct
			return request{subscription(firstTenant), tk, activation.AddSeats, fixtureDay}
		}, activation.ErrProductMismatch},
		{"not allowed (R7): extend an expired subscription", func(k token.Key) request {
			return request{subscription(firstTenant), tok(k, 25), activation.ExtendEnd, fixtureEnd.AddDate(0, 0, 10)}
		}, activation.ErrNotAllowed},
		{"invalid: key of 0 seats", func(k token.Key) request {
			return request{subscription(firstTenant), tok(k, 0), activation.AddSeats, fixtureDay}
		}, nil},
		{"invalid: negative seats", func(k token.Key) request {
			s := subscription(firstTenant)
			s.Seats = -5
			return request{s, tok(k, 25), activation.AddSeats, fixtureDay}
		}, activation.ErrInvalid},
		{"invalid: unknown operation", func(k token.Key) request {
			return request{subscription(firstTenant), tok(k, 25), activation.Operation(0), fixtureDay}
		}, activation.ErrInvalid},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := key(t, "RF", i)
			q := c.bad(k)
			o, err := r.Redeem(ctx, q.s, q.tk, q.op, q.at)
			require.Error(t, err, "Outcome %+v", o)
			require.NotErrorIs(t, err, activation.ErrAlreadyRedeemed)
			if c.want != nil {
				require.ErrorIs(t, err, c.want)
			}
			requireNotRecorded(t, l, k)
			// The key is not spent: a proper redemption works.
			s, tk := subscription(firstTenant), tok(k, 25)
			o, err = r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
			require.NoError(t, err)
			require.False(t, o.Replayed)
			requireRecorded(t, l, s, tk, activation.AddSeats, fixtureDay, o)
		})
	}
}

func testCancelled(t *testing.T, l activation.Ledger) {
	r := redeemer(l)
	s, k := subscription(firstTenant), key(t, "CC", 1)
	tk := tok(k, 25)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, context.Canceled)
	requireNotRecorded(t, l, k)

	ctx, cancel = context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	_, err = r.Redeem(ctx, s, tk, activation.AddSeats, fixtureDay)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	requireNotRecorded(t, l, k)

	o, err := r.Redeem(context.Background(), s, tk, activation.AddSeats, fixtureDay)
	require.NoError(t, err)
	require.False(t, o.Replayed)
	requireRecorded(t, l, s, tk, activation.AddSeats, fixtureDay, o)
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
