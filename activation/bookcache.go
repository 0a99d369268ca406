package activation

import "sync"

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
	heads map[place]Record
}

type place struct{ tenant, product string }

func (c *headCache) get(tenant, product string) (Record, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rec, ok := c.heads[place{tenant, product}]
	return rec, ok
}

func (c *headCache) put(rec *Record) {
	k := place{rec.Outcome.After.Tenant, rec.Outcome.After.Product}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.heads[k]; ok && old.Seq >= rec.Seq {
		return
	}
	if c.heads == nil {
		c.heads = make(map[place]Record)
	}
	if _, ok := c.heads[k]; !ok && len(c.heads) >= maxCachedHeads {
		for victim := range c.heads {
			delete(c.heads, victim)
			break
		}
	}
	c.heads[k] = *rec
}

func (c *headCache) forget(tenant, product string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.heads, place{tenant, product})
}
