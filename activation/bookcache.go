package activation

import (
	"context"
	"sync"

	"github.com/coterm/coterm/internal/daymath"
)

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
	case rec.Seq < 1 || rec.Outcome.After.Tenant != tenant || rec.Outcome.After.Product != product:
		return tip{}, false, brokenStore("book: journal head", notTheRequest)
	}
	return tipOf(&rec), true, nil
}
