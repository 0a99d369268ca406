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

// The write path of Book.Redeem: the head it computes on (remembered in a
// cache, read in the subscription's turn while it is contended), the record
// it appends, and, below, the combining of redemptions queued on one
// subscription.

// redeem is [Book.Redeem] (want anySeq) and [Book.RedeemIfUnchanged] (want
// the head's Seq the caller expects).
func (b *Book) redeem(ctx context.Context, tenant, product string, want int64, t *token.Token, op Operation, at time.Time) (Outcome, error) {
	if err := b.check(ctx, "redeem"); err != nil {
		return Outcome{}, err
	}
	// A remembered head's names passed checkRequest: a redemption on it
	// with the key for its product checks only the key.
	head, e, cached := b.cache.get(tenant, product)
	if !cached || t.Product != product || t.Key.IsZero() {
		if err := checkRequest(tenant, product, t); err != nil {
			return Outcome{}, err
		}
	}
	if b.marks.isLost(tenant, product) {
		return Outcome{}, lostRecords("book: redeem " + t.Key.String())
	}
	fp := t.Key.Fingerprint()
	if bj, ok := b.combines(tenant, product, want); ok {
		tok := *t // only a queued redemption's token leaves this call
		return b.redeemCombined(ctx, bj, tenant, product, fp, &tok, op, at)
	}
	return b.redeemOne(ctx, tenant, product, want, fp, t, op, at, head, e, cached)
}

// combines reports whether a redemption on (tenant, product) queues.
func (b *Book) combines(tenant, product string, want int64) (BatchJournal, bool) {
	bj, ok := b.Journal.(BatchJournal)
	return bj, ok && want == anySeq && b.marks.inTurn(tenant, product)
}

// redeemOne is [Book.redeem] after its checks, alone: on the remembered
// head (cached) or the one it reads, or in the subscription's turn.
func (b *Book) redeemOne(ctx context.Context, tenant, product string, want int64, fp token.Fingerprint, t *token.Token, op Operation, at time.Time, head tip, e *tip, cached bool) (Outcome, error) {
	tj, turns := b.Journal.(TurnJournal)
	var rec Record
	for ok := cached; ; cached = false {
		if err := ctx.Err(); err != nil {
			return Outcome{}, wrapErr("book: redeem "+t.Key.String(), err)
		}
		var stored Record
		var taken Taken
		var err error
		if turns && b.marks.inTurn(tenant, product) {
			cached, rec = false, Record{Fingerprint: fp}
			var why error
			if stored, taken, why, err = b.appendInTurn(ctx, tj, &rec, tenant, product, want, t, op, at); why != nil {
				return refused(ctx, b.Journal.Lookup, redeemWhere(t), fp, rec.Request, t, why)
			}
			e = nil
		} else {
			if !cached {
				if head, e, ok, err = b.headRemembered(ctx, tenant, product); err != nil {
					return Outcome{}, err
				}
			}
			rec = Record{Fingerprint: fp}
			if err := b.compute(&rec, &head, ok, tenant, product, want, t, op, at); err != nil {
				if cached { // never refuse on a guess: read the head and decide again
					b.cache.forget(tenant, product)
					continue
				}
				return refused(ctx, b.Journal.Lookup, redeemWhere(t), fp, rec.Request, t, err)
			}
			stored, taken, err = b.Journal.Append(ctx, rec)
		}
		if err != nil {
			b.cache.forget(tenant, product)
			if cached && errors.Is(err, ErrGap) {
				// The Journal lacks the head this Book appended or read:
				// it lost acknowledged records.
				b.marks.setLost(tenant, product, true)
				return Outcome{}, lostRecordsErr(redeemWhere(t), err)
			}
			return Outcome{}, wrapErr(redeemWhere(t), err)
		}
		switch {
		case taken == NothingTaken:
			b.cache.put(e, new(tipAfter(&rec)))
			rec.Outcome.Token.Key = t.Key
			return rec.Outcome, nil
		case taken == KeyTaken && stored.Fingerprint == fp:
			return answer(t, rec.Request, &stored)
		case taken == PlaceTaken && samePlace(&stored, &rec):
			b.cache.forget(tenant, product)
			if !cached && want != anySeq {
				return refused(ctx, b.Journal.Lookup, redeemWhere(t), fp, rec.Request, t, changed(want, t))
			}
			b.marks.contend(tenant, product)
			b.retried()
			continue
		}
		return Outcome{}, brokenStore("book: redeem "+t.Key.String(), notTheRequest)
	}
}

