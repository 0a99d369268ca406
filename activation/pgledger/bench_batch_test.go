package pgledger_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// BenchmarkBookRedeemAll: Book.RedeemAll of batches of 10 new keys through
// the Store, each client on a subscription of its own (imported first).
// The Book remembers the head it appended, so each batch is one INSERT of
// ten rows; compare with BenchmarkBookRedeem, one key per INSERT.
func BenchmarkBookRedeemAll(b *testing.B) {
	const n = 10
	for _, clients := range []int{1, 16} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			book, ctx := benchBook(b, clients)
			runClients(b, clients, func(c, i int) error {
				ts := make([]token.Token, n)
				for k := range ts {
					ts[k] = testToken(benchKey(i*n+k), 1)
				}
				_, err := book.RedeemAll(ctx, fmt.Sprintf("bench-%d", c), "M365-E3", ts, activation.AddSeats, testDay)
				return err
			})
			b.ReportMetric(float64(book.Retries.Load())/float64(b.N), "retries/op")
		})
	}
}

// benchBook returns a Book on a fresh Store with a subscription imported
// per client, "bench-0", "bench-1", ….
func benchBook(b *testing.B, clients int) (*activation.Book, context.Context) {
	b.Helper()
	needDB(b)
	s := benchStore(b)
	benchRun.Add(1)
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: s, Retries: new(atomic.Int64)}
	ctx := context.Background()
	for c := range clients {
		require.NoError(b, book.Import(ctx, testSubscription(fmt.Sprintf("bench-%d", c)), testDay))
	}
	return book, ctx
}
