package pgledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/activation/pgledger"
)

// writeCounter is an io.Writer that keeps what it is given and counts the
// calls.
type writeCounter struct {
	buf    bytes.Buffer
	writes int
}

func (w *writeCounter) Write(b []byte) (int, error) {
	w.writes++
	return w.buf.Write(b)
}

// TestExportJSONBatches: ExportJSON writes a batch of 512 records a call,
// in order, and the reading goes on while the first batches are written:
// more batches than its queues hold (so that the read waits for the
// writes) are all written, with no error.
func TestExportJSONBatches(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	batches := 2*runtime.GOMAXPROCS(0) + 3
	n := 512 * batches
	rows := make([]pgledger.LoadRow, n)
	for i := range rows {
		rows[i] = importRow(int64(i+1), testDay, fmt.Sprintf("tenant-%05d", i), 1+i%50, testEnd)
	}
	_, sum := load(t, s, rows)
	require.Equal(t, n, sum.Imported)

	var want bytes.Buffer
	_, err := s.Export(ctx, func(rec activation.Record) error {
		b, err := json.Marshal(rec)
		want.Write(append(b, '\n'))
		return err
	})
	require.NoError(t, err)

	w := &writeCounter{}
	got, err := s.ExportJSON(ctx, w)
	require.NoError(t, err)
	assert.EqualValues(t, n, got)
	assert.Equal(t, batches, w.writes, "one write per batch of 512")
	assert.Equal(t, want.String(), w.buf.String())

	// One more record: a last batch of one.
	load(t, s, []pgledger.LoadRow{importRow(1, testDay, "last", 5, testEnd)})
	w = &writeCounter{}
	got, err = s.ExportJSON(ctx, w)
	require.NoError(t, err)
	assert.EqualValues(t, n+1, got)
	assert.Equal(t, batches+1, w.writes)
}
