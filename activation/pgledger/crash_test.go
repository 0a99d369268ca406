package pgledger_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/token"
)

// attempt is one redemption made while the server was killed.
type attempt struct {
	viaBook bool
	tenant  string
	tk      token.Token
	o       activation.Outcome
	err     error
}

func (a *attempt) redeem(ctx context.Context, store *pgledger.Store) (activation.Outcome, error) {
	if a.viaBook {
		b := &activation.Book{Policy: activation.PartnerCenter(), Journal: store}
		return b.Redeem(ctx, a.tenant, "M365-E3", a.tk, activation.AddSeats, testDay)
	}
	r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: store}
	return r.Redeem(ctx, testSubscription(a.tenant), a.tk, activation.AddSeats, testDay)
}

// TestServerKilled kills the server (SIGQUIT to the postmaster, what pg_ctl
// -m immediate stop sends) while Books and Redeemers redeem keys, and
// restarts it: every redemption a caller was told about is recorded and
// replays; every one that failed converges on retry to exactly one record;
// every history is an intact chain.
func TestServerKilled(t *testing.T) {
	needCluster(t)
	ctx := context.Background()
	schema := freshSchema(t)
	store := openStore(t, schema, map[string]string{"pool_max_conns": "8"})
	const workers = 8
	for w := range workers / 2 {
		b := &activation.Book{Policy: activation.PartnerCenter(), Journal: store}
		require.NoError(t, b.Import(ctx, testSubscription(fmt.Sprintf("book-%d", w)), testDay))
	}

	results := make([][]attempt, workers)
	killUnder(t, workers, func(w, n int) error {
		a := attempt{viaBook: w%2 == 0, tenant: fmt.Sprintf("redeemer-%d", w), tk: testToken(testKey(t, fmt.Sprintf("KILL%d", w), n), 1)}
		if a.viaBook {
			a.tenant = fmt.Sprintf("book-%d", w/2)
		}
		a.o, a.err = a.redeem(ctx, store)
		results[w] = append(results[w], a)
		return a.err
	})

	fresh := openStore(t, schema, nil)
	var ok, failed int
	for w := range workers {
		for _, a := range results[w] {
			rec, found, err := fresh.Lookup(ctx, a.tk.Key.Fingerprint())
			require.NoError(t, err)
			if a.err == nil {
				ok++
				require.True(t, found, "a redemption the caller was told about is lost")
				want := a.o
				want.Token.Key = token.Key{}
				require.Equal(t, want, rec.Outcome)
			} else {
				failed++
			}
			o, err := a.redeem(ctx, fresh)
			require.NoError(t, err, "the identical retry after the restart")
			if a.err == nil {
				require.True(t, o.Replayed)
				o.Replayed = false
				require.Equal(t, a.o, o)
			}
			require.Equal(t, 1, rowsOf(t, fresh, a.tk.Key.Fingerprint()))
		}
	}
	t.Logf("%d redemptions acknowledged before the kill, %d failed by it", ok, failed)
	for w := range workers / 2 {
		requireChain(t, fresh, fmt.Sprintf("book-%d", w))
	}
}

// killUnder runs try(w, n) for n = 0, 1, … in each of workers goroutines,
// each until try fails (the server is gone); once 40 tries have succeeded,
// it kills the server (SIGQUIT to the postmaster, an immediate stop),
// stops the goroutines and starts the server again.
func killUnder(t *testing.T, workers int, try func(w, n int) error) {
	t.Helper()
	var told atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				if try(w, n) != nil {
					return // the server is gone
				}
				told.Add(1)
			}
		})
	}
	require.Eventually(t, func() bool { return told.Load() >= 40 }, time.Minute, time.Millisecond)
	require.NoError(t, owned.stop("immediate"))
	close(stop)
	wg.Wait()
	require.NoError(t, owned.start())
}

// requireChain checks that the history of tenant's M365-E3 is a chain: Seq
// 1, 2, 3, … and every Before the previous After.
func requireChain(t *testing.T, store *pgledger.Store, tenant string) []activation.Record {
	t.Helper()
	b := &activation.Book{Policy: activation.PartnerCenter(), Journal: store}
	h, err := b.History(context.Background(), tenant, "M365-E3")
	require.NoError(t, err)
	for i, rec := range h {
		require.Equal(t, int64(i+1), rec.Seq)
		if i > 0 {
			require.Equal(t, h[i-1].Outcome.After, rec.Outcome.Before, "record %d does not start where %d ended", i+1, i)
		}
	}
	return h
}
