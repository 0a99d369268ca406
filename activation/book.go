package activation

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// Book keeps every tenant's subscriptions and their history in a [Journal],
// exactly once per key (R2) and with no lost update, for any number of Books
// in any number of processes sharing one Journal. A subscription (tenant,
// product, byte for byte) has records at Seq 1, 2, 3, …; the last is its
// head. Redeem computes on the head and appends at its Seq + 1, reading the
// head again while another record takes the place, for as long as ctx
// allows; a stale head it remembers costs a retry, never an answer. A spent
// key answers first: the identical request (key, names, token, operation
// and day; not the state before) replays its Outcome, any other is
// [ErrAlreadyRedeemed]. A refusal records nothing; retrying after a store
// error converges on one record. Use a Book through a pointer; do not copy
// it or replace its Journal after first use.
type Book struct {
	// Policy computes every redemption and the lifecycle dates of Due. Its
	// Name, recorded with every record, must be empty or pass [CheckName].
	Policy Policy
	// Journal stores the records. It must not be nil.
	Journal Journal

	// Clock, if not nil, gives the wall-clock time recorded as
	// Record.RecordedAt (for tests); nil means time.Now.
	Clock func() time.Time
	// Retries, if not nil, counts every recomputation after an Append failed
	// to store because its place was taken.
	Retries *atomic.Int64

	cache   headCache // the last head seen per subscription
	marks   marks     // contention and lost records seen per subscription
	combine combiner  // redemptions queued on contended subscriptions
}

// ErrChanged: [Book.RedeemIfUnchanged] found the subscription changed since
// the preview it names. Nothing was recorded; the key is not spent.
var ErrChanged = errors.New("activation: subscription changed since the preview")

const (
	historyPage = 1000 // how many records History asks the Journal for at once
	anySeq      = -1   // the expected Seq of a Redeem that accepts any head
	// notTheRequest says what a Journal broke by answering with a record
	// that does not answer the request.
	notTheRequest = "it returned a record that does not answer the request"
)

// Import records a subscription as it stands elsewhere (the admin portal) on
// day at, to start tracking it or correct it: a record with Op [Import], its
// Before the head's After, its After s (End as a date at 00:00 UTC). An
// import equal to the head records nothing. s must be valid, its names pass
// [CheckName], and at must not be before the subscription's last record.
func (b *Book) Import(ctx context.Context, s Subscription, at time.Time) error {
	if err := b.check(ctx, "import"); err != nil {
		return err
	}
	if err := checkNames(s.Tenant, s.Product); err != nil {
		return err
	}
	end, err := validateSubscription(&s)
	if err != nil {
		return err
	}
	if !s.IsNone() {
		s.End = end.Time()
	}
	day, err := dayOf("import day", at)
	if err != nil {
		return err
	}
	if b.marks.isLost(s.Tenant, s.Product) {
		return lostRecords("book: import")
	}
	for {
		if err := ctx.Err(); err != nil {
			return wrapErr("book: import", err)
		}
		head, ok, err := b.head(ctx, s.Tenant, s.Product)
		if err != nil {
			return err
		}
		before := Subscription{Tenant: s.Tenant, Product: s.Product}
		if ok {
			if err := checkOrder(day, head.day); err != nil {
				return err
			}
			before = head.after
		}
		if sameState(before, s) {
			return nil
		}
		rec := Record{
			Outcome: Outcome{
				Op: Import, Applied: Import, At: day.Time(),
				Before: before, After: s, StateBefore: b.Policy.State(before, at),
			},
			Seq: head.seq + 1, Policy: b.Policy.Name, RecordedAt: b.now(),
		}
		stored, taken, err := b.Journal.Append(ctx, rec)
		switch {
		case err != nil:
			b.cache.forget(s.Tenant, s.Product)
			return wrapErr("book: import: journal", err)
		case taken == PlaceTaken && samePlace(&stored, &rec):
			b.retried()
			continue
		case taken != NothingTaken:
			return brokenStore("book: import", notTheRequest)
		}
		b.cache.put(nil, &tip{seq: rec.Seq, day: day, after: s})
		return nil
	}
}

