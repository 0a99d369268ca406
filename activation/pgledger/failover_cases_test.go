package pgledger_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
)

// TestFailoverSynchronousStandby: under load from 4 processes whose
// callers give up at random, the primary stops at once (a crash) and the
// standby is promoted; the clients reconnect through the multi-host URL.
// Every acknowledged redemption is on the new primary as acknowledged,
// every retry replays or converges, nothing is doubled.
func TestFailoverSynchronousStandby(t *testing.T) {
	testFailoverSynchronous(t, false)
}

// TestFailoverSynchronousStandbyAway: as TestFailoverSynchronousStandby,
// but the standby is away (stopped) for 3 seconds before the crash, while
// callers give up: commits wait for it. A caller's cancellation must not
// cut that wait (the commit would stay on the primary alone, and the retry
// replay it as recorded); it is started again and promoted after the crash.
func TestFailoverSynchronousStandbyAway(t *testing.T) {
	testFailoverSynchronous(t, true)
}

func testFailoverSynchronous(t *testing.T, away bool) {
	p := startPair(t, true)
	ctx := context.Background()
	setup, err := pgledger.Open(ctx, p.primary.url())
	require.NoError(t, err)
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: setup}
	for i := range failoverTenants {
		require.NoError(t, book.Import(ctx, testSubscription(failoverTenant(i)), testDay))
	}
	setup.Close()

	w := startFailoverWorkers(t, p.url())
	require.Eventually(t, func() bool { return p.countRecords(p.primary) >= 300 }, 30*time.Second, 20*time.Millisecond,
		"the workers did not record 300 redemptions")
	if away {
		require.NoError(t, p.standby.stop("immediate"))
		time.Sleep(3 * time.Second)
	}
	p.failover(t)
	require.Eventually(t, func() bool { return p.countRecords(p.standby) >= 400 }, 30*time.Second, 20*time.Millisecond,
		"the workers did not go on on the new primary")
	attempts := w.stop(t)
	acked, keys := checkAfterFailover(t, p.standby, attempts)
	t.Logf("%d attempts by %d processes, %d keys, %d acknowledged; every acknowledged one on the new primary, none doubled",
		len(attempts), failoverProcs, keys, acked)
}

// checkAfterFailover checks on c, the new primary, that every acknowledged
// attempt is recorded as acknowledged and replays, that every other request
// converges on one record when retried, and that the shared histories are
// chains that count every key once. It returns the number of acknowledged
// attempts and of keys.
func checkAfterFailover(t *testing.T, c *cluster, attempts []failoverAttempt) (acked, keys int) {
	t.Helper()
	ctx := context.Background()
	store, err := pgledger.Open(ctx, c.url())
	require.NoError(t, err)
	defer store.Close()
	type request struct {
		tenant, group string
		n             int
	}
	byKey := map[request][]failoverAttempt{}
	for _, a := range attempts {
		r := request{a.Tenant, a.Group, a.N}
		byKey[r] = append(byKey[r], a)
		if a.Acked {
			acked++
		}
	}
	work := make(chan request)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			book := &activation.Book{Policy: activation.PartnerCenter(), Journal: store}
			for r := range work {
				tk, err := failoverToken(r.group, r.n)
				if !assert.NoError(t, err) {
					continue
				}
				var want *activation.Outcome
				for _, a := range byKey[r] {
					if !a.Acked {
						continue
					}
					var o activation.Outcome
					assert.NoError(t, json.Unmarshal(a.Outcome, &o))
					if want != nil {
						assert.Equal(t, *want, o, "two acknowledgements of one request differ")
					}
					want = &o
				}
				if want != nil {
					rec, ok, err := store.Lookup(ctx, tk.Key.Fingerprint())
					assert.NoError(t, err)
					if !assert.True(t, ok, "an acknowledged redemption (%s %d) is not on the new primary", r.group, r.n) {
						continue
					}
					assert.Equal(t, *want, rec.Outcome, "the record on the new primary is not the one acknowledged")
				}
				o, err := book.Redeem(ctx, r.tenant, "M365-E3", tk, activation.AddSeats, testDay)
				if !assert.NoError(t, err, "the identical retry on the new primary") || want == nil {
					continue
				}
				assert.True(t, o.Replayed, "the retry of an acknowledged redemption did not replay")
			}
		})
	}
	for r := range byKey {
		work <- r
	}
	close(work)
	wg.Wait()
	total := 0
	for i := range failoverTenants {
		h := requireChain(t, store, failoverTenant(i))
		require.Equal(t, 100+len(h)-1, h[len(h)-1].Outcome.After.Seats, "a key counted twice or not at all")
		total += len(h) - 1
	}
	require.Equal(t, len(byKey), total, "every request once on a chain")
	return acked, len(byKey)
}

