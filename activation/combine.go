package activation

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// Combining: while a Book sees contention on a subscription (see
// [turnWindow]) and its Journal is a [BatchJournal], the redemptions its
// goroutines ask for there queue, and one of them at a time, the leader,
// appends the queue as one batch: each key on the state the one before it
// left, in the order of their days (then of arrival), each record exactly
// what [Book.Redeem] would store alone (its own request identity), all
// stored at once. One append and one commit carry many redemptions, so a
// busy subscription moves at the speed of its batches, not of its
// round trips. A key refused by the policy, already spent or asked twice
// is answered on its own, as Redeem answers it; the rest are appended
// again. A refusal is answered only on a state the Journal holds (the head
// read, or the batch once stored): a batch that stores nothing leaves the
// keys it refused to be computed again. When the leader's batch is done, it hands the lead to the next
// waiting redemption, so that no caller waits on traffic that came after
// it. On a [BatchTurnJournal] each batch is computed and appended in the
// subscription's turn, so that the leaders of several processes queue
// instead of racing for the next place.

// combineQueue is the redemptions waiting on one subscription.
type combineQueue struct {
	jobs []*combineJob
	busy bool // a leader is running
}

// combineJob is one queued redemption and, once done, its answer.
type combineJob struct {
	ctx  context.Context // the caller's: a job whose caller gave up is not appended
	t    *token.Token
	fp   token.Fingerprint
	op   Operation
	at   time.Time
	day  daymath.Day
	out  Outcome
	err  error
	done bool      // out and err are the answer
	lead chan bool // true: lead; false: done
}

// combiner holds a Book's queues.
type combiner struct {
	mu     sync.Mutex
	queues map[place]*combineQueue
}

// maxCombine is the most redemptions one batch carries.
const maxCombine = 256

// redeemCombined queues the redemption of t and waits for its answer,
// leading the queue when its turn comes. A waiting caller does not leave
// early: the leader's work is bounded by the store's calls, and a job whose
// caller's ctx is done when its batch is formed is answered with that error
// and not appended.
func (b *Book) redeemCombined(ctx context.Context, bj BatchJournal, tenant, product string, fp token.Fingerprint, t *token.Token, op Operation, at time.Time) (Outcome, error) {
	j := &combineJob{ctx: ctx, t: t, fp: fp, op: op, at: at, day: daymath.Of(at), lead: make(chan bool, 1)}
	k := place{tenant, product}
	c := &b.combine
	c.mu.Lock()
	if c.queues == nil {
		c.queues = make(map[place]*combineQueue)
	}
	q := c.queues[k]
	if q == nil {
		q = &combineQueue{}
		c.queues[k] = q
	}
	q.jobs = append(q.jobs, j)
	leads := !q.busy
	q.busy = true
	c.mu.Unlock()
	if !leads {
		if leads = <-j.lead; !leads {
			return j.out, j.err
		}
	}
	// Leading: run the queue until this job is answered, then hand on. The
	// store's calls carry the values of the leader's ctx but not its
	// cancellation: they answer others too, and stop waiting only when
	// every caller of their batch has given up (see untilAllGiveUp).
	run := context.WithoutCancel(ctx)
	for !j.done {
		c.mu.Lock()
		n := min(len(q.jobs), maxCombine)
		batch := slices.Clone(q.jobs[:n])
		q.jobs = slices.Delete(q.jobs, 0, n)
		c.mu.Unlock()
		again := b.runCombined(run, bj, tenant, product, batch)
		c.mu.Lock()
		q.jobs = append(again, q.jobs...)
		c.mu.Unlock()
	}
	c.mu.Lock()
	if len(q.jobs) > 0 {
		q.jobs[0].lead <- true
	} else {
		q.busy = false
		delete(c.queues, k)
	}
	c.mu.Unlock()
	return j.out, j.err
}

// finish answers j; a waiting caller wakes.
func (j *combineJob) finish(out Outcome, err error) {
	j.out, j.err, j.done = out, err, true
	j.lead <- false // buffered: never blocks, and a leader never reads it
}

