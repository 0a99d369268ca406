package activation

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func cachedHead(tenant string, seq int64) *tip {
	return &tip{seq: seq, after: Subscription{Tenant: tenant, Product: "O365-E3"}}
}

// TestHeadCacheKeepsTheNewestHead: the cache remembers a head per
// subscription, for each subscription apart, and an older head read late
// never replaces a newer one (a Book would otherwise compute on it and be
// refused by the Journal once more).
func TestHeadCacheKeepsTheNewestHead(t *testing.T) {
	var c headCache
	_, _, ok := c.get("a", "O365-E3")
	assert.False(t, ok, "an empty cache has a head")
	c.put(nil, cachedHead("a", 5))
	c.put(nil, cachedHead("b", 1))
	c.put(nil, cachedHead("a", 3))
	rec, _, ok := c.get("a", "O365-E3")
	require.True(t, ok)
	assert.EqualValues(t, 5, rec.seq, "an older head replaced a newer one")
	rec, _, ok = c.get("b", "O365-E3")
	require.True(t, ok, "a second subscription made the cache forget the first")
	assert.EqualValues(t, 1, rec.seq)
	c.put(nil, cachedHead("a", 6))
	rec, _, _ = c.get("a", "O365-E3")
	assert.EqualValues(t, 6, rec.seq, "a newer head is not remembered")
	c.forget("a", "O365-E3")
	_, _, ok = c.get("a", "O365-E3")
	assert.False(t, ok, "forget kept the head")
	_, _, ok = c.get("b", "O365-E3")
	assert.True(t, ok, "forget dropped another subscription")
}

// TestHeadCacheBound: a Book serving more subscriptions than maxCachedHeads
// keeps exactly maxCachedHeads heads in memory, and a new head of a
// subscription it already remembers evicts none.
func TestHeadCacheBound(t *testing.T) {
	var c headCache
	for i := range maxCachedHeads {
		c.put(nil, cachedHead(fmt.Sprint(i), 1))
	}
	require.Len(t, c.heads, maxCachedHeads, "the cache is not full")
	for i := range maxCachedHeads {
		c.put(nil, cachedHead(fmt.Sprint(i), 2))
	}
	require.Len(t, c.heads, maxCachedHeads, "a newer head of a remembered subscription evicted another")
	for i := range 10 {
		c.put(nil, cachedHead(fmt.Sprint("new", i), 1))
		require.Len(t, c.heads, maxCachedHeads, "the cache grew past its bound")
		_, _, ok := c.get(fmt.Sprint("new", i), "O365-E3")
		require.True(t, ok, "the newest head was evicted")
	}
}
