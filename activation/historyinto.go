package activation

import (
	"context"
	"slices"
	"sync"
)

// appendHistory appends to dst what History returns, into dst's memory.
func (j *MemoryJournal) appendHistory(ctx context.Context, dst []Record, tenant, product string, afterSeq int64, limit int) ([]Record, error) {
	if err := j.start(ctx, "history"); err != nil {
		return dst, err
	}
	defer j.mu.Unlock()
	if limit < 1 {
		return dst, invalid("memory journal: history: limit %d, want 1 or more", limit)
	}
	h := j.subs[subKey{tenant, product}]
	if h == nil {
		return dst, nil // no history: no records
	}
	from := min(max(afterSeq, 0), int64(h.len()))
	to := from + min(int64(limit), int64(h.len())-from) // from+limit may overflow
	n := len(dst)
	dst = slices.Grow(dst, int(to-from))[:n+int(to-from)]
	j.loadPage(dst[n:], func(k int) int { return h.at(int(from) + k) })
	return dst, nil
}

// pages holds history pages for reuse: a streaming read of many short
// histories (an audit, a position) then reuses one page's memory.
var pages = sync.Pool{New: func() any { return new([]Record) }}

// historyPage reads the page of (tenant, product) after seq n: into buf,
// which it returns for the next page, when reuse is asked and the Journal
// is a *MemoryJournal itself (not a type that embeds one: its History may
// be its own); in a new slice from Journal.History otherwise.
func (b *Book) historyPage(ctx context.Context, buf []Record, reuse bool, tenant, product string, n int64) ([]Record, error) {
	if j, ok := b.Journal.(*MemoryJournal); ok && reuse {
		return j.appendHistory(ctx, buf[:0], tenant, product, n, historyPage)
	}
	return b.Journal.History(ctx, tenant, product, n, historyPage)
}
