package pgledger_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
)

// copyCounter is a pgx tracer that counts the COPY statements sent.
type copyCounter struct{ copies atomic.Int64 }

func (c *copyCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return ctx
}

func (c *copyCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *copyCounter) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceCopyFromStartData) context.Context {
	c.copies.Add(1)
	return ctx
}

func (c *copyCounter) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}

// countedStore returns a Store on a fresh schema whose pool counts its
// COPY statements.
func countedStore(t *testing.T) (*pgledger.Store, *copyCounter) {
	t.Helper()
	schema := freshSchema(t)
	openStore(t, schema, nil).Close() // migrates
	cfg, err := pgxpool.ParseConfig(schemaURL(adminURL, schema, map[string]string{"pool_max_conns": "2"}))
	require.NoError(t, err)
	counter := &copyCounter{}
	cfg.ConnConfig.Tracer = counter
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	s, err := pgledger.New(context.Background(), pool)
	require.NoError(t, err)
	return s, counter
}

var errTooManyCopies = errors.New("a chunk ended before its 20,000 rows")

// TestLoadChunks: Load computes 20,000 rows per COPY, and goes on after a
// full chunk: a row past the first chunk is loaded, in a second COPY.
func TestLoadChunks(t *testing.T) {
	s, counter := countedStore(t)
	rows := make([]pgledger.LoadRow, 0, pgledger.LoadChunk+1)
	for i := range pgledger.LoadChunk {
		rows = append(rows, pgledger.LoadRow{Line: int64(i + 1), Malformed: "seats: not a whole number"})
	}
	rows = append(rows, importRow(pgledger.LoadChunk+1, day(2026, 1, 1), "contoso", 5, day(2027, 1, 1)))
	sum, err := s.Load(context.Background(), activation.PartnerCenter(), seqOf(rows), func(r pgledger.LoadResult) error {
		// The rows of a chunk are computed as its COPY asks for them.
		want := int64(1)
		if r.Line > pgledger.LoadChunk {
			want = 2
		}
		if got := counter.copies.Load(); got != want {
			return fmt.Errorf("line %d computed during COPY %d, want %d: %w", r.Line, got, want, errTooManyCopies)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, pgledger.LoadSummary{Rows: pgledger.LoadChunk + 1, Rejected: pgledger.LoadChunk, Imported: 1}, sum)
	assert.EqualValues(t, 2, counter.copies.Load())
	assert.Len(t, tableBytes(t, s), 1, "the import past the first chunk")
}

// TestLoadRecordsChunks: LoadRecords copies 20,000 records at a time, and
// goes on after a full chunk: a record past the first chunk is stored, in a
// second COPY.
func TestLoadRecordsChunks(t *testing.T) {
	ctx := context.Background()
	mem := &activation.Book{Policy: activation.PartnerCenter(), Journal: activation.NewMemoryJournal()}
	n := pgledger.LoadChunk + 1
	for i := range n {
		require.NoError(t, mem.Import(ctx, testSubscription(fmt.Sprintf("tenant-%05d", i)), testDay))
	}
	var recs []activation.Record
	for sub, err := range mem.SubscriptionsSeq(ctx) {
		require.NoError(t, err)
		h, err := mem.History(ctx, sub.Tenant, sub.Product)
		require.NoError(t, err)
		recs = append(recs, h...)
	}
	require.Len(t, recs, n)

	s, counter := countedStore(t)
	given := func(yield func(activation.Record, error) bool) {
		for i, rec := range recs {
			// Nothing is copied before a chunk is full.
			if want := int64(i / pgledger.LoadChunk); counter.copies.Load() != want {
				yield(activation.Record{}, fmt.Errorf("record %d given after %d COPY, want %d: %w", i+1, counter.copies.Load(), want, errTooManyCopies))
				return
			}
			if !yield(rec, nil) {
				return
			}
		}
	}
	sum, err := s.LoadRecords(ctx, given)
	require.NoError(t, err)
	assert.Equal(t, pgledger.LoadRecordsSummary{Stored: int64(n)}, sum)
	assert.EqualValues(t, 2, counter.copies.Load())
	var stored int
	require.NoError(t, s.Pool().QueryRow(ctx, `SELECT count(*) FROM coterm_records`).Scan(&stored))
	assert.Equal(t, n, stored)
}
