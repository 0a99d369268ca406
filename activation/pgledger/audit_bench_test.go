package pgledger_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
)

// bulkHistories fills s with n records in histories of length records (as
// a Book under PartnerCenter writes them: an import, then add-seats
// redemptions), made in Go and sent with one COPY, then analysed.
func bulkHistories(b *testing.B, s *pgledger.Store, n, length int) {
	b.Helper()
	ctx := context.Background()
	var chain []activation.Record
	h := 0
	next := func() ([]any, error) {
		if len(chain) == 0 {
			chain = auditChain(fmt.Sprintf("tenant-%07d", h), h*length, length)
			h++
		}
		rec := chain[0]
		chain = chain[1:]
		return pgledger.CopyArgs(rec)
	}
	rows := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if rows == n {
			return nil, nil
		}
		rows++
		return next()
	})
	copied, err := s.Pool().CopyFrom(ctx, []string{"coterm_records"}, pgledger.CopyColumns, src)
	require.NoError(b, err)
	require.EqualValues(b, n, copied)
	_, err = s.Pool().Exec(ctx, `ANALYZE coterm_records`)
	require.NoError(b, err)
}

// liveHeapWhile returns the peak of the live heap, beyond what it was
// before, while run runs: a collection, then the heap's bytes, every 20 ms.
// The audit keeps little (a page), so each collection is short and what it
// allocates meanwhile is a small error on the figure.
func liveHeapWhile(run func()) uint64 {
	live := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	base := live()
	peak := base
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				peak = max(peak, live())
			}
		}
	})
	run()
	close(stop)
	wg.Wait()
	return peak - base
}

// BenchmarkStoreVerify: Store.Verify over 10⁵ and 10⁶ records in
// histories of ten (10⁴ and 10⁵ histories) under the presets. Reports
// records/s and, from one more audit, the peak live heap beyond what the
// process held before it (flat: one page of 2,000 rows).
func BenchmarkStoreVerify(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			needDB(b)
			s := openStore(b, freshSchema(b), map[string]string{"pool_max_conns": "4"})
			bulkHistories(b, s, n, 10)
			v := auditPolicies(b)
			ctx := context.Background()
			verify := func() {
				sum, err := s.Verify(ctx, v, func(f activation.Finding) error { return fmt.Errorf("finding: %v", f) })
				if err != nil || sum.Records != int64(n) {
					b.Fatalf("Verify: %v, %v", sum, err)
				}
			}
			var elapsed time.Duration
			b.ReportAllocs()
			for b.Loop() {
				start := time.Now()
				verify()
				elapsed += time.Since(start)
			}
			b.ReportMetric(float64(n)*float64(b.N)/elapsed.Seconds(), "records/s")
			b.StopTimer()
			b.ReportMetric(float64(liveHeapWhile(verify))/(1<<20), "live-heap-MiB")
		})
	}
}
