package activation_test

import (
	"context"
	"fmt"
	"iter"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/ledgertest"
)

// benchSubscriptions is how many subscriptions the listing benchmarks hold:
// COTERM_BENCH_SUBSCRIPTIONS (1000000 for the figures in the
// notes), else 10⁴, so that running every benchmark once stays quick.
func benchSubscriptions(b *testing.B) int {
	if n, err := strconv.Atoi(os.Getenv("COTERM_BENCH_SUBSCRIPTIONS")); err == nil && n > 0 {
		return n
	}
	return 10_000
}

// BenchmarkListSubscriptions lists every subscription of a MemoryJournal
// through SubscriptionsSeq (a page at a time) and Subscriptions (one slice),
// and every head through a Journal without pages (one Heads).
func BenchmarkListSubscriptions(b *testing.B) {
	n := benchSubscriptions(b)
	j := activation.NewMemoryJournal()
	ctx := context.Background()
	end := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		s := activation.Subscription{Tenant: fmt.Sprintf("tenant-%07d", (i*7919)%n), Product: "O365-E3", Seats: 10, End: end}
		rec := activation.Record{Seq: 1, Outcome: activation.Outcome{Op: activation.Import, Applied: activation.Import, At: end, After: s,
			Before: activation.Subscription{Tenant: s.Tenant, Product: s.Product}}}
		if _, _, err := j.Append(ctx, rec); err != nil {
			b.Fatal(err)
		}
	}
	paged := &activation.Book{Policy: activation.PartnerCenter(), Journal: j}
	plain := &activation.Book{Policy: activation.PartnerCenter(), Journal: plainJournal{j}}
	b.Run(fmt.Sprintf("n=%d/SubscriptionsSeq", n), func(b *testing.B) {
		reportList(b, ledgertest.BenchList(b, n, paged.SubscriptionsSeq))
	})
	b.Run(fmt.Sprintf("n=%d/Subscriptions", n), func(b *testing.B) {
		reportList(b, ledgertest.BenchList(b, n, sliceSeq(paged.Subscriptions)))
	})
	b.Run(fmt.Sprintf("n=%d/SubscriptionsSeq-without-pages", n), func(b *testing.B) {
		reportList(b, ledgertest.BenchList(b, n, plain.SubscriptionsSeq))
	})
	b.Run(fmt.Sprintf("n=%d/DueSeq", n), func(b *testing.B) {
		reportList(b, ledgertest.BenchList(b, 3*n, func(ctx context.Context) iter.Seq2[activation.Deadline, error] {
			return paged.DueSeq(ctx, time.Time{}, time.Time{})
		}))
	})
}

// reportList reports what ledgertest.BenchList measured.
func reportList(b *testing.B, f ledgertest.ListFigures) {
	b.ReportMetric(float64(f.FirstResult.Microseconds())/1000, "first-result-ms")
	b.ReportMetric(float64(f.LiveExtra)/(1<<20), "live-extra-MiB")
	b.ReportMetric(float64(f.AllocPerValue), "alloc-B/value")
}

// sliceSeq yields what list returns, for BenchList.
func sliceSeq[T any](list func(context.Context) ([]T, error)) func(context.Context) iter.Seq2[T, error] {
	return func(ctx context.Context) iter.Seq2[T, error] {
		return func(yield func(T, error) bool) {
			all, err := list(ctx)
			if err != nil {
				yield(*new(T), err)
				return
			}
			for _, v := range all {
				if !yield(v, nil) {
					return
				}
			}
		}
	}
}
