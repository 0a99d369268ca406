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

func testRaceOneKey(t *testing.T, l activation.Ledger) {
	r := redeemer(l)
	tk := tok(key(t, "R1", 1), 25)
	tenant := func(i int) string { return fmt.Sprintf("tenant-%02d", i) }
	res := race(func(i int) (activation.Outcome, error) {
		return r.Redeem(context.Background(), subscription(tenant(i)), tk, activation.AddSeats, fixtureDay)
	})
	winner := requireOneWinner(t, res, true)
	requireRecorded(t, l, subscription(tenant(winner)), tk, activation.AddSeats, fixtureDay, res[winner].o)
}

func testRaceIdentical(t *testing.T, l activation.Ledger) {
	r := redeemer(l)
	s, tk := subscription(firstTenant), tok(key(t, "RI", 1), 25)
	res := race(func(int) (activation.Outcome, error) {
		return r.Redeem(context.Background(), s, tk, activation.ExtendEnd, fixtureDay)
	})
	applied := requireOneApplied(t, res)
	requireRecorded(t, l, s, tk, activation.ExtendEnd, fixtureDay, res[applied].o)
}

func testRaceManyKeys(t *testing.T, l activation.Ledger) {
	r := redeemer(l)
	keys := make([]token.Key, Racers)
	for i := range keys {
		keys[i] = key(t, "RK", i)
	}
	tenant := func(i int) string { return fmt.Sprintf("tenant-%02d", i) }
	res := race(func(i int) (activation.Outcome, error) {
		return r.Redeem(context.Background(), subscription(tenant(i)), tok(keys[i], 1+i), activation.AddSeats, fixtureDay)
	})
	for i, x := range res {
		require.NoError(t, x.err, "racer %d", i)
		require.False(t, x.o.Replayed, "racer %d", i)
	}
	for i, x := range res {
		requireRecorded(t, l, subscription(tenant(i)), tok(keys[i], 1+i), activation.AddSeats, fixtureDay, x.o)
	}
}

func testSharedRaceOneKey(t *testing.T, ls [2]activation.Ledger) {
	first, second := ls[0], ls[1]
	tk := tok(key(t, "S1", 1), 25)
	tenant := func(i int) string { return fmt.Sprintf("tenant-%02d", i) }
	res := race(func(i int) (activation.Outcome, error) {
		return redeemer(ls[i%2]).Redeem(context.Background(), subscription(tenant(i)), tk, activation.AddSeats, fixtureDay)
	})
	winner := requireOneWinner(t, res, false)
	requireRecorded(t, first, subscription(tenant(winner)), tk, activation.AddSeats, fixtureDay, res[winner].o)
	requireRecorded(t, second, subscription(tenant(winner)), tk, activation.AddSeats, fixtureDay, res[winner].o)
}

func testSharedRaceIdentical(t *testing.T, ls [2]activation.Ledger) {
	s, tk := subscription(firstTenant), tok(key(t, "S2", 1), 25)
	res := race(func(i int) (activation.Outcome, error) {
		return redeemer(ls[i%2]).Redeem(context.Background(), s, tk, activation.ExtendEnd, fixtureDay)
	})
	requireOneApplied(t, res)
}

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
