package activation

// How the callers of a combined batch are answered, and how its leader
// stops waiting once they have all given up.

import (
	"context"
	"errors"
	"sync/atomic"
)

// finish answers j; a waiting caller wakes.
func (j *combineJob) finish(out Outcome, err error) {
	j.out, j.err, j.done = out, err, true
	j.lead <- false // buffered: never blocks, and a leader never reads it
}

// queuedRefusal is a queued redemption compute refused, with its request
// identity and why.
type queuedRefusal struct {
	j   *combineJob
	req RequestID
	why error
}

// answerRefusals answers each refused redemption as [Book.Redeem] answers a
// refusal: a key already recorded first.
func (b *Book) answerRefusals(ctx context.Context, no []queuedRefusal) {
	for _, r := range no {
		r.j.finish(refused(ctx, b.Journal.Lookup, redeemWhere(r.j.t), r.j.fp, r.req, r.j.t, r.why))
	}
}

// errNoBatch is what next returns when compute refused every queued
// redemption: nothing to append.
var errNoBatch = errors.New("activation: no redemption of the batch is left")

// untilAllGiveUp returns a context with ctx's values that is cancelled
// once the context of every job is done, and a function that releases it.
// A batch's calls to the store run under it: they stop waiting (for the
// subscription's turn, for a connection) when nobody waits for their
// answer, while a write once sent is the store's to finish under its own
// timeout (see [TurnJournal]).
func untilAllGiveUp(ctx context.Context, jobs []*combineJob) (context.Context, func()) {
	c, cancel := context.WithCancel(ctx)
	var left atomic.Int64
	left.Store(int64(len(jobs)))
	stops := make([]func() bool, len(jobs))
	for i, j := range jobs {
		stops[i] = context.AfterFunc(j.ctx, func() {
			if left.Add(-1) == 0 {
				cancel()
			}
		})
	}
	return c, func() {
		for _, stop := range stops {
			stop()
		}
		cancel()
	}
}

// failAll answers every job with err.
func failAll(jobs []*combineJob, err error) {
	for _, j := range jobs {
		j.finish(Outcome{}, err)
	}
}
