package pgledger

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/coterm/coterm/activation"
)

// exportBatch is how many records ExportJSON encodes per task.
const exportBatch = 512

// ExportJSON writes every record as [Store.Export] passes them, one JSON
// object a line ([activation.Record.MarshalJSON]; no record holds a key),
// to w, in their order. Records are encoded on every CPU, in batches of
// 512, while the next ones are read. It returns how many records it
// wrote; an error of w stops it.
func (s *Store) ExportJSON(ctx context.Context, w io.Writer) (int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(1, runtime.GOMAXPROCS(0))
	jobs := make(chan exportJob, workers)
	order := make(chan chan encoded, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				j.out <- encodeLines(j.recs)
			}
		})
	}
	var werr error
	written := make(chan struct{})
	go func() {
		defer close(written)
		for c := range order {
			e := <-c
			if werr == nil {
				if werr = e.err; werr == nil {
					_, werr = w.Write(e.b)
				}
				if werr != nil {
					cancel() // stop reading: nothing more will be written
				}
			}
		}
	}()
	batch := make([]activation.Record, 0, exportBatch)
	flush := func() {
		if len(batch) == 0 {
			return
		}
		c := make(chan encoded, 1)
		order <- c
		jobs <- exportJob{batch, c}
		batch = make([]activation.Record, 0, exportBatch)
	}
	n, err := s.Export(ctx, func(rec activation.Record) error {
		if batch = append(batch, rec); len(batch) == exportBatch {
			flush()
		}
		return nil
	})
	flush()
	close(jobs)
	wg.Wait()
	close(order)
	<-written
	if werr != nil {
		return n, fmt.Errorf("pgledger: export: stopped: %w", werr)
	}
	return n, err
}

type exportJob struct {
	recs []activation.Record
	out  chan encoded
}

// encoded is a batch of records as JSON lines, or why not.
type encoded struct {
	b   []byte
	err error
}

// encodeLines returns recs as JSON lines.
func encodeLines(recs []activation.Record) encoded {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range recs {
		if err := enc.Encode(&recs[i]); err != nil {
			return encoded{err: err}
		}
	}
	return encoded{b: buf.Bytes()}
}
