package activation_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// auditBenchJournal returns a MemoryJournal of n records, made by a Book:
// n/chainLen histories of an import and chainLen − 1 add-seats redemptions.
func auditBenchJournal(b *testing.B, n, chainLen int) *activation.MemoryJournal {
	b.Helper()
	ctx := context.Background()
	j := activation.NewMemoryJournal()
	bk := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	at := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	key := 0
	for c := range n / chainLen {
		tenant := fmt.Sprintf("tenant-%07d", c)
		if err := bk.Import(ctx, activation.Subscription{Tenant: tenant, Product: "O365-E3", Seats: 100, End: at.AddDate(0, 6, 0)}, at); err != nil {
			b.Fatal(err)
		}
		for range chainLen - 1 {
			key++
			k, err := token.ParseKey(fmt.Sprintf("AUDIT-BENCH-%05d-%05d-KEYSS", key/100000, key%100000))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := bk.Redeem(ctx, tenant, "O365-E3", token.Token{Key: k, Product: "O365-E3", Seats: 1}, activation.AddSeats, at); err != nil {
				b.Fatal(err)
			}
		}
	}
	return j
}

// liveHeap collects garbage and returns the bytes of the heap's live
// objects.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// heapSampler is a Journal that measures the live heap at every every-th
// Lookup call (the audit makes one per redemption, in the middle of a page
// of a history), in the caller's goroutine: what the audit holds while it
// reads (a sampler in another goroutine would also count what the audit
// allocates during each collection).
type heapSampler struct {
	activation.Journal
	every, calls int
	peak         uint64
}

func (h *heapSampler) Lookup(ctx context.Context, fp token.Fingerprint) (activation.Record, bool, error) {
	if h.calls++; h.calls%h.every == 0 {
		h.peak = max(h.peak, liveHeap())
	}
	return h.Journal.Lookup(ctx, fp)
}

// liveHeapPeak runs verify on j, which holds n records, with about 20
// samples of the live heap and returns their peak beyond the live heap
// before it (j's own data).
func liveHeapPeak(j activation.Journal, n int, verify func(activation.Journal)) uint64 {
	h := &heapSampler{Journal: j, every: max(1, n/20+7)}
	base := liveHeap()
	h.peak = base
	verify(h)
	return h.peak - base
}

// BenchmarkVerifyMemoryJournal: the audit of a MemoryJournal of 10⁴, 10⁵
// and 10⁶ records in histories of ten, and of 10⁶ records in histories of
// 10⁴, under the presets. Reports records/s and, from one more audit, the
// peak of the live heap beyond the journal's own: a page of a history, flat
// in the number of records, and the list of heads (Journal.Heads, one slice
// until a paged listing replaces it), which grows with the number of
// histories.
func BenchmarkVerifyMemoryJournal(b *testing.B) {
	for _, c := range []struct{ n, chainLen int }{{10_000, 10}, {100_000, 10}, {1_000_000, 10}, {1_000_000, 10_000}} {
		n := c.n
		b.Run(fmt.Sprintf("records=%d/history=%d", n, c.chainLen), func(b *testing.B) {
			j := auditBenchJournal(b, n, c.chainLen)
			v := activation.Verifier{Policies: presetPolicies()}
			ctx := context.Background()
			var elapsed time.Duration
			verify := func(j activation.Journal) {
				sum, err := v.Verify(ctx, j, func(f activation.Finding) error { return fmt.Errorf("finding: %v", f) })
				if err != nil || sum.Records != int64(n) {
					b.Fatalf("Verify: %v, %v", sum, err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				start := time.Now()
				verify(j)
				elapsed += time.Since(start)
			}
			b.ReportMetric(float64(n)*float64(b.N)/elapsed.Seconds(), "records/s")
			b.StopTimer()
			b.ReportMetric(float64(liveHeapPeak(j, n, verify))/(1<<20), "live-heap-MiB")
		})
	}
}