// runCombined appends jobs as one batch until every one of them is
// answered, but for a key asked twice whose first request was not stored:
// those it returns, to queue again.
func (b *Book) runCombined(ctx context.Context, bj BatchJournal, tenant, product string, jobs []*combineJob) (again []*combineJob) {
	slices.SortStableFunc(jobs, func(x, y *combineJob) int { return cmp.Compare(x.day, y.day) })
	// A key asked twice goes once: the others are answered by its record.
	var twins []*combineJob
	seen := make(map[token.Fingerprint]bool, len(jobs))
	jobs = slices.DeleteFunc(jobs, func(j *combineJob) bool {
		if err := j.ctx.Err(); err != nil {
			j.finish(Outcome{}, wrapErr("book: redeem "+j.t.Key.String(), err))
			return true
		}
		if seen[j.fp] {
			twins = append(twins, j)
			return true
		}
		seen[j.fp] = true
		return false
	})
	if b.marks.isLost(tenant, product) { // found after these queued
		for _, j := range jobs {
			j.finish(Outcome{}, lostRecords(redeemWhere(j.t)))
		}
		jobs = nil
	}
	twinCtx := ctx
	ctx, stop := untilAllGiveUp(ctx, jobs)
	defer stop()
	if len(jobs) == 1 { // alone, it takes the subscription's turn if the Journal has turns
		j := jobs[0]
		head, e, cached := b.cache.get(tenant, product)
		j.finish(b.redeemOne(ctx, tenant, product, anySeq, j.fp, j.t, j.op, j.at, head, e, cached))
		jobs = nil
	}
	recs := make([]Record, 0, len(jobs))
	btj, turns := bj.(BatchTurnJournal)
	// A job compute refuses is answered only on a state the Journal holds:
	// its head, or the batch once stored. A batch that stores nothing
	// leaves the refused jobs of all to be computed again.
	all := jobs
	pending := func() []*combineJob { // a new slice: jobs may be the caller's
		left := make([]*combineJob, 0, len(all))
		for _, j := range all {
			if !j.done {
				left = append(left, j)
			}
		}
		all = left
		return left
	}
	for len(jobs) > 0 {
		var conflict Conflict
		var err error
		var e *tip
		var no []queuedRefusal
		cached := false
		if turns {
			jobs, recs, no, conflict, err = b.batchInTurn(ctx, btj, jobs, recs, tenant, product)
		} else {
			var head tip
			var ok bool
			head, e, ok = b.cache.get(tenant, product)
			cached = ok
			if !ok {
				if head, e, ok, err = b.headRemembered(ctx, tenant, product); err != nil {
					failAll(jobs, err)
					break
				}
			}
			jobs, recs, no = computeCombined(b, jobs, recs[:0], head, ok, tenant, product)
			if len(jobs) > 0 {
				conflict, err = bj.AppendBatch(ctx, recs)
			}
		}
		if len(jobs) == 0 {
			if cached { // never refuse on a guess: read the head and decide again
				b.cache.forget(tenant, product)
				jobs = pending()
				continue
			}
			b.answerRefusals(ctx, no) // on the head itself
			break
		}
		if err != nil {
			b.cache.forget(tenant, product)
			if cached && errors.Is(err, ErrGap) {
				b.marks.setLost(tenant, product, true)
				err = lostRecordsErr("book: redeem: journal", err)
			} else {
				err = wrapErr("book: redeem: journal", err)
			}
			failAll(pending(), err)
			break
		}
		switch i := conflict.Index; {
		case conflict.Taken == NothingTaken:
			last := &recs[len(recs)-1]
			b.cache.put(e, new(tipAfter(last)))
			for i, j := range jobs {
				o := recs[i].Outcome
				o.Token.Key = j.t.Key
				j.finish(o, nil)
			}
			b.answerRefusals(ctx, no) // on the states the batch stored
			jobs = nil
		case i < 0 || i >= len(jobs):
			failAll(pending(), brokenStore("book: redeem", notTheRequest))
			jobs = nil
		case conflict.Taken == KeyTaken && conflict.Stored.Fingerprint == jobs[i].fp:
			jobs[i].finish(answer(jobs[i].t, recs[i].Request, &conflict.Stored))
			jobs = pending()
		case conflict.Taken == PlaceTaken && samePlace(&conflict.Stored, &recs[i]):
			b.cache.forget(tenant, product)
			b.marks.contend(tenant, product)
			b.retried()
			jobs = pending()
		default:
			failAll(pending(), brokenStore("book: redeem", notTheRequest))
			jobs = nil
		}
	}
	for _, j := range twins {
		stored, ok, err := b.Journal.Lookup(twinCtx, j.fp)
		switch {
		case err != nil:
			j.finish(Outcome{}, wrapErr("book: redeem "+j.t.Key.String(), err))
		case !ok: // its twin was not stored: it queues again, alone
			again = append(again, j)
		default:
			j.finish(answer(j.t, requestID(bookDomain, j.fp, tenant, product, nil, j.t, j.op, j.at), &stored))
		}
	}
	return again
}

