package activation_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// benchKeys returns n distinct keys.
func benchKeys(b *testing.B, n int) []token.Key {
	b.Helper()
	keys := make([]token.Key, n)
	for i := range keys {
		k, err := token.ParseKey(fmt.Sprintf("BENCH-%05d-%05d-KEYSS-%05d", i/100000, i%100000, i%7919))
		if err != nil {
			b.Fatal(err)
		}
		keys[i] = k
	}
	return keys
}

func benchBook(b *testing.B) *activation.Book {
	b.Helper()
	bk := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal(), Retries: new(atomic.Int64)}
	s := activation.Subscription{Tenant: "contoso", Product: "O365-E3", Seats: 100, End: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := bk.Import(context.Background(), s, time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)); err != nil {
		b.Fatal(err)
	}
	return bk
}

// BenchmarkBookRedeem: one goroutine redeems fresh 1-seat keys as add
// licenses on one subscription in a MemoryJournal (a head read, Apply, an
// append).
func BenchmarkBookRedeem(b *testing.B) {
	bk := benchBook(b)
	keys := benchKeys(b, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	redeemKeys(b, bk, keys)
}

// redeemKeys redeems keys on bk one at a time, b.N of them.
func redeemKeys(b *testing.B, bk *activation.Book, keys []token.Key) {
	at := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		tk := token.Token{Key: keys[i], Product: "O365-E3", Seats: 1}
		if _, err := bk.Redeem(ctx, "contoso", "O365-E3", tk, activation.AddSeats, at); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBookRedeemContended: 64 goroutines redeem fresh keys on one
// subscription; every lost race re-reads the head and recomputes. Reports
// redemptions per second and retries per redemption.
func BenchmarkBookRedeemContended(b *testing.B) {
	bk := benchBook(b)
	keys := benchKeys(b, b.N)
	at := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()
	var next atomic.Int64
	b.SetParallelism(max(1, 64/max(1, testingProcs())))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			tk := token.Token{Key: keys[next.Add(1)-1], Product: "O365-E3", Seats: 1}
			if _, err := bk.Redeem(ctx, "contoso", "O365-E3", tk, activation.AddSeats, at); err != nil {
				b.Error(err)
				return
			}
		}
	})
	elapsed := time.Since(start)
	b.ReportMetric(float64(bk.Retries.Load())/float64(b.N), "retries/redemption")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "redemptions/s")
}

// BenchmarkBookHistory: History of a subscription with 1,000 records.
func BenchmarkBookHistory(b *testing.B) {
	bk := benchBook(b)
	keys := benchKeys(b, 999)
	at := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()
	for _, k := range keys {
		if _, err := bk.Redeem(ctx, "contoso", "O365-E3", token.Token{Key: k, Product: "O365-E3", Seats: 1}, activation.AddSeats, at); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		h, err := bk.History(ctx, "contoso", "O365-E3")
		if err != nil || len(h) != 1000 {
			b.Fatal(len(h), err)
		}
	}
}

// testingProcs is GOMAXPROCS, which RunParallel multiplies the parallelism by.
func testingProcs() int { return runtime.GOMAXPROCS(0) }