// compute fills rec, which holds the key's fingerprint and nothing else,
// with the request's identity (first, so that a refusal can be answered by
// it) and the record of redeeming t on head (ok false: none), or returns why
// not: the subscription changed since want, Policy.Apply refuses, or the day
// is before the head's.
func (b *Book) compute(rec *Record, head *tip, ok bool, tenant, product string, want int64, t *token.Token, op Operation, at time.Time) error {
	rec.Request = requestID(bookDomain, rec.Fingerprint, tenant, product, nil, t, op, at)
	if want != anySeq && want != head.seq {
		return changed(want, t)
	}
	s := Subscription{Tenant: tenant, Product: product}
	if ok {
		s = head.after
	}
	if err := applyTo(&rec.Outcome, &b.Policy, &s, t, op, at); err != nil {
		return err
	}
	if day := daymath.Of(at); ok && day.Valid() {
		if err := checkOrder(day, head.day); err != nil {
			return err
		}
	}
	rec.Outcome.Token.Key = token.Key{} // a journal stores fingerprints, never keys
	rec.Seq, rec.KeyTail, rec.Policy, rec.RecordedAt = head.seq+1, t.Key.Last5(), b.Policy.Name, b.now()
	return nil
}

// redeemWhere names a redemption of t's key and its store, for an error.
func redeemWhere(t *token.Token) string { return "book: redeem " + t.Key.String() + ": journal" }

func (b *Book) now() time.Time {
	if b.Clock != nil {
		return b.Clock().UTC().Round(0)
	}
	return time.Now().UTC().Round(0)
}

func (b *Book) retried() {
	if b.Retries != nil {
		b.Retries.Add(1)
	}
}

// maxCachedHeads bounds a Book's remembered heads: past it, each new one
// replaces an arbitrary one.
const maxCachedHeads = 1 << 14

// tip is what a Book needs of a subscription's head to compute the next
// record: its Seq, its day and the state after it (End in UTC).
type tip struct {
	seq   int64
	day   daymath.Day
	after Subscription
}

// tipOf returns rec's tip; a store may return times in any location, and a
// date is read in UTC.
func tipOf(rec *Record) tip {
	after := rec.Outcome.After
	after.End = after.End.UTC()
	return tip{seq: rec.Seq, day: daymath.Of(rec.Outcome.At.UTC()), after: after}
}

// headCache remembers the last head a Book read or appended per subscription,
// so that a redemption usually costs one round trip (the Append). It is a
// guess: a stale head makes the Append find its place taken or a gap; a
// refusal and a preview's Seq are decided on the Journal's head.
type headCache struct {
	mu    sync.Mutex
	heads map[place]*tip
}

type place struct{ tenant, product string }

// get returns the remembered head of (tenant, product) and its entry, for
// put; ok is false if there is none.
func (c *headCache) get(tenant, product string) (h tip, e *tip, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e = c.heads[place{tenant, product}]; e != nil {
		return *e, e, true
	}
	return tip{}, nil, false
}

// put remembers h unless a later head is remembered, and returns its entry:
// e if not nil (an entry forgotten since is no longer read), or else the
// subscription's.
func (c *headCache) put(e, h *tip) *tip {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e == nil {
		k := place{h.after.Tenant, h.after.Product}
		if e = c.heads[k]; e == nil {
			if len(c.heads) >= maxCachedHeads {
				for victim := range c.heads {
					delete(c.heads, victim)
					break
				}
			} else if c.heads == nil {
				c.heads = make(map[place]*tip)
			}
			e = new(tip)
			c.heads[k] = e
		}
	}
	if e.seq < h.seq {
		*e = *h
	}
	return e
}

func (c *headCache) forget(tenant, product string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.heads, place{tenant, product})
}

// head reads the head of (tenant, product) from the Journal.
func (b *Book) head(ctx context.Context, tenant, product string) (tip, bool, error) {
	rec, ok, err := b.Journal.Head(ctx, tenant, product)
	switch {
	case err != nil:
		return tip{}, false, wrapErr("book: journal head", err)
	case !ok:
		return tip{}, false, nil
	}
	if err := checkHead(&rec, tenant, product); err != nil {
		return tip{}, false, err
	}
	return tipOf(&rec), true, nil
}

// headRemembered reads the head of (tenant, product) as head does and
// remembers it: e is its entry in the Book's cache (nil: no head).
func (b *Book) headRemembered(ctx context.Context, tenant, product string) (head tip, e *tip, ok bool, err error) {
	if head, ok, err = b.head(ctx, tenant, product); err == nil && ok {
		e = b.cache.put(nil, &head)
	}
	return head, e, ok, err
}

// tipAfter is the head rec leaves, for a record the Book computed (its dates
// already at 00:00 UTC, unlike a record a Journal returns: see tipOf).
func tipAfter(rec *Record) tip {
	return tip{seq: rec.Seq, day: daymath.Of(rec.Outcome.At), after: rec.Outcome.After}
}

