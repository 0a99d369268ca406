package pgledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/token"
)

// The test binary re-executes itself as a worker process when workerEnv is
// set; the other variables tell it what to do.
const (
	workerEnv   = "PGLEDGER_TEST_WORKER" // the worker's number
	workerURL   = "PGLEDGER_TEST_URL"    // the database, with its schema
	workerStart = "PGLEDGER_TEST_START"  // when to start, Unix nanoseconds
)

const (
	processes       = 4
	goroutines      = 4  // per process, on the shared subscription
	keysPerRoutine  = 8  // distinct keys each goroutine redeems there
	tenantsPerProc  = 16 // tenants each process redeems the one key for
	sharedTenant    = "shared-tenant"
	sharedProduct   = "M365-E3"
	oneKeyGroup     = "ONEKY"
	workerKeyPrefix = "MP"
)

// workerResult is one line a worker prints: one redemption.
type workerResult struct {
	Race   string // "chain" (distinct keys, one subscription) or "onekey" (one key, many tenants)
	Tenant string
	Key    string // the key's fingerprint
	Seq    int64
	Err    string
	Taken  bool // the error is ErrAlreadyRedeemed
}

// keyOf returns the n-th key of group g, for the workers (no testing.T).
func keyOf(g string, n int) (token.Key, error) {
	return token.ParseKey(fmt.Sprintf("PGLDG-%-5.5s-%05d-TESTK-%05d", g+"XXXXX", n/100000, n%100000))
}

// workerMain runs one worker process: the two races, then prints a JSON line
// per redemption. Its exit code says whether it could run them.
func workerMain() int {
	w, err := strconv.Atoi(os.Getenv(workerEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker: bad number")
		return 2
	}
	start, err := strconv.ParseInt(os.Getenv(workerStart), 10, 64)
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker: bad start time")
		return 2
	}
	ctx, store, done := workerStore(5*time.Minute, "worker")
	if store == nil {
		return 2
	}
	defer done()
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: store}
	oneKey, err := keyOf(oneKeyGroup, 1)
	if err != nil {
		return 2
	}
	time.Sleep(time.Until(time.Unix(0, start)))

	var mu sync.Mutex
	var results []workerResult
	report := func(r workerResult, o activation.Outcome, err error) {
		r.Seq = int64(o.After.Seats) // for the chain race: the seats after
		if err != nil {
			r.Err = err.Error()
			r.Taken = errors.Is(err, activation.ErrAlreadyRedeemed)
		}
		mu.Lock()
		results = append(results, r)
		mu.Unlock()
	}
	var wg sync.WaitGroup
	// One key, many tenants: each activates the key on a tenant of its own.
	for i := range tenantsPerProc {
		wg.Go(func() {
			tenant := fmt.Sprintf("tenant-%d-%d", w, i)
			tk := token.Token{Key: oneKey, Product: sharedProduct, Seats: 5, TermMonths: 12}
			o, err := book.Redeem(ctx, tenant, sharedProduct, tk, activation.Activate, testDay)
			report(workerResult{Race: "onekey", Tenant: tenant, Key: oneKey.Fingerprint().String()}, o, err)
		})
	}
	// One subscription, distinct keys: each adds one seat.
	for g := range goroutines {
		wg.Go(func() {
			for n := range keysPerRoutine {
				k, err := keyOf(fmt.Sprintf("%s%d%d", workerKeyPrefix, w, g), n)
				if err != nil {
					report(workerResult{Race: "chain"}, activation.Outcome{}, err)
					continue
				}
				tk := token.Token{Key: k, Product: sharedProduct, Seats: 1, TermMonths: 12}
				o, err := book.Redeem(ctx, sharedTenant, sharedProduct, tk, activation.AddSeats, testDay)
				report(workerResult{Race: "chain", Tenant: sharedTenant, Key: k.Fingerprint().String()}, o, err)
			}
		})
	}
	wg.Wait()
	enc := json.NewEncoder(os.Stdout)
	for _, r := range results {
		if err := enc.Encode(r); err != nil {
			return 2
		}
	}
	return 0
}

// workerStore opens the Store of a worker process on workerURL, under a
// context that ends after d (never for 0), which done ends and closes the
// Store; or it says on standard error why it cannot (who names the worker)
// and returns a nil Store.
func workerStore(d time.Duration, who string) (ctx context.Context, store *pgledger.Store, done func()) {
	ctx, cancel := context.WithCancel(context.Background())
	if d > 0 {
		ctx, cancel = context.WithTimeout(context.Background(), d)
	}
	store, err := pgledger.Open(ctx, os.Getenv(workerURL))
	if err != nil {
		fmt.Fprintln(os.Stderr, who+":", err)
		cancel()
		return ctx, nil, nil
	}
	return ctx, store, func() { store.Close(); cancel() }
}

// TestManyProcesses runs 4 processes (this test binary, re-executed) that
// race on one subscription with distinct keys and on one key from many
// tenants: every distinct key is recorded exactly once on an intact chain,
// and the one key exactly once in all.
func TestManyProcesses(t *testing.T) {
	needDB(t)
	ctx := context.Background()
	schema := freshSchema(t)
	u := schemaURL(adminURL, schema, map[string]string{"pool_max_conns": "8"})
	store := openStore(t, schema, nil)
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: store}
	require.NoError(t, book.Import(ctx, activation.Subscription{Tenant: sharedTenant, Product: sharedProduct, Seats: 100, End: testEnd}, testDay))

	start := time.Now().Add(3 * time.Second).UnixNano()
	outs := make([][]byte, processes)
	errs := make([]error, processes)
	var wg sync.WaitGroup
	for w := range processes {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), workerEnv+"="+strconv.Itoa(w), workerURL+"="+u, workerStart+"="+strconv.FormatInt(start, 10))
			cmd.Stderr = os.Stderr
			outs[w], errs[w] = cmd.Output()
		})
	}
	wg.Wait()

	var winners, taken int
	seen := map[string]bool{}
	var chain int
	for w := range processes {
		require.NoError(t, errs[w], "worker %d", w)
		dec := json.NewDecoder(bytes.NewReader(outs[w]))
		for dec.More() {
			var r workerResult
			require.NoError(t, dec.Decode(&r))
			switch r.Race {
			case "onekey":
				switch {
				case r.Err == "":
					winners++
				case r.Taken:
					taken++
				default:
					t.Errorf("worker %d, tenant %s: %s", w, r.Tenant, r.Err)
				}
			case "chain":
				require.Empty(t, r.Err, "worker %d: a redemption on the shared subscription failed", w)
				require.False(t, seen[r.Key], "a key redeemed twice")
				seen[r.Key] = true
				chain++
			}
		}
	}
	require.Equal(t, 1, winners, "the one key: winners across processes")
	require.Equal(t, processes*tenantsPerProc-1, taken, "the one key: ErrAlreadyRedeemed")
	oneKey, err := keyOf(oneKeyGroup, 1)
	require.NoError(t, err)
	require.Equal(t, 1, rowsOf(t, store, oneKey.Fingerprint()))

	require.Equal(t, processes*goroutines*keysPerRoutine, chain)
	h := requireChain(t, store, sharedTenant)
	require.Len(t, h, 1+chain, "the import and every key")
	require.Equal(t, 100+chain, h[len(h)-1].Outcome.After.Seats, "every key added its seat")
	var rows int
	require.NoError(t, store.Pool().QueryRow(ctx, `SELECT count(*) FROM coterm_records WHERE tenant = $1`, sharedTenant).Scan(&rows))
	require.Equal(t, 1+chain, rows)
}
