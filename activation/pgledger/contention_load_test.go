package pgledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/token"
)

// The load test's worker processes: loaderEnv holds "process/goroutines/
// seconds/turns"; workerURL and workerStart are as for the workers of
// TestManyProcesses.
const (
	loaderEnv     = "PGLEDGER_TEST_LOADER"
	loadTenant    = "load-tenant"
	loadProcesses = 4
	loadRoutines  = 16 // per process: 64 in all
)

// loadResult is what a loader process prints: its redemptions' latencies
// and the Book's retries.
type loadResult struct {
	Micros  []int64
	Retries int64
	Err     string
}

// noTurns hides a Store's turns: a Book on it recomputes blind after every
// lost race, as before turns.
type noTurns struct{ activation.Journal }

// loaderMain redeems new keys on one subscription from several goroutines
// until its time is up, and prints a loadResult.
func loaderMain() int {
	var proc, routines, seconds int
	var turns bool
	if _, err := fmt.Sscanf(os.Getenv(loaderEnv), "%d/%d/%d/%t", &proc, &routines, &seconds, &turns); err != nil {
		fmt.Fprintln(os.Stderr, "loader: bad arguments")
		return 2
	}
	start, err := strconv.ParseInt(os.Getenv(workerStart), 10, 64)
	if err != nil {
		return 2
	}
	ctx := context.Background()
	store, err := pgledger.Open(ctx, os.Getenv(workerURL))
	if err != nil {
		fmt.Fprintln(os.Stderr, "loader:", err)
		return 2
	}
	defer store.Close()
	var journal activation.Journal = store
	if !turns {
		journal = noTurns{store}
	}
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: journal, Retries: new(atomic.Int64)}
	time.Sleep(time.Until(time.Unix(0, start)))
	end := time.Now().Add(time.Duration(seconds) * time.Second)
	lat := make([][]int64, routines)
	errs := make([]error, routines)
	var wg sync.WaitGroup
	for g := range routines {
		wg.Go(func() {
			for n := 0; time.Now().Before(end); n++ {
				k, err := keyOf(fmt.Sprintf("L%d%02d", proc, g), n)
				if err != nil {
					errs[g] = err
					return
				}
				t0 := time.Now()
				_, err = book.Redeem(ctx, loadTenant, "M365-E3", token.Token{Key: k, Product: "M365-E3", Seats: 1}, activation.AddSeats, testDay)
				if err != nil {
					errs[g] = err
					return
				}
				lat[g] = append(lat[g], time.Since(t0).Microseconds())
			}
		})
	}
	wg.Wait()
	r := loadResult{Micros: slices.Concat(lat...), Retries: book.Retries.Load()}
	for _, err := range errs {
		if err != nil {
			r.Err = err.Error()
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		return 2
	}
	return 0
}

// loadFigures are one load run's figures.
type loadFigures struct {
	records          int
	perSecond        float64
	retriesPerRecord float64
	p50, p99, worst  time.Duration
}

func (f loadFigures) String() string {
	return fmt.Sprintf("%d records, %.0f records/s, %.2f retries/record, p50 %v, p99 %v (%.1f × p50), worst %v",
		f.records, f.perSecond, f.retriesPerRecord, f.p50, f.p99, float64(f.p99)/float64(f.p50), f.worst)
}

// runLoad runs procs loader processes of routines goroutines each on one
// subscription of a fresh schema for seconds, and returns the figures.
func runLoad(t *testing.T, procs, routines, seconds int, turns bool) loadFigures {
	t.Helper()
	ctx := context.Background()
	schema := freshSchema(t)
	u := schemaURL(adminURL, schema, map[string]string{"pool_max_conns": strconv.Itoa(routines)})
	store := openStore(t, schema, map[string]string{"pool_max_conns": "2"})
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: store}
	require.NoError(t, book.Import(ctx, testSubscription(loadTenant), testDay))
	start := time.Now().Add(2 * time.Second).UnixNano()
	outs := make([][]byte, procs)
	errs := make([]error, procs)
	var wg sync.WaitGroup
	for p := range procs {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d/%d/%d/%t", loaderEnv, p, routines, seconds, turns),
				workerURL+"="+u, workerStart+"="+strconv.FormatInt(start, 10))
			cmd.Stderr = os.Stderr
			outs[p], errs[p] = cmd.Output()
		})
	}
	wg.Wait()
	var all []int64
	var retries int64
	for p := range procs {
		require.NoError(t, errs[p], "loader %d", p)
		var r loadResult
		require.NoError(t, json.NewDecoder(bytes.NewReader(outs[p])).Decode(&r))
		require.Empty(t, r.Err, "loader %d", p)
		all = append(all, r.Micros...)
		retries += r.Retries
	}
	require.NotEmpty(t, all)
	h := requireChain(t, store, loadTenant)
	require.Len(t, h, 1+len(all), "every acknowledged redemption is on the chain, once")
	require.Equal(t, 100+len(all), h[len(h)-1].Outcome.After.Seats)
	slices.Sort(all)
	us := func(i int) time.Duration { return time.Duration(all[i]) * time.Microsecond }
	return loadFigures{
		records: len(all), perSecond: float64(len(all)) / float64(seconds),
		retriesPerRecord: float64(retries) / float64(len(all)),
		p50:              us(len(all) / 2), p99: us(len(all) * 99 / 100), worst: us(len(all) - 1),
	}
}

// TestLoadOneSubscription measures contention on one subscription: 64
// goroutines in 4 processes redeem distinct keys there, against one client
// alone, with and without turns (PGLEDGER_LOAD_TURNS=0: without only).
// It asserts only what is not timing: every record once on one chain. Run
// it with PGLEDGER_LOAD=1 (rounds and seconds: PGLEDGER_LOAD_ROUNDS,
// PGLEDGER_LOAD_SECONDS); it logs the figures.
func TestLoadOneSubscription(t *testing.T) {
	if os.Getenv("PGLEDGER_LOAD") == "" {
		t.Skip("a load measurement: set PGLEDGER_LOAD=1 to run it")
	}
	needDB(t)
	rounds, seconds := envInt("PGLEDGER_LOAD_ROUNDS", 1), envInt("PGLEDGER_LOAD_SECONDS", 8)
	modes := []bool{true, false}
	if os.Getenv("PGLEDGER_LOAD_TURNS") == "0" {
		modes = []bool{false}
	}
	for round := range rounds {
		one := runLoad(t, 1, 1, seconds, true)
		t.Logf("round %d, 1 client:       %v", round+1, one)
		for _, turns := range modes {
			many := runLoad(t, loadProcesses, loadRoutines, seconds, turns)
			t.Logf("round %d, 64 clients, turns %-5t: %v; throughput %.2f × one client", round+1, turns, many, many.perSecond/one.perSecond)
		}
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
