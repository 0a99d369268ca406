package ledgertest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// tenant is the tenant of racer i.
func tenant(i int) string { return fmt.Sprintf("tenant-%02d", i) }

// testRaceOneKey: [Racers] tenants redeem one key at once; exactly one gets
// it, the others are ErrAlreadyRedeemed, and only its subscription changed.
func testRaceOneKey(t *testing.T, p *path) {
	for i := range Racers {
		p.track(t, tenant(i))
	}
	tk := tok(key(t, "R1", 1), 25)
	res := race(func(i int) (activation.Outcome, error) {
		return p.redeem(context.Background(), i, subscription(tenant(i)), tk, activation.AddSeats, fixtureDay)
	})
	winner := requireOneWinner(t, res, p.book || p.handles == 1)
	p.requireRecorded(t, subscription(tenant(winner)), tk, activation.AddSeats, fixtureDay, res[winner].o)
	for i := range Racers {
		if i == winner {
			p.requireRedemptions(t, tenant(i), 1)
		} else {
			p.requireRedemptions(t, tenant(i), 0)
		}
	}
}

// testRaceIdentical: [Racers] identical requests at once; exactly one
// applies the key, the others replay its Outcome.
func testRaceIdentical(t *testing.T, p *path) {
	p.track(t, firstTenant)
	s, tk := subscription(firstTenant), tok(key(t, "RI", 1), 25)
	res := race(func(i int) (activation.Outcome, error) {
		return p.redeem(context.Background(), i, s, tk, activation.ExtendEnd, fixtureDay)
	})
	applied := requireOneApplied(t, res)
	p.requireRecorded(t, s, tk, activation.ExtendEnd, fixtureDay, res[applied].o)
	p.requireRedemptions(t, firstTenant, 1)
}

// testRaceManyKeys: [Racers] distinct keys on one subscription at once;
// every one applies and is recorded with its racer's Outcome, and a Book's
// history is a chain that adds up every key's seats: no update was lost.
func testRaceManyKeys(t *testing.T, p *path) {
	p.track(t, firstTenant)
	s := subscription(firstTenant)
	keys := make([]token.Key, Racers)
	for i := range keys {
		keys[i] = key(t, "RK", i)
	}
	res := race(func(i int) (activation.Outcome, error) {
		return p.redeem(context.Background(), i, s, tok(keys[i], 1+i), activation.AddSeats, fixtureDay)
	})
	seats := s.Seats
	for i, x := range res {
		require.NoError(t, x.err, "racer %d", i)
		require.False(t, x.o.Replayed, "racer %d", i)
		seats += 1 + i
	}
	for i, x := range res {
		p.requireRecorded(t, s, tok(keys[i], 1+i), activation.AddSeats, fixtureDay, x.o)
	}
	if h := p.requireRedemptions(t, firstTenant, Racers); h != nil {
		require.Equal(t, seats, h[len(h)-1].Outcome.After.Seats, "seats do not add up: an update was lost")
	}
}

// testBookRaceImports: corrections race with redemptions on one
// subscription; the history stays a chain.
func testBookRaceImports(t *testing.T, p *path) {
	p.track(t, firstTenant)
	res := race(func(i int) (activation.Outcome, error) {
		if i%4 == 0 {
			s := subscription(firstTenant)
			s.Seats = 1_000_000 + 1000*i // never equal to the head: redemptions add fewer seats
			return activation.Outcome{}, book(p.handle(i)).Import(context.Background(), s, fixtureDay)
		}
		return p.redeem(context.Background(), i, subscription(firstTenant), tok(key(t, "RM", i), 1), activation.AddSeats, fixtureDay)
	})
	for i, x := range res {
		require.NoError(t, x.err, "racer %d", i)
	}
	p.requireRedemptions(t, firstTenant, Racers)
}

// testBookRaceSharedBooks: [Racers] goroutines share two Books, one on each
// handle, so that each Book's remembered heads are raced and go stale (the
// other Book moved the subscription on); imports are mixed in. Every call
// succeeds, the history is a chain with one record per call, each key is
// recorded once with the Outcome its racer got, and every redemption added
// exactly its seats to the head it was appended after.
func testBookRaceSharedBooks(t *testing.T, js [2]activation.Journal) {
	ctx := context.Background()
	books := [2]*activation.Book{book(js[0]), book(js[1])}
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
		rec, ok, err := js[0].Lookup(ctx, keys[i].Fingerprint())
		require.NoError(t, err)
		require.True(t, ok, "racer %d's key not recorded", i)
		require.Equal(t, normal(x.o), normal(rec.Outcome), "racer %d got another Outcome than its record", i)
	}
	h := history(t, js[1], firstTenant)
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