// queuedRefusal is a queued redemption compute refused, with its request
// identity and why.
type queuedRefusal struct {
	j   *combineJob
	req RequestID
	why error
}

// computeCombined fills recs with the records of jobs, each on the state
// the one before left, starting from head (ok false: none), and returns the
// jobs of the batch, its records, and the jobs compute refused. jobs is left
// as it was: next may be called again.
func computeCombined(b *Book, jobs []*combineJob, recs []Record, head tip, ok bool, tenant, product string) ([]*combineJob, []Record, []queuedRefusal) {
	kept := make([]*combineJob, 0, len(jobs))
	var no []queuedRefusal
	for _, j := range jobs {
		rec := Record{Fingerprint: j.fp}
		if err := b.compute(&rec, &head, ok, tenant, product, anySeq, j.t, j.op, j.at); err != nil {
			no = append(no, queuedRefusal{j, rec.Request, err})
			continue
		}
		kept, recs = append(kept, j), append(recs, rec)
		head, ok = tipAfter(&rec), true
	}
	return kept, recs, no
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

// batchInTurn computes the batch of jobs on the head btj reads in the
// subscription's turn and appends it there. It returns the jobs of the batch
// and its records, the jobs compute refused (unanswered: the caller answers
// them after the turn, if the batch was stored or empty), and what the
// append found taken; no jobs: nothing was appended.
func (b *Book) batchInTurn(ctx context.Context, btj BatchTurnJournal, jobs []*combineJob, recs []Record, tenant, product string) ([]*combineJob, []Record, []queuedRefusal, Conflict, error) {
	remembered, _, _ := b.cache.get(tenant, product) // none: Seq 0
	var kept []*combineJob
	var no []queuedRefusal
	var broken error
	called := false
	conflict, err := btj.AppendBatchInTurn(ctx, tenant, product, func(h Record, ok bool) ([]Record, error) {
		called, kept, no, broken = true, nil, nil, nil
		var head tip
		if head, broken = b.headInTurn(&h, ok, remembered.seq, tenant, product); broken != nil {
			return nil, broken
		}
		kept, recs, no = computeCombined(b, jobs, recs[:0], head, ok, tenant, product)
		if len(kept) == 0 {
			return nil, errNoBatch
		}
		return recs, nil
	})
	switch {
	case !called && err == nil:
		failAll(jobs, brokenStore("book: redeem", "it appended a batch it was not given"))
		return nil, recs, nil, Conflict{}, nil
	case !called:
		return jobs, recs, nil, Conflict{}, err
	case errors.Is(err, errNoBatch):
		return nil, recs, no, Conflict{}, nil
	case broken != nil: // returned as it is, or by a store that altered or lost it
		failAll(jobs, broken)
		return nil, recs, nil, Conflict{}, nil
	}
	return kept, recs, no, conflict, err
}

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
