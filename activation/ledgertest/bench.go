package ledgertest

import (
	"context"
	"iter"
	"runtime"
	"testing"
	"time"
)

// BenchList lists with list, b.N times, what a store of n subscriptions
// holds (n values), and reports the time to the first value
// (first-result-ms), the most heap the listing held beyond the store's own
// data, measured after a collection at every 1/8 of the listing
// (live-extra-MiB), and the bytes allocated per value (alloc-B/value).
func BenchList[T any](b *testing.B, n int, list func(context.Context) iter.Seq2[T, error]) {
	b.Helper()
	ctx := context.Background()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, allocs := ms.HeapAlloc, ms.TotalAlloc
	var first time.Duration
	var extra uint64
	every := max(1, n/8)
	b.ResetTimer()
	for range b.N {
		start, got := time.Now(), 0
		for _, err := range list(ctx) {
			if err != nil {
				b.Fatal(err)
			}
			if got++; got == 1 {
				first += time.Since(start)
			}
			if got%every == 0 {
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&ms)
				extra = max(extra, ms.HeapAlloc-min(ms.HeapAlloc, base))
				b.StartTimer()
			}
		}
		if got != n {
			b.Fatalf("listed %d, want %d", got, n)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(first.Microseconds())/1000/float64(b.N), "first-result-ms")
	b.ReportMetric(float64(extra)/(1<<20), "live-extra-MiB")
	b.ReportMetric(float64(ms.TotalAlloc-allocs)/float64(b.N)/float64(n), "alloc-B/value")
}
