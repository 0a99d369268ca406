package activation

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestMemIndex: a memIndex built by inserts in any order lists, after any
// place, the subscriptions after it in byte order of (tenant, product), as
// a sorted list (the model) does, and stays a B-tree: every leaf at one
// depth, every node but the root at least half full, none over full.
func TestMemIndex(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var x memIndex
		var model []subKey
		name := rapid.StringMatching(`[aBé ]{0,3}`)
		for range rapid.IntRange(0, 3000).Draw(t, "inserts") {
			k := subKey{name.Draw(t, "tenant"), fmt.Sprint(rapid.IntRange(0, 99).Draw(t, "product"))}
			i, found := slices.BinarySearchFunc(model, k, compareSubKey)
			if found {
				continue
			}
			model = slices.Insert(model, i, k)
			x.insert(&memHistory{tenant: k.tenant, product: k.product})
		}
		require.Equal(t, len(model), x.n)
		if x.root != nil {
			checkNode(t, x.root, true, depth(x.root))
		}
		for range 5 {
			after := subKey{name.Draw(t, "after tenant"), fmt.Sprint(rapid.IntRange(0, 99).Draw(t, "after product"))}
			limit := rapid.IntRange(1, len(model)+1).Draw(t, "limit")
			i, found := slices.BinarySearchFunc(model, after, compareSubKey)
			if found {
				i++
			}
			want := model[i:min(len(model), i+limit)]
			got := []subKey{}
			x.ascend(after, func(h *memHistory) bool {
				got = append(got, subKey{h.tenant, h.product})
				return len(got) < limit
			})
			require.Equal(t, append([]subKey{}, want...), got, "after %q, limit %d", after, limit)
		}
	})
}

func compareSubKey(a, b subKey) int {
	return compareKey(&memHistory{tenant: a.tenant, product: a.product}, b)
}

func depth(n *memNode) int {
	if n.kids == nil {
		return 1
	}
	return 1 + depth(n.kids[0])
}

func checkNode(t *rapid.T, n *memNode, root bool, d int) {
	require.LessOrEqual(t, len(n.items), memMaxItems)
	if !root {
		require.GreaterOrEqual(t, len(n.items), memMaxItems/2)
	}
	if n.kids == nil {
		require.Equal(t, 1, d, "a leaf at another depth")
		return
	}
	require.Len(t, n.kids, len(n.items)+1)
	for _, k := range n.kids {
		checkNode(t, k, false, d-1)
	}
}
