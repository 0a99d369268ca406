package ledgertest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/coterm/coterm/activation"
	"github.com/coterm/coterm/token"
)

// testJournalHeadsAfter: a store with pages lists every head, once, by
// tenant then product in byte order, from any place and in pages of any
// size, through either handle; claims and earlier records are not heads.
func testJournalHeadsAfter(t *testing.T, js [2]activation.Journal) {
	first, ok := js[0].(activation.PagedJournal)
	if !ok {
		t.Skip("the store has no pages (activation.PagedJournal)")
	}
	second, ok := js[1].(activation.PagedJournal)
	require.True(t, ok, "the second handle has no pages, the first has")
	ctx := context.Background()
	// Byte order, not a language's: "B" < "a" < "a b" < "ab" < "b" < "z" < "é".
	places := [][2]string{{"b", "p"}, {"a", "q"}, {"é", "p"}, {"a", "p"}, {"B", "p"}, {"ab", "p"}, {"a b", "p"}, {"z", "é"}, {"z", "e"}}
	type head struct {
		tenant, product string
		seq             int
	}
	var heads []head
	for i, p := range places {
		n := i%3 + 1 // histories of 1, 2 or 3 records
		for seq := 1; seq <= n; seq++ {
			r := place(p[0], int64(seq), token.Key{}, seq)
			r.Outcome.After.Product, r.Outcome.Before.Product = p[1], p[1]
			requireAppend(t, first, r, activation.NothingTaken, r)
		}
		heads = append(heads, head{p[0], p[1], n})
	}
	if l, ok := js[0].(activation.Ledger); ok { // a claim has no place: it is no head
		_, _, err := l.Claim(ctx, syntheticRecord(key(t, "PAGE", 1), "a", 1))
		require.NoError(t, err)
	}
	slices.SortFunc(heads, func(a, b head) int {
		return cmp.Or(strings.Compare(a.tenant, b.tenant), strings.Compare(a.product, b.product))
	})
	var want []string
	for _, h := range heads {
		want = append(want, fmt.Sprintf("%s/%s/%d", h.tenant, h.product, h.seq))
	}
	list := func(j activation.PagedJournal, tenant, product string, limit int) []string {
		var out []string
		for {
			page, err := j.HeadsAfter(ctx, tenant, product, limit)
			require.NoError(t, err, "HeadsAfter(%q, %q, %d)", tenant, product, limit)
			require.LessOrEqual(t, len(page), limit, "a page holds more than limit heads")
			if len(page) == 0 {
				return out
			}
			for _, h := range page {
				tenant, product = h.Outcome.After.Tenant, h.Outcome.After.Product
				out = append(out, fmt.Sprintf("%s/%s/%d", tenant, product, h.Seq))
			}
		}
	}
	for _, limit := range []int{1, 2, 4, 1000} {
		assert.Equal(t, want, list(first, "", "", limit), "limit %d", limit)
		assert.Equal(t, want, list(second, "", "", limit), "limit %d, second handle", limit)
	}
	assert.Equal(t, want[4:], list(first, "a b", "p", 3), "after a place that is a subscription")
	assert.Equal(t, want[3:], list(first, "a", "zz", 3), "after a place that is none")
	assert.Equal(t, want[7:], list(first, "z", "ef", 3), "after a place between two products")
	assert.Empty(t, list(first, "é", "p", 1), "after the last")

	page, err := first.HeadsAfter(ctx, "ab", "", 1)
	require.NoError(t, err)
	require.Len(t, page, 1)
	h, ok, err := first.Head(ctx, "ab", "p")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, utc(h), utc(page[0]), "the page holds the head (Seq 3) as Head returns it")

	_, err = first.HeadsAfter(ctx, "", "", 0)
	require.Error(t, err, "limit 0")
	done, cancel := context.WithCancel(ctx)
	cancel()
	_, err = first.HeadsAfter(done, "", "", 10)
	require.ErrorIs(t, err, context.Canceled)
}
