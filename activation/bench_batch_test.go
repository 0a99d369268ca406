package activation_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// BenchmarkBookRedeemAll: one goroutine redeems batches of 10 fresh 1-seat
// keys as add licenses on one subscription in a MemoryJournal (a head
// read, ten Applies, one batch append).
func BenchmarkBookRedeemAll(b *testing.B) {
	bk := benchBook(b)
	keys := benchKeys(b, b.N*benchBatch)
	b.ReportAllocs()
	b.ResetTimer()
	redeemBatches(b, bk, keys)
}

// benchBatch is how many keys a batch of BenchmarkBookRedeemAll holds.
const benchBatch = 10

// redeemBatches redeems keys on bk in batches of benchBatch, b.N of them.
func redeemBatches(b *testing.B, bk *activation.Book, keys []token.Key) {
	at := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()
	ts := make([]token.Token, benchBatch)
	for i := 0; i < b.N; i++ {
		for k := range ts {
			ts[k] = token.Token{Key: keys[i*benchBatch+k], Product: "O365-E3", Seats: 1}
		}
		if _, err := bk.RedeemAll(ctx, "contoso", "O365-E3", ts, activation.AddSeats, at); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBookReplace: a replacement of a key activated on its own
// subscription (a lookup, a head read, Apply, one append with its claim).
func BenchmarkBookReplace(b *testing.B) {
	bk := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	keys := benchKeys(b, 2*b.N)
	at := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()
	tenants := make([]string, b.N)
	for i := range tenants {
		tenants[i] = "tenant-" + strconv.Itoa(i) // one subscription a key
		tk := token.Token{Key: keys[i], Product: "O365-E3", Seats: 10}
		if _, err := bk.Redeem(ctx, tenants[i], "O365-E3", tk, activation.Activate, at); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tk := token.Token{Key: keys[b.N+i], Product: "O365-E3", Seats: 12}
		if _, err := bk.Replace(ctx, keys[i], tk, at); err != nil {
			b.Fatal(err)
		}
	}
}
