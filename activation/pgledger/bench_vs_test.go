package pgledger_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
)

// BenchmarkBookVsBare: Book.Redeem against the bare insert (as in
// BenchmarkBareInsert) in one run, each client on a subscription of its
// own, in alternating rounds of the same number of operations so that both
// see the same load. It reports both throughputs and book/bare, their
// ratio. Use -benchtime Nx: N rounds.
func BenchmarkBookVsBare(b *testing.B) {
	for _, clients := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			needDB(b)
			s := benchStore(b)
			benchRun.Add(1)
			ctx := context.Background()
			book := &activation.Book{Policy: activation.PartnerCenter(), Journal: s}
			for c := range clients {
				require.NoError(b, book.Import(ctx, testSubscription(fmt.Sprintf("bench-%d", c)), testDay))
			}
			o := benchOutcome(b)
			seqs := make([]int64, clients)
			var keys atomic.Int64
			bare := func(c int) error {
				seqs[c]++
				args, err := pgledger.InsertArgs(benchRecord(o, fmt.Sprintf("bench-%d", c), seqs[c], int(keys.Add(1))))
				if err != nil {
					return err
				}
				_, err = s.Pool().Exec(ctx, sqlBare, args...)
				return err
			}
			redeem := func(c int) error {
				_, err := book.Redeem(ctx, fmt.Sprintf("bench-%d", c), "M365-E3", testToken(benchKey(int(keys.Add(1))), 1), activation.AddSeats, testDay)
				return err
			}
			perRound := max(8*clients, 64)
			var bareTime, bookTime time.Duration
			b.ResetTimer()
			for i := range b.N {
				if i%2 == 0 {
					bareTime += timeOps(b, clients, perRound, bare)
					bookTime += timeOps(b, clients, perRound, redeem)
				} else {
					bookTime += timeOps(b, clients, perRound, redeem)
					bareTime += timeOps(b, clients, perRound, bare)
				}
			}
			b.StopTimer()
			ops := float64(b.N * perRound)
			b.ReportMetric(ops/bareTime.Seconds(), "bare-ops/s")
			b.ReportMetric(ops/bookTime.Seconds(), "book-ops/s")
			b.ReportMetric(bareTime.Seconds()/bookTime.Seconds(), "book/bare")
		})
	}
}

// timeOps runs n operations over clients goroutines and returns how long
// they took.
func timeOps(b *testing.B, clients, n int, op func(client int) error) time.Duration {
	var next atomic.Int64
	errs := make([]error, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				if err := op(c); err != nil {
					errs[c] = err
					return
				}
			}
		})
	}
	wg.Wait()
	d := time.Since(start)
	for _, err := range errs {
		require.NoError(b, err)
	}
	return d
}
