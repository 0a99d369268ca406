package activation

import (
	"cmp"
	"context"
	"slices"
	"sort"
	"strings"
)

// memIndex is a [MemoryJournal]'s subscriptions in byte order of (tenant,
// product): a B-tree that only grows, as a Journal never forgets a
// subscription. A new subscription costs O(log n) comparisons and the move
// of at most memFanout pointers; a page of heads costs a descent and the
// page. The zero value is empty.
type memIndex struct {
	root *memNode
	n    int // how many subscriptions it holds
}

// memFanout is the most subtrees a node has; it holds one subscription fewer.
const (
	memFanout   = 64
	memMaxItems = memFanout - 1
)

// memNode is a node of a memIndex: its subscriptions in order and, unless it
// is a leaf, len(items)+1 subtrees, kids[i] holding the subscriptions
// between items[i-1] and items[i].
type memNode struct {
	items []*memHistory
	kids  []*memNode
}

// compareKey compares h's place with k in byte order, tenant first.
func compareKey(h *memHistory, k subKey) int {
	return cmp.Or(strings.Compare(h.tenant, k.tenant), strings.Compare(h.product, k.product))
}

// search returns the index of n's first subscription after k.
func (n *memNode) search(k subKey) int {
	return sort.Search(len(n.items), func(i int) bool { return compareKey(n.items[i], k) > 0 })
}

// insert adds h, whose place the index does not hold. Full nodes are split
// on the way down, so that a split never climbs back.
func (x *memIndex) insert(h *memHistory) {
	switch {
	case x.root == nil:
		x.root = &memNode{}
	case len(x.root.items) == memMaxItems:
		x.root = &memNode{kids: []*memNode{x.root}}
		x.root.split(0)
	}
	x.n++
	k := subKey{h.tenant, h.product}
	for n := x.root; ; {
		i := n.search(k)
		if n.kids == nil {
			n.items = slices.Insert(n.items, i, h)
			return
		}
		if len(n.kids[i].items) == memMaxItems {
			n.split(i)
			if compareKey(n.items[i], k) < 0 {
				i++
			}
		}
		n = n.kids[i]
	}
}

// split splits n's full subtree i in two around its middle subscription,
// which moves up into n.
func (n *memNode) split(i int) {
	const mid = memMaxItems / 2
	c := n.kids[i]
	right := &memNode{items: slices.Clone(c.items[mid+1:])}
	median := c.items[mid]
	clear(c.items[mid:])
	c.items = c.items[:mid]
	if c.kids != nil {
		right.kids = slices.Clone(c.kids[mid+1:])
		clear(c.kids[mid+1:])
		c.kids = c.kids[:mid+1]
	}
	n.items = slices.Insert(n.items, i, median)
	n.kids = slices.Insert(n.kids, i+1, right)
}

// ascend calls f with each subscription after k, in order, until f returns
// false.
func (x *memIndex) ascend(k subKey, f func(*memHistory) bool) {
	if x.root != nil {
		x.root.ascend(k, f)
	}
}

// ascend is memIndex.ascend on the subtree n; it returns false if f did.
func (n *memNode) ascend(k subKey, f func(*memHistory) bool) bool {
	for i := n.search(k); ; i++ {
		if n.kids != nil && !n.kids[i].ascend(k, f) {
			return false
		}
		if i == len(n.items) {
			return true
		}
		if !f(n.items[i]) {
			return false
		}
	}
}

// HeadsAfter implements [PagedJournal] from an ordered index of the
// subscriptions, kept as they are created: a page costs a descent of the
// index and the copies of its heads.
func (j *MemoryJournal) HeadsAfter(ctx context.Context, afterTenant, afterProduct string, limit int) ([]Record, error) {
	if err := j.start(ctx, "heads after"); err != nil {
		return nil, err
	}
	defer j.mu.Unlock()
	if limit < 1 {
		return nil, invalid("memory journal: heads after: limit %d, want 1 or more", limit)
	}
	heads := make([]int, 0, min(limit, j.index.n))
	j.index.ascend(subKey{afterTenant, afterProduct}, func(h *memHistory) bool {
		heads = append(heads, h.last())
		return len(heads) < limit
	})
	out := make([]Record, len(heads))
	j.loadPage(out, func(k int) int { return heads[k] })
	return out, nil
}