// checkHead refuses a head a Journal gave for (tenant, product) that is not
// that subscription's.
func checkHead(rec *Record, tenant, product string) error {
	switch {
	case rec.Seq < 1 || rec.Outcome.After.Tenant != tenant || rec.Outcome.After.Product != product:
		return brokenStore("book: journal head", notTheRequest)
	case rec.Kind != SubscriptionRecord:
		return invalid("book: the place holds %s records, not a subscription", rec.Kind)
	}
	return nil
}

// turnWindow is how long after a Book last saw contention on a subscription
// (a lost race, or a turn that found its remembered head stale) its
// redemptions there wait for their turn on a [TurnJournal] instead of
// appending on the remembered head first.
const turnWindow = 2 * time.Second

// marks is what a Book remembers of a subscription beyond its head: when it
// last saw contention there, and whether it found that its Journal lost
// acknowledged records there (see [Book.Forget]).
type marks struct {
	mu            sync.Mutex
	contended     map[place]time.Time
	lost          map[place]bool
	nlost         atomic.Int64 // len(lost), read without the lock: a Redeem asks isLost every time
	anyContention atomic.Bool  // contended ever written: a Redeem asks inTurn every time
}

// contend records that the Book saw contention on (tenant, product) now.
func (m *marks) contend(tenant, product string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.contended == nil || len(m.contended) >= maxCachedHeads {
		m.contended = make(map[place]time.Time)
	}
	m.contended[place{tenant, product}] = time.Now()
	m.anyContention.Store(true)
}

// inTurn reports whether redemptions on (tenant, product) go by turns.
func (m *marks) inTurn(tenant, product string) bool {
	if !m.anyContention.Load() {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	at, ok := m.contended[place{tenant, product}]
	return ok && time.Since(at) < turnWindow
}

func (m *marks) setLost(tenant, product string, lost bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := place{tenant, product}
	switch {
	case lost && m.lost == nil:
		m.lost = map[place]bool{k: true}
	case lost:
		m.lost[k] = true
	default:
		delete(m.lost, k)
	}
	m.nlost.Store(int64(len(m.lost)))
}

func (m *marks) isLost(tenant, product string) bool {
	if m.nlost.Load() == 0 { // the common case: no subscription is stopped
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lost[place{tenant, product}]
}

// headInTurn is the head h a turn on (tenant, product) read (ok false:
// none), checked: a head of another subscription is a broken store, and a
// head below the one the Book remembers there (none remembered: Seq 0)
// means the Journal lost acknowledged records, as a raced append finds by
// [ErrGap], which stops the subscription until [Book.Forget]. A head that
// moved since the one remembered marks the subscription contended.
func (b *Book) headInTurn(h *Record, ok bool, remembered int64, tenant, product string) (tip, error) {
	var head tip
	if ok {
		if err := checkHead(h, tenant, product); err != nil {
			return tip{}, err
		}
		head = tipOf(h)
	}
	switch {
	case head.seq < remembered:
		b.marks.setLost(tenant, product, true)
		return tip{}, lostRecordsErr("book: journal head", ErrGap)
	case head.seq != remembered:
		b.marks.contend(tenant, product) // another writer moved the head
	}
	return head, nil
}

// appendInTurn computes rec on the head tj reads in the subscription's turn
// and appends it there. why is the refusal compute returned, if any (then
// nothing was appended); a head that is not the subscription's is a broken
// store (err).
func (b *Book) appendInTurn(ctx context.Context, tj TurnJournal, rec *Record, tenant, product string, want int64, t *token.Token, op Operation, at time.Time) (stored Record, taken Taken, why, err error) {
	remembered, _, _ := b.cache.get(tenant, product) // none: Seq 0
	// The closure works on copies: t and rec must not escape, so that a
	// Redeem off the turn path allocates nothing for them.
	tok, cur := *t, Record{Fingerprint: rec.Fingerprint}
	defer func() { *rec = cur }()
	var broken error
	stored, taken, err = tj.AppendInTurn(ctx, tenant, product, func(h Record, ok bool) (Record, error) {
		var head tip
		if head, broken = b.headInTurn(&h, ok, remembered.seq, tenant, product); broken != nil {
			return Record{}, broken
		}
		cur = Record{Fingerprint: cur.Fingerprint}
		why = b.compute(&cur, &head, ok, tenant, product, want, &tok, op, at)
		return cur, why
	})
	switch {
	case broken != nil && err == broken:
		return stored, taken, nil, broken
	case why != nil && err == why:
		return stored, taken, why, nil
	}
	return stored, taken, nil, err
}

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