// TestFailoverAsynchronousStandby: an asynchronous standby lacks what the
// primary acknowledged after the standby stopped receiving; after the
// failover a Book that remembers a head past the loss reports the broken
// store and refuses that subscription until Forget, while others go on;
// the audit's Missing, given the old primary's data and the new primary,
// lists exactly the lost records.
func TestFailoverAsynchronousStandby(t *testing.T) {
	p := startPair(t, false)
	ctx := context.Background()
	store, err := pgledger.Open(ctx, p.url())
	require.NoError(t, err)
	defer store.Close()
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: store}
	redeem := func(tenant string, from, to int) {
		t.Helper()
		for n := from; n < to; n++ {
			tk, err := failoverToken("ASYNC", n)
			require.NoError(t, err)
			_, err = book.Redeem(ctx, tenant, "M365-E3", tk, activation.AddSeats, testDay)
			require.NoError(t, err)
		}
	}
	for i := range 2 {
		require.NoError(t, book.Import(ctx, testSubscription(failoverTenant(i)), testDay))
	}
	redeem(failoverTenant(0), 0, 5)
	redeem(failoverTenant(1), 5, 10)
	require.Eventually(t, func() bool { return p.countRecords(p.standby) == 12 }, 30*time.Second, 20*time.Millisecond)

	const lost = 8
	require.NoError(t, p.standby.stop("fast")) // the standby receives nothing more
	redeem(failoverTenant(0), 10, 10+lost)     // acknowledged by the primary alone
	p.failover(t)
	store.Pool().Reset() // the old primary's connections are dead

	tk, err := failoverToken("ASYNC", 100)
	require.NoError(t, err)
	_, err = book.Redeem(ctx, failoverTenant(0), "M365-E3", tk, activation.AddSeats, testDay)
	require.ErrorIs(t, err, activation.ErrBrokenStore, "a Book that remembers Seq %d on a store that lost it", 6+lost)
	require.ErrorIs(t, err, activation.ErrGap)
	_, err = book.Redeem(ctx, failoverTenant(0), "M365-E3", tk, activation.AddSeats, testDay)
	require.ErrorIs(t, err, activation.ErrBrokenStore, "refused until Forget")
	require.ErrorIs(t, book.Import(ctx, testSubscription(failoverTenant(0)), testDay), activation.ErrBrokenStore)
	redeem(failoverTenant(1), 10+lost, 11+lost) // another subscription goes on
	h := requireChain(t, store, failoverTenant(0))
	require.Len(t, h, 6, "nothing written at the lost places")

	// The operator's step: the old primary's data, started apart, against
	// the new primary.
	store.Close()
	require.NoError(t, p.primary.start())
	old, err := pgledger.Open(ctx, p.primary.url())
	require.NoError(t, err)
	defer old.Close()
	current, err := pgledger.Open(ctx, p.standby.url())
	require.NoError(t, err)
	defer current.Close()
	var found []activation.MissingRecord
	sum, err := activation.Missing(ctx, old, current, func(m activation.MissingRecord) error {
		found = append(found, m)
		return nil
	})
	require.NoError(t, err)
	require.Len(t, found, lost, "the records the new primary lacks")
	for i, m := range found {
		require.Equal(t, failoverTenant(0), m.Record.Outcome.After.Tenant)
		require.EqualValues(t, 7+i, m.Record.Seq)
		require.False(t, m.KeySpent || m.PlaceTaken, "a lost record whose key and place are free again")
	}
	t.Logf("Missing: %d subscriptions, %d records read, %d lost (acknowledged by the old primary alone)", sum.Chains, sum.Records, sum.Missing)

	book.Journal = current
	book.Forget(failoverTenant(0), "M365-E3")
	o, err := book.Redeem(ctx, failoverTenant(0), "M365-E3", tk, activation.AddSeats, testDay)
	require.NoError(t, err, "after Forget")
	require.Equal(t, 105, o.Before.Seats, "computed on the new primary's head")
}

// TestReadPool: with WithReadPool on a standby, History (and so Due and
// Subscriptions) reads the standby, stale until it has replayed, while Head,
// Lookup and every write stay on the primary: with the standby gone,
// History fails and redemptions go on.
func TestReadPool(t *testing.T) {
	p := startPair(t, false)
	ctx := context.Background()
	reads := newPool(t, p.standby.url())
	store, err := pgledger.Open(ctx, p.primary.url(), pgledger.WithReadPool(reads), pgledger.WithCommitTimeout(time.Minute))
	require.NoError(t, err)
	defer store.Close()
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: store}
	require.NoError(t, book.Import(ctx, testSubscription("reads"), testDay))
	for n := range 3 {
		tk, err := failoverToken("READS", n)
		require.NoError(t, err)
		_, err = book.Redeem(ctx, "reads", "M365-E3", tk, activation.AddSeats, testDay)
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool {
		h, err := book.History(ctx, "reads", "M365-E3")
		return err == nil && len(h) == 4
	}, 30*time.Second, 20*time.Millisecond, "the standby's history")

	require.NoError(t, p.standby.stop("immediate"))
	_, err = book.History(ctx, "reads", "M365-E3")
	require.Error(t, err, "History reads the standby")
	_, err = book.Subscriptions(ctx)
	require.Error(t, err, "Subscriptions reads the standby")
	for n := 3; n < 6; n++ {
		tk, err := failoverToken("READS", n)
		require.NoError(t, err)
		_, err = book.Redeem(ctx, "reads", "M365-E3", tk, activation.AddSeats, testDay)
		require.NoError(t, err, "a redemption reads and writes the primary alone")
	}
	s, ok, err := book.Subscription(ctx, "reads", "M365-E3")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, 106, s.Seats)
}

// newPool connects a pool to url, closed when t ends.
func newPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}
