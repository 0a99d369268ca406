package ledgertest

import (
	"context"
	"iter"
	"runtime"
	"testing"
	"time"
)

// ListFigures is what [BenchList] measured, in integers: a benchmark
// reports them (first-result-ms, live-extra-MiB, alloc-B/value).
type ListFigures struct {
	FirstResult   time.Duration // the mean time to the first value
	LiveExtra     uint64        // the most heap a listing held beyond the store's own data, in bytes
	AllocPerValue uint64        // the bytes allocated per value listed
}

// BenchList lists with list, b.N times, what a store of n subscriptions
// holds (n values), and returns the time to the first value, the most heap
// the listing held beyond the store's own data, measured after a collection
// at every 1/8 of the listing, and the bytes allocated per value.
func BenchList[T any](b *testing.B, n int, list func(context.Context) iter.Seq2[T, error]) ListFigures {
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
	return ListFigures{
		FirstResult:   first / time.Duration(b.N),
		LiveExtra:     extra,
		AllocPerValue: (ms.TotalAlloc - allocs) / uint64(b.N) / uint64(max(n, 1)),
	}
}
