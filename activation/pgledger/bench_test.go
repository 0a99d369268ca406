package pgledger_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/token"
)

// The benchmarks share one pool of benchConns connections per run, so that
// 64 clients are 64 concurrent statements, not 64 callers queueing for 4.
const benchConns = 64

var benchRun atomic.Int64 // distinguishes the keys of successive runs

// benchStore opens a Store on a fresh schema, and the bare table of the
// baseline beside it: the same columns, unique keys and indexes (LIKE …
// INCLUDING ALL), without the append-only trigger.
func benchStore(b *testing.B) *pgledger.Store {
	b.Helper()
	s := openStore(b, freshSchema(b), map[string]string{"pool_max_conns": fmt.Sprint(benchConns)})
	_, err := s.Pool().Exec(context.Background(), `CREATE TABLE bench_bare (LIKE coterm_records INCLUDING ALL)`)
	require.NoError(b, err)
	return s
}

// runClients runs b.N operations spread over clients goroutines, each
// taking the next operation number until there are none, and reports the
// throughput and the p50 and p99 latency of one operation.
func runClients(b *testing.B, clients int, op func(client, i int) error) {
	b.Helper()
	var next atomic.Int64
	lat := make([][]time.Duration, clients)
	errs := make([]error, clients)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				t0 := time.Now()
				if err := op(c, i); err != nil {
					errs[c] = err
					return
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	for _, err := range errs {
		require.NoError(b, err)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
	b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
}

// benchOutcome is the Outcome of an add-seats redemption, as a Book
// records it (without the key).
func benchOutcome(b *testing.B) activation.Outcome {
	b.Helper()
	o, err := activation.PartnerCenter().Apply(testSubscription("bench"), testToken(benchKey(0), 1), activation.AddSeats, testDay)
	require.NoError(b, err)
	o.Token.Key = token.Key{}
	return o
}

// benchRecord is a record of the size a Book writes: o on tenant's
// subscription at seq, the n-th key of this run, a 5-character key tail and
// the policy's name.
func benchRecord(o activation.Outcome, tenant string, seq int64, n int) activation.Record {
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:], uint64(benchRun.Load()))
	binary.BigEndian.PutUint64(buf[8:], uint64(n))
	o.Before.Tenant, o.After.Tenant = tenant, tenant
	return activation.Record{
		Fingerprint: sha256.Sum256(buf[:]), Request: sha256.Sum256(append(buf[:], 'r')),
		Outcome: o, Seq: seq, KeyTail: "KEY01", Policy: "partner-center", RecordedAt: time.Now(),
	}
}

// sqlBare is the baseline's bare insert: no gap check, no second statement.
const sqlBare = `INSERT INTO bench_bare (tenant, product, seq, key_tail, fingerprint, operation, applied, day,
    seats_before, end_before, seats_after, end_after, policy, recorded_at, record, key_seats, explanation, kind, change)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, coalesce($14, now()), $15, $16, $17, $18, $19)
ON CONFLICT DO NOTHING`

// BenchmarkBareInsert is the baseline: the bare INSERT … ON CONFLICT DO
// NOTHING of a record's row into a table with the same unique keys and
// indexes, through the same pool, each client on its own subscription.
func BenchmarkBareInsert(b *testing.B) {
	for _, clients := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			needDB(b)
			s := benchStore(b)
			benchRun.Add(1)
			seqs := make([]int64, clients)
			o := benchOutcome(b)
			runClients(b, clients, func(c, i int) error {
				seqs[c]++
				args, err := pgledger.InsertArgs(benchRecord(o, fmt.Sprintf("bench-%d", c), seqs[c], i))
				if err != nil {
					return err
				}
				tag, err := s.Pool().Exec(context.Background(), sqlBare, args...)
				if err == nil && tag.RowsAffected() != 1 {
					err = fmt.Errorf("inserted %d rows", tag.RowsAffected())
				}
				return err
			})
		})
	}
}

// benchKey returns the i-th key of this run.
func benchKey(i int) token.Key {
	k, err := keyOf(fmt.Sprintf("B%04d", benchRun.Load()%10000), i)
	if err != nil {
		panic(err)
	}
	return k
}

// BenchmarkBookRedeem: Book.Redeem through the Store, each client on a
// subscription of its own (imported first), one new key per redemption. The
// Book remembers the head it appended, so each redemption is one INSERT.
func BenchmarkBookRedeem(b *testing.B) {
	for _, clients := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			book, ctx := benchBook(b, clients)
			runClients(b, clients, func(c, i int) error {
				_, err := book.Redeem(ctx, fmt.Sprintf("bench-%d", c), "M365-E3", testToken(benchKey(i), 1), activation.AddSeats, testDay)
				return err
			})
			b.ReportMetric(float64(book.Retries.Load())/float64(b.N), "retries/op")
		})
	}
}

// BenchmarkRedeemerRedeem: Redeemer.Redeem through the Store, one claim
// (one INSERT) per key, each client on a subscription of its own.
func BenchmarkRedeemerRedeem(b *testing.B) {
	for _, clients := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			needDB(b)
			s := benchStore(b)
			benchRun.Add(1)
			r := &activation.Redeemer{Policy: activation.PartnerCenter(), Ledger: s}
			ctx := context.Background()
			runClients(b, clients, func(c, i int) error {
				_, err := r.Redeem(ctx, testSubscription(fmt.Sprintf("bench-%d", c)), testToken(benchKey(i), 1), activation.AddSeats, testDay)
				return err
			})
		})
	}
}

// BenchmarkBookRedeemOneSubscription: 16 clients redeem distinct keys on
// one subscription; every lost race costs a retry (a new head, a new
// append).
func BenchmarkBookRedeemOneSubscription(b *testing.B) {
	const clients = 16
	needDB(b)
	s := benchStore(b)
	benchRun.Add(1)
	book := &activation.Book{Policy: activation.PartnerCenter(), Journal: s, Retries: new(atomic.Int64)}
	ctx := context.Background()
	require.NoError(b, book.Import(ctx, testSubscription("bench-one"), testDay))
	runClients(b, clients, func(c, i int) error {
		_, err := book.Redeem(ctx, "bench-one", "M365-E3", testToken(benchKey(i), 1), activation.AddSeats, testDay)
		return err
	})
	b.ReportMetric(float64(book.Retries.Load())/float64(b.N), "retries/op")
}
