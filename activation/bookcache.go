package activation

import (
	"context"
	"sync"
	"time"

	"github.com/coterm/coterm/internal/daymath"
	"github.com/coterm/coterm/token"
)

// maxCachedHeads bounds a Book's head cache: past it, the cache forgets an
// arbitrary entry for each new one, so a Book that serves millions of
// subscriptions keeps at most this many records in memory.
const maxCachedHeads = 1 << 14

// headCache remembers the last head a Book read or appended per subscription,
// so that a redemption usually costs one round trip to the Journal (the
// Append) instead of two (Head, then Append).
//
// A cached head is only ever a guess: the Journal's unique place decides.
// A stale head makes the Append find its place taken (or, on a Journal that
// has less than the head remembered, refuse a gap with [ErrGap]), and the
// redemption is then computed again on a head read from the Journal. A refusal, or a
// preview's Seq that does not match, is never answered from the cache: it is
// checked again on a head read from the Journal. Reads that report state
// ([Book.Subscription], [Book.History], [Book.Preview]) never use the cache.
type headCache struct {
	mu    sync.Mutex
	heads map[place]*Record
}

type place struct{ tenant, product string }

func (c *headCache) get(tenant, product string) (Record, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rec := c.heads[place{tenant, product}]; rec != nil {
		return *rec, true
	}
	return Record{}, false
}

func (c *headCache) put(rec *Record) {
	k := place{rec.Outcome.After.Tenant, rec.Outcome.After.Product}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.heads[k]; old != nil {
		if old.Seq < rec.Seq {
			*old = *rec
		}
		return
	}
	if c.heads == nil {
		c.heads = make(map[place]*Record)
	}
	if len(c.heads) >= maxCachedHeads {
		for victim := range c.heads {
			delete(c.heads, victim)
			break
		}
	}
	copied := *rec
	c.heads[k] = &copied
}

func (c *headCache) forget(tenant, product string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.heads, place{tenant, product})
}

// current returns the head of (tenant, product) a redemption computes on:
// the one this Book remembers (cached), or else the Journal's, remembered
// from now on.
func (b *Book) current(ctx context.Context, tenant, product string) (head Record, ok, cached bool, err error) {
	if head, ok = b.cache.get(tenant, product); ok {
		return head, true, true, nil
	}
	if head, ok, err = b.head(ctx, tenant, product); ok {
		b.cache.put(&head)
	}
	return head, ok, false, err
}

// head returns the head of (tenant, product) with its dates in UTC.
func (b *Book) head(ctx context.Context, tenant, product string) (Record, bool, error) {
	head, ok, err := b.Journal.Head(ctx, tenant, product)
	switch {
	case err != nil:
		return Record{}, false, wrapErr("book: journal head", err)
	case !ok:
		return Record{}, false, nil
	case head.Seq < 1 || head.Outcome.After.Tenant != tenant || head.Outcome.After.Product != product:
		return Record{}, false, brokenStore("book: journal head", notTheRequest)
	}
	return recordUTC(head), true, nil
}

// compute makes the record of redeeming t on head (ok false: none), or
// returns why not: the subscription changed since want, Policy.Apply
// refuses, or the day is before the head's.
func (b *Book) compute(head *Record, ok bool, tenant, product string, want int64, t *token.Token, op Operation, at time.Time) (Record, error) {
	if want != anySeq && want != head.Seq {
		return Record{}, changed(want, t)
	}
	s := Subscription{Tenant: tenant, Product: product}
	if ok {
		s = head.Outcome.After
	}
	o, err := b.Policy.Apply(s, *t, op, at)
	if err != nil {
		return Record{}, err
	}
	if day := daymath.Of(at); ok && day.Valid() {
		if err := checkOrder(day, head); err != nil {
			return Record{}, err
		}
	}
	o.Token.Key = token.Key{} // a journal stores fingerprints, never keys
	return Record{Outcome: o, Seq: head.Seq + 1, KeyTail: t.Key.Last5(), Policy: b.Policy.Name, RecordedAt: b.now()}, nil
}