// sameState reports whether a and b are the same subscription state: the
// same seats and end date (as dates).
func sameState(a, b Subscription) bool {
	if a.IsNone() || b.IsNone() {
		return a.IsNone() && b.IsNone()
	}
	return a.Seats == b.Seats && daymath.Of(a.End) == daymath.Of(b.End)
}

// Subscription returns the current state of (tenant, product); ok is false if
// the book has none.
func (b *Book) Subscription(ctx context.Context, tenant, product string) (s Subscription, ok bool, err error) {
	if err := b.check(ctx, "subscription"); err != nil {
		return Subscription{}, false, err
	}
	if err := checkNames(tenant, product); err != nil {
		return Subscription{}, false, err
	}
	head, ok, err := b.head(ctx, tenant, product)
	return head.after, ok, err
}

// Subscriptions returns the current state of every subscription the book
// tracks, ordered by tenant, then product (byte order): what
// [Book.SubscriptionsSeq] yields, read as it reads (a page at a time).
func (b *Book) Subscriptions(ctx context.Context) ([]Subscription, error) {
	return collect([]Subscription{}, b.SubscriptionsSeq(ctx))
}

// Redeem applies the key to the current state of (tenant, product), none if
// untracked (only Activate applies, R7), and records it exactly once (see
// [Book]). The Outcome is new, or the identical request's (Replayed); its
// Token.Key is t.Key. A refusal, or a day before the last record
// ([ErrInvalid]), records nothing.
func (b *Book) Redeem(ctx context.Context, tenant, product string, t token.Token, op Operation, at time.Time) (Outcome, error) {
	return b.redeem(ctx, tenant, product, anySeq, &t, op, at)
}

// RedeemIfUnchanged is [Book.Redeem] that succeeds only if the subscription's
// head is still at seq, the Seq of a [Book.Preview] (0: still untracked):
// otherwise it fails with [ErrChanged] and records nothing. A request for a
// recorded key answers as in Redeem, before this check.
func (b *Book) RedeemIfUnchanged(ctx context.Context, tenant, product string, seq int64, t token.Token, op Operation, at time.Time) (Outcome, error) {
	if seq < 0 {
		return Outcome{}, invalid("book: redeem: Seq %d, want 0 or more", seq)
	}
	return b.redeem(ctx, tenant, product, seq, &t, op, at)
}

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

func changed(want int64, t *token.Token) error {
	return fmt.Errorf("%w (previewed at record %d): %v not redeemed", ErrChanged, want, t.Key)
}

// History returns every record of (tenant, product), oldest first, with
// dates in UTC. It is empty for a subscription the book does not track.
func (b *Book) History(ctx context.Context, tenant, product string) ([]Record, error) {
	var out []Record
	err := b.historyPages(ctx, tenant, product, false, func(page []Record) bool {
		if out == nil {
			out = page // the common case, one page: no copy
		} else {
			out = append(out, page...)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Lookup returns the record of key k, if it is spent: redeemed through a
// Book (Seq ≥ 1) or claimed through a [Redeemer] on a store that is also a
// [Ledger] (Seq 0).
func (b *Book) Lookup(ctx context.Context, k token.Key) (Record, bool, error) {
	if err := b.check(ctx, "lookup"); err != nil {
		return Record{}, false, err
	}
	if k.IsZero() {
		return Record{}, false, invalid("book: lookup: zero key")
	}
	fp := k.Fingerprint()
	rec, ok, err := b.Journal.Lookup(ctx, fp)
	switch {
	case err != nil:
		return Record{}, false, wrapErr("book: lookup "+k.String()+": journal", err)
	case ok && rec.Fingerprint != fp:
		return Record{}, false, brokenStore("book: lookup "+k.String(), notTheRequest)
	}
	return recordUTC(rec), ok, nil
}

// check refuses a nil Book, a Book without a Journal or with an invalid
// Policy, and a nil context.
func (b *Book) check(ctx context.Context, what string) error {
	switch {
	case b == nil:
		return invalid("book: %s: nil Book", what)
	case b.Journal == nil:
		return invalid("book: %s: Book has no Journal", what)
	case ctx == nil:
		return invalid("book: %s: nil context", what)
	}
	if err := b.Policy.Validate(); err != nil {
		return wrapErr("book: "+what, err)
	}
	return checkPolicyName(&b.Policy)
}

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
