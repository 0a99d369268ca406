package activation

import (
	"context"
	"sync"
	"time"

	"github.com/coterm/coterm/token"
)

// TurnJournal is a [Journal] that can queue the writers of one
// subscription instead of letting them race. AppendInTurn waits for the
// turn of (tenant, product), which at most one AppendInTurn of that
// subscription holds at a time in any process, reads the head as Head does,
// calls next with it (ok false: none), and appends the record next returns
// as Append does, keeping the turn until that append is durable or refused.
// If next returns an error, nothing is appended and that error is returned
// as it is. A plain Append does not wait for turns, so the answer may still
// be PlaceTaken. next may be called again if the store retries.
type TurnJournal interface {
	Journal
	AppendInTurn(ctx context.Context, tenant, product string, next func(head Record, ok bool) (Record, error)) (stored Record, taken Taken, err error)
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
	mu        sync.Mutex
	contended map[place]time.Time
	lost      map[place]bool
}

// contend records that the Book saw contention on (tenant, product) now.
func (m *marks) contend(tenant, product string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.contended == nil || len(m.contended) >= maxCachedHeads {
		m.contended = make(map[place]time.Time)
	}
	m.contended[place{tenant, product}] = time.Now()
}

// inTurn reports whether redemptions on (tenant, product) go by turns.
func (m *marks) inTurn(tenant, product string) bool {
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
}

func (m *marks) isLost(tenant, product string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lost[place{tenant, product}]
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
		if ok {
			if h.Seq < 1 || h.Outcome.After.Tenant != tenant || h.Outcome.After.Product != product {
				broken = brokenStore("book: journal head", notTheRequest)
				return Record{}, broken
			}
			head = tipOf(&h)
		}
		if remembered.seq != head.seq {
			b.marks.contend(tenant, product) // another writer moved the head
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
