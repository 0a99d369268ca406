package activation

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMemIndexDeep: an index of thousands of subscriptions, inserted in
// order, in reverse order or shuffled, is a B-tree of three levels or more
// (its root and inner nodes have been split) that lists, after any place,
// the subscriptions after it in byte order.
func TestMemIndexDeep(t *testing.T) {
	const n = 6000
	model := make([]subKey, n)
	for i := range model {
		model[i] = subKey{fmt.Sprintf("t%02d", i/100), fmt.Sprintf("p%02d", i%100)}
	}
	orders := map[string][]int{"ascending": make([]int, n), "descending": make([]int, n)}
	for i := range n {
		orders["ascending"][i], orders["descending"][i] = i, n-1-i
	}
	orders["shuffled"] = rand.New(rand.NewPCG(1, 2)).Perm(n)
	for name, order := range orders {
		var x memIndex
		for _, i := range order {
			x.insert(&memHistory{tenant: model[i].tenant, product: model[i].product})
		}
		require.Equal(t, n, x.n, name)
		d := depth(x.root)
		require.GreaterOrEqual(t, d, 3, name)
		requireBTree(t, x.root, true, d)
		for _, after := range []subKey{{}, model[0], model[31], model[32], model[1999], model[2047], model[n/2], model[n-2], model[n-1], {"t05", "p5"}, {"u", ""}} {
			i, found := slices.BinarySearchFunc(model, after, compareSubKey)
			if found {
				i++
			}
			got := []subKey{}
			x.ascend(after, func(h *memHistory) bool {
				got = append(got, subKey{h.tenant, h.product})
				return true
			})
			require.Equal(t, append([]subKey{}, model[i:]...), got, "%s: after %v", name, after)
		}
	}
}

// requireBTree requires the subtree n to be a B-tree node whose leaves are
// d levels down: its items in order, as many as fit and, but for the root,
// at least half, its subtrees one more than its items, each holding only
// what lies between the items around it.
func requireBTree(t *testing.T, n *memNode, root bool, d int) {
	require.LessOrEqual(t, len(n.items), memMaxItems)
	if !root {
		require.GreaterOrEqual(t, len(n.items), memMaxItems/2)
	}
	for i := 1; i < len(n.items); i++ {
		require.Negative(t, compareKey(n.items[i-1], subKey{n.items[i].tenant, n.items[i].product}))
	}
	if n.kids == nil {
		require.Equal(t, 1, d, "a leaf at another depth")
		return
	}
	require.Len(t, n.kids, len(n.items)+1)
	for i, k := range n.kids {
		require.NotNil(t, k)
		if i > 0 {
			require.Positive(t, compareKey(k.items[0], subKey{n.items[i-1].tenant, n.items[i-1].product}))
		}
		if i < len(n.items) {
			require.Negative(t, compareKey(k.items[len(k.items)-1], subKey{n.items[i].tenant, n.items[i].product}))
		}
		requireBTree(t, k, false, d-1)
	}
}
