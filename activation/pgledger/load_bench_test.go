package pgledger_test

import (
	"bufio"
	"context"
	"io"
	"iter"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
	"github.com/coterm/coterm/token"
)

// benchRows is how many rows the load and export benchmarks move:
// COTERM_BENCH_ROWS (1000000 for the figures in the README), else a
// small number, so that running every benchmark once stays quick.
func benchRows(b *testing.B) int {
	b.Helper()
	if v := os.Getenv("COTERM_BENCH_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(b, err)
		return n
	}
	return 2000
}

// historyRows yields n rows of a history file: per subscription an import
// and four keys of 10 seats added a month apart, as an admin's file has
// them (each subscription's rows together).
func historyRows(b *testing.B, n int) iter.Seq2[pgledger.LoadRow, error] {
	return func(yield func(pgledger.LoadRow, error) bool) {
		start := day(2026, 1, 5)
		for i := range n {
			sub, k := i/5, i%5
			row := pgledger.LoadRow{Line: int64(i + 2), Tenant: "tenant-" + strconv.Itoa(sub), Product: "M365-E3",
				Day: start.AddDate(0, 0, 30*k)} // days apart, not months: no month arithmetic here
			if k == 0 {
				row.Import, row.Seats, row.End = true, 100, day(2027, 1, 5)
			} else {
				row.Key, row.Op, row.Seats = benchLoadKey(b, i), activation.AddSeats, 10
			}
			if !yield(row, nil) {
				return
			}
		}
	}
}

func benchLoadKey(b *testing.B, i int) token.Key {
	k, err := token.ParseKey("BENCH-LOAD0-" + pad5(i/100000) + "-TESTK-" + pad5(i%100000))
	require.NoError(b, err)
	return k
}

func pad5(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 5 {
		s = "0" + s
	}
	return s
}

// BenchmarkLoad loads a history of benchRows rows into an empty store:
// one Store.Load per iteration, each on a fresh schema.
func BenchmarkLoad(b *testing.B) {
	n := benchRows(b)
	for b.Loop() {
		b.StopTimer()
		s := newStore(b)
		b.StartTimer()
		t0 := time.Now()
		sum, err := s.Load(context.Background(), activation.PartnerCenter(), historyRows(b, n), nil)
		require.NoError(b, err)
		require.Equal(b, n, sum.Applied+sum.Imported)
		b.ReportMetric(float64(n)/time.Since(t0).Seconds(), "rows/s")
	}
}

// BenchmarkExport exports benchRows records as JSON lines (ExportJSON, what
// bookdb export runs).
func BenchmarkExport(b *testing.B) {
	n := benchRows(b)
	s := newStore(b)
	_, err := s.Load(context.Background(), activation.PartnerCenter(), historyRows(b, n), nil)
	require.NoError(b, err)
	for b.Loop() {
		t0 := time.Now()
		got, err := s.ExportJSON(context.Background(), bufio.NewWriter(io.Discard))
		require.NoError(b, err)
		require.EqualValues(b, n, got)
		b.ReportMetric(float64(n)/time.Since(t0).Seconds(), "records/s")
	}
}
