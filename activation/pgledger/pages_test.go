package pgledger_test

import (
	"context"
	"fmt"
	"iter"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/ledgertest"
	"github.com/coterm/coterm/activation/pgledger"
)

// loadSubscriptions copies n subscriptions into s, tenant-0000000 … in a
// scattered order, each with a history of seqs records (imports), and
// returns their heads' states in byte order.
func loadSubscriptions(t testing.TB, s *pgledger.Store, n, seqs int) []activation.Subscription {
	t.Helper()
	end := day(2027, time.January, 1)
	want := make([]activation.Subscription, n)
	rows := make([][]any, 0, n*seqs)
	for i := range n {
		k := (i * 7919) % n
		before := activation.Subscription{Tenant: fmt.Sprintf("tenant-%07d", k), Product: "M365-E3"}
		for seq := 1; seq <= seqs; seq++ {
			after := before
			after.Seats, after.End = seq, end
			args, err := pgledger.CopyArgs(activation.Record{Seq: int64(seq), RecordedAt: end, Outcome: activation.Outcome{
				Op: activation.Import, Applied: activation.Import, At: testDay, Before: before, After: after}})
			require.NoError(t, err)
			rows = append(rows, args)
			before = after
		}
		want[k] = before
	}
	_, err := s.Pool().CopyFrom(context.Background(), pgx.Identifier{"coterm_records"}, pgledger.CopyColumns, pgx.CopyFromRows(rows))
	require.NoError(t, err)
	_, err = s.Pool().Exec(context.Background(), "ANALYZE coterm_records")
	require.NoError(t, err)
	return want
}

// capped answers HeadsAfter with at most n heads.
type capped struct {
	*pgledger.Store
	n int
}

func (c capped) HeadsAfter(ctx context.Context, tenant, product string, limit int) ([]activation.Record, error) {
	return c.Store.HeadsAfter(ctx, tenant, product, min(limit, c.n))
}

// TestStreams: on the server, a Book lists through HeadsAfter what it lists
// without pages, in full and page by page; a break and a cancellation
// mid-listing end it and leave no connection taken.
func TestStreams(t *testing.T) {
	needDB(t)
	s := newStore(t)
	want := loadSubscriptions(t, s, 2500, 3)
	ctx := context.Background()
	for name, j := range map[string]activation.Journal{"pages": s, "short pages": capped{s, 7}} {
		b := book(j)
		got, err := b.Subscriptions(ctx)
		require.NoError(t, err, name)
		require.Equal(t, want, got, name)
		n := 0
		for sub, err := range b.SubscriptionsSeq(ctx) {
			require.NoError(t, err, name)
			require.Equal(t, want[n], sub, name)
			if n++; n == 1234 {
				break
			}
		}
		require.Zero(t, s.Pool().Stat().AcquiredConns(), "%s: a connection is still taken after a break", name)
		cctx, cancel := context.WithCancel(ctx)
		n = 0
		var last error
		for _, err := range b.SubscriptionsSeq(cctx) {
			if last = err; err != nil {
				continue
			}
			if n++; n == 1500 {
				cancel()
			}
		}
		cancel()
		require.ErrorIs(t, last, context.Canceled, name)
		require.Equal(t, 1500, n, name)
		require.Zero(t, s.Pool().Stat().AcquiredConns(), "%s: a connection is still taken after a cancellation", name)

		due, err := b.Due(ctx, time.Time{}, time.Time{})
		require.NoError(t, err, name)
		wantDue, err := book(plain{s}).Due(ctx, time.Time{}, time.Time{})
		require.NoError(t, err)
		require.Equal(t, wantDue, due, name)
	}
	_, err := s.HeadsAfter(ctx, "tenant\x00", "", 10)
	require.Error(t, err, "a place no record can hold")
	_, err = s.HeadsAfter(ctx, "", "", 0)
	require.Error(t, err, "limit 0")
}

// plain hides the Store's pages.
type plain struct{ activation.Journal }

// benchSubscriptions is how many subscriptions BenchmarkListSubscriptions
// holds: COTERM_BENCH_SUBSCRIPTIONS (1000000 for the figures in the
// notes), else 10⁴, so that running every benchmark once stays quick.
func benchSubscriptions() int {
	if n, err := strconv.Atoi(os.Getenv("COTERM_BENCH_SUBSCRIPTIONS")); err == nil && n > 0 {
		return n
	}
	return 10_000
}

// BenchmarkListSubscriptions lists every subscription of a Store through
// SubscriptionsSeq (HeadsAfter, a page at a time) and Subscriptions, and
// every head through Heads (the Store without its pages).
// reportList reports what ledgertest.BenchList measured.
func reportList(b *testing.B, f ledgertest.ListFigures) {
	b.ReportMetric(float64(f.FirstResult.Microseconds())/1000, "first-result-ms")
	b.ReportMetric(float64(f.LiveExtra)/(1<<20), "live-extra-MiB")
	b.ReportMetric(float64(f.AllocPerValue), "alloc-B/value")
}

func BenchmarkListSubscriptions(b *testing.B) {
	needDB(b)
	n := benchSubscriptions()
	s := openStore(b, freshSchema(b), nil)
	loadSubscriptions(b, s, n, 1)
	paged, unpaged := book(s), book(plain{s})
	for name, list := range map[string]func(context.Context) iter.Seq2[activation.Subscription, error]{
		"SubscriptionsSeq":               paged.SubscriptionsSeq,
		"SubscriptionsSeq-without-pages": unpaged.SubscriptionsSeq,
	} {
		b.Run(fmt.Sprintf("n=%d/%s", n, name), func(b *testing.B) { reportList(b, ledgertest.BenchList(b, n, list)) })
	}
}
